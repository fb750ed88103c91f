/* SPDX-License-Identifier: MIT */
/*
 * Prep entry points (R2): each checks its arguments against the channel's
 * device before the provider sees them, so every provider refuses bad input
 * the same way: NULL and one diagnostic naming the argument. The channel
 * stays usable.
 */
#include <inttypes.h>

#include "internal.h"
#include <udma/trace-hooks.h>

static const char *const cap_names[DMA_TX_TYPE_END] = {
	[DMA_MEMCPY] = "DMA_MEMCPY", [DMA_MEMSET] = "DMA_MEMSET",
	[DMA_INTERRUPT] = "DMA_INTERRUPT", [DMA_SLAVE] = "DMA_SLAVE",
	[DMA_CYCLIC] = "DMA_CYCLIC", [DMA_INTERLEAVE] = "DMA_INTERLEAVE",
};

static const char *const dir_names[] = {
	"DMA_MEM_TO_MEM", "DMA_MEM_TO_DEV", "DMA_DEV_TO_MEM", "DMA_DEV_TO_DEV",
};

static const char *dir_name(enum dma_transfer_direction dir)
{
	return (unsigned int)dir < 4 ? dir_names[dir] : "an unknown direction";
}

/* The checks every prep shares: channel, capability, flags. Registration
 * made sure each capability has its prep op. */
static bool cap_flags_ok(struct dma_chan *chan, const char *func,
			 enum dma_transaction_type cap, unsigned long flags)
{
	if (!dma_has_cap(cap, chan->device->cap_mask)) {
		udma_chan_diag(chan, func, "device has no %s capability", cap_names[cap]);
		return false;
	}
	if (flags & ~(unsigned long)KNOWN_PREP_FLAGS) {
		udma_chan_diag(chan, func, "flags 0x%lx: unknown bits 0x%lx", flags,
			       flags & ~(unsigned long)KNOWN_PREP_FLAGS);
		return false;
	}
	if ((flags & DMA_CTRL_REUSE) && !chan->device->descriptor_reuse) {
		udma_chan_diag(chan, func, "flags: DMA_CTRL_REUSE but the device has no descriptor reuse");
		return false;
	}
	/* the kernel refuses these in interleaved preps; every prep here, as no
	 * device would honour them without the capability */
	if (!udma_repeat_flags_fine(chan->device, flags)) {
		bool repeat = (flags & DMA_PREP_REPEAT) &&
			      !dma_has_cap(DMA_REPEAT, chan->device->cap_mask);

		udma_chan_diag(chan, func, "flags: %s but the device has no %s capability",
			       repeat ? "DMA_PREP_REPEAT" : "DMA_PREP_LOAD_EOT",
			       repeat ? "DMA_REPEAT" : "DMA_LOAD_EOT");
		return false;
	}
	return true;
}

static bool prep_ok(struct dma_chan *chan, const char *func,
		    enum dma_transaction_type cap, unsigned long flags)
{
	return udma_chan_usable(chan, func) && cap_flags_ok(chan, func, cap, flags);
}

static bool dir_ok(struct dma_chan *chan, const char *func,
		   enum dma_transfer_direction dir, bool slave_only)
{
	if ((unsigned int)dir >= DMA_TRANS_NONE ||
	    (slave_only && dir != DMA_MEM_TO_DEV && dir != DMA_DEV_TO_MEM)) {
		udma_chan_diag(chan, func, "direction %d is not %s", (int)dir,
			       slave_only ? "DMA_MEM_TO_DEV or DMA_DEV_TO_MEM"
					  : "a transfer direction");
		return false;
	}
	if (!(chan->device->directions & (1u << dir))) {
		udma_chan_diag(chan, func, "direction %s is not supported by the device",
			       dir_name(dir));
		return false;
	}
	return true;
}

static bool addr_ok(struct dma_chan *chan, const char *func, const char *what,
		    dma_addr_t addr, size_t len)
{
	if (addr == DMA_MAPPING_ERROR) {
		udma_chan_diag(chan, func, "%s is DMA_MAPPING_ERROR", what);
		return false;
	}
	if (addr + len < addr) {
		udma_chan_diag(chan, func, "%s 0x%" PRIx64 " + len %zu wraps around", what,
			       addr, len);
		return false;
	}
	return true;
}

/* A provider's fresh descriptor (not NULL, not an error) becomes the
 * client's, unsubmitted, with no callback yet. */
static inline void client_owns(struct dma_async_tx_descriptor *tx)
{
	tx->callback = NULL;
	tx->callback_result = NULL;
	tx->callback_param = NULL;
	/* a recycled descriptor starts without a metadata mode, as a fresh one */
	tx->desc_metadata_mode = DESC_METADATA_NONE;
	/* release: the fields above before the tag; pairs with the
	 * smp_load_acquire()s of udma_state (submit.c, metadata.c) */
	smp_store_release(&tx->udma_state, UDMA_DESC_PREPARED);
}

/* The calling thread's last prep, for strict mode's unsubmitted check. */
static _Thread_local void *last_prep;

/*
 * Marks a provider's fresh descriptor as owned by the client, unsubmitted.
 * Strict mode remembers it: a prep while the same thread's previous one on
 * the channel was never submitted deadlocks on kernel drivers whose prep
 * takes a lock that tx_submit releases (ioatdma does), so it is reported
 * here. Another thread's unsubmitted prep only makes such a driver wait,
 * and is not reported.
 */
static inline __attribute__((always_inline)) struct dma_async_tx_descriptor *
prepared(struct dma_chan *chan, const char *func, struct dma_async_tx_descriptor *tx)
{
	if (__builtin_expect(tx && !IS_ERR(tx), 1)) {
		if (__builtin_expect(udma_strict_now() != UDMA_STRICT_OFF, 0)) {
			/* relaxed: compared, never dereferenced */
			void *prev = xchg_relaxed(&chan->udma.unsubmitted, (void *)tx);

			if (prev && prev != tx && prev == last_prep)
				udma_misuse(chan, func, MISUSE_UNSUBMITTED_PREP,
					    "the previous descriptor prepared on this channel was never "
					    "submitted (on drivers whose prep holds a lock until submit, "
					    "this prep would deadlock)");
			last_prep = tx;
		}
		client_owns(tx);
		/* a recycled descriptor must not count as what it was last */
		tx->udma_acct = udma_acct(UDMA_ACCT_OTHER, 0);
		return tx;
	}
	return NULL;
}

/* @tx (a prep's result, or NULL) as traced: the prep slice began at @t0. */
static inline struct dma_async_tx_descriptor *traced(struct dma_async_tx_descriptor *tx, uint64_t t0,
						     uint64_t bytes, enum dma_transfer_direction dir)
{
	if (udma_trace_on() && tx)
		udma_trace_prep(tx->chan, t0, bytes, dir);
	return tx;
}

/* What submitting @tx (prepared()'s result, or NULL) counts as. */
static inline struct dma_async_tx_descriptor *counted(struct dma_async_tx_descriptor *tx,
						      enum udma_acct_kind kind, uint64_t bytes)
{
	if (tx)	/* saturated: the count has 61 bits */
		tx->udma_acct = udma_acct(kind, bytes < UINT64_MAX >> 3 ? bytes : UINT64_MAX >> 3);
	return tx;
}

/*
 * What memcpy and memset (@src NULL) share: a length, addresses that are
 * not mapping errors and do not wrap, and the device's alignment.
 */
static bool mem_args_ok(struct dma_chan *chan, const char *f, dma_addr_t dest,
			const dma_addr_t *src, size_t len, unsigned int align_log2,
			const char *align_name)
{
	size_t mask = ((size_t)1 << align_log2) - 1;

	if (len == 0) {
		udma_chan_diag(chan, f, "len 0: must be > 0");
		return false;
	}
	if (!addr_ok(chan, f, "dest", dest, len) || (src && !addr_ok(chan, f, "src", *src, len)))
		return false;
	if ((dest | (src ? *src : 0) | len) & mask) {
		udma_chan_diag(chan, f, "%s not aligned to %zu bytes (%s)",
			       dest & mask ? "dest" : src && (*src & mask) ? "src" : "len",
			       mask + 1, align_name);
		return false;
	}
	return true;
}

/* Every memcpy prep the fast path below does not take: each check with its
 * diagnostic, and strict mode's bookkeeping. */
static __attribute__((noinline)) struct dma_async_tx_descriptor *prep_memcpy_checked(
	struct dma_chan *chan, dma_addr_t dest, dma_addr_t src, size_t len,
	unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_memcpy";

	if (udma_chan_check(chan, f) || !cap_flags_ok(chan, f, DMA_MEMCPY, flags) ||
	    !mem_args_ok(chan, f, dest, &src, len, chan->device->copy_align, "copy_align"))
		return NULL;
	return counted(prepared(chan, f, chan->device->device_prep_dma_memcpy(chan, dest, src, len, flags)),
		       UDMA_ACCT_MEMCPY, len);
}

/*
 * The fast path: the same checks as single expressions, and nothing live
 * across the provider's call but its result, so this costs little more
 * than the call itself. Anything unusual (a bad argument, a channel not
 * held, strict mode) takes the checked path, which says what was wrong.
 */
static inline __attribute__((always_inline)) struct dma_async_tx_descriptor *prep_memcpy(
	struct dma_chan *chan, dma_addr_t dest, dma_addr_t src, size_t len,
	unsigned long flags)
{
	struct dma_async_tx_descriptor *tx;

	if (__builtin_expect(!udma_chan_fine(chan) ||
			     !udma_memcpy_args_fine(chan, dest, src, len, flags) ||
			     udma_strict_now() != UDMA_STRICT_OFF, 0))
		return prep_memcpy_checked(chan, dest, src, len, flags);
	tx = chan->device->device_prep_dma_memcpy(chan, dest, src, len, flags);
	if (__builtin_expect(!tx || IS_ERR(tx), 0))
		return NULL;
	client_owns(tx);
	tx->udma_acct = udma_acct(UDMA_ACCT_MEMCPY, len);
	return tx;
}

static __attribute__((noinline, cold)) struct dma_async_tx_descriptor *prep_memcpy_traced(
	struct dma_chan *chan, dma_addr_t dest, dma_addr_t src, size_t len,
	unsigned long flags)
{
	uint64_t t0 = udma_trace_now();

	return traced(prep_memcpy(chan, dest, src, len, flags), t0, len, DMA_MEM_TO_MEM);
}

/* Tracing on, the same prep inside a slice: off, one branch. */
struct dma_async_tx_descriptor *dmaengine_prep_dma_memcpy(
	struct dma_chan *chan, dma_addr_t dest, dma_addr_t src, size_t len,
	unsigned long flags)
{
	if (udma_trace_on())
		return prep_memcpy_traced(chan, dest, src, len, flags);
	return prep_memcpy(chan, dest, src, len, flags);
}

struct dma_async_tx_descriptor *dmaengine_prep_dma_memset(
	struct dma_chan *chan, dma_addr_t dest, int value, size_t len,
	unsigned long flags)
{
	const char *f = __func__;
	uint64_t t0 = udma_trace_t0();

	if (!prep_ok(chan, f, DMA_MEMSET, flags) ||
	    !mem_args_ok(chan, f, dest, NULL, len, chan->device->fill_align, "fill_align"))
		return NULL;
	return traced(counted(prepared(chan, f, chan->device->device_prep_dma_memset(chan, dest, value,
										     len, flags)),
			      UDMA_ACCT_MEMSET, len), t0, len, DMA_MEM_TO_MEM);
}

/* slave_sg and slave_single, each reporting under its own name as @f. */
static struct dma_async_tx_descriptor *prep_slave(
	struct dma_chan *chan, struct scatterlist *sgl, unsigned int sg_len,
	enum dma_transfer_direction dir, unsigned long flags, const char *f)
{
	struct dma_async_tx_descriptor *tx;
	struct scatterlist *sg;
	uint64_t bytes = 0, t0 = udma_trace_t0();
	unsigned int i;

	if (!prep_ok(chan, f, DMA_SLAVE, flags))
		return NULL;
	if (!sgl || sg_len == 0) {
		udma_chan_diag(chan, f, sgl ? "sg_len 0: must be > 0" : "sgl is NULL");
		return NULL;
	}
	if (!dir_ok(chan, f, dir, true))
		return NULL;
	for_each_sg(sgl, sg, sg_len, i) {
		if (!sg) {
			udma_chan_diag(chan, f, "sgl ends after %u entries, sg_len is %u", i, sg_len);
			return NULL;
		}
		if (sg_dma_len(sg) == 0) {
			udma_chan_diag(chan, f, "sgl[%u]: dma length 0 (not mapped with dma_map_sg?)", i);
			return NULL;
		}
		if (!addr_ok(chan, f, "sgl dma address", sg_dma_address(sg), sg_dma_len(sg)))
			return NULL;
		bytes += sg_dma_len(sg);
	}
	udma_diag_caller = f;
	tx = chan->device->device_prep_slave_sg(chan, sgl, sg_len, dir, flags, NULL);
	udma_diag_caller = NULL;
	return traced(counted(prepared(chan, f, tx), UDMA_ACCT_SLAVE, bytes), t0, bytes, dir);
}

struct dma_async_tx_descriptor *dmaengine_prep_slave_sg(
	struct dma_chan *chan, struct scatterlist *sgl, unsigned int sg_len,
	enum dma_transfer_direction dir, unsigned long flags)
{
	return prep_slave(chan, sgl, sg_len, dir, flags, __func__);
}

struct dma_async_tx_descriptor *dmaengine_prep_slave_single(
	struct dma_chan *chan, dma_addr_t buf, size_t len,
	enum dma_transfer_direction dir, unsigned long flags)
{
	struct scatterlist sg;

	if (len > UINT32_MAX) {
		udma_chan_diag(chan, __func__, "len %zu: larger than a scatterlist entry holds", len);
		return NULL;
	}
	if (len == 0) {
		/* named here: the sg check below would blame an unmapped sgl[0] */
		udma_chan_diag(chan, __func__, "len 0: must be > 0");
		return NULL;
	}
	sg_init_table(&sg, 1);
	sg_dma_address(&sg) = buf;
	sg_dma_len(&sg) = (unsigned int)len;
	/* The provider copies what it needs: sg lives on this stack only. */
	return prep_slave(chan, &sg, 1, dir, flags, __func__);
}

struct dma_async_tx_descriptor *dmaengine_prep_peripheral_dma_vec(
	struct dma_chan *chan, const struct dma_vec *vecs, size_t nents,
	enum dma_transfer_direction dir, unsigned long flags)
{
	const char *f = __func__;
	struct dma_async_tx_descriptor *tx;
	uint64_t bytes = 0, t0 = udma_trace_t0();

	if (!prep_ok(chan, f, DMA_SLAVE, flags))
		return NULL;
	if (!chan->device->device_prep_peripheral_dma_vec) {
		/* the kernel's answer: an optional op, no fallback */
		udma_chan_diag(chan, f, "device has no device_prep_peripheral_dma_vec");
		return NULL;
	}
	if (!vecs || nents == 0) {
		udma_chan_diag(chan, f, vecs ? "nents 0: must be > 0" : "vecs is NULL");
		return NULL;
	}
	if (!dir_ok(chan, f, dir, true))
		return NULL;
	for (size_t i = 0; i < nents; i++) {
		if (vecs[i].len == 0) {
			udma_chan_diag(chan, f, "vecs[%zu].len 0: must be > 0", i);
			return NULL;
		}
		if (!addr_ok(chan, f, "vecs addr", vecs[i].addr, vecs[i].len))
			return NULL;
		bytes += vecs[i].len;
	}
	udma_diag_caller = f;
	tx = chan->device->device_prep_peripheral_dma_vec(chan, vecs, nents, dir, flags);
	udma_diag_caller = NULL;
	return traced(counted(prepared(chan, f, tx), UDMA_ACCT_SLAVE, bytes), t0, bytes, dir);
}

struct dma_async_tx_descriptor *dmaengine_prep_dma_cyclic(
	struct dma_chan *chan, dma_addr_t buf_addr, size_t buf_len,
	size_t period_len, enum dma_transfer_direction dir, unsigned long flags)
{
	const char *f = __func__;
	uint64_t t0 = udma_trace_t0();

	if (!prep_ok(chan, f, DMA_CYCLIC, flags))
		return NULL;
	if (buf_len == 0 || period_len == 0) {
		udma_chan_diag(chan, f, "%s 0: must be > 0", buf_len ? "period_len" : "buf_len");
		return NULL;
	}
	if (buf_len % period_len) {
		udma_chan_diag(chan, f, "buf_len %zu is not a multiple of period_len %zu",
			       buf_len, period_len);
		return NULL;
	}
	if (!dir_ok(chan, f, dir, true) || !addr_ok(chan, f, "buf_addr", buf_addr, buf_len))
		return NULL;
	return traced(counted(prepared(chan, f, chan->device->device_prep_dma_cyclic(chan, buf_addr,
									buf_len, period_len, dir, flags)),
			      UDMA_ACCT_SLAVE, buf_len), t0, buf_len, dir);
}

/*
 * One memory side of an interleaved transfer: its start is an address, and
 * the bytes it spans do not wrap around the address space: every frame's
 * chunks and the gaps after them, but for the gap after the very last
 * chunk, which no transfer crosses (on a side that does not increment,
 * the largest chunk, read or written in place).
 */
static bool xt_side_ok(struct dma_chan *chan, const char *f, const char *what, dma_addr_t start,
		       bool inc, const struct dma_interleaved_template *xt,
		       size_t (*gap)(const struct dma_interleaved_template *,
				     const struct data_chunk *))
{
	size_t body = 0, span = 0;	/* body: a frame without its last gap */

	for (size_t i = 0; i < xt->frame_size; i++) {
		const struct data_chunk *c = &xt->sgl[i];

		if (!inc) {
			span = c->size > span ? c->size : span;
		} else if (__builtin_add_overflow(body, c->size, &body) ||
			   (i + 1 < xt->frame_size &&
			    __builtin_add_overflow(body, gap(xt, c), &body))) {
			udma_chan_diag(chan, f, "%s side: a frame's chunks and gaps add up past "
				       "the address space", what);
			return false;
		}
	}
	if (inc) {	/* numf - 1 whole frames, then the last one's body */
		size_t last = gap(xt, &xt->sgl[xt->frame_size - 1]), frame;

		if ((xt->numf > 1 && (__builtin_add_overflow(body, last, &frame) ||
				      __builtin_mul_overflow(frame, xt->numf - 1, &span))) ||
		    __builtin_add_overflow(span, body, &span)) {
			udma_chan_diag(chan, f, "%s side: xt->numf %zu frames of %zu bytes and a "
				       "%zu-byte gap add up past the address space", what, xt->numf,
				       body, last);
			return false;
		}
	}
	return addr_ok(chan, f, what, start, span);
}

/* The bytes @xt moves: numf frames of its chunks (saturated). */
static uint64_t xt_bytes(const struct dma_interleaved_template *xt)
{
	uint64_t frame = 0, total;

	for (size_t i = 0; i < xt->frame_size; i++)
		if (__builtin_add_overflow(frame, (uint64_t)xt->sgl[i].size, &frame))
			return UINT64_MAX;
	return __builtin_mul_overflow(frame, (uint64_t)xt->numf, &total) ? UINT64_MAX : total;
}

struct dma_async_tx_descriptor *dmaengine_prep_interleaved_dma(
	struct dma_chan *chan, struct dma_interleaved_template *xt,
	unsigned long flags)
{
	const char *f = __func__;
	uint64_t t0 = udma_trace_t0();

	if (!prep_ok(chan, f, DMA_INTERLEAVE, flags))
		return NULL;
	if (!xt) {
		udma_chan_diag(chan, f, "xt is NULL");
		return NULL;
	}
	if (xt->numf == 0 || xt->frame_size == 0) {
		udma_chan_diag(chan, f, "xt->%s 0: must be > 0", xt->numf ? "frame_size" : "numf");
		return NULL;
	}
	for (size_t i = 0; i < xt->frame_size; i++) {
		if (xt->sgl[i].size == 0) {
			udma_chan_diag(chan, f, "xt->sgl[%zu].size 0: must be > 0", i);
			return NULL;
		}
	}
	if (!dir_ok(chan, f, xt->dir, false))
		return NULL;
	if ((xt->dir == DMA_MEM_TO_MEM || xt->dir == DMA_MEM_TO_DEV) &&
	    !xt_side_ok(chan, f, "xt->src_start", xt->src_start, xt->src_inc, xt, dmaengine_get_src_icg))
		return NULL;
	if ((xt->dir == DMA_MEM_TO_MEM || xt->dir == DMA_DEV_TO_MEM) &&
	    !xt_side_ok(chan, f, "xt->dst_start", xt->dst_start, xt->dst_inc, xt, dmaengine_get_dst_icg))
		return NULL;
	return traced(counted(prepared(chan, f, chan->device->device_prep_interleaved_dma(chan, xt, flags)),
			      UDMA_ACCT_INTERLEAVE, xt_bytes(xt)), t0, xt_bytes(xt), xt->dir);
}

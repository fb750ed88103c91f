/* SPDX-License-Identifier: MIT */
/*
 * The software controller's prep ops: turn each request into a soft_desc,
 * a list of segments the hardware thread walks. The core has checked the
 * generic arguments; these check what only this controller knows
 * (addresses it can reach, FIFO binding, bus widths).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "soft-internal.h"
#include <udma/trace-hooks.h>

#define SOFT_MAX_LEN UINT32_MAX		/* residue is a u32 */
#define SOFT_MAX_SEGS (1u << 20)	/* segments (sg entries, periods, chunks) per
					   descriptor, as a real engine's descriptor chain
					   is bounded */

static bool segs_ok(struct dma_chan *chan, const char *func, const char *what, size_t n)
{
	if (n > SOFT_MAX_SEGS) {
		udma_chan_diag(chan, func, "%zu %s: more than the controller's %u per descriptor",
			       n, what, SOFT_MAX_SEGS);
		return false;
	}
	return true;
}

/* A descriptor desc_alloc handed out, given back unused. */
static void desc_discard(struct soft_chan *sc, struct soft_desc *d)
{
	spin_lock(&sc->vc.submit_lock);
	list_del(&d->vd.node);
	spin_unlock(&sc->vc.submit_lock);
	soft_desc_free(&d->vd);
}

/*
 * A descriptor already on desc_allocated when the stash has none: from the
 * cache (or malloc), under one submit_lock hold where vchan_tx_prep would
 * take it a second time. Only list code looks at desc_allocated's links,
 * so the rest may be filled in after.
 */
static __attribute__((noinline)) struct soft_desc *desc_get(struct soft_chan *sc)
{
	struct soft_desc *d;

	spin_lock(&sc->vc.submit_lock);
	d = soft_cache_get(sc);
	if (d)
		list_add_tail(&d->vd.node, &sc->vc.desc_allocated);
	spin_unlock(&sc->vc.submit_lock);
	return d ? d : soft_desc_new(sc);
}

/* A descriptor on desc_allocated, from the stash or else the cache; NULL:
 * no memory. */
static inline struct soft_desc *desc_take(struct soft_chan *sc)
{
	struct soft_desc *d = soft_stash_pop(sc);

	return __builtin_expect(d != NULL, 1) ? d : desc_get(sc);
}

/* A descriptor for @nsegs segments, on desc_allocated, stash first. */
static struct soft_desc *desc_alloc(struct soft_chan *sc, unsigned int nsegs)
{
	struct soft_desc *d = desc_take(sc);

	if (!d)
		return NULL;
	if (nsegs > 1) {
		d->nsegs = nsegs;
		d->segs = calloc(nsegs, sizeof(*d->segs));
		if (!d->segs) {
			d->segs = &d->seg0;
			desc_discard(sc, d);
			return NULL;
		}
	}
	return d;
}

/*
 * The soft controller's bus is the process's memory, so a dma_addr_t is a
 * pointer: one beyond the user address space (2^56 even with 5-level
 * paging) cannot be memory this process owns, as an IOMMU would refuse an
 * unmapped address. Lower addresses must be what dma_map_* returned.
 */
#define SOFT_BUS_LIMIT (1ull << 56)

/* Does [@a, @a + @len) reach past SOFT_BUS_LIMIT? Without computing a + len,
 * which may wrap. */
static inline bool beyond_bus(dma_addr_t a, size_t len)
{
	return len > SOFT_BUS_LIMIT || a > SOFT_BUS_LIMIT - len;
}

/*
 * Memory a descriptor reads or writes must be memory: a device's data
 * register given as a memcpy/memset address would be overwritten in bulk.
 */
static bool segs_are_memory(struct dma_chan *chan, const char *func, const struct soft_desc *d)
{
	for (unsigned int i = 0; i < d->nsegs; i++) {
		const struct soft_seg *s = &d->segs[i];
		bool dst_mem = d->kind != SOFT_TO_DEV, src_mem = d->kind == SOFT_COPY ||
								 d->kind == SOFT_TO_DEV;
		const char *fifo = dst_mem && soft_fifo_may_touch(s->dst, s->len) ?
				   soft_fifo_overlap(s->dst, s->len) : NULL;
		const char *what = "dest";

		bool dst_far = dst_mem && beyond_bus(s->dst, s->len);

		if (dst_far || (src_mem && beyond_bus(s->src, s->len))) {
			udma_chan_diag(chan, func, "%s 0x%" PRIx64 " is beyond the process's address "
				       "space: not a mapped address", dst_far ? "dest" : "src",
				       dst_far ? s->dst : s->src);
			return false;
		}
		if (!fifo && src_mem && soft_fifo_may_touch(s->src, s->len)) {
			fifo = soft_fifo_overlap(s->src, s->len);
			what = "src";
		}
		if (fifo) {
			udma_chan_diag(chan, func, "%s range touches FIFO %s's data register: "
				       "memory transfers need memory addresses", what, fifo);
			return false;
		}
	}
	return true;
}

/* Is @d's shape a plain copy's (soft_plain_copy)? Decided at prep;
 * soft_queue_desc asks again at submit. */
static bool plain_shape(const struct soft_chan *sc, const struct soft_desc *d, unsigned long flags)
{
	return d->kind == SOFT_COPY && !d->cyclic && !d->fifo && d->nsegs == 1 &&
	       soft_plain_copy(sc, d->total, flags);
}

/* Out of memory for the submit ring: the descriptor stays the client's,
 * prepared, as if never submitted. */
static __attribute__((noinline, cold)) dma_cookie_t ring_full(struct soft_chan *sc, const char *func)
{
	udma_chan_diag(&sc->vc.chan, func,
		       "the submit ring is full and out of memory to grow (%lu entries)",
		       sc->sub_mask + 1);
	return -ENOMEM;
}

/* vchan_tx_submit, with the soft queue: the descriptor goes in the submit
 * ring (grown first if full), off every list. */
static dma_cookie_t soft_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct soft_desc *d = container_of(to_virt_desc(tx), struct soft_desc, vd);
	struct soft_chan *sc = to_soft_chan(tx->chan);
	dma_cookie_t cookie;

	spin_lock(&sc->vc.submit_lock);
	if (__builtin_expect(!soft_ring_reserve(sc), 0)) {	/* nothing claimed yet */
		spin_unlock(&sc->vc.submit_lock);
		return ring_full(sc, "dmaengine_submit");
	}
	if (!udma_desc_claim(tx)) {	/* another thread submitted it first */
		spin_unlock(&sc->vc.submit_lock);
		return UDMA_SUBMIT_UNCLAIMED;
	}
	list_del(&d->vd.node);	/* off desc_allocated */
	cookie = soft_queue_desc(sc, d);
	spin_unlock(&sc->vc.submit_lock);
	return cookie;
}

void soft_desc_reset(struct soft_chan *sc, struct soft_desc *d)
{
	vchan_tx_init(&sc->vc, &d->vd, 0);
	d->vd.tx.tx_submit = soft_tx_submit;
	d->vd.tx.phys = 0;
	d->plain = false;
	d->kind = SOFT_COPY;
	d->cyclic = false;
	d->fill = 0;
	d->nsegs = 1;
	d->fifo = NULL;
	d->burst = 0;
	d->segs = &d->seg0;
}

/* @d, filled in, goes to the client: already on desc_allocated. Only what
 * a prep sets each time: the rest is as soft_desc_reset left it. */
static inline struct dma_async_tx_descriptor *desc_ready(struct soft_desc *d, unsigned long flags)
{
	d->vd.tx.flags = (enum dma_ctrl_flags)flags;
	d->vd.tx.cookie = -EBUSY;
	d->vd.tx_result.result = DMA_TRANS_NOERROR;
	d->vd.tx_result.residue = 0;
	return &d->vd.tx;
}

/* desc_ready for a one-segment copy: the fields a copy sets, then those
 * every prep sets (memcpy's fast path and the batch). */
static inline struct dma_async_tx_descriptor *copy_ready(struct soft_desc *d, dma_addr_t dst,
							 dma_addr_t src, size_t len, bool plain,
							 unsigned long flags)
{
	d->seg0 = (struct soft_seg){ dst, src, len };
	d->total = len;
	d->plain = plain;
	return desc_ready(d, flags);
}

static struct dma_async_tx_descriptor *submit_prep(struct soft_chan *sc,
						   struct soft_desc *d,
						   unsigned long flags, const char *func)
{
	d->total = 0;
	for (unsigned int i = 0; i < d->nsegs; i++)
		d->total += d->segs[i].len;
	if (!segs_are_memory(&sc->vc.chan, func, d)) {
		desc_discard(sc, d);
		return NULL;
	}
	d->plain = plain_shape(sc, d, flags);
	return desc_ready(d, flags);
}

static void *no_mem(struct dma_chan *chan, const char *func)
{
	udma_chan_diag(chan, func, "out of memory for the descriptor");
	return NULL;
}

static bool len_ok(struct dma_chan *chan, const char *func, size_t len)
{
	if (len > SOFT_MAX_LEN) {
		udma_chan_diag(chan, func, "len %zu: larger than %" PRIu32 " (residue is 32-bit)",
			       len, (uint32_t)SOFT_MAX_LEN);
		return false;
	}
	return true;
}

/* The soft controller reaches host memory only; 0 is never mapped. */
static bool mem_ok(struct dma_chan *chan, const char *func, const char *what, dma_addr_t a)
{
	if (a == 0) {
		udma_chan_diag(chan, func, "%s is 0: not a mapped address", what);
		return false;
	}
	return true;
}

/*
 * Every check a memcpy gets here and in segs_are_memory, as one expression
 * with no diagnostics: the fast path. When it fails they run one by one to
 * say what was wrong.
 */
static inline bool ranges_overlap(dma_addr_t a, dma_addr_t b, size_t len)
{
	return a < b + len && b < a + len;
}

static inline bool memcpy_fine(dma_addr_t dst, dma_addr_t src, size_t len)
{
	return len <= SOFT_MAX_LEN && dst && src && !ranges_overlap(dst, src, len) &&
	       !beyond_bus(dst, len) && !beyond_bus(src, len) && !soft_fifo_may_touch2(dst, src, len);
}

struct dma_async_tx_descriptor *soft_prep_memcpy(struct dma_chan *chan, dma_addr_t dst,
						 dma_addr_t src, size_t len,
						 unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_memcpy";
	struct soft_chan *sc = to_soft_chan(chan);
	struct soft_desc *d;

	if (__builtin_expect(memcpy_fine(dst, src, len), 1)) {
		d = desc_take(sc);
		if (__builtin_expect(!d, 0))
			return no_mem(chan, f);
		return copy_ready(d, dst, src, len, soft_plain_copy(sc, len, flags), flags);
	}
	if (!len_ok(chan, f, len) || !mem_ok(chan, f, "dest", dst) || !mem_ok(chan, f, "src", src))
		return NULL;
	if (ranges_overlap(dst, src, len)) {
		udma_chan_diag(chan, f, "dest and src overlap (%zu bytes at 0x%" PRIx64 " and 0x%" PRIx64 ")",
			       len, dst, src);
		return NULL;
	}
	d = desc_alloc(sc, 1);
	if (!d)
		return no_mem(chan, f);
	d->kind = SOFT_COPY;
	d->segs[0] = (struct soft_seg){ dst, src, len };
	return submit_prep(sc, d, flags, f);
}

/*
 * udma_submit_memcpy_batch's fast path: soft_prep_memcpy's and
 * soft_tx_submit's work for up to BATCH_CHUNK copies per hold of
 * submit_lock. No client ever holds these descriptors, so they come from
 * the cache (under the same lock) straight to SUBMITTED, never on
 * desc_allocated, and their ring entries are written from the copies.
 * A plain copy with no callback needs no descriptor at all: its ring
 * entry is bare (soft-queue.h), unless faults are injected (faults are
 * decided per descriptor).
 * Stops at a copy memcpy_fine refuses (the core reports it) or when
 * memory runs out (for a descriptor, or to grow the ring).
 */
#define BATCH_CHUNK 32

static __attribute__((noinline, cold)) void batch_flow(struct dma_chan *chan, dma_cookie_t cookie)
{
	uint64_t now = udma_trace_now();

	udma_trace_flow(chan, cookie, 's', now, now);
}

/* A free descriptor off every list; submit_lock held, and dropped only
 * for a new one when the cache is empty. NULL: no memory. */
static struct soft_desc *batch_desc(struct soft_chan *sc)
{
	struct soft_desc *d = soft_cache_get(sc);

	if (__builtin_expect(d != NULL, 1)) {
		INIT_LIST_HEAD(&d->vd.node);	/* its links are stale */
		return d;
	}
	spin_unlock(&sc->vc.submit_lock);
	d = soft_desc_new(sc);
	spin_lock(&sc->vc.submit_lock);
	if (d)
		list_del_init(&d->vd.node);	/* off desc_allocated */
	return d;
}

unsigned int soft_submit_memcpy_batch(struct dma_chan *chan, const struct udma_copy *copies,
				      unsigned int n, unsigned long flags,
				      dma_cookie_t *last_cookie)
{
	struct soft_chan *sc = to_soft_chan(chan);
	/* relaxed: a flag that publishes nothing; a batch racing
	 * udma_soft_inject may see it either way */
	bool bare_ok = !READ_ONCE(sc->fault_set);
	unsigned int done = 0;
	uint64_t stamp = 0;	/* telemetry's submit time: one per call */

	while (done < n) {
		unsigned int end = n - done > BATCH_CHUNK ? done + BATCH_CHUNK : n;
		uint64_t bare_bytes = 0;	/* counted once per lock hold */

		spin_lock(&sc->vc.submit_lock);
		for (; done < end; done++) {
			const struct udma_copy *c = &copies[done];
			unsigned long cflags = udma_copy_flags(c, flags);
			bool plain = soft_plain_copy(sc, c->len, cflags);
			struct soft_desc *d;

			if (!memcpy_fine(c->dst, c->src, c->len))
				break;
			if (plain && bare_ok && !c->callback && !c->callback_result) {
				if (!soft_ring_reserve(sc)) {
					ring_full(sc, "udma_submit_memcpy_batch");
					break;
				}
				*last_cookie = soft_queue_bare(sc, c->dst, c->src, (uint32_t)c->len);
				bare_bytes += c->len;
				continue;
			}
			d = batch_desc(sc);
			if (!d)
				break;
			/* room after the descriptor: getting one may drop the lock,
			 * and other submits may fill the ring meanwhile */
			if (!soft_ring_reserve(sc)) {
				soft_cache_put(sc, &d, 1);	/* still free: back untouched */
				ring_full(sc, "udma_submit_memcpy_batch");
				break;
			}
			copy_ready(d, c->dst, c->src, c->len, plain, cflags);
			d->vd.tx.callback = c->callback;
			d->vd.tx.callback_result = c->callback_result;
			d->vd.tx.callback_param = c->callback_param;
			/* relaxed: no client holds it, and a stale pointer's
			 * acquire of the tag only reports it */
			WRITE_ONCE(d->vd.tx.udma_state, UDMA_DESC_SUBMITTED);
			d->vd.tx.udma_acct = udma_acct(UDMA_ACCT_MEMCPY, c->len);	/* no prep call set it */
			if (udma_tele_on())
				d->vd.tx.udma_submit_ns = stamp ? stamp : (stamp = udma_now_ns());
			*last_cookie = soft_queue_desc(sc, d);
			if (udma_trace_on())	/* its flow starts in the batch's slice */
				batch_flow(chan, *last_cookie);
		}
		udma_stat_add(&chan->udma_bytes, bare_bytes);
		spin_unlock(&sc->vc.submit_lock);
		if (done < end)
			break;	/* refused, or out of memory */
	}
	return done;
}

struct dma_async_tx_descriptor *soft_prep_memset(struct dma_chan *chan, dma_addr_t dst,
						 int value, size_t len, unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_memset";
	struct soft_chan *sc = to_soft_chan(chan);
	struct soft_desc *d;

	if (!len_ok(chan, f, len) || !mem_ok(chan, f, "dest", dst))
		return NULL;
	d = desc_alloc(sc, 1);
	if (!d)
		return no_mem(chan, f);
	d->kind = SOFT_FILL;
	d->fill = value & 0xff;
	d->segs[0] = (struct soft_seg){ dst, 0, len };
	return submit_prep(sc, d, flags, f);
}

/*
 * The FIFO side of a slave transfer in @dir, from the channel's slave
 * configuration. Fills @fifo and @burst (bytes per request). lock held.
 */
static bool slave_side(struct soft_chan *sc, const char *f, enum dma_transfer_direction dir,
		       struct udma_fifo **fifo, size_t *burst)
{
	struct dma_chan *chan = &sc->vc.chan;
	const struct dma_slave_config *cfg = &sc->cfg;
	bool tx = dir == DMA_MEM_TO_DEV;
	uint32_t maxburst = tx ? cfg->dst_maxburst : cfg->src_maxburst;

	*fifo = sc->cfg_fifo[tx ? 0 : 1];
	if (!*fifo) {
		udma_chan_diag(chan, f, "no FIFO configured for %s: set %s in dmaengine_slave_config",
			       tx ? "DMA_MEM_TO_DEV" : "DMA_DEV_TO_MEM", tx ? "dst_addr" : "src_addr");
		return false;
	}
	*burst = (maxburst ? maxburst : 1) * soft_fifo_width(*fifo);
	soft_fifo_hold(*fifo);	/* the descriptor's; dropped when it is freed */
	return true;
}

static bool mem_len_ok(struct dma_chan *chan, const char *f, const char *what, size_t len,
		       size_t width)
{
	if (len % width) {
		udma_chan_diag(chan, f, "%s length %zu is not a multiple of the bus width %zu",
			       what, len, width);
		return false;
	}
	return true;
}

static void set_slave_seg(struct soft_seg *s, enum dma_transfer_direction dir,
			  dma_addr_t mem, size_t len)
{
	if (dir == DMA_MEM_TO_DEV)
		*s = (struct soft_seg){ 0, mem, len };
	else
		*s = (struct soft_seg){ mem, 0, len };
}

struct dma_async_tx_descriptor *soft_prep_slave_sg(struct dma_chan *chan,
						   struct scatterlist *sgl, unsigned int sg_len,
						   enum dma_transfer_direction dir,
						   unsigned long flags, void *context)
{
	const char *f = "dmaengine_prep_slave_sg";
	struct soft_chan *sc = to_soft_chan(chan);
	struct scatterlist *sg;
	struct udma_fifo *fifo;
	struct soft_desc *d;
	size_t burst, total = 0;
	unsigned int i;
	bool ok;

	(void)context;
	spin_lock(&sc->vc.lock);
	ok = slave_side(sc, f, dir, &fifo, &burst);
	spin_unlock(&sc->vc.lock);
	if (!ok)
		return NULL;
	for_each_sg(sgl, sg, sg_len, i) {
		if (!mem_ok(chan, f, "sgl dma address", sg_dma_address(sg)) ||
		    !mem_len_ok(chan, f, "sgl entry", sg_dma_len(sg), soft_fifo_width(fifo)))
			goto fail;
		total += sg_dma_len(sg);
	}
	if (!len_ok(chan, f, total))
		goto fail;
	if (!segs_ok(chan, f, "sg entries", sg_len))
		goto fail;
	d = desc_alloc(sc, sg_len);
	if (!d) {
		no_mem(chan, f);
		goto fail;
	}
	d->kind = dir == DMA_MEM_TO_DEV ? SOFT_TO_DEV : SOFT_FROM_DEV;
	d->fifo = fifo;
	d->burst = burst;
	for_each_sg(sgl, sg, sg_len, i)
		set_slave_seg(&d->segs[i], dir, sg_dma_address(sg), sg_dma_len(sg));
	return submit_prep(sc, d, flags, f);
fail:
	soft_fifo_put(fifo);
	return NULL;
}

/* The vectors as a scatterlist: the same descriptor slave_sg builds. */
struct dma_async_tx_descriptor *soft_prep_dma_vec(struct dma_chan *chan, const struct dma_vec *vecs,
						  size_t nents, enum dma_transfer_direction dir,
						  unsigned long flags)
{
	const char *f = "dmaengine_prep_peripheral_dma_vec";
	struct dma_async_tx_descriptor *tx;
	struct scatterlist *sgl;

	if (!segs_ok(chan, f, "vecs", nents))
		return NULL;
	for (size_t i = 0; i < nents; i++) {
		if (!len_ok(chan, f, vecs[i].len))
			return NULL;
	}
	sgl = malloc(nents * sizeof(*sgl));
	if (!sgl)
		return no_mem(chan, f);
	sg_init_table(sgl, (unsigned int)nents);
	for (size_t i = 0; i < nents; i++) {
		sg_dma_address(&sgl[i]) = vecs[i].addr;
		sg_dma_len(&sgl[i]) = (unsigned int)vecs[i].len;
	}
	tx = soft_prep_slave_sg(chan, sgl, (unsigned int)nents, dir, flags, NULL);
	free(sgl);	/* the descriptor keeps segments of its own */
	return tx;
}

struct dma_async_tx_descriptor *soft_prep_cyclic(struct dma_chan *chan, dma_addr_t buf,
						 size_t buf_len, size_t period_len,
						 enum dma_transfer_direction dir,
						 unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_cyclic";
	struct soft_chan *sc = to_soft_chan(chan);
	struct udma_fifo *fifo;
	struct soft_desc *d;
	size_t burst, periods = buf_len / period_len;
	bool ok;

	if (!len_ok(chan, f, buf_len) || !mem_ok(chan, f, "buf_addr", buf) ||
	    !segs_ok(chan, f, "periods", periods))
		return NULL;
	spin_lock(&sc->vc.lock);
	ok = slave_side(sc, f, dir, &fifo, &burst);
	spin_unlock(&sc->vc.lock);
	if (!ok)
		return NULL;
	if (!mem_len_ok(chan, f, "period", period_len, soft_fifo_width(fifo)))
		goto fail;
	d = desc_alloc(sc, (unsigned int)periods);
	if (!d) {
		no_mem(chan, f);
		goto fail;
	}
	d->kind = dir == DMA_MEM_TO_DEV ? SOFT_TO_DEV : SOFT_FROM_DEV;
	d->cyclic = true;
	d->fifo = fifo;
	d->burst = burst;
	for (size_t i = 0; i < periods; i++)
		set_slave_seg(&d->segs[i], dir, buf + i * period_len, period_len);
	return submit_prep(sc, d, flags, f);
fail:
	soft_fifo_put(fifo);
	return NULL;
}

struct dma_async_tx_descriptor *soft_prep_interleaved(struct dma_chan *chan,
						      struct dma_interleaved_template *xt,
						      unsigned long flags)
{
	const char *f = "dmaengine_prep_interleaved_dma";
	struct soft_chan *sc = to_soft_chan(chan);
	struct udma_fifo *fifo = NULL;
	struct soft_desc *d;
	dma_addr_t src = xt->src_start, dst = xt->dst_start;
	size_t burst = 0, nsegs, k = 0, total = 0;

	if (xt->dir == DMA_MEM_TO_MEM) {
		if (!xt->src_inc || !xt->dst_inc) {
			udma_chan_diag(chan, f, "xt: memory to memory needs src_inc and dst_inc");
			return NULL;
		}
		if (!mem_ok(chan, f, "xt->src_start", src) || !mem_ok(chan, f, "xt->dst_start", dst))
			return NULL;
	} else if (xt->dir == DMA_MEM_TO_DEV) {
		bool ok;

		if (!xt->src_inc || xt->dst_inc) {
			udma_chan_diag(chan, f, "xt: memory to device needs src_inc and !dst_inc");
			return NULL;
		}
		if (!mem_ok(chan, f, "xt->src_start", src))
			return NULL;
		spin_lock(&sc->vc.lock);
		ok = slave_side(sc, f, DMA_MEM_TO_DEV, &fifo, &burst);
		spin_unlock(&sc->vc.lock);
		if (!ok)
			return NULL;
	} else if (xt->dir == DMA_DEV_TO_MEM) {
		bool ok;

		if (xt->src_inc || !xt->dst_inc) {
			udma_chan_diag(chan, f, "xt: device to memory needs !src_inc and dst_inc");
			return NULL;
		}
		if (!mem_ok(chan, f, "xt->dst_start", dst))
			return NULL;
		spin_lock(&sc->vc.lock);
		ok = slave_side(sc, f, DMA_DEV_TO_MEM, &fifo, &burst);
		spin_unlock(&sc->vc.lock);
		if (!ok)
			return NULL;
	} else {
		udma_chan_diag(chan, f, "xt->dir %d: only DMA_MEM_TO_MEM, DMA_MEM_TO_DEV and "
			       "DMA_DEV_TO_MEM", (int)xt->dir);
		return NULL;
	}
	if (xt->numf > SOFT_MAX_SEGS / xt->frame_size) {
		udma_chan_diag(chan, f, "xt: numf %zu x frame_size %zu chunks: more than the "
			       "controller's %u per descriptor", xt->numf, xt->frame_size, SOFT_MAX_SEGS);
		goto fail;
	}
	for (size_t j = 0; j < xt->frame_size; j++) {
		if (fifo && !mem_len_ok(chan, f, "xt chunk", xt->sgl[j].size, soft_fifo_width(fifo)))
			goto fail;
		total += xt->sgl[j].size;
		if (total > SOFT_MAX_LEN)
			break;
	}
	if (total > SOFT_MAX_LEN / xt->numf) {
		udma_chan_diag(chan, f, "xt: numf %zu frames of %zu bytes: larger than %" PRIu32
			       " (residue is 32-bit)", xt->numf, total, (uint32_t)SOFT_MAX_LEN);
		goto fail;
	}
	nsegs = xt->numf * xt->frame_size;
	d = desc_alloc(sc, (unsigned int)nsegs);
	if (!d) {
		no_mem(chan, f);
		goto fail;
	}
	d->kind = !fifo ? SOFT_COPY : xt->dir == DMA_MEM_TO_DEV ? SOFT_TO_DEV : SOFT_FROM_DEV;
	d->fifo = fifo;
	d->burst = burst;
	/* the FIFO's side has no address: its data register */
	for (size_t fr = 0; fr < xt->numf; fr++) {
		for (size_t j = 0; j < xt->frame_size; j++) {
			const struct data_chunk *c = &xt->sgl[j];

			d->segs[k++] = (struct soft_seg){ d->kind == SOFT_TO_DEV ? 0 : dst,
							  d->kind == SOFT_FROM_DEV ? 0 : src, c->size };
			if (d->kind != SOFT_FROM_DEV)
				src += c->size + dmaengine_get_src_icg(xt, c);
			if (d->kind != SOFT_TO_DEV)
				dst += c->size + dmaengine_get_dst_icg(xt, c);
		}
	}
	return submit_prep(sc, d, flags, f);
fail:
	if (fifo)
		soft_fifo_put(fifo);
	return NULL;
}

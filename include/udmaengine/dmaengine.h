/* SPDX-License-Identifier: MIT */
/*
 * udmaengine client API: the Linux DMAengine client interface in user space.
 *
 * Identifiers, values and semantics follow <linux/dmaengine.h> and the kernel's
 * Documentation/driver-api/dmaengine/client.rst; where the kernel leaves a case
 * undefined, docs/semantics.md says what udmaengine does (rules R1-R11).
 *
 * The life of a transfer:
 *   chan = dma_request_channel(mask, filter, param);   or dma_request_chan(dev, "rx")
 *   dmaengine_slave_config(chan, &cfg);                 (slave transfers)
 *   tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
 *   tx->callback = done; tx->callback_param = ctx;
 *   cookie = dmaengine_submit(tx);                      queued, nothing moves
 *   dma_async_issue_pending(chan);                      the controller starts
 *   ... done(ctx) runs later in the channel's tasklet context ...
 *   dmaengine_terminate_sync(chan);  dma_release_channel(chan);
 */
#ifndef UDMAENGINE_DMAENGINE_H
#define UDMAENGINE_DMAENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>

#include <udmaengine/err.h>
#include <udmaengine/list.h>
#include <udmaengine/scatterlist.h>
#include <udmaengine/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t dma_cookie_t;
#define DMA_MIN_COOKIE	1

static inline int dma_submit_error(dma_cookie_t cookie)
{
	return cookie < 0 ? cookie : 0;
}

enum dma_status {
	DMA_COMPLETE,
	DMA_IN_PROGRESS,
	DMA_PAUSED,
	DMA_ERROR,
	DMA_OUT_OF_ORDER,
};

/* Kernel order and values; udmaengine implements the slave and memory ones. */
enum dma_transaction_type {
	DMA_MEMCPY,
	DMA_XOR,
	DMA_PQ,
	DMA_XOR_VAL,
	DMA_PQ_VAL,
	DMA_MEMSET,
	DMA_MEMSET_SG,
	DMA_INTERRUPT,
	DMA_PRIVATE,
	DMA_ASYNC_TX,
	DMA_SLAVE,
	DMA_CYCLIC,
	DMA_INTERLEAVE,
	DMA_COMPLETION_NO_ORDER,
	DMA_REPEAT,
	DMA_LOAD_EOT,
	DMA_TX_TYPE_END,
};

enum dma_transfer_direction {
	DMA_MEM_TO_MEM,
	DMA_MEM_TO_DEV,
	DMA_DEV_TO_MEM,
	DMA_DEV_TO_DEV,
	DMA_TRANS_NONE,
};

/* Direction of a CPU buffer mapping (<linux/dma-direction.h>). */
enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

enum dma_ctrl_flags {
	DMA_PREP_INTERRUPT = (1 << 0),
	DMA_CTRL_ACK = (1 << 1),
	DMA_PREP_PQ_DISABLE_P = (1 << 2),
	DMA_PREP_PQ_DISABLE_Q = (1 << 3),
	DMA_PREP_CONTINUE = (1 << 4),
	DMA_PREP_FENCE = (1 << 5),
	DMA_CTRL_REUSE = (1 << 6),
	DMA_PREP_CMD = (1 << 7),
	DMA_PREP_REPEAT = (1 << 8),
	DMA_PREP_LOAD_EOT = (1 << 9),
};

/* Kernel-internal errno the metadata calls return; not in <errno.h>. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/*
 * Descriptor metadata (<linux/dmaengine.h>): who owns the buffer.
 * CLIENT: the client attaches its own buffer (dmaengine_desc_attach_metadata):
 *   MEM_TO_DEV/MEM_TO_MEM before submit; DEV_TO_MEM the engine fills it by
 *   completion.
 * ENGINE: the descriptor holds the buffer; the client gets a pointer to it
 *   (dmaengine_desc_get_metadata_ptr): MEM_TO_DEV it writes it and sets the
 *   length before submit; DEV_TO_MEM it reads it in the completion
 *   callback, after which the buffer is gone.
 * One descriptor uses one mode.
 */
enum dma_desc_metadata_mode {
	DESC_METADATA_NONE = 0,
	DESC_METADATA_CLIENT = (1 << 0),
	DESC_METADATA_ENGINE = (1 << 1),
};

enum dma_slave_buswidth {
	DMA_SLAVE_BUSWIDTH_UNDEFINED = 0,
	DMA_SLAVE_BUSWIDTH_1_BYTE = 1,
	DMA_SLAVE_BUSWIDTH_2_BYTES = 2,
	DMA_SLAVE_BUSWIDTH_3_BYTES = 3,
	DMA_SLAVE_BUSWIDTH_4_BYTES = 4,
	DMA_SLAVE_BUSWIDTH_8_BYTES = 8,
	DMA_SLAVE_BUSWIDTH_16_BYTES = 16,
	DMA_SLAVE_BUSWIDTH_32_BYTES = 32,
	DMA_SLAVE_BUSWIDTH_64_BYTES = 64,
	DMA_SLAVE_BUSWIDTH_128_BYTES = 128,
};

enum dma_residue_granularity {
	DMA_RESIDUE_GRANULARITY_DESCRIPTOR = 0,	/* residue is always 0: only done or not */
	DMA_RESIDUE_GRANULARITY_SEGMENT = 1,	/* updated when a segment/period completes */
	DMA_RESIDUE_GRANULARITY_BURST = 2,	/* updated after every burst */
};

enum dmaengine_tx_result {
	DMA_TRANS_NOERROR = 0,
	DMA_TRANS_READ_FAILED,
	DMA_TRANS_WRITE_FAILED,
	DMA_TRANS_ABORTED,
};

struct dmaengine_result {
	enum dmaengine_tx_result result;
	uint32_t residue;
};

/* Capability masks: kernel macros, taking the mask as an lvalue. */
typedef struct {
	unsigned long bits[1];
} dma_cap_mask_t;

#define dma_cap_set(tx, mask)	__dma_cap_set((tx), &(mask))
#define dma_cap_clear(tx, mask)	__dma_cap_clear((tx), &(mask))
#define dma_cap_zero(mask)	__dma_cap_zero(&(mask))
#define dma_has_cap(tx, mask)	__dma_has_cap((tx), &(mask))

static inline void __dma_cap_set(enum dma_transaction_type tx, dma_cap_mask_t *m)
{
	m->bits[0] |= 1UL << tx;
}

static inline void __dma_cap_clear(enum dma_transaction_type tx, dma_cap_mask_t *m)
{
	m->bits[0] &= ~(1UL << tx);
}

static inline void __dma_cap_zero(dma_cap_mask_t *m)
{
	m->bits[0] = 0;
}

static inline bool __dma_has_cap(enum dma_transaction_type tx, const dma_cap_mask_t *m)
{
	return (m->bits[0] >> tx) & 1UL;
}

/* Every capability in @want is in @have. */
static inline bool __dma_cap_subset(const dma_cap_mask_t *want, const dma_cap_mask_t *have)
{
	return (want->bits[0] & ~have->bits[0]) == 0;
}

struct dma_chan;
struct dma_device;
struct dma_async_tx_descriptor;

/*
 * The client device (the kernel's struct device). Its name is matched against
 * dma_slave_map.devname by dma_request_chan. A controller's own struct device
 * may carry mapping ops; dma_map_* with a device that has none is identity.
 */
struct dma_map_ops;
struct device {
	union {
		const char *name;
		const char *init_name;	/* the kernel's spelling for a static device */
	};
	const struct dma_map_ops *dma_ops;
	void *driver_data;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev && dev->name ? dev->name : "(no device)";
}

typedef bool (*dma_filter_fn)(struct dma_chan *chan, void *filter_param);
typedef void (*dma_async_tx_callback)(void *dma_async_param);
typedef void (*dma_async_tx_callback_result)(void *dma_async_param,
					     const struct dmaengine_result *result);

struct dma_slave_map {
	const char *devname;
	const char *slave;
	void *param;
};

struct dma_filter {
	dma_filter_fn fn;
	int mapcnt;
	const struct dma_slave_map *map;
};

struct dma_slave_config {
	enum dma_transfer_direction direction;
	dma_addr_t src_addr;
	dma_addr_t dst_addr;
	enum dma_slave_buswidth src_addr_width;
	enum dma_slave_buswidth dst_addr_width;
	uint32_t src_maxburst;
	uint32_t dst_maxburst;
	uint32_t src_port_window_size;
	uint32_t dst_port_window_size;
	bool device_fc;
	void *peripheral_config;
	size_t peripheral_size;
};

struct dma_slave_caps {
	uint32_t src_addr_widths;
	uint32_t dst_addr_widths;
	uint32_t directions;
	uint32_t min_burst;
	uint32_t max_burst;
	uint32_t max_sg_burst;
	bool cmd_pause;
	bool cmd_resume;
	bool cmd_terminate;
	enum dma_residue_granularity residue_granularity;
	bool descriptor_reuse;
};

struct dma_tx_state {
	dma_cookie_t last;
	dma_cookie_t used;
	uint32_t residue;
	uint32_t in_flight_bytes;
};

/* One contiguous piece of memory for dmaengine_prep_peripheral_dma_vec. */
struct dma_vec {
	dma_addr_t addr;
	size_t len;
};

struct data_chunk {
	size_t size;
	size_t icg;
	size_t dst_icg;
	size_t src_icg;
};

struct dma_interleaved_template {
	dma_addr_t src_start;
	dma_addr_t dst_start;
	enum dma_transfer_direction dir;
	bool src_inc;
	bool dst_inc;
	bool src_sgl;
	bool dst_sgl;
	size_t numf;
	size_t frame_size;
	struct data_chunk sgl[];
};

/*
 * The gap one side skips after @chunk, as the kernel computes it: none on a
 * side that does not increment; else the side's own gap if set, else the
 * shared icg on a scatter-gather side.
 */
static inline size_t dmaengine_get_icg(bool inc, bool sgl, size_t icg, size_t dir_icg)
{
	if (!inc)
		return 0;
	if (dir_icg)
		return dir_icg;
	return sgl ? icg : 0;
}

static inline size_t dmaengine_get_src_icg(const struct dma_interleaved_template *xt,
					   const struct data_chunk *chunk)
{
	return dmaengine_get_icg(xt->src_inc, xt->src_sgl, chunk->icg, chunk->src_icg);
}

static inline size_t dmaengine_get_dst_icg(const struct dma_interleaved_template *xt,
					   const struct data_chunk *chunk)
{
	return dmaengine_get_icg(xt->dst_inc, xt->dst_sgl, chunk->icg, chunk->dst_icg);
}

/*
 * A provider's metadata ops, set on its descriptors (tx->metadata_ops):
 * attach takes a client's buffer (CLIENT mode); get_ptr returns the
 * descriptor's own buffer with its used and maximum lengths, set_len
 * records how much of it the client filled (ENGINE mode). Clients call
 * them through dmaengine_desc_* below, which check the mode first.
 */
struct dma_descriptor_metadata_ops {
	int (*attach)(struct dma_async_tx_descriptor *desc, void *data, size_t len);
	void *(*get_ptr)(struct dma_async_tx_descriptor *desc, size_t *payload_len,
			 size_t *max_len);
	int (*set_len)(struct dma_async_tx_descriptor *desc, size_t payload_len);
};

/*
 * A prepared transfer. The provider allocates it in prep and owns it; the
 * client sets callback/callback_result/callback_param before submit.
 */
struct dma_async_tx_descriptor {
	dma_cookie_t cookie;
	enum dma_ctrl_flags flags;
	dma_addr_t phys;
	struct dma_chan *chan;
	dma_cookie_t (*tx_submit)(struct dma_async_tx_descriptor *tx);
	int (*desc_free)(struct dma_async_tx_descriptor *tx);
	dma_async_tx_callback callback;
	dma_async_tx_callback_result callback_result;
	void *callback_param;
	/* the mode the client's first metadata call chose; every prep resets it */
	enum dma_desc_metadata_mode desc_metadata_mode;
	struct dma_descriptor_metadata_ops *metadata_ops;
	/* udmaengine: lifecycle tag the core checks on submit (UDMA_DESC_*). */
	int udma_state;
	/* udmaengine: what its submit counts in the channel's statistics, set
	 * by prep (udma_acct() in <udmaengine/provider.h>) */
	uint64_t udma_acct;
	/* udmaengine: CLOCK_MONOTONIC ns of its last submit, written only while
	 * telemetry runs (callback latency, <udmaengine/telemetry.h>) */
	uint64_t udma_submit_ns;
};

/* udmaengine's own fields of a device. */
struct udma_device_state {
	/* set by the provider: its tx_submit claims the descriptor itself,
	 * under the lock that serializes its submits (udma_desc_claim), so
	 * dmaengine_submit spares its own atomic exchange */
	bool claim_in_submit;
	int registered;			/* the core's: between register and unregister */
};

/*
 * udmaengine's own state of a channel: the core's, beside the kernel's
 * fields (strict-mode bookkeeping, names, statistics off the fast path,
 * telemetry). Clients and providers read it through the library's calls,
 * never directly.
 */
struct udma_chan_state {
	int flags;			/* UDMA_CHAN_* (core/internal.h) */
	unsigned int reported;		/* misuse kinds reported (strict mode) */
	void *unsubmitted;		/* last prep not yet submitted (strict mode) */
	char name[32];			/* "dma0chan1" */
	char slave_name[40];		/* "dma:rx", what name points to after
					   dma_request_chan (as the kernel names it) */
	/* statistics off the memcpy fast path (core/stats.c) */
	uint64_t kind_count[4];		/* submits of UDMA_ACCT_MEMSET.. _OTHER */
	uint64_t errors;		/* callbacks given an error result */
	uint64_t terminated;		/* transfers dropped by terminates */
	uint64_t stats_floor;		/* udma_submitted at the last terminate */
	uint64_t cookie_origin;		/* udma_submitted minus the cookie at
					   dma_cookie_init */
	void *telemetry;		/* callback latency histogram (core/telemetry.c) */
};

/*
 * A channel. cookie/completed_cookie are written under the provider's lock
 * and read anywhere: use dma_cookie_status / dmaengine_tx_status, not the
 * fields, from other threads.
 */
struct dma_chan {
	struct dma_device *device;
	struct device *slave;
	dma_cookie_t cookie;		/* written by submitters */
	/* udmaengine statistics written with the cookie, under the same lock,
	 * on the same line (udma_chan_get_stats): the two fields of its own
	 * that udmaengine keeps out of @udma, where they would cost every
	 * submit a second cache line */
	uint64_t udma_submitted;	/* cookies taken */
	uint64_t udma_bytes;		/* bytes of the transfers submitted */
	/* written by the provider's completion path: its own cache line, so
	 * completions do not steal the submitters' line */
	dma_cookie_t completed_cookie UDMA_CACHELINE_ALIGNED;
	int chan_id UDMA_CACHELINE_ALIGNED;	/* read-mostly from here on */
	const char *name;		/* "dma:<name>" after dma_request_chan(dev, name) */
	struct list_head device_node;	/* on dma_device.channels */
	int client_count;		/* 1 while a client holds the channel */
#ifndef __cplusplus
	void *private;
#else
	/* `private` is a C++ keyword: C++ code names this member private_ (the
	 * same member at the same offset; the struct's layout is identical) */
	void *private_;
#endif
	struct udma_chan_state udma;	/* udmaengine's own */
};

static inline const char *dma_chan_name(const struct dma_chan *chan)
{
	return chan->udma.name;
}

/*
 * One copy of a udma_submit_memcpy_batch: what dmaengine_prep_dma_memcpy
 * takes and what the client sets on the descriptor it returns.
 */
struct udma_copy {
	dma_addr_t dst;
	dma_addr_t src;
	size_t len;
	dma_async_tx_callback callback;
	dma_async_tx_callback_result callback_result;	/* wins over callback (R4) */
	void *callback_param;
};

/*
 * A DMA controller. Providers fill it (see <udmaengine/provider.h>); clients
 * read its capabilities through chan->device.
 */
struct dma_device {
	unsigned int chancnt;
	unsigned int privatecnt;
	struct list_head channels;
	struct list_head global_node;
	struct dma_filter filter;
	dma_cap_mask_t cap_mask;
	enum dma_desc_metadata_mode desc_metadata_modes;	/* modes its descriptors offer */
	unsigned int copy_align;	/* log2 of the required alignment */
	unsigned int fill_align;
	int dev_id;
	struct device *dev;
	uint32_t src_addr_widths;	/* bit n set: width of n bytes supported */
	uint32_t dst_addr_widths;
	uint32_t directions;		/* bit n set: enum dma_transfer_direction n */
	uint32_t min_burst;
	uint32_t max_burst;
	uint32_t max_sg_burst;
	bool descriptor_reuse;
	enum dma_residue_granularity residue_granularity;
	/* udmaengine, optional: udma_submit_memcpy_batch's fast path. Preps and
	 * queues the first copies it accepts, in order, and returns how many
	 * (0..n), setting *last_cookie; it stops at one it would refuse, which
	 * the core then takes through device_prep_dma_memcpy and tx_submit to
	 * report. Called with the channel held and @flags checked; each copy
	 * passed the core's memcpy checks. */
	unsigned int (*udma_submit_memcpy_batch)(struct dma_chan *chan,
						 const struct udma_copy *copies, unsigned int n,
						 unsigned long flags, dma_cookie_t *last_cookie);

	int (*device_alloc_chan_resources)(struct dma_chan *chan);
	void (*device_free_chan_resources)(struct dma_chan *chan);

	struct dma_async_tx_descriptor *(*device_prep_dma_memcpy)(
		struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		size_t len, unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_dma_memset)(
		struct dma_chan *chan, dma_addr_t dest, int value, size_t len,
		unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_dma_interrupt)(
		struct dma_chan *chan, unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_slave_sg)(
		struct dma_chan *chan, struct scatterlist *sgl,
		unsigned int sg_len, enum dma_transfer_direction direction,
		unsigned long flags, void *context);
	struct dma_async_tx_descriptor *(*device_prep_peripheral_dma_vec)(
		struct dma_chan *chan, const struct dma_vec *vecs, size_t nents,
		enum dma_transfer_direction direction, unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_dma_cyclic)(
		struct dma_chan *chan, dma_addr_t buf_addr, size_t buf_len,
		size_t period_len, enum dma_transfer_direction direction,
		unsigned long flags);
	struct dma_async_tx_descriptor *(*device_prep_interleaved_dma)(
		struct dma_chan *chan, struct dma_interleaved_template *xt,
		unsigned long flags);

	/* optional: channel-specific caps, called last by dma_get_slave_caps */
	void (*device_caps)(struct dma_chan *chan, struct dma_slave_caps *caps);
	int (*device_config)(struct dma_chan *chan, struct dma_slave_config *config);
	int (*device_pause)(struct dma_chan *chan);
	int (*device_resume)(struct dma_chan *chan);
	int (*device_terminate_all)(struct dma_chan *chan);
	void (*device_synchronize)(struct dma_chan *chan);

	enum dma_status (*device_tx_status)(struct dma_chan *chan,
					    dma_cookie_t cookie,
					    struct dma_tx_state *txstate);
	void (*device_issue_pending)(struct dma_chan *chan);
	void (*device_release)(struct dma_device *dev);

	/* udmaengine's own: what the provider declares and the core's state;
	 * the op above sits with the other ops */
	struct udma_device_state udma;
};

/* copy_align / fill_align values: log2 of the alignment in bytes. */
enum dmaengine_alignment {
	DMAENGINE_ALIGN_1_BYTE = 0,
	DMAENGINE_ALIGN_2_BYTES = 1,
	DMAENGINE_ALIGN_4_BYTES = 2,
	DMAENGINE_ALIGN_8_BYTES = 3,
	DMAENGINE_ALIGN_16_BYTES = 4,
	DMAENGINE_ALIGN_32_BYTES = 5,
	DMAENGINE_ALIGN_64_BYTES = 6,
	DMAENGINE_ALIGN_128_BYTES = 7,
	DMAENGINE_ALIGN_256_BYTES = 8,
};

/* Both offsets and the length are multiples of 1 << @align. */
static inline bool dmaengine_check_align(enum dmaengine_alignment align, size_t off1,
					 size_t off2, size_t len)
{
	return !((((size_t)1 << align) - 1) & (off1 | off2 | len));
}

static inline bool is_dma_copy_aligned(struct dma_device *dev, size_t off1, size_t off2,
				       size_t len)
{
	return dmaengine_check_align((enum dmaengine_alignment)dev->copy_align, off1, off2, len);
}

static inline bool is_dma_fill_aligned(struct dma_device *dev, size_t off1, size_t off2,
				       size_t len)
{
	return dmaengine_check_align((enum dmaengine_alignment)dev->fill_align, off1, off2, len);
}

/*
 * The device to map buffers for when using @chan: the controller's, as
 * udmaengine has no per-channel DMA device.
 */
static inline struct device *dmaengine_get_dma_device(struct dma_chan *chan)
{
	return chan->device->dev;
}

/* ---- channel allocation (R1, R10) ---- */

struct dma_chan *__dma_request_channel(const dma_cap_mask_t *mask,
				       dma_filter_fn fn, void *fn_param,
				       void *np);
#define dma_request_channel(mask, x, y) \
	__dma_request_channel(&(mask), (x), (y), NULL)

/* By name through the controllers' slave maps; ERR_PTR(-ENODEV) when none. */
struct dma_chan *dma_request_chan(struct device *dev, const char *name);
struct dma_chan *dma_request_chan_by_mask(const dma_cap_mask_t *mask);
void dma_release_channel(struct dma_chan *chan);

/* Deprecated in the kernel: dma_request_chan, with NULL for every error. */
static inline struct dma_chan *dma_request_slave_channel(struct device *dev, const char *name)
{
	struct dma_chan *ch = dma_request_chan(dev, name);

	return IS_ERR(ch) ? NULL : ch;
}

/*
 * For providers' channel lookups (the kernel's of_xlate helpers): take
 * @chan itself if no client holds it, or the first free channel of
 * @device (which must have DMA_SLAVE). NULL when taken. The channel is
 * then held as if dma_request_channel had returned it.
 */
struct dma_chan *dma_get_slave_channel(struct dma_chan *chan);
struct dma_chan *dma_get_any_slave_channel(struct dma_device *device);

int dma_get_slave_caps(struct dma_chan *chan, struct dma_slave_caps *caps);
int dmaengine_slave_config(struct dma_chan *chan, struct dma_slave_config *config);

/* ---- prep (R2): NULL and a diagnostic on bad arguments ---- */

struct dma_async_tx_descriptor *dmaengine_prep_dma_memcpy(
	struct dma_chan *chan, dma_addr_t dest, dma_addr_t src, size_t len,
	unsigned long flags);
struct dma_async_tx_descriptor *dmaengine_prep_dma_memset(
	struct dma_chan *chan, dma_addr_t dest, int value, size_t len,
	unsigned long flags);
struct dma_async_tx_descriptor *dmaengine_prep_slave_sg(
	struct dma_chan *chan, struct scatterlist *sgl, unsigned int sg_len,
	enum dma_transfer_direction dir, unsigned long flags);
struct dma_async_tx_descriptor *dmaengine_prep_slave_single(
	struct dma_chan *chan, dma_addr_t buf, size_t len,
	enum dma_transfer_direction dir, unsigned long flags);
/* A slave transfer over an array of (addr, len) pieces, as slave_sg without
 * a scatterlist; NULL when the device has no device_prep_peripheral_dma_vec. */
struct dma_async_tx_descriptor *dmaengine_prep_peripheral_dma_vec(
	struct dma_chan *chan, const struct dma_vec *vecs, size_t nents,
	enum dma_transfer_direction dir, unsigned long flags);
struct dma_async_tx_descriptor *dmaengine_prep_dma_cyclic(
	struct dma_chan *chan, dma_addr_t buf_addr, size_t buf_len,
	size_t period_len, enum dma_transfer_direction dir, unsigned long flags);
struct dma_async_tx_descriptor *dmaengine_prep_interleaved_dma(
	struct dma_chan *chan, struct dma_interleaved_template *xt,
	unsigned long flags);

/* ---- submit and start (R3) ---- */

dma_cookie_t dmaengine_submit(struct dma_async_tx_descriptor *desc);
void dma_async_issue_pending(struct dma_chan *chan);

/*
 * udmaengine extension: @n memcpy transfers prepared and submitted in one
 * call, as if each were dmaengine_prep_dma_memcpy(chan, dst, src, len,
 * flags), its callback fields set from the entry, then dmaengine_submit:
 * the same checks, cookies, order and callbacks (R2-R4, R9), for a
 * fraction of the per-copy cost where the provider has a batch op (the
 * soft controller does; others get the calls one by one). It only queues:
 * nothing moves before dma_async_issue_pending.
 *
 * Returns how many were submitted, the first ones: n, or the index of the
 * copy refused (whose diagnostic names dmaengine_prep_dma_memcpy, the call
 * it stands for); a negative errno when none was (-EINVAL, or -ENODEV
 * for a channel whose device went away). *@last_cookie (may be NULL) gets the last submitted copy's
 * cookie, for dmaengine_tx_status. @flags apply to every copy, and a copy
 * with a callback gets DMA_PREP_INTERRUPT too; DMA_CTRL_REUSE is refused:
 * a batch gives no descriptor back to submit again.
 */
int udma_submit_memcpy_batch(struct dma_chan *chan, const struct udma_copy *copies,
			     unsigned int n, unsigned long flags, dma_cookie_t *last_cookie);

/* ---- stop (R5, R6, R7) ---- */

int dmaengine_terminate_async(struct dma_chan *chan);
void dmaengine_synchronize(struct dma_chan *chan);
int dmaengine_terminate_sync(struct dma_chan *chan);
/* Deprecated: terminate_sync outside callbacks, terminate_async inside. */
int dmaengine_terminate_all(struct dma_chan *chan);
int dmaengine_pause(struct dma_chan *chan);
int dmaengine_resume(struct dma_chan *chan);

/* ---- status (R8) ---- */

enum dma_status dmaengine_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				    struct dma_tx_state *state);

/*
 * Whether @cookie is complete given the last completed and last used cookies,
 * correct across wraparound from INT32_MAX to DMA_MIN_COOKIE.
 */
static inline enum dma_status dma_async_is_complete(dma_cookie_t cookie,
						    dma_cookie_t last_complete,
						    dma_cookie_t last_used)
{
	if (last_complete <= last_used) {
		if (cookie <= last_complete || cookie > last_used)
			return DMA_COMPLETE;
	} else {
		if (cookie <= last_complete && cookie > last_used)
			return DMA_COMPLETE;
	}
	return DMA_IN_PROGRESS;
}

static inline enum dma_status dma_async_is_tx_complete(struct dma_chan *chan,
						       dma_cookie_t cookie,
						       dma_cookie_t *last,
						       dma_cookie_t *used)
{
	struct dma_tx_state state = { 0, 0, 0, 0 };
	enum dma_status status = dmaengine_tx_status(chan, cookie, &state);

	if (last)
		*last = state.last;
	if (used)
		*used = state.used;
	return status;
}

/* Issues pending work and polls until @cookie completes (5 s limit: DMA_ERROR). */
enum dma_status dma_sync_wait(struct dma_chan *chan, dma_cookie_t cookie);

/* ---- descriptor reuse (R9) ---- */

int dmaengine_desc_set_reuse(struct dma_async_tx_descriptor *tx);
static inline void dmaengine_desc_clear_reuse(struct dma_async_tx_descriptor *tx)
{
	tx->flags = (enum dma_ctrl_flags)(tx->flags & ~DMA_CTRL_REUSE);
}
static inline bool dmaengine_desc_test_reuse(const struct dma_async_tx_descriptor *tx)
{
	return (tx->flags & DMA_CTRL_REUSE) == DMA_CTRL_REUSE;
}
int dmaengine_desc_free(struct dma_async_tx_descriptor *desc);

/* DMA_CTRL_ACK: the client is done with @tx (the kernel's async_tx use). */
static inline void async_tx_ack(struct dma_async_tx_descriptor *tx)
{
	tx->flags = (enum dma_ctrl_flags)(tx->flags | DMA_CTRL_ACK);
}
static inline void async_tx_clear_ack(struct dma_async_tx_descriptor *tx)
{
	tx->flags = (enum dma_ctrl_flags)(tx->flags & ~DMA_CTRL_ACK);
}
static inline bool async_tx_test_ack(struct dma_async_tx_descriptor *tx)
{
	return (tx->flags & DMA_CTRL_ACK) == DMA_CTRL_ACK;
}

/* ---- descriptor metadata (see enum dma_desc_metadata_mode) ---- */

/* Does @chan's device offer @mode? false, with a diagnostic, for a bad @chan. */
bool dmaengine_is_metadata_mode_supported(struct dma_chan *chan,
					  enum dma_desc_metadata_mode mode);
/*
 * CLIENT mode. The first metadata call on a descriptor fixes its mode:
 * -ENOTSUPP if the device lacks the mode, -EINVAL if the descriptor is in
 * the other one; -ENOTSUPP without the provider's op. The getter returns
 * these as ERR_PTR. Each refusal reports one diagnostic line.
 */
int dmaengine_desc_attach_metadata(struct dma_async_tx_descriptor *desc, void *data,
				   size_t len);
/* ENGINE mode: the descriptor's buffer, its used and its maximum length. */
void *dmaengine_desc_get_metadata_ptr(struct dma_async_tx_descriptor *desc,
				      size_t *payload_len, size_t *max_len);
/* ENGINE mode: how many bytes the client wrote at the pointer (MEM_TO_DEV). */
int dmaengine_desc_set_metadata_len(struct dma_async_tx_descriptor *desc, size_t payload_len);

/* ---- mapping host memory for a controller ---- */

#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

struct dma_map_ops {
	dma_addr_t (*map)(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir);
	void (*unmap)(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
	/* optional: hand a mapped range to the CPU / back to the device
	 * (dma_sync_*); without them the calls are a full memory fence */
	void (*sync_for_cpu)(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
	void (*sync_for_device)(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir);
};

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
/* Returns the number of mapped entries, 0 on failure (as in the kernel). */
int dma_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
	       enum dma_data_direction dir);
void dma_unmap_sg(struct device *dev, struct scatterlist *sgl, int nents,
		  enum dma_data_direction dir);
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

/* The _attrs forms: no DMA_ATTR_* changes what an identity or pinning
 * mapping does, so @attrs is not looked at. */
static inline dma_addr_t dma_map_single_attrs(struct device *dev, void *ptr, size_t size,
					      enum dma_data_direction dir, unsigned long attrs)
{
	(void)attrs;
	return dma_map_single(dev, ptr, size, dir);
}
static inline void dma_unmap_single_attrs(struct device *dev, dma_addr_t addr, size_t size,
					  enum dma_data_direction dir, unsigned long attrs)
{
	(void)attrs;
	dma_unmap_single(dev, addr, size, dir);
}
static inline unsigned int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg,
					    int nents, enum dma_data_direction dir,
					    unsigned long attrs)
{
	(void)attrs;
	return (unsigned int)dma_map_sg(dev, sg, nents, dir);
}
static inline void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
				      enum dma_data_direction dir, unsigned long attrs)
{
	(void)attrs;
	dma_unmap_sg(dev, sg, nents, dir);
}

/*
 * Ownership of a mapped buffer: _for_cpu before the CPU reads what the
 * device wrote, _for_device before the device reads what the CPU wrote.
 * The device's sync op if it has one, else a full fence. A bad @dir or
 * @addr is refused with a diagnostic (nothing to return).
 */
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir);
/* Each mapped entry of the first @nelems, by its dma address and length. */
void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nelems,
			 enum dma_data_direction dir);
void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nelems,
			    enum dma_data_direction dir);
static inline void dma_sync_single_range_for_cpu(struct device *dev, dma_addr_t addr,
						 size_t offset, size_t size,
						 enum dma_data_direction dir)
{
	dma_sync_single_for_cpu(dev, addr + offset, size, dir);
}
static inline void dma_sync_single_range_for_device(struct device *dev, dma_addr_t addr,
						    size_t offset, size_t size,
						    enum dma_data_direction dir)
{
	dma_sync_single_for_device(dev, addr + offset, size, dir);
}

#ifndef DMA_BIT_MASK
#define DMA_BIT_MASK(n)	(((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#endif

/*
 * Addressing limits. Every udmaengine device reaches all of host memory
 * (identity) or maps through its own ops, so any mask is accepted and
 * none is enforced: 0, or -EINVAL with a diagnostic for a NULL @dev.
 */
int dma_set_mask(struct device *dev, uint64_t mask);
int dma_set_coherent_mask(struct device *dev, uint64_t mask);
int dma_set_mask_and_coherent(struct device *dev, uint64_t mask);

/* Allocation flags; <linux/types.h> of a kernel tree defines the same type. */
#ifndef UDMA_GFP_T_DEFINED
#define UDMA_GFP_T_DEFINED
typedef unsigned int gfp_t;
#endif

/*
 * Zeroed, page-aligned memory both the CPU and @dev's controller use
 * without syncs; *@dma_handle is its DMA address (the host address for a
 * device without map ops, else the ops' mapping, DMA_BIDIRECTIONAL).
 * @gfp is not looked at: user space allocates without context limits.
 * NULL, with a diagnostic, when refused or out of memory.
 */
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
/* Unmaps and frees what dma_alloc_coherent returned; NULL @cpu_addr: nothing. */
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);

/* ---- udmaengine diagnostics (R2, R11) ---- */

/*
 * Every refused call reports one line, e.g.
 *   "udmaengine: dma0chan1: dmaengine_prep_dma_memcpy: len 0: must be > 0"
 * to stderr, or to a handler installed here (NULL restores stderr).
 * The handler may run on any thread, including callback context.
 */
typedef void (*udma_diag_handler_t)(void *arg, const char *line);
void udma_set_diag_handler(udma_diag_handler_t fn, void *arg);
/* Number of diagnostics reported since the process started. */
unsigned long udma_diag_count(void);

/*
 * Misuse detection. Misuses the kernel documents or implies (terminate_sync
 * or synchronize in a callback, issue_pending between terminate_async and
 * synchronize, resume without pause, a second submit without
 * DMA_CTRL_REUSE, use of a freed descriptor, ...) are always refused or
 * reported. Strict mode adds the checks that cost something and reports
 * each kind once per channel, as a line starting "misuse:":
 *   UDMA_STRICT_OFF     default: every refused call reports
 *   UDMA_STRICT_REPORT  also: release after terminate_async without
 *                       synchronize, a prep never submitted before the next
 *                       prep, freed descriptors quarantined so later use is
 *                       caught; each kind reported once per channel
 *   UDMA_STRICT_ABORT   as REPORT, then abort() after the report (CI)
 * The environment sets it: UDMA_STRICT=1 (REPORT), UDMA_STRICT=abort, read
 * the first time the mode is needed unless udma_set_strict came first.
 */
enum udma_strict {
	UDMA_STRICT_OFF,
	UDMA_STRICT_REPORT,
	UDMA_STRICT_ABORT,
};
void udma_set_strict(enum udma_strict mode);
enum udma_strict udma_get_strict(void);

/* ---- udmaengine statistics (the kernel's dma_chan_percpu, and more) ---- */

/*
 * A channel's counters, since its device registered (they outlive clients,
 * as the kernel's per-channel counters do). Transfers count at submit, one
 * per cookie, by the prep call that made them; a reusable descriptor
 * counts at each submit. submitted = completed + terminated + in_flight.
 */
struct udma_chan_stats {
	bool in_use;			/* a client holds it (the kernel's client_count) */
	uint64_t memcpy_count;		/* dmaengine_prep_dma_memcpy, batch copies */
	uint64_t memset_count;		/* dmaengine_prep_dma_memset */
	uint64_t slave_count;		/* dmaengine_prep_slave_sg / _single / _dma_cyclic,
					   _peripheral_dma_vec */
	uint64_t interleave_count;	/* dmaengine_prep_interleaved_dma */
	uint64_t bytes_transferred;	/* their bytes, counted at submit as the kernel
					   counted them (a cyclic buffer once) */
	uint64_t submitted;		/* transfers submitted: cookies taken */
	uint64_t completed;		/* their cookies completed, with an error or not,
					   called back or not */
	uint64_t errors;		/* callbacks run with a result other than
					   DMA_TRANS_NOERROR */
	uint64_t terminated;		/* dropped by a terminate (or a release or an
					   unregister, which terminate) before completing */
	uint64_t in_flight;		/* queued or running now */
};

/*
 * Fills @st for any channel of a registered device, held or not (or held
 * and unplugged). Safe from any thread, callbacks included, while the
 * channel runs: each counter is a value it had during the call. 0, or
 * -EINVAL with a diagnostic (NULL or ERR_PTR @chan or @st, a channel of no
 * registered device).
 */
int udma_chan_get_stats(struct dma_chan *chan, struct udma_chan_stats *st);

/*
 * Writes every registered device and its held channels to @f in the format
 * of the kernel's /sys/kernel/debug/dmaengine/summary, then, after a line
 * "udmaengine counters:", one line per channel with udma_chan_get_stats'
 * counters. UDMA_SUMMARY=1 in the environment prints it to stderr at exit,
 * UDMA_SUMMARY=PATH writes it to PATH (devices unregistered before exit
 * included, as they were then).
 */
void udma_dmaengine_summary(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_DMAENGINE_H */

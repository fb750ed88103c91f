/* SPDX-License-Identifier: MIT */
/*
 * udmaengine provider API: what a DMA controller driver uses, as in the
 * kernel's <linux/dmaengine.h> provider half and drivers/dma/dmaengine.h.
 *
 * A driver fills a struct dma_device (caps, directions, widths, device_* ops),
 * links its channels on dma_device.channels (vchan_init does it), and calls
 * dma_async_device_register(). See providers/soft/ for a complete driver.
 */
#ifndef UDMAENGINE_PROVIDER_H
#define UDMAENGINE_PROVIDER_H

#include <udmaengine/dmaengine.h>
#include <udmaengine/spinlock.h>
#include <udmaengine/tasklet.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Checks the device's ops against its caps (every cap needs its prep op;
 * issue_pending and tx_status are required), names the device and its
 * channels "dmaNchanM", and makes the channels available. 0 or -errno.
 */
int dma_async_device_register(struct dma_device *device);
/*
 * Removes the device. Held channels are terminated and synchronized first;
 * callers that must refuse instead (udma_soft_destroy) check first with
 * dma_device_busy().
 */
void dma_async_device_unregister(struct dma_device *device);
/* True while a client holds one of the device's channels. */
bool dma_device_busy(struct dma_device *device);

/* Descriptor lifecycle tags (dma_async_tx_descriptor.udma_state). */
enum {
	UDMA_DESC_PREPARED = 0x5eed0001,	/* returned by prep, may be submitted */
	UDMA_DESC_SUBMITTED = 0x5eed0002,	/* queued or running */
	UDMA_DESC_FREED = 0x5eed0dea,		/* returned to the provider */
};

/*
 * For a provider with dma_device.udma.claim_in_submit: its tx_submit calls
 * this first, under the lock that serializes its submits, and returns
 * UDMA_SUBMIT_UNCLAIMED (nothing done) when it fails; dmaengine_submit then
 * reports why. A plain load and store suffice there: every other change of
 * the tag is from SUBMITTED, or happens before the client may submit.
 */
#define UDMA_SUBMIT_UNCLAIMED (-EALREADY)

static inline bool udma_desc_claim(struct dma_async_tx_descriptor *tx)
{
	if (__atomic_load_n(&tx->udma_state, __ATOMIC_ACQUIRE) != UDMA_DESC_PREPARED)
		return false;
	__atomic_store_n(&tx->udma_state, UDMA_DESC_SUBMITTED, __ATOMIC_RELAXED);
	return true;
}

static inline void dma_async_tx_descriptor_init(struct dma_async_tx_descriptor *tx,
						struct dma_chan *chan)
{
	tx->chan = chan;
}

/* ---- statistics (udma_chan_get_stats, core/stats.c) ---- */

/*
 * What a submit counts as: dma_async_tx_descriptor.udma_acct holds the kind
 * in its low 3 bits and the bytes above them. The core's prep calls set it;
 * a provider that submits descriptors no prep call returned sets it with
 * udma_acct() first (0 counts a memcpy of no bytes).
 */
enum udma_acct_kind {
	UDMA_ACCT_MEMCPY,	/* counted as submitted minus the others */
	UDMA_ACCT_MEMSET,
	UDMA_ACCT_SLAVE,	/* slave_sg, slave_single, peripheral_dma_vec, cyclic */
	UDMA_ACCT_INTERLEAVE,
	UDMA_ACCT_OTHER,	/* a prep with no kind of its own above */
};

static inline uint64_t udma_acct(enum udma_acct_kind kind, uint64_t bytes)
{
	return bytes << 3 | (uint64_t)kind;
}

/* A counter only threads holding one lock write: a plain add, which
 * unlocked readers load whole. */
static inline void udma_stat_add(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* Counts a submit of @acct; with the lock that serializes submits held,
 * after its cookie was taken. Memcpy, the fast path's kind, writes only
 * the submitters' line. */
static inline void udma_count_submit(struct dma_chan *chan, uint64_t acct)
{
	unsigned int kind = (unsigned int)(acct & 7);

	udma_stat_add(&chan->udma_bytes, acct >> 3);
	if (__builtin_expect(kind != UDMA_ACCT_MEMCPY, 0)) {
		uint64_t *n = &chan->udma.kind_count[(kind - 1) & 3];

		/* release: a reader that sees it sees the submit counted */
		__atomic_store_n(n, __atomic_load_n(n, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
	}
}

/* ---- cookies (drivers/dma/dmaengine.h) ---- */

static inline void dma_cookie_init(struct dma_chan *chan)
{
	__atomic_store_n(&chan->cookie, DMA_MIN_COOKIE, __ATOMIC_RELAXED);
	__atomic_store_n(&chan->completed_cookie, DMA_MIN_COOKIE, __ATOMIC_RELEASE);
	/* the submit count at which the cookie restarts (core/stats.c) */
	__atomic_store_n(&chan->udma.cookie_origin,
			 __atomic_load_n(&chan->udma_submitted, __ATOMIC_RELAXED) - DMA_MIN_COOKIE,
			 __ATOMIC_RELAXED);
}

/* Takes @chan's next cookie, for a transfer with no descriptor (a batch
 * copy's ring entry); call with the lock that serializes submits held.
 * Counts it submitted: one cookie, one transfer. */
static inline dma_cookie_t udma_cookie_take(struct dma_chan *chan)
{
	dma_cookie_t last = __atomic_load_n(&chan->cookie, __ATOMIC_RELAXED);
	dma_cookie_t cookie = last == INT32_MAX ? DMA_MIN_COOKIE : last + 1;

	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	udma_stat_add(&chan->udma_submitted, 1);
	__atomic_store_n(&chan->cookie, cookie, __ATOMIC_RELEASE);
	return cookie;
}

/* udma_cookie_take for a transfer that counts as @acct (udma_acct()). */
static inline dma_cookie_t udma_cookie_take_acct(struct dma_chan *chan, uint64_t acct)
{
	dma_cookie_t cookie = udma_cookie_take(chan);

	udma_count_submit(chan, acct);
	return cookie;
}

/* Gives @tx the next cookie; call with the lock that serializes submits held. */
static inline dma_cookie_t dma_cookie_assign(struct dma_async_tx_descriptor *tx)
{
	return tx->cookie = udma_cookie_take_acct(tx->chan, tx->udma_acct);
}

/* Marks @tx the channel's last completed; call with the channel's lock held. */
static inline void dma_cookie_complete(struct dma_async_tx_descriptor *tx)
{
	__atomic_store_n(&tx->chan->completed_cookie, tx->cookie, __ATOMIC_RELEASE);
	tx->cookie = 0;
}

static inline enum dma_status dma_cookie_status(struct dma_chan *chan,
						dma_cookie_t cookie,
						struct dma_tx_state *state)
{
	/* completed first: a cookie used after this load cannot look complete */
	dma_cookie_t complete = __atomic_load_n(&chan->completed_cookie, __ATOMIC_ACQUIRE);
	dma_cookie_t used = __atomic_load_n(&chan->cookie, __ATOMIC_ACQUIRE);

	if (state) {
		state->last = complete;
		state->used = used;
		state->residue = 0;
		state->in_flight_bytes = 0;
	}
	return dma_async_is_complete(cookie, complete, used);
}

static inline void dma_set_residue(struct dma_tx_state *state, uint32_t residue)
{
	if (state)
		state->residue = residue;
}

static inline void dma_set_in_flight_bytes(struct dma_tx_state *state, uint32_t bytes)
{
	if (state)
		state->in_flight_bytes = bytes;
}

/* ---- completion callbacks ---- */

/*
 * Telemetry (core/telemetry.c): while it runs, submits stamp the
 * descriptor (udma_submit_ns) and invoking a callback records the time
 * since in the channel's latency histogram. Off, the callback path pays
 * one load and branch on this flag.
 */
extern int udma_telemetry_active;
void udma_telemetry_callback(struct dma_chan *chan, uint64_t submit_ns);

static inline bool udma_telemetry_on(void)
{
	return __builtin_expect(__atomic_load_n(&udma_telemetry_active, __ATOMIC_RELAXED), 0);
}

struct dmaengine_desc_callback {
	dma_async_tx_callback callback;
	dma_async_tx_callback_result callback_result;
	void *callback_param;
	struct dma_chan *udma_chan;	/* whose error count a failed result bumps; may be NULL */
	uint64_t udma_submit_ns;	/* the descriptor's, while telemetry runs; else 0 */
};

static inline void dmaengine_desc_get_callback(struct dma_async_tx_descriptor *tx,
					       struct dmaengine_desc_callback *cb)
{
	cb->callback = tx->callback;
	cb->callback_result = tx->callback_result;
	cb->callback_param = tx->callback_param;
	cb->udma_chan = tx->chan;
	cb->udma_submit_ns = udma_telemetry_on() ? tx->udma_submit_ns : 0;
}

static inline bool dmaengine_desc_callback_valid(const struct dmaengine_desc_callback *cb)
{
	return cb->callback || cb->callback_result;
}

/* callback_result wins when both are set (R4). */
static inline void dmaengine_desc_callback_invoke(const struct dmaengine_desc_callback *cb,
						  const struct dmaengine_result *result)
{
	static const struct dmaengine_result noerror = { DMA_TRANS_NOERROR, 0 };

	/* the core learns of a failure only here, where it is reported; an
	 * atomic add, as errors are rare and callbacks of one channel may run
	 * on different pool threads */
	if (__builtin_expect(result && result->result != DMA_TRANS_NOERROR, 0) && cb->udma_chan &&
	    dmaengine_desc_callback_valid(cb))
		__atomic_fetch_add(&cb->udma_chan->udma.errors, 1, __ATOMIC_RELAXED);
	if (udma_telemetry_on() && cb->udma_submit_ns && cb->udma_chan &&
	    dmaengine_desc_callback_valid(cb))
		udma_telemetry_callback(cb->udma_chan, cb->udma_submit_ns);
	if (cb->callback_result)
		cb->callback_result(cb->callback_param, result ? result : &noerror);
	else if (cb->callback)
		cb->callback(cb->callback_param);
}

static inline void dmaengine_desc_get_callback_invoke(struct dma_async_tx_descriptor *tx,
						      const struct dmaengine_result *result)
{
	struct dmaengine_desc_callback cb;

	dmaengine_desc_get_callback(tx, &cb);
	dmaengine_desc_callback_invoke(&cb, result);
}

/*
 * Zeroed memory aligned for structures holding a struct dma_chan (whose
 * hot fields sit on their own cache lines). Free with free().
 */
void *udma_zalloc_aligned(size_t size);

/* ---- diagnostics for providers ---- */

/* One line, prefixed "udmaengine: <chan>: <func>: ", to the diag handler. */
void udma_chan_diag(const struct dma_chan *chan, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), cold));
/* The same, for a call that has no channel to name. */
void udma_diag(const char *func, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), cold));
/*
 * True, with a diagnostic naming @func, in a child of fork() of a process
 * that had started using udmaengine: its threads are not in the child, so
 * a provider's entry points (create, destroy, ...) refuse to run there.
 */
bool udma_forked_child(const char *func);
#define dev_err_chan(chan, ...) udma_chan_diag((chan), __func__, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_PROVIDER_H */

/* SPDX-License-Identifier: MIT */
/*
 * Submit and issue (R3), and the descriptor's life after it (R9): each
 * descriptor carries a state tag so double submits and use after free are
 * caught here instead of corrupting the provider's lists.
 */
#include "internal.h"
#include <udma/trace-hooks.h>
#include <udma/poll.h>

static bool desc_usable(struct dma_async_tx_descriptor *desc, const char *func)
{
	if (!desc || IS_ERR(desc)) {
		udma_diag(func, desc ? "desc is an error pointer" : "desc is NULL");
		return false;
	}
	return true;
}

/*
 * A descriptor still tagged SUBMITTED whose cookie reads complete, without
 * DMA_CTRL_REUSE, was freed: a provider may hand finished descriptors back
 * to its cache without writing to them (the soft controller's plain
 * copies), and the tag changes only when the cache takes them again.
 */
static bool freed_untagged(struct dma_async_tx_descriptor *desc)
{
	dma_cookie_t cookie = desc->cookie;

	return cookie > 0 && !dmaengine_desc_test_reuse(desc) &&
	       dma_cookie_status(desc->chan, cookie, NULL) == DMA_COMPLETE;
}

/* Reports why a descriptor in @state cannot be used: misuse, or garbage. */
static void report_state(struct dma_async_tx_descriptor *desc, int state, const char *func)
{
	if (state == UDMA_DESC_SUBMITTED && freed_untagged(desc))
		state = UDMA_DESC_FREED;
	switch (state) {
	case UDMA_DESC_SUBMITTED:
		if (desc->cookie == 0)	/* dma_cookie_complete ran: the callback is pending */
			udma_misuse(desc->chan, func, MISUSE_DOUBLE_SUBMIT,
				    "descriptor is complete but its callback has not run yet; "
				    "submit it again from or after its callback");
		else
			udma_misuse(desc->chan, func, MISUSE_DOUBLE_SUBMIT,
				    "descriptor is submitted already (queued or running); "
				    "set DMA_CTRL_REUSE and wait for completion to submit it again");
		break;
	case UDMA_DESC_FREED:
		udma_misuse(desc->chan, func, MISUSE_FREED_DESC,
			    "descriptor was freed (completed without DMA_CTRL_REUSE, or terminated)");
		break;
	default:
		udma_diag(func, "desc is not a descriptor returned by a prep call");
	}
}

/* Strict mode's "prepared, never submitted" record lets go of @desc. A
 * load first: the exchange is a locked instruction on every submit. */
static void forget_unsubmitted(struct dma_async_tx_descriptor *desc)
{
	/* relaxed: a record for diagnostics, compared, never dereferenced */
	if (READ_ONCE(desc->chan->udma.unsubmitted) == desc)
		(void)cmpxchg_relaxed(&desc->chan->udma.unsubmitted, (void *)desc, NULL);
}

/* Every submit the fast path below does not take, each check with its
 * diagnostic. */
static __attribute__((noinline)) dma_cookie_t submit_checked(struct dma_async_tx_descriptor *desc)
{
	const char *f = "dmaengine_submit";	/* what the diagnostics name */
	int state;
	bool claim_here;
	dma_cookie_t cookie;

	if (!desc_usable(desc, f))
		return -EINVAL;
	/* The tag first: it tells garbage and freed descriptors from ours.
	 * Acquire: pairs with the smp_store_release()s of udma_state (prep.c's
	 * client_owns, virt-dma.c's reuse and free, the failed submit below). */
	state = smp_load_acquire(&desc->udma_state);
	if (state != UDMA_DESC_PREPARED) {
		report_state(desc, state, f);
		return -EINVAL;
	}
	cookie = udma_chan_check(desc->chan, f);
	if (cookie)
		return cookie;
	/* Claim it before it is queued: once queued it may complete and be
	 * freed any time. Here, or in the provider's tx_submit under its lock. */
	claim_here = !desc->chan->device->udma.claim_in_submit;
	/*
	 * Fully ordered (it was acquire+release, which the kernel has no name
	 * for): acquire as the load above, release so that whoever acquires
	 * SUBMITTED sees the client's writes to the descriptor. A loser only
	 * reports the state it found, so a failure's relaxed load is enough.
	 */
	if (claim_here && !try_cmpxchg(&desc->udma_state, &state, UDMA_DESC_SUBMITTED)) {
		report_state(desc, state, f);	/* another thread was first */
		return -EINVAL;
	}
	forget_unsubmitted(desc);
	if (udma_tele_on())	/* before the provider may complete it */
		desc->udma_submit_ns = udma_now_ns();
	cookie = desc->tx_submit(desc);
	if (cookie == UDMA_SUBMIT_UNCLAIMED && !claim_here) {
		report_state(desc, smp_load_acquire(&desc->udma_state), f);	/* as above */
		return -EINVAL;
	}
	/* release: pairs with the acquire loads of udma_state */
	if (cookie < 0 && claim_here)
		smp_store_release(&desc->udma_state, UDMA_DESC_PREPARED);
	return cookie;
}

/*
 * The fast path, for providers that claim the descriptor under their own
 * submit lock: the same checks as one expression, then the provider's
 * tx_submit with nothing live across it but @desc.
 */
static inline __attribute__((always_inline)) dma_cookie_t submit(struct dma_async_tx_descriptor *desc)
{
	dma_cookie_t cookie;

	if (__builtin_expect(!desc || IS_ERR(desc) ||
			     /* acquire: as in submit_checked */
			     smp_load_acquire(&desc->udma_state) != UDMA_DESC_PREPARED ||
			     !udma_chan_fine(desc->chan) || !desc->chan->device->udma.claim_in_submit ||
			     READ_ONCE(desc->chan->udma.unsubmitted) == desc, 0))
		return submit_checked(desc);
	cookie = desc->tx_submit(desc);
	if (__builtin_expect(cookie == UDMA_SUBMIT_UNCLAIMED, 0)) {	/* another thread was first */
		report_state(desc, smp_load_acquire(&desc->udma_state), "dmaengine_submit");
		return -EINVAL;
	}
	return cookie;
}

/* The submit slice; the descriptor's flow starts in it. @desc's channel is
 * read first: once queued, it may complete and be recycled. */
static __attribute__((noinline, cold)) dma_cookie_t submit_traced(struct dma_async_tx_descriptor *desc)
{
	struct dma_chan *chan = desc && !IS_ERR(desc) ? desc->chan : NULL;
	uint64_t t0 = udma_trace_now();
	dma_cookie_t cookie = submit_checked(desc);

	if (cookie > 0)
		udma_trace_slice(UT_SUBMIT, chan, t0, cookie, 0);
	return cookie;
}

/* Traced, or stamped for telemetry's latency (submit_checked does that). */
static __attribute__((noinline, cold)) dma_cookie_t submit_observed(struct dma_async_tx_descriptor *desc)
{
	if (udma_trace_on())
		return submit_traced(desc);
	return submit_checked(desc);
}

dma_cookie_t dmaengine_submit(struct dma_async_tx_descriptor *desc)
{
	if (udma_observed())
		return submit_observed(desc);
	return submit(desc);
}

static inline __attribute__((always_inline)) void issue(struct dma_chan *chan)
{
	if (!udma_chan_usable(chan, "dma_async_issue_pending"))
		return;
	if (chan_flags(chan) & UDMA_CHAN_TERMINATING)
		udma_misuse(chan, "dma_async_issue_pending", MISUSE_ISSUE_BETWEEN,
			    "called between dmaengine_terminate_async and dmaengine_synchronize "
			    "(undefined in the kernel); call dmaengine_synchronize first");
	chan->device->device_issue_pending(chan);
}

static __attribute__((noinline, cold)) void issue_traced(struct dma_chan *chan)
{
	uint64_t t0 = udma_trace_now();

	issue(chan);
	if (udma_chan_fine(chan))
		udma_trace_slice(UT_ISSUE, chan, t0, 0, 0);
}

void dma_async_issue_pending(struct dma_chan *chan)
{
	if (udma_trace_on())
		issue_traced(chan);
	else
		issue(chan);
}

int dmaengine_desc_set_reuse(struct dma_async_tx_descriptor *tx)
{
	int state;

	if (!desc_usable(tx, __func__))
		return -EINVAL;
	state = smp_load_acquire(&tx->udma_state);	/* as in submit_checked */
	if (state == UDMA_DESC_SUBMITTED && !freed_untagged(tx)) {
		/* the provider chose at submit how to retire it: too late */
		udma_chan_diag(tx->chan, __func__, "descriptor is submitted already; "
			       "set DMA_CTRL_REUSE before dmaengine_submit");
		return -EBUSY;
	}
	if (state != UDMA_DESC_PREPARED) {
		report_state(tx, state, __func__);
		return -EINVAL;
	}
	state = udma_chan_check(tx->chan, __func__);	/* -ENODEV once unplugged */
	if (state)
		return state;
	if (!tx->chan->device->descriptor_reuse) {
		udma_chan_diag(tx->chan, __func__, "device has no descriptor reuse");
		return -EPERM;
	}
	tx->flags = (enum dma_ctrl_flags)(tx->flags | DMA_CTRL_REUSE);
	return 0;
}

int dmaengine_desc_free(struct dma_async_tx_descriptor *desc)
{
	int state;

	if (udma_forked_child(__func__))
		return -ENODEV;	/* the provider's cache may be locked by a thread not here */
	if (!desc_usable(desc, __func__))
		return -EINVAL;
	state = smp_load_acquire(&desc->udma_state);	/* as in submit_checked */
	if (state == UDMA_DESC_SUBMITTED && !freed_untagged(desc)) {
		udma_diag(__func__, "descriptor is still queued or running; terminate and synchronize first");
		return -EBUSY;
	}
	if (state != UDMA_DESC_PREPARED) {
		report_state(desc, state, __func__);
		return -EINVAL;
	}
	if (!dmaengine_desc_test_reuse(desc)) {
		udma_diag(__func__, "descriptor has no DMA_CTRL_REUSE: the provider frees it after completion");
		return -EPERM;
	}
	if (!desc->desc_free) {
		udma_diag(__func__, "provider has no desc_free for this descriptor");
		return -EPERM;
	}
	forget_unsubmitted(desc);
	return desc->desc_free(desc);
}

/* SPDX-License-Identifier: MIT */
/* Transfer status (R8) and the polled wait built on it. */
#include <sched.h>

#include "internal.h"
#include <udma/poll.h>
#include <udma/trace-hooks.h>

/* The checks both calls share: a held channel and a cookie that can be one. */
static bool status_args_ok(struct dma_chan *chan, dma_cookie_t cookie, const char *func)
{
	if (!udma_chan_usable(chan, func))
		return false;
	if (cookie < DMA_MIN_COOKIE) {
		udma_chan_diag(chan, func, "cookie %d: not a cookie (must be >= %d)",
			       cookie, DMA_MIN_COOKIE);
		return false;
	}
	return true;
}

/* Only the reads that say something a timeline needs: a paused transfer's
 * residue, an error; polling for completion would drown the rest. */
static __attribute__((noinline, cold)) enum dma_status
tx_status_traced(struct dma_chan *chan, dma_cookie_t cookie, struct dma_tx_state *state)
{
	enum dma_status st = chan->device->device_tx_status(chan, cookie, state);

	if (st == DMA_PAUSED || st == DMA_ERROR)
		udma_trace_instant(UT_TX_STATUS, chan, cookie, 0, state ? state->residue : 0, st);
	return st;
}

enum dma_status dmaengine_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				    struct dma_tx_state *state)
{
	if (!status_args_ok(chan, cookie, __func__))
		return DMA_ERROR;
	/* a provider that reports no residue or bytes in flight leaves 0 */
	if (state) {
		state->residue = 0;
		state->in_flight_bytes = 0;
	}
	if (udma_trace_on())
		return tx_status_traced(chan, cookie, state);
	return chan->device->device_tx_status(chan, cookie, state);
}

#define SYNC_WAIT_TIMEOUT_NS 5000000000ull	/* the kernel's 5000 ms */

enum dma_status dma_sync_wait(struct dma_chan *chan, dma_cookie_t cookie)
{
	uint64_t start, now, spin_ns = udma_poll_ns();
	enum dma_status status;
	unsigned int i = 0;

	if (!status_args_ok(chan, cookie, __func__))
		return DMA_ERROR;
	dma_async_issue_pending(chan);
	start = udma_now_ns();
	for (;;) {
		/* The provider's tx_status may take its lock: ask it rarely,
		 * read the cookies the rest of the time. */
		if ((++i & 255) == 0)
			status = chan->device->device_tx_status(chan, cookie, NULL);
		else
			status = dma_cookie_status(chan, cookie, NULL);
		if (status != DMA_IN_PROGRESS)	/* DMA_PAUSED too, as in the kernel */
			return status;
		if ((i & 63) == 0) {
			now = udma_now_ns();
			if (now - start > SYNC_WAIT_TIMEOUT_NS) {
				udma_chan_diag(chan, __func__, "cookie %d: not complete after 5000 ms", cookie);
				return DMA_ERROR;
			}
			if (now - start > spin_ns || udma_sim())
				udma_yield();
		}
		cpu_relax();
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * What the core's files alone share; nothing here is public, and no
 * provider includes it. What the core shares with the in-tree providers
 * is in include/private/udma/, included as <udma/...>: the checking rules
 * and the telemetry hooks (both below, which every core file needs), the
 * poll-then-park wait, the trace hooks and virt-dma's fast-path extras.
 */
#ifndef UDMA_CORE_INTERNAL_H
#define UDMA_CORE_INTERNAL_H

#include <udmaengine/provider.h>
#include <udma/provider-private.h>
#include <udma/telemetry-hooks.h>
#include <udma/atomic.h>
#include <udma/sim.h>

/* dma_chan.udma.flags bits, changed only with the atomic RMWs below */
enum {
	UDMA_CHAN_TERMINATING = 1 << 0,	/* terminate_async called, synchronize not yet */
	UDMA_CHAN_PAUSED = 1 << 1,	/* dmaengine_pause succeeded, no resume since */
	UDMA_CHAN_GONE = 1 << 2,	/* its device was unregistered while held */
	UDMA_CHAN_HELD = 1 << 3,	/* a client holds it: client_count is 1, for the
					   fast paths' one-word check */
};

/*
 * Acquire: pairs with the fully ordered RMWs of chan_set and chan_clear,
 * and with the smp_store_release of udma.flags in registry.c, so that a
 * reader that sees a flag sees what was done before it was set (a
 * terminate's, an unregister's).
 */
static inline int chan_flags(const struct dma_chan *chan)
{
	return smp_load_acquire(&chan->udma.flags);
}

/*
 * Fully ordered (the kernel has no acquire+release form; these are on the
 * control paths only, and on x86 the same instruction): release for the
 * chan_flags readers above, acquire so that a caller acting on a bit that
 * another thread set or cleared sees what that thread did before.
 */
static inline void chan_set(struct dma_chan *chan, int bits)
{
	udma_fetch_or(&chan->udma.flags, bits);
}

/* Clears @bits; returns which of them were set. Fully ordered, as chan_set. */
static inline int chan_clear(struct dma_chan *chan, int bits)
{
	return udma_fetch_and(&chan->udma.flags, ~bits) & bits;
}

/*
 * Validates a client's channel argument: not NULL, not an ERR_PTR, of a
 * registered device, held. Returns 0, or -EINVAL (-ENODEV when the device
 * went away under its client) with a diagnostic naming @func. Inline for
 * the fast path (every prep and submit); the slow one says what is wrong.
 */
int udma_chan_check_slow(struct dma_chan *chan, const char *func);

/* UDMA_CHAN_GONE in a child of fork(), 0 elsewhere (fork.c): every channel
 * reads as gone there. udma_fork_watch arms it, once. */
extern int udma_forked __attribute__((visibility("hidden")));
void udma_fork_watch(void);

/* Calls @fn on every registered device in registration order, with
 * dma_list_mutex held (registry.c). */
void udma_devices_walk(void (*fn)(struct dma_device *device, void *arg), void *arg);

/*
 * Statistics (stats.c). udma_stats_terminated: @chan's provider has just
 * dropped its queue (terminate, release, unregister): what was in flight
 * counts as terminated. udma_stats_reset: zeroes @chan's counters at
 * registration. udma_summary_arm reads UDMA_SUMMARY (once); retire
 * records a device being unregistered for it, dma_list_mutex held.
 */
void udma_stats_terminated(struct dma_chan *chan);
void udma_stats_reset(struct dma_chan *chan);
void udma_summary_arm(void);
void udma_summary_retire(struct dma_device *device);

/* Telemetry (telemetry.c): udma_telemetry_arm reads UDMA_TELEMETRY (once);
 * retire takes back the latency histograms of @device's channels. */
void udma_telemetry_arm(void);
void udma_telemetry_retire(struct dma_device *device);

/*
 * What the client's fast paths leave to a slow path: one bit per observer
 * (tracing, telemetry), so dmaengine_submit takes one branch for both.
 * Set and cleared with the observer's own flag (stats.c).
 */
enum { UDMA_OBSERVE_TRACE = 1 << 0, UDMA_OBSERVE_TELEMETRY = 1 << 1 };
extern int udma_observing __attribute__((visibility("hidden")));
void udma_observe(int bit, bool on);

static inline bool udma_observed(void)
{
	return __builtin_expect(READ_ONCE(udma_observing), 0);
}

/* Is @chan held, on a registered device, not unplugged? No diagnostic. */
static inline bool udma_chan_fine(const struct dma_chan *chan)
{
	/* HELD without GONE: held, so of a device that was registered, and
	 * unregistering marks the channels it finds held GONE first; in a
	 * forked child every channel reads GONE */
	return chan && !IS_ERR(chan) &&
	       ((chan_flags(chan) | READ_ONCE(udma_forked)) &
		(UDMA_CHAN_HELD | UDMA_CHAN_GONE)) == UDMA_CHAN_HELD;
}

static inline int udma_chan_check(struct dma_chan *chan, const char *func)
{
	if (__builtin_expect(udma_chan_fine(chan), 1))
		return 0;
	return udma_chan_check_slow(chan, func);
}

static inline bool udma_chan_usable(struct dma_chan *chan, const char *func)
{
	return udma_chan_check(chan, func) == 0;
}

/*
 * Set by the core around a provider op that serves a different client call
 * (dmaengine_prep_slave_single through device_prep_slave_sg): the
 * provider's diagnostics then name the call the client made (diag.c).
 */
extern _Thread_local const char *udma_diag_caller __attribute__((visibility("hidden")));

/*
 * Around a loop that asks a provider the same question of many channels (a
 * request's filter calls): the same refusal reported for each is one line
 * (diag.c). Nests.
 */
void udma_diag_once_begin(void);
void udma_diag_once_end(void);

#define KNOWN_PREP_FLAGS (DMA_PREP_INTERRUPT | DMA_CTRL_ACK | DMA_PREP_CONTINUE | \
			  DMA_PREP_FENCE | DMA_CTRL_REUSE | DMA_PREP_CMD | \
			  DMA_PREP_REPEAT | DMA_PREP_LOAD_EOT)

/* DMA_PREP_REPEAT and DMA_PREP_LOAD_EOT only on a device with the matching cap. */
static inline bool udma_repeat_flags_fine(const struct dma_device *dev, unsigned long flags)
{
	return !(flags & (DMA_PREP_REPEAT | DMA_PREP_LOAD_EOT)) ||
	       ((!(flags & DMA_PREP_REPEAT) || dma_has_cap(DMA_REPEAT, dev->cap_mask)) &&
		(!(flags & DMA_PREP_LOAD_EOT) || dma_has_cap(DMA_LOAD_EOT, dev->cap_mask)));
}

/*
 * The fast path of memcpy's checks (prep.c, batch.c): every one of
 * prep_ok's and mem_args_ok's but the channel's, as single expressions
 * with no diagnostics: the flags' (once per batch) and the addresses'.
 * When they fail the checks run again to say which argument was wrong.
 */
static inline bool udma_memcpy_flags_fine(const struct dma_device *dev, unsigned long flags)
{
	return dma_has_cap(DMA_MEMCPY, dev->cap_mask) &&
	       !(flags & ~(unsigned long)KNOWN_PREP_FLAGS) &&
	       (!(flags & DMA_CTRL_REUSE) || dev->descriptor_reuse) &&
	       udma_repeat_flags_fine(dev, flags);
}

static inline bool udma_memcpy_addrs_fine(const struct dma_device *dev, dma_addr_t dest,
					  dma_addr_t src, size_t len)
{
	size_t mask = ((size_t)1 << dev->copy_align) - 1;

	return len && dest != DMA_MAPPING_ERROR && src != DMA_MAPPING_ERROR &&
	       dest + len >= dest && src + len >= src && !((dest | src | len) & mask);
}

static inline bool udma_memcpy_args_fine(const struct dma_chan *chan, dma_addr_t dest,
					 dma_addr_t src, size_t len, unsigned long flags)
{
	return udma_memcpy_flags_fine(chan->device, flags) &&
	       udma_memcpy_addrs_fine(chan->device, dest, src, len);
}

#endif /* UDMA_CORE_INTERNAL_H */

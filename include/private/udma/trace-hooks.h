/* SPDX-License-Identifier: MIT */
/*
 * Descriptor timelines (core/trace.c): the hooks the core and the providers
 * built into libudmaengine record events through. Tracing off, a hook is
 * one load and one branch not taken on udma_tracing; everything else is
 * out of line.
 *
 * Private to the source tree (include/private is never installed), as
 * <udma/trace-hooks.h>. Nothing here is exported from libudmaengine.so and
 * the flags are hidden, so only code linked into the library itself (the
 * core, the soft controller) may use it; clients start and stop tracing
 * through <udmaengine/trace.h>.
 */
#ifndef UDMA_PRIVATE_TRACE_HOOKS_H
#define UDMA_PRIVATE_TRACE_HOOKS_H

#include <stdint.h>
#include <time.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/err.h>

#include <udma/atomic.h>
#include <udma/sim.h>

extern int udma_tracing __attribute__((visibility("hidden")));
extern int udma_trace_tsc __attribute__((visibility("hidden")));

/* The one branch every hook takes (none in a build with UDMA_TRACE_DISABLED,
 * which measures what the hooks cost). */
#ifdef UDMA_TRACE_DISABLED
#define udma_trace_on() 0
#else
#define udma_trace_on() __builtin_expect(READ_ONCE(udma_tracing), 0)
#endif

enum udma_trace_kind {
	/* slices ("X"): t0 .. t1 */
	UT_PREP,	/* client: a prep call; v0 length, x direction */
	UT_SUBMIT,	/* client: dmaengine_submit; cookie (flow starts) */
	UT_BATCH,	/* client: udma_submit_memcpy_batch; v0 copies, cookie the last */
	UT_ISSUE,	/* client: dma_async_issue_pending */
	UT_RUN,		/* hardware: one descriptor, every burst of it; cookie, v0 length,
			   v1 residue, x direction, last result */
	UT_BURST,	/* hardware: one burst of a descriptor; cookie, v0 bytes */
	UT_PLAIN,	/* hardware: plain copies run as one burst; cookie..last, v0 bytes */
	UT_WAIT,	/* hardware: waiting for the FIFO's request line; cookie, v0 bytes */
	UT_COMPLETE,	/* hardware: the flush that completes cookie..last; v0 callbacks */
	UT_TASKLET,	/* tasklet: one run of a channel's completion tasklet; v0 callbacks */
	UT_CALLBACK,	/* tasklet: one callback; cookie (flow ends), last result, v1 residue */
	/* flows, one per descriptor step; x is 's', 't' or 'f', t0..t1 the slice bound */
	UT_FLOW,
	/* instants ("i") */
	UT_TERMINATE, UT_SYNCHRONIZE, UT_PAUSE, UT_RESUME,
	UT_INJECT,	/* v0 fault kind, v1 one_in */
	UT_FAULT,	/* hardware: an injected fault hits cookie; v0 kind */
	UT_UNPLUG,	/* key: the device's id */
	UT_TX_STATUS,	/* a paused or failed status read: cookie, x status, v1 residue */
	UT_UNDERRUN, UT_OVERRUN,	/* FIFO: key its id, v0 bytes */
	UT_REQUEST,	/* FIFO: its request line asks the waiting channel; v0 bytes */
	/* counter ("C") */
	UT_LEVEL,	/* FIFO: key its id, v0 its level */
	UT_KINDS
};

struct udma_trace_rec {
	uint64_t t0, t1;	/* clock ticks (udma_trace_now) */
	uint64_t v0, v1;
	int32_t cookie, last;
	uint32_t key;		/* channel: dev_id << 16 | chan_id; FIFO: its trace id */
	uint16_t kind;
	uint16_t x;
};

static inline uint64_t udma_trace_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (__builtin_expect(udma_trace_tsc, 1))
		return __builtin_ia32_rdtsc();
#endif
	struct timespec ts;

	if (udma_sim())	/* a trace of a sim-mode run is in simulated time */
		return udma_sim_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint32_t udma_trace_key(const struct dma_chan *chan)
{
	if (!chan || IS_ERR(chan) || !chan->device)
		return UINT32_MAX;
	return (uint32_t)chan->device->dev_id << 16 | (uint32_t)(chan->chan_id & 0xffff);
}

/* Appends @r to the calling thread's buffer (out of line). */
void udma_trace_emit(const struct udma_trace_rec *r);

/* A slice from @t0 to now. */
void udma_trace_slice(enum udma_trace_kind kind, const struct dma_chan *chan, uint64_t t0,
		      int32_t cookie, uint64_t v0);
/* A prep slice from @t0 to now, of @len bytes in direction @dir. */
void udma_trace_prep(const struct dma_chan *chan, uint64_t t0, uint64_t len, unsigned int dir);
/* The start of a slice whose end is recorded only if tracing is on: 0 if off. */
#define udma_trace_t0() (udma_trace_on() ? udma_trace_now() : 0)
/* An instant, now, on the calling thread. */
void udma_trace_instant(enum udma_trace_kind kind, const struct dma_chan *chan, int32_t cookie,
			uint64_t v0, uint64_t v1, unsigned int x);
/* A flow step of @chan's @cookie bound to the slice @t0..@t1 ('s', 't', 'f'). */
void udma_trace_flow(const struct dma_chan *chan, int32_t cookie, char phase, uint64_t t0,
		     uint64_t t1);

/*
 * What the calling thread is, for its track's name: a channel's hardware
 * thread (@what: its struct dma_chan), a tasklet-pool thread (@index), a
 * FIFO's device thread (@what: its name). Others are clients, named by
 * their pthread name.
 */
enum udma_trace_role { UDMA_TRACE_CLIENT, UDMA_TRACE_HW, UDMA_TRACE_TASKLET, UDMA_TRACE_DEVICE };
void udma_trace_thread_role(enum udma_trace_role role, const void *what, int index);

/* A FIFO event (UT_LEVEL, UT_UNDERRUN, UT_OVERRUN, UT_REQUEST) of FIFO @id, now. */
void udma_trace_fifo(enum udma_trace_kind kind, uint32_t id, uint64_t v0);
/* A FIFO's id for its tracks, given once per FIFO (first use, FIFO lock held). */
uint32_t udma_trace_fifo_id(const char *name);

/* Reads UDMA_TRACE once and starts tracing if it is set. */
void udma_trace_arm(void);

#endif /* UDMA_PRIVATE_TRACE_HOOKS_H */

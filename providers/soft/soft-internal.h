/* SPDX-License-Identifier: MIT */
/* What the software controller's files share. */
#ifndef UDMA_SOFT_INTERNAL_H
#define UDMA_SOFT_INTERNAL_H

#include <udmaengine/virt-dma.h>
#include <udmaengine/soft.h>

#include <udma/engine.h>
#include <udma/poll.h>
#include <udma/provider-private.h>
#include <udma/telemetry-hooks.h>
#include <udma/virt-dma-fast.h>

#define SOFT_QUARANTINE 256	/* freed descriptors held back in strict mode */

/* One stretch of a transfer: len bytes between mem and the other side. */
struct soft_seg {
	dma_addr_t dst;
	dma_addr_t src;
	size_t len;
};

enum soft_kind {
	SOFT_COPY,	/* memory to memory (memcpy, interleaved) */
	SOFT_FILL,	/* memset */
	SOFT_TO_DEV,	/* memory to a FIFO's data register */
	SOFT_FROM_DEV,	/* a FIFO's data register to memory */
};

/*
 * Allocated on a cache line boundary and rounded up to whole lines
 * (soft_desc_new), so no two descriptors share a line: when one travels
 * between the client's CPU and the hardware thread's (anything but a plain
 * copy), only its own lines move.
 */
struct soft_desc {
	struct virt_dma_desc vd;
	uint8_t kind;			/* enum soft_kind */
	bool cyclic;			/* segments are periods, repeated until terminated */
	uint8_t fill;			/* SOFT_FILL byte */
	bool plain;			/* one burst of copy, not reusable when prepared:
					   the hardware may run it from its submit entry */
	unsigned int nsegs;
	struct udma_fifo *fifo;		/* SOFT_TO_DEV / SOFT_FROM_DEV */
	size_t burst;			/* bytes per request for FIFO transfers */
	size_t total;			/* sum of segment lengths */
	struct soft_seg *segs;		/* == &seg0 when nsegs == 1 */
	struct soft_seg seg0;

	/* Progress, written by the hardware thread, read by tx_status (atomic). */
	size_t moved;			/* bytes moved in this pass over the segments */
	size_t moved_segs;		/* bytes of the segments fully moved */
};

struct soft_sub;	/* the queue's entry (soft-queue.h) */
struct soft_done;

/*
 * A channel. Its queue (soft-queue.h) goes from the client to the hardware
 * thread to the tasklet:
 *
 *   submit ──▶ sub_ring ──issue, take──▶ hwq ──complete──▶ cq ──▶ tasklet
 *
 * The rings are the queue itself, not copies: a submitted descriptor sits
 * in no list until its callback, so neither side touches list links the
 * other wrote.
 */
struct soft_chan {
	struct virt_dma_chan vc;

	/* Read-mostly. */
	struct soft_dev *sd UDMA_CACHELINE_ALIGNED;
	pthread_t thread;
	size_t burst_bytes;		/* sd->burst_bytes, beside what submit reads */
	uint64_t epoch;			/* atomic: names this open of the channel for prep's
					   per-thread stashes (soft-cache.c); 0: closed */

	/* Under vc.lock: */
	struct dma_slave_config cfg UDMA_CACHELINE_ALIGNED;
	struct udma_fifo *cfg_fifo[2];	/* [0] MEM_TO_DEV, [1] DEV_TO_MEM, referenced */

	/*
	 * The handshake with the hardware thread (<udma/engine.h>): the
	 * doorbell, terminate's stop generation and its acknowledgement,
	 * pause, exit. Its last line is the clients'.
	 */
	struct udma_engine eng UDMA_CACHELINE_ALIGNED;
	/* Issue, written under submit_lock beside the doorbell it rings (on
	 * the engine's last line): one line to pass to the hardware thread
	 * per issue, not two. */
	unsigned long sub_issued;	/* sub_ring entries before this are issued */
	/* Atomic, read by the hardware thread: */
	int unplugged UDMA_CACHELINE_ALIGNED;	/* written by unplug: the hardware takes no new work */
	struct udma_fifo *request_line;	/* bound by udma_soft_filter; NULL: any */

	/* Fault injection: set under vc.lock, copied by the hardware thread. */
	struct udma_soft_fault fault;	/* under vc.lock */
	unsigned int fault_gen;		/* under vc.lock: bumped on every change */
	int fault_set;			/* READ_ONCE, written under vc.lock: fault.kind is
					   not NONE (batch copies then get descriptors) */
	atomic64_t fault_hits;		/* injected faults that hit: a statistic */
	uint64_t hw_callbacks_since;		/* hardware thread only: when callbacks
						   began to wait for the tasklet; 0: none */
	unsigned int hw_done;			/* hardware thread only: completions since
						   the tasklet was last woken */
	bool hw_bulk;				/* hardware thread only: that wake-up
						   brought it BULK_DESCS or more */
	struct udma_soft_fault hw_fault;	/* hardware thread only */
	unsigned int hw_fault_gen;		/* hardware thread only */
	uint64_t hw_rng;			/* hardware thread only */

	/*
	 * What the hardware took and has not completed, in order, as submit
	 * entries: it finds its next descriptors here without chasing list
	 * pointers through lines the client's CPU wrote. Under vc.lock:
	 * filled and popped by the hardware thread, emptied by terminate and
	 * unplug, which take what it holds; the hardware tags a moved plain
	 * copy without it (atomic). Fixed size: the hardware takes no more
	 * than fits.
	 */
	struct soft_sub *hwq;
	size_t hwq_head, hwq_len;	/* a ring of SOFT_HWQ entries */

	/*
	 * Completions waiting for the tasklet, in order (soft-complete.c).
	 * Under vc.lock: @cq, cq_len and cq_cap; the hardware thread grows
	 * it when full. @cq_idle is the tasklet's: the array it swaps in for
	 * the one it takes.
	 */
	struct soft_done *cq;
	size_t cq_len, cq_cap;
	struct soft_done *cq_idle;
	size_t cq_idle_cap;

	/*
	 * Under vc.submit_lock, on the client's line.
	 *
	 * The descriptor cache's prep side (soft-cache.c): @cache[cache_pos,
	 * cache_len) are free descriptors, in the order they were freed.
	 *
	 * sub_ring[sub_taken, sub_head) are submitted, not yet taken; the
	 * first ones, up to sub_issued (beside the doorbell), are issued.
	 * sub_room is where the client last saw the ring end (sub_taken +
	 * the ring's size): it reads the hardware's sub_taken only there.
	 * A full ring grows (soft_ring_grow) under vc.lock and submit_lock
	 * both: the ring and its mask are read under either.
	 */
	struct soft_desc **cache UDMA_CACHELINE_ALIGNED;
	size_t cache_pos, cache_len, cache_cap;
	unsigned long sub_head;		/* submits recorded in the ring */
	unsigned long sub_published;	/* sub_issued as last written, on this line */
	unsigned long sub_room;

	unsigned long sub_taken UDMA_CACHELINE_ALIGNED;	/* atomic: written by the hardware
							   under vc.lock (and terminate under both) */
	struct soft_sub *sub_ring;	/* sub_mask + 1 entries */
	unsigned long sub_mask;

	/* The cache's freeing side: whoever frees appends here. Lock order:
	 * vc.lock, then vc.submit_lock, then free_lock. */
	spinlock_t free_lock UDMA_CACHELINE_ALIGNED;
	struct soft_desc **freed;	/* under free_lock */
	size_t freed_len, freed_cap;	/* under free_lock */

	/* Strict mode: freed descriptors wait here (FIFO, under vc.submit_lock)
	 * before reuse, so their FREED tag catches late use. */
	struct soft_desc *quarantine[SOFT_QUARANTINE];
	unsigned int quarantine_next;
};

struct soft_dev {
	struct dma_device dma;
	struct device dev;
	char name[32];
	size_t burst_bytes;
	unsigned int nr;
	struct soft_chan chans[];
};

static inline struct soft_chan *to_soft_chan(struct dma_chan *chan)
{
	return container_of(to_virt_chan(chan), struct soft_chan, vc);
}

_Static_assert(offsetof(struct soft_chan, sub_issued) / 64 ==
	       offsetof(struct soft_chan, eng.doorbell) / 64,
	       "issue publishes sub_issued on the doorbell's line");

/*
 * Starts fetching @d's lines for writing, ahead of use: descriptors pass
 * between the client's CPU and the hardware thread's, and a line fetched
 * only to be read would need a second trip to be written (prefetchw; a
 * no-op on x86 CPUs without it, a read prefetch elsewhere).
 */
static inline void soft_prefetch_w(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

static inline void soft_prefetch_desc(const struct soft_desc *d)
{
	for (size_t off = 0; off < sizeof(*d); off += 64)
		soft_prefetch_w((const char *)d + off);
}

/* Descriptor cache (soft-cache.c). soft_cache_get: a free descriptor or
 * NULL; vc.submit_lock held. Between begin and end (virt-dma's
 * desc_free_begin/end), this thread's frees go to the cache together. */
struct soft_desc *soft_cache_get(struct soft_chan *sc);
/* A new zeroed descriptor of @sc, put on desc_allocated; NULL: no memory. */
struct soft_desc *soft_desc_new(struct soft_chan *sc);
/* Makes @d what every cached descriptor is (soft-prep.c): one segment of
 * copy, of @sc, with the soft submit op. Prep's fast path sets the rest. */
void soft_desc_reset(struct soft_chan *sc, struct soft_desc *d);
void soft_cache_drain(struct soft_chan *sc);
/* Appends @n free descriptors to @sc's cache, untouched, in one hold of
 * free_lock (any thread). */
void soft_cache_put(struct soft_chan *sc, struct soft_desc **ds, size_t n);

/*
 * Finished plain copies on their way back to a channel's cache, collected
 * on the caller's stack and handed over SOFT_PUT_BATCH at a time, with no
 * thread-local state on the way (the hardware thread's flush, the tasklet).
 * Set n to 0 first; soft_put_done hands over the rest.
 */
#define SOFT_PUT_BATCH 64

struct soft_put {
	unsigned int n;
	struct soft_desc *d[SOFT_PUT_BATCH];
};

static inline void soft_put_done(struct soft_chan *sc, struct soft_put *p)
{
	soft_cache_put(sc, p->d, p->n);
	p->n = 0;
}

static inline void soft_put_add(struct soft_chan *sc, struct soft_put *p, struct soft_desc *d)
{
	p->d[p->n++] = d;
	if (p->n == SOFT_PUT_BATCH)
		soft_put_done(sc, p);
}
/*
 * Prep's per-thread stash (soft-cache.c): soft_stash_pop gives a free
 * descriptor already on desc_allocated, taking no lock most of the time;
 * NULL when the channel has no stash (then prep locks) or memory ran out.
 * soft_stash_open and _close bracket a client's hold of the channel.
 */
#define SOFT_STASH_SLOTS 4	/* channels a thread keeps a stash for; [0]: the last used */
#define SOFT_STASH_DESCS 16
#define SOFT_STASH_PREFETCH 4	/* descriptors fetched for writing ahead of prep */

struct soft_stash {
	struct soft_chan *sc;
	uint64_t epoch;			/* sc's when filled */
	unsigned int n;
	struct soft_desc *d[SOFT_STASH_DESCS];	/* d[n - 1] is next */
};

extern _Thread_local struct soft_stash soft_stashes[SOFT_STASH_SLOTS]
	__attribute__((visibility("hidden")));
struct soft_desc *soft_stash_get(struct soft_chan *sc);	/* soft_stash_pop's slow path */
void soft_stash_open(struct soft_chan *sc);
void soft_stash_close(struct soft_chan *sc);

static inline struct soft_desc *soft_stash_pop(struct soft_chan *sc)
{
	struct soft_stash *slot = &soft_stashes[0];

	/* relaxed: the epoch is a name, compared; the client's own open and
	 * release of the channel order it against this thread's preps */
	if (__builtin_expect(slot->sc == sc && slot->n && slot->epoch == READ_ONCE(sc->epoch), 1)) {
		if (slot->n > SOFT_STASH_PREFETCH)
			soft_prefetch_desc(slot->d[slot->n - 1 - SOFT_STASH_PREFETCH]);
		return slot->d[--slot->n];
	}
	return soft_stash_get(sc);
}

void soft_desc_free(struct virt_dma_desc *vd);
void soft_free_batch_begin(struct virt_dma_chan *vc);
void soft_free_batch_end(struct virt_dma_chan *vc);

/* The tasklet (soft-complete.c). */
void soft_complete(struct tasklet_struct *t);

/* The device ops soft.c installs: preps and batch submit (soft-prep.c),
 * and each channel's hardware thread (soft-engine.c). */
struct dma_async_tx_descriptor *soft_prep_memcpy(struct dma_chan *, dma_addr_t, dma_addr_t,
						 size_t, unsigned long);
unsigned int soft_submit_memcpy_batch(struct dma_chan *, const struct udma_copy *, unsigned int,
				      unsigned long, dma_cookie_t *);
struct dma_async_tx_descriptor *soft_prep_memset(struct dma_chan *, dma_addr_t, int, size_t,
						 unsigned long);
struct dma_async_tx_descriptor *soft_prep_slave_sg(struct dma_chan *, struct scatterlist *,
						   unsigned int, enum dma_transfer_direction,
						   unsigned long, void *);
struct dma_async_tx_descriptor *soft_prep_dma_vec(struct dma_chan *, const struct dma_vec *, size_t,
						  enum dma_transfer_direction, unsigned long);
struct dma_async_tx_descriptor *soft_prep_cyclic(struct dma_chan *, dma_addr_t, size_t, size_t,
						 enum dma_transfer_direction, unsigned long);
struct dma_async_tx_descriptor *soft_prep_interleaved(struct dma_chan *,
						      struct dma_interleaved_template *,
						      unsigned long);
void *soft_hw_thread(void *arg);
/* The channel engine's before_park (soft-engine.c): callbacks held back go out. */
void soft_hw_before_park(struct udma_engine *e);

/* FIFO side of slave transfers (fifo.c). */
struct udma_fifo *soft_fifo_get(dma_addr_t reg);	/* referenced, or NULL */
void soft_fifo_hold(struct udma_fifo *fifo);		/* one more reference */
/* The FIFO whose data register [@addr, @addr + @len) touches, or NULL. */
const char *soft_fifo_overlap(dma_addr_t addr, size_t len);
/* False if [@addr, @addr + @len) is clear of every data register: the
 * bounds of all of them, read without the FIFO list's lock. */
extern uintptr_t soft_regs_lo __attribute__((visibility("hidden")));
extern uintptr_t soft_regs_hi __attribute__((visibility("hidden")));

/*
 * Relaxed loads: no store-then-load pattern meets them and nothing is
 * read through the bounds, so no full ordering and no acquire is needed.
 * The bounds only widen, and a caller learns a register's address from
 * udma_fifo_create's return: whatever carried the address to it carries
 * the widened bounds too (fifo.c stores them first). A FIFO created
 * meanwhile has an address no caller has been given yet.
 */
static inline bool soft_fifo_may_touch(dma_addr_t addr, size_t len)
{
	return addr < READ_ONCE(soft_regs_hi) && addr + len > READ_ONCE(soft_regs_lo);
}
/* Either of two ranges of @len: above every register is the common case,
 * answered with one load. */
static inline bool soft_fifo_may_touch2(dma_addr_t a, dma_addr_t b, size_t len)
{
	uintptr_t hi = READ_ONCE(soft_regs_hi);	/* relaxed: as in soft_fifo_may_touch */

	return (a < hi || b < hi) && (soft_fifo_may_touch(a, len) || soft_fifo_may_touch(b, len));
}
void soft_fifo_put(struct udma_fifo *fifo);
const char *soft_fifo_name(const struct udma_fifo *fifo);
enum dma_transfer_direction soft_fifo_dir(const struct udma_fifo *fifo);
size_t soft_fifo_width(const struct udma_fifo *fifo);
size_t soft_fifo_depth(const struct udma_fifo *fifo);
/* The request line: bytes the controller may move now (room for TX, data for RX). */
size_t soft_fifo_request(struct udma_fifo *fifo);
/* Tracing: the request line asks for @len bytes, after a wait. */
void soft_fifo_trace_request(struct udma_fifo *fifo, size_t len);
/* Moves len bytes (len <= soft_fifo_request) between memory and the FIFO. */
void soft_fifo_dma_write(struct udma_fifo *fifo, const void *src, size_t len);
void soft_fifo_dma_read(struct udma_fifo *fifo, void *dst, size_t len);
/* The FIFO kicks @sc whenever its level changes; NULL detaches. */
void soft_fifo_attach(struct udma_fifo *fifo, struct soft_chan *sc);
void soft_fifo_detach(struct udma_fifo *fifo, struct soft_chan *sc);

#include "soft-queue.h"

#endif /* UDMA_SOFT_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/* What the software controller's files share. */
#ifndef UDMA_SOFT_INTERNAL_H
#define UDMA_SOFT_INTERNAL_H

#include <udmaengine/virt-dma.h>
#include <udmaengine/soft.h>

#include "../../core/poll.h"

#define SOFT_QUARANTINE 256	/* freed descriptors held back in strict mode */
#define SOFT_SUB_RING 1024	/* submits remembered for the hardware thread */

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
 * 184 bytes, allocated on a cache line boundary: three lines travel between
 * the client's CPU and the hardware thread's per descriptor, not four.
 */
struct soft_desc {
	struct virt_dma_desc vd;
	uint8_t kind;			/* enum soft_kind */
	bool cyclic;			/* segments are periods, repeated until terminated */
	uint8_t fill;			/* SOFT_FILL byte */
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

/* The channel's hardware thread state, as seen by pause. */
enum soft_hw_state {
	SOFT_HW_IDLE,		/* holds no descriptor */
	SOFT_HW_RUNNING,	/* between bursts of a descriptor */
	SOFT_HW_PARKED,		/* stopped by pause, mid-descriptor */
};

struct soft_chan {
	struct virt_dma_chan vc;
	struct soft_dev *sd;
	pthread_t thread;

	/* Under vc.lock: */
	struct list_head active;	/* taken by the hardware, in order */
	struct dma_slave_config cfg;
	struct udma_fifo *cfg_fifo[2];	/* [0] MEM_TO_DEV, [1] DEV_TO_MEM, referenced */

	/* Atomic. Written by clients: */
	unsigned int doorbell UDMA_CACHELINE_ALIGNED;	/* bumped on every change the hardware must see */
	unsigned int stop_gen;		/* bumped by terminate (under vc.lock too) */
	int paused;
	/* Written by the hardware thread: */
	unsigned int ack_gen UDMA_CACHELINE_ALIGNED;	/* last stop_gen it saw holding nothing */
	int hw_state;			/* enum soft_hw_state */
	int exit;
	int unplugged;			/* the hardware takes no new work */
	struct udma_fifo *request_line;	/* bound by udma_soft_filter; NULL: any */

	/* Fault injection: set under vc.lock, copied by the hardware thread. */
	struct udma_soft_fault fault;	/* under vc.lock */
	unsigned int fault_gen;		/* under vc.lock: bumped on every change */
	uint64_t fault_hits;		/* atomic */
	uint64_t hw_callbacks_since;		/* hardware thread only: when callbacks
						   began to wait for the tasklet; 0: none */
	struct udma_soft_fault hw_fault;	/* hardware thread only */
	unsigned int hw_fault_gen;		/* hardware thread only */
	uint64_t hw_rng;			/* hardware thread only */

	/*
	 * The hardware thread's copy of @active as an array, so it finds its
	 * next descriptors without chasing list pointers through lines the
	 * client's CPU wrote (one cache miss after another, under the lock).
	 * Hardware thread only; emptied when stop_gen moves past hwq_gen.
	 */
	struct soft_desc **hwq;
	size_t hwq_cap, hwq_head, hwq_len;	/* a ring: hwq_cap is a power of two */
	bool hwq_partial;			/* out of memory: only a prefix of @active */
	unsigned int hwq_gen;

	struct udma_park hw_park;	/* the hardware thread waits here */
	struct udma_park ack_park;	/* pause and synchronize wait here */

	/*
	 * Under vc.submit_lock, on the client's line.
	 *
	 * The descriptor cache's prep side (soft-cache.c): @cache[cache_pos,
	 * cache_len) are free descriptors, in the order they were freed.
	 *
	 * Submitted descriptors are recorded in sub_ring in submit order,
	 * beside desc_submitted, so the hardware thread copies the ones it
	 * takes instead of walking them. A hint only: overwritten when the
	 * client runs SOFT_SUB_RING ahead, stale after a terminate; the taker
	 * checks it against the list's ends and cookies and walks if it fails.
	 */
	struct soft_desc **cache UDMA_CACHELINE_ALIGNED;
	size_t cache_pos, cache_len, cache_cap;
	unsigned long sub_head;		/* submits recorded */
	unsigned long sub_issued;	/* sub_head at the last issue */
	unsigned long sub_taken;	/* sub_issued at the last take */
	struct soft_desc *sub_ring[SOFT_SUB_RING];

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

static inline void soft_kick(struct soft_chan *sc)
{
	__atomic_fetch_add(&sc->doorbell, 1, __ATOMIC_SEQ_CST);
	udma_park_wake(&sc->hw_park);
}

/*
 * Starts fetching @d's lines for writing, ahead of use: descriptors pass
 * between the client's CPU and the hardware thread's, and a line fetched
 * only to be read would need a second trip to be written (prefetchw; a
 * no-op on x86 CPUs without it, a read prefetch elsewhere).
 */
static inline void soft_prefetch_desc(const struct soft_desc *d)
{
	for (size_t off = 0; off < sizeof(*d); off += 64) {
#if defined(__x86_64__) || defined(__i386__)
		__asm__ __volatile__("prefetchw %0" : : "m"(*((const char *)d + off)));
#else
		__builtin_prefetch((const char *)d + off, 1, 3);
#endif
	}
}

/* Descriptor cache (soft-cache.c). soft_cache_get: a free descriptor or
 * NULL; vc.submit_lock held. Between begin and end (virt-dma's
 * desc_free_begin/end), this thread's frees go to the cache together. */
struct soft_desc *soft_cache_get(struct soft_chan *sc);
void soft_cache_drain(struct soft_chan *sc);
void soft_desc_free(struct virt_dma_desc *vd);
void soft_free_batch_begin(struct virt_dma_chan *vc);
void soft_free_batch_end(struct virt_dma_chan *vc);

/* FIFO side of slave transfers (fifo.c). */
struct udma_fifo *soft_fifo_get(dma_addr_t reg);	/* referenced, or NULL */
void soft_fifo_hold(struct udma_fifo *fifo);		/* one more reference */
/* The FIFO whose data register [@addr, @addr + @len) touches, or NULL. */
const char *soft_fifo_overlap(dma_addr_t addr, size_t len);
void soft_fifo_put(struct udma_fifo *fifo);
const char *soft_fifo_name(const struct udma_fifo *fifo);
enum dma_transfer_direction soft_fifo_dir(const struct udma_fifo *fifo);
size_t soft_fifo_width(const struct udma_fifo *fifo);
size_t soft_fifo_depth(const struct udma_fifo *fifo);
/* The request line: bytes the controller may move now (room for TX, data for RX). */
size_t soft_fifo_request(struct udma_fifo *fifo);
/* Moves len bytes (len <= soft_fifo_request) between memory and the FIFO. */
void soft_fifo_dma_write(struct udma_fifo *fifo, const void *src, size_t len);
void soft_fifo_dma_read(struct udma_fifo *fifo, void *dst, size_t len);
/* The FIFO kicks @sc whenever its level changes; NULL detaches. */
void soft_fifo_attach(struct udma_fifo *fifo, struct soft_chan *sc);
void soft_fifo_detach(struct udma_fifo *fifo, struct soft_chan *sc);

#endif /* UDMA_SOFT_INTERNAL_H */

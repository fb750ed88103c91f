/* SPDX-License-Identifier: MIT */
/* What the software controller's files share. */
#ifndef UDMA_SOFT_INTERNAL_H
#define UDMA_SOFT_INTERNAL_H

#include <udmaengine/virt-dma.h>
#include <udmaengine/soft.h>

#include "../../core/internal.h"
#include "../../core/virt-dma-fast.h"
#include "../../core/poll.h"

#define SOFT_QUARANTINE 256	/* freed descriptors held back in strict mode */
#define SOFT_SUB_RING 1024	/* submit ring entries at first (a power of two) ... */
#define SOFT_SUB_RING_MAX 65536	/* ... and at most, grown when full */
#define SOFT_HWQ 1024		/* descriptors the hardware holds, at most (a power of two) */

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
 * 184 bytes, allocated on a cache line boundary: when one travels between
 * the client's CPU and the hardware thread's (anything but a plain copy),
 * it is three lines, not four.
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

/*
 * What the hardware needs of one submitted descriptor, recorded at submit
 * in the channel's submit ring (48 bytes). A plain copy (SOFT_SUB_PLAIN:
 * one segment of at most one burst, not reusable) runs and completes from
 * this entry alone, its callback included: neither the hardware thread nor
 * the tasklet touches the descriptor, whose lines stay on the client's CPU,
 * and it goes back to the cache untouched. Anything else goes through @d.
 *
 * A bare entry (plain, @d NULL) has no descriptor at all: a batch copy
 * with no callback (udma_submit_memcpy_batch), which no client ever holds,
 * is its entry and its cookie, as a DPDK dmadev copy is. Whatever takes
 * entries frees, completes or reports their descriptors and skips bare
 * ones; tx_status finds them by cookie like the rest.
 */
struct soft_sub {
	uintptr_t d;		/* struct soft_desc *, | SOFT_SUB_* */
	dma_addr_t dst;
	dma_addr_t src;
	uint32_t len;
	dma_cookie_t cookie;
	uintptr_t cb;		/* the callback (or callback_result: SOFT_SUB_RESULT), 0: none */
	void *param;
};

#define SOFT_SUB_PLAIN ((uintptr_t)1)
#define SOFT_SUB_RESULT ((uintptr_t)2)	/* cb is a dma_async_tx_callback_result */
#define SOFT_SUB_MOVED ((uintptr_t)4)	/* in hwq: a plain copy's bytes have moved */
#define SOFT_SUB_FLAGS (SOFT_SUB_PLAIN | SOFT_SUB_RESULT | SOFT_SUB_MOVED)

/* The descriptor of a tagged d (a submit entry's, a queued completion's). */
static inline struct soft_desc *soft_tagged_desc(uintptr_t d)
{
	return (struct soft_desc *)(d & ~SOFT_SUB_FLAGS);
}

static inline struct soft_desc *sub_desc(const struct soft_sub *e)
{
	return soft_tagged_desc(e->d);
}

static inline bool sub_plain(const struct soft_sub *e)
{
	return e->d & SOFT_SUB_PLAIN;
}

static inline bool sub_bare(const struct soft_sub *e)
{
	return sub_desc(e) == NULL;
}

/* Entries are written under submit_lock and read by the hardware thread
 * without it, ordered by sub_issued; relaxed atomics say so to TSan. */
static inline void soft_sub_write(struct soft_sub *e, const struct soft_sub *v)
{
	__atomic_store_n(&e->d, v->d, __ATOMIC_RELAXED);
	__atomic_store_n(&e->dst, v->dst, __ATOMIC_RELAXED);
	__atomic_store_n(&e->src, v->src, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, v->len, __ATOMIC_RELAXED);
	__atomic_store_n(&e->cookie, v->cookie, __ATOMIC_RELAXED);
	__atomic_store_n(&e->cb, v->cb, __ATOMIC_RELAXED);
	__atomic_store_n(&e->param, v->param, __ATOMIC_RELAXED);
}

static inline void soft_sub_read(const struct soft_sub *e, struct soft_sub *v)
{
	v->d = __atomic_load_n(&e->d, __ATOMIC_RELAXED);
	v->dst = __atomic_load_n(&e->dst, __ATOMIC_RELAXED);
	v->src = __atomic_load_n(&e->src, __ATOMIC_RELAXED);
	v->len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	v->cookie = __atomic_load_n(&e->cookie, __ATOMIC_RELAXED);
	v->cb = __atomic_load_n(&e->cb, __ATOMIC_RELAXED);
	v->param = __atomic_load_n(&e->param, __ATOMIC_RELAXED);
}

/*
 * A completion whose callback waits for the tasklet: a plain copy's (d
 * tagged SOFT_SUB_PLAIN, with its callback), or any other descriptor's
 * (d alone: the tasklet reads the rest from it).
 */
struct soft_done {
	uintptr_t d;
	uintptr_t cb;
	void *param;
};

#define SOFT_CQ 1024	/* completions queued for the tasklet before desc_completed is used */

/* The channel's hardware thread state, as seen by pause. */
enum soft_hw_state {
	SOFT_HW_IDLE,		/* holds no descriptor */
	SOFT_HW_RUNNING,	/* between bursts of a descriptor */
	SOFT_HW_PARKED,		/* stopped by pause, mid-descriptor */
};

/*
 * A channel. Its queue, from the client to the hardware thread:
 *
 *   submit ──▶ sub_ring (room permitting) ──issue──▶ taken by the hardware
 *              or desc_submitted (overflow)           into hwq (+ @active)
 *
 * sub_ring is the queue itself, not a copy: a submitted descriptor sits
 * only there (off every list) until the hardware takes it, so neither side
 * touches list links the other wrote. When the ring is full, or while older
 * submits still wait in desc_submitted, submits go to desc_submitted as
 * virt-dma has them; the hardware takes the ring's issued entries first,
 * then the list's, so submission order holds.
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
	struct list_head active UDMA_CACHELINE_ALIGNED;	/* taken by the hardware and not
							   plain, in order (plain ones are
							   only in hwq) */
	struct dma_slave_config cfg;
	struct udma_fifo *cfg_fifo[2];	/* [0] MEM_TO_DEV, [1] DEV_TO_MEM, referenced */

	/* Atomic. Written by clients: */
	unsigned int doorbell UDMA_CACHELINE_ALIGNED;	/* bumped on every change the hardware must see */
	unsigned int stop_gen;		/* bumped by terminate (under vc.lock too) */
	int paused;
	/* Issue, written under submit_lock beside the doorbell it rings: one
	 * line to pass to the hardware thread per issue, not two. */
	int list_issued;		/* desc_submitted has issued descriptors */
	unsigned long sub_issued;	/* sub_ring entries before this are issued */
	/* Written by the hardware thread: */
	unsigned int ack_gen UDMA_CACHELINE_ALIGNED;	/* last stop_gen it saw holding nothing */
	int hw_state;			/* enum soft_hw_state */
	int exit;
	int unplugged;			/* the hardware takes no new work */
	struct udma_fifo *request_line;	/* bound by udma_soft_filter; NULL: any */

	/* Fault injection: set under vc.lock, copied by the hardware thread. */
	struct udma_soft_fault fault;	/* under vc.lock */
	unsigned int fault_gen;		/* under vc.lock: bumped on every change */
	int fault_set;			/* atomic, written under vc.lock: fault.kind is
					   not NONE (batch copies then get descriptors) */
	uint64_t fault_hits;		/* atomic */
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
	 * unplug, which take what it holds. Fixed size: the hardware takes no
	 * more than fits.
	 */
	struct soft_sub *hwq;
	size_t hwq_head, hwq_len;	/* a ring of SOFT_HWQ entries */

	/*
	 * Completions waiting for the tasklet, in order (soft-complete.c).
	 * Under vc.lock: @cq and cq_len. When it is full they go to
	 * desc_completed, and keep going there (cq_overflow) until the
	 * tasklet has taken both at once: it runs @cq's first. @cq_idle is
	 * the tasklet's: the array it swaps in for the one it takes.
	 */
	struct soft_done *cq;
	size_t cq_len;
	bool cq_overflow;
	struct soft_done *cq_idle;

	struct udma_park hw_park;	/* the hardware thread waits here */
	struct udma_park ack_park;	/* pause and synchronize wait here */

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
	 * A full ring grows (soft-prep.c) under vc.lock and submit_lock both:
	 * the ring and its mask are read under either.
	 */
	struct soft_desc **cache UDMA_CACHELINE_ALIGNED;
	size_t cache_pos, cache_len, cache_cap;
	unsigned long sub_head;		/* submits recorded in the ring */
	unsigned long sub_published;	/* sub_issued as last written, on this line */
	unsigned long sub_room;
	bool sub_overflow;		/* submits go to desc_submitted, behind older ones there */

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

	if (__builtin_expect(slot->sc == sc && slot->n &&
			     slot->epoch == __atomic_load_n(&sc->epoch, __ATOMIC_RELAXED), 1)) {
		if (slot->n > SOFT_STASH_PREFETCH)
			soft_prefetch_desc(slot->d[slot->n - 1 - SOFT_STASH_PREFETCH]);
		return slot->d[--slot->n];
	}
	return soft_stash_get(sc);
}

void soft_desc_free(struct virt_dma_desc *vd);
void soft_free_batch_begin(struct virt_dma_chan *vc);
void soft_free_batch_end(struct virt_dma_chan *vc);

/*
 * The queue as terminate, unplug and tx_status see it (soft-engine.c);
 * vc.lock held. soft_take_plain: the plain descriptors the hardware holds,
 * onto @head (the rest are on @active). soft_take_held: all it holds, in
 * order. soft_take_ring: everything submitted and not taken (the ring,
 * then desc_submitted). Bare entries have nothing to take: they are
 * dropped. soft_find_queued: the held or ringed entry with @cookie into
 * *@e, or false; *@held says the hardware holds it (and may have moved
 * some of it).
 */
void soft_take_plain(struct soft_chan *sc, struct list_head *head);
void soft_take_held(struct soft_chan *sc, struct list_head *head);
void soft_take_ring(struct soft_chan *sc, struct list_head *head);
bool soft_find_queued(struct soft_chan *sc, dma_cookie_t cookie, struct soft_sub *e, bool *held);

/* The completion queue (soft-complete.c). soft_cq_add: @dn queued for the
 * tasklet, in order (vc.lock held). soft_cq_drop: every queued completion's
 * descriptor onto @head, callbacks dropped (terminate; vc.lock held). */
void soft_cq_add(struct soft_chan *sc, const struct soft_done *dn);
void soft_cq_drop(struct soft_chan *sc, struct list_head *head);
void soft_complete(struct tasklet_struct *t);

/* FIFO side of slave transfers (fifo.c). */
struct udma_fifo *soft_fifo_get(dma_addr_t reg);	/* referenced, or NULL */
void soft_fifo_hold(struct udma_fifo *fifo);		/* one more reference */
/* The FIFO whose data register [@addr, @addr + @len) touches, or NULL. */
const char *soft_fifo_overlap(dma_addr_t addr, size_t len);
/* False if [@addr, @addr + @len) is clear of every data register: the
 * bounds of all of them, read without the FIFO list's lock. */
extern uintptr_t soft_regs_lo __attribute__((visibility("hidden")));
extern uintptr_t soft_regs_hi __attribute__((visibility("hidden")));

static inline bool soft_fifo_may_touch(dma_addr_t addr, size_t len)
{
	return addr < __atomic_load_n(&soft_regs_hi, __ATOMIC_SEQ_CST) &&
	       addr + len > __atomic_load_n(&soft_regs_lo, __ATOMIC_SEQ_CST);
}
/* Either of two ranges of @len: above every register is the common case,
 * answered with one load. */
static inline bool soft_fifo_may_touch2(dma_addr_t a, dma_addr_t b, size_t len)
{
	uintptr_t hi = __atomic_load_n(&soft_regs_hi, __ATOMIC_SEQ_CST);

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

#endif /* UDMA_SOFT_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's queue (soft-queue.c): every place a submitted
 * transfer can be until its callback, and the only code that moves entries
 * between them or looks through them. Included by soft-internal.h.
 *
 *   submit ──▶ sub_ring ──issue, take──▶ hwq ──complete──▶ cq ──▶ tasklet
 *              (client)                  (hardware)        (callbacks)
 *
 * A cyclic descriptor also sits in vc.cyclic between its periods, as
 * virt-dma has it; terminate moves what the hardware may still be inside to
 * vc.desc_terminated, freed at synchronize.
 *
 * Nothing spills to a list: the submit ring grows (a submit it cannot grow
 * for is refused with -ENOMEM, before anything is queued), hwq holds what
 * the hardware took (it takes no more than fits), and the completion queue
 * grows (when memory runs out the hardware waits for the tasklet to empty
 * it). So order is the order of the rings, and nothing else keeps it.
 */
#ifndef UDMA_SOFT_QUEUE_H
#define UDMA_SOFT_QUEUE_H

#include <assert.h>

/*
 * What the queue holds: one submit entry per transfer, of one of three
 * kinds, written once at submit and copied into hwq when the hardware
 * takes it.
 *
 *   SOFT_ENTRY_DESC   a descriptor the engine runs burst by burst (slave,
 *                     cyclic, memset, scatter-gather, long copies); the
 *                     entry carries its cookie, the rest is in the
 *                     descriptor.
 *   SOFT_ENTRY_PLAIN  a plain copy (soft_plain_copy): one burst of memcpy,
 *                     run and completed from the entry alone, its callback
 *                     included; neither the hardware thread nor the tasklet
 *                     touches the descriptor, whose lines stay on the
 *                     client's CPU, and it goes back to the cache untouched.
 *   SOFT_ENTRY_BARE   a plain copy with no callback and no descriptor at
 *                     all (a batch copy, udma_submit_memcpy_batch, which no
 *                     client ever holds): the entry and its cookie are the
 *                     whole transfer, as a DPDK dmadev copy is.
 *
 * @d packs the descriptor's address (NULL for BARE; descriptors are
 * cache-line aligned) with the kind and two flags, so that the hardware
 * can tag a moved plain copy with one atomic store.
 */
struct soft_sub {
	uintptr_t d;		/* struct soft_desc * | kind | SOFT_SUB_* */
	dma_addr_t dst;		/* PLAIN, BARE: the copy */
	dma_addr_t src;
	uint32_t len;
	dma_cookie_t cookie;
	uintptr_t cb;		/* PLAIN: the callback (SOFT_SUB_RESULT: callback_result), 0: none */
	void *param;
};

enum soft_entry_kind {
	SOFT_ENTRY_DESC = 0,
	SOFT_ENTRY_PLAIN = 1,	/* bit 0: runs from its entry */
	SOFT_ENTRY_BARE = 3,
};

#define SOFT_SUB_KIND ((uintptr_t)3)
#define SOFT_SUB_RESULT ((uintptr_t)4)	/* cb is a dma_async_tx_callback_result */
#define SOFT_SUB_MOVED ((uintptr_t)8)	/* in hwq: a plain copy's bytes have moved */
#define SOFT_SUB_FLAGS (SOFT_SUB_KIND | SOFT_SUB_RESULT | SOFT_SUB_MOVED)

/* The descriptor of a tagged d (an entry's, a queued completion's); NULL: bare. */
static inline struct soft_desc *soft_tagged_desc(uintptr_t d)
{
	return (struct soft_desc *)(d & ~SOFT_SUB_FLAGS);
}

static inline enum soft_entry_kind soft_tagged_kind(uintptr_t d)
{
	return (enum soft_entry_kind)(d & SOFT_SUB_KIND);
}

static inline struct soft_desc *sub_desc(const struct soft_sub *e)
{
	return soft_tagged_desc(e->d);
}

static inline enum soft_entry_kind sub_kind(const struct soft_sub *e)
{
	return soft_tagged_kind(e->d);
}

/* Runs and completes from its entry: PLAIN or BARE. */
static inline bool sub_plain(const struct soft_sub *e)
{
	return e->d & SOFT_ENTRY_PLAIN;
}

/*
 * What every entry must be, checked where entries are made and taken in
 * builds without NDEBUG: a BARE entry has no descriptor and no callback
 * (the tasklet would have nothing to call back with), every other kind
 * has a descriptor, and only a plain copy carries a callback in its entry.
 */
static inline bool soft_sub_sane(const struct soft_sub *e)
{
	switch (sub_kind(e)) {
	case SOFT_ENTRY_BARE:
		return !sub_desc(e) && !e->cb && !(e->d & SOFT_SUB_RESULT);
	case SOFT_ENTRY_PLAIN:
		return sub_desc(e) != NULL;
	case SOFT_ENTRY_DESC:
		return sub_desc(e) && !e->cb && !(e->d & (SOFT_SUB_RESULT | SOFT_SUB_MOVED));
	}
	return false;
}

/* Entries are written under submit_lock and read by the hardware thread
 * without it, ordered by sub_issued; WRITE_ONCE and READ_ONCE (relaxed
 * atomics) say so to TSan. */
static inline void soft_sub_write(struct soft_sub *e, const struct soft_sub *v)
{
	assert(soft_sub_sane(v));
	WRITE_ONCE(e->d, v->d);
	WRITE_ONCE(e->dst, v->dst);
	WRITE_ONCE(e->src, v->src);
	WRITE_ONCE(e->len, v->len);
	WRITE_ONCE(e->cookie, v->cookie);
	WRITE_ONCE(e->cb, v->cb);
	WRITE_ONCE(e->param, v->param);
}

static inline void soft_sub_read(const struct soft_sub *e, struct soft_sub *v)
{
	v->d = READ_ONCE(e->d);
	v->dst = READ_ONCE(e->dst);
	v->src = READ_ONCE(e->src);
	v->len = READ_ONCE(e->len);
	v->cookie = READ_ONCE(e->cookie);
	v->cb = READ_ONCE(e->cb);
	v->param = READ_ONCE(e->param);
}

/*
 * A completion whose callback waits for the tasklet: a plain copy's (d of
 * kind PLAIN, with its callback), or any other descriptor's (d alone: the
 * tasklet reads the rest from it).
 */
struct soft_done {
	uintptr_t d;
	uintptr_t cb;
	void *param;
};

#define SOFT_SUB_RING 1024	/* submit ring entries at first (a power of two); it doubles when full */
#define SOFT_HWQ 1024		/* entries the hardware holds, at most (a power of two) */
#define SOFT_CQ 1024		/* completion queue entries at first; it doubles when full */

/*
 * The one rule for a plain copy: one stretch of memory-to-memory copy of
 * at most one burst, not reusable (it is handed back before its callback
 * runs), with strict mode off (whose freed-descriptor tags must turn at
 * once). Prep asks it of the shape; submit asks again, since
 * DMA_CTRL_REUSE (dmaengine_desc_set_reuse) and strict mode may have
 * changed in between. An injected fault makes the hardware run plain
 * entries as descriptors (soft_sub_demote): faults are per descriptor.
 */
static inline bool soft_plain_copy(const struct soft_chan *sc, size_t len, unsigned long flags)
{
	return len <= sc->burst_bytes && !(flags & DMA_CTRL_REUSE) &&
	       udma_strict_now() == UDMA_STRICT_OFF;
}

/* ---- client side; vc.submit_lock held ---- */

/* Grows a full ring (soft-queue.c); false: out of memory. Takes vc.lock,
 * then submit_lock: the hardware reads the ring under the first. */
bool soft_ring_grow(struct soft_chan *sc);

/* Is there room in the ring? The hardware's sub_taken is read only when
 * the room last seen is used up. */
static inline bool soft_ring_room(struct soft_chan *sc)
{
	/* acquire: pairs with the smp_store_release in soft_queue_take (the
	 * hardware is done reading the slots it took) */
	if (sc->sub_head == sc->sub_room)
		sc->sub_room = smp_load_acquire(&sc->sub_taken) + sc->sub_mask + 1;
	return sc->sub_head != sc->sub_room;
}

/*
 * Room for one more entry: true, or false when the ring is full and cannot
 * grow (out of memory). Growing drops and retakes submit_lock, so call it
 * before claiming anything.
 */
static inline bool soft_ring_reserve(struct soft_chan *sc)
{
	while (__builtin_expect(!soft_ring_room(sc), 0)) {
		bool grown;

		spin_unlock(&sc->vc.submit_lock);
		grown = soft_ring_grow(sc);
		spin_lock(&sc->vc.submit_lock);
		if (!grown)
			return soft_ring_room(sc);	/* the hardware may have taken some */
	}
	return true;
}

/* Entries this far ahead are fetched for writing: the hardware thread read
 * them last, a lap ago, on its own CPU. */
#define SOFT_SUB_PREFETCH 16

/* Writes the ring's next entry; soft_ring_reserve said there is room. */
static inline void soft_ring_put(struct soft_chan *sc, const struct soft_sub *e)
{
	unsigned long head = sc->sub_head++;

	/* room reserved, and not given away since: a full ring would lose
	 * the entry the hardware has not taken yet */
	assert(head - READ_ONCE(sc->sub_taken) <= sc->sub_mask);

	soft_sub_write(&sc->sub_ring[head & sc->sub_mask], e);
	soft_prefetch_w(&sc->sub_ring[(head + SOFT_SUB_PREFETCH) & sc->sub_mask]);
}

/*
 * Queues claimed @d in the ring (soft_ring_reserve said there is room) as
 * a plain copy if it is one now, else as a descriptor; returns its cookie.
 * A plain copy's callback travels in its entry (callback_result wins, R4).
 * Progress starts from zero at every submit, so tx_status never shows what
 * a recycled or reused descriptor moved last time.
 */
static inline __attribute__((always_inline)) dma_cookie_t
soft_queue_desc(struct soft_chan *sc, struct soft_desc *d)
{
	const struct dma_async_tx_descriptor *tx = &d->vd.tx;
	dma_cookie_t cookie;
	struct soft_sub e;

	/* relaxed: read only once the hardware took the entry, which
	 * soft_queue_issue's release orders after them */
	WRITE_ONCE(d->moved, 0);
	WRITE_ONCE(d->moved_segs, 0);
	cookie = dma_cookie_assign(&d->vd.tx);
	if (d->plain && soft_plain_copy(sc, d->total, tx->flags)) {
		e = (struct soft_sub){ (uintptr_t)d | SOFT_ENTRY_PLAIN, d->seg0.dst, d->seg0.src,
				       (uint32_t)d->seg0.len, cookie, 0, tx->callback_param };
		if (tx->callback_result) {
			e.cb = (uintptr_t)tx->callback_result;
			e.d |= SOFT_SUB_RESULT;
		} else if (tx->callback) {
			e.cb = (uintptr_t)tx->callback;
		}
	} else {
		e = (struct soft_sub){ .d = (uintptr_t)d | SOFT_ENTRY_DESC, .cookie = cookie };
	}
	soft_ring_put(sc, &e);
	return cookie;
}

/* Queues a bare copy (soft_ring_reserve said there is room); its cookie.
 * It counts as submitted; its bytes, the caller. */
static inline dma_cookie_t soft_queue_bare(struct soft_chan *sc, dma_addr_t dst, dma_addr_t src,
					   uint32_t len)
{
	dma_cookie_t cookie = udma_cookie_take(&sc->vc.chan);

	soft_ring_put(sc, &(struct soft_sub){ .d = SOFT_ENTRY_BARE, .dst = dst, .src = src,
					      .len = len, .cookie = cookie });
	return cookie;
}

/* Marks everything queued so far issued; true if that is news for the
 * hardware. Release: the entries up to sub_issued are written (pairs with
 * the smp_load_acquire in soft_queue_take). */
static inline bool soft_queue_issue(struct soft_chan *sc)
{
	if (sc->sub_head == sc->sub_published)
		return false;
	sc->sub_published = sc->sub_head;
	smp_store_release(&sc->sub_issued, sc->sub_head);
	return true;
}

/* ---- hardware side; vc.lock held ---- */

/* Takes issued entries into hwq, as many as it has room for. */
void soft_queue_take(struct soft_chan *sc);
/* hwq's @i-th entry from its head. */
static inline struct soft_sub *soft_hwq_at(struct soft_chan *sc, size_t i)
{
	return &sc->hwq[(sc->hwq_head + i) & (SOFT_HWQ - 1)];
}
/* Drops hwq's first @n entries: completed. */
static inline void soft_hwq_pop(struct soft_chan *sc, size_t n)
{
	sc->hwq_head = (sc->hwq_head + n) & (SOFT_HWQ - 1);
	sc->hwq_len -= n;
}
/* The hardware runs @e as a descriptor: faults are decided per descriptor. */
static inline void soft_sub_demote(struct soft_sub *e)
{
	if (sub_kind(e) == SOFT_ENTRY_PLAIN) {	/* its callback comes from the descriptor */
		e->d &= ~(SOFT_SUB_KIND | SOFT_SUB_RESULT | SOFT_SUB_MOVED);
		e->cb = 0;
	}
}
/* Room in the completion queue for @n more: grows it, or, out of memory,
 * drops vc.lock and waits for the tasklet to empty it. */
void soft_cq_reserve(struct soft_chan *sc, size_t n);
/* @dn queued for the tasklet, in order (soft_cq_reserve made room). */
static inline void soft_cq_add(struct soft_chan *sc, const struct soft_done *dn)
{
	sc->cq[sc->cq_len++] = *dn;
}

/* ---- the tasklet; vc.lock held ---- */

/* Takes every queued completion: *@done, their number the result. */
size_t soft_cq_take(struct soft_chan *sc, struct soft_done **done);

/* ---- control: terminate, unplug, tx_status; vc.lock held ---- */

/*
 * terminate: what the hardware holds goes to vc.desc_terminated (it may
 * still be inside it: freed at synchronize); what waits in the ring and
 * the completion queue goes to @head, to be freed now, callbacks dropped.
 */
void soft_queue_terminate(struct soft_chan *sc, struct list_head *head);
/*
 * unplug, once the hardware let go: every descriptor held or queued onto
 * @head in cookie order (a plain copy the hardware moved marked moved);
 * the channel's completed cookie then covers bare copies too.
 */
void soft_queue_abort(struct soft_chan *sc, struct list_head *head);

/* Where tx_status found a cookie still queued. */
struct soft_found {
	struct soft_desc *d;	/* NULL: a bare copy of @len bytes */
	uint32_t len;
	bool held;		/* the hardware took it: it may have moved some */
};
bool soft_queue_find(struct soft_chan *sc, dma_cookie_t cookie, struct soft_found *f);

#endif /* UDMA_SOFT_QUEUE_H */

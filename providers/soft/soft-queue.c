/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's queue, past its fast paths (soft-queue.h): growing
 * the rings, the hardware taking work, and what terminate, unplug and
 * tx_status see of it. Every walk over queued entries goes through
 * for_each_queued, in queue order: what the hardware holds (hwq), then
 * what waits in the submit ring.
 */
#include <stdlib.h>
#include <time.h>

#include "soft-internal.h"

bool soft_ring_grow(struct soft_chan *sc)
{
	unsigned long taken, size;
	struct soft_sub *ring;
	bool ok = true;

	spin_lock(&sc->vc.lock);
	spin_lock(&sc->vc.submit_lock);
	taken = READ_ONCE(sc->sub_taken);	/* stable: vc.lock held */
	size = sc->sub_mask + 1;
	if (sc->sub_head - taken == size) {	/* still full: another submit may have grown it */
		ring = aligned_alloc(64, 2 * size * sizeof(*ring));
		if (ring) {
			for (unsigned long i = taken; i != sc->sub_head; i++) {
				struct soft_sub e;

				soft_sub_read(&sc->sub_ring[i & sc->sub_mask], &e);
				soft_sub_write(&ring[i & (2 * size - 1)], &e);
			}
			free(sc->sub_ring);
			sc->sub_ring = ring;
			sc->sub_mask = 2 * size - 1;
			sc->sub_room = taken + 2 * size;
		} else {
			ok = false;
		}
	}
	spin_unlock(&sc->vc.submit_lock);
	spin_unlock(&sc->vc.lock);
	return ok;
}

void soft_queue_take(struct soft_chan *sc)
{
	unsigned long taken = READ_ONCE(sc->sub_taken);	/* ours: vc.lock held */
	/* acquire: pairs with the smp_store_release in soft_queue_issue; the
	 * entries before sub_issued are written */
	unsigned long n = smp_load_acquire(&sc->sub_issued) - taken;

	if (n > SOFT_HWQ - sc->hwq_len)
		n = SOFT_HWQ - sc->hwq_len;
	for (unsigned long i = 0; i < n; i++) {
		struct soft_sub *e = soft_hwq_at(sc, sc->hwq_len++);

		soft_sub_read(&sc->sub_ring[(taken + i) & sc->sub_mask], e);
		assert(soft_sub_sane(e));
	}
	/* release: pairs with the smp_load_acquire in soft_ring_room; the
	 * client may write these slots again once it sees this */
	smp_store_release(&sc->sub_taken, taken + n);
}

/* ---- the completion queue ---- */

void soft_cq_reserve(struct soft_chan *sc, size_t n)
{
	while (sc->cq_len + n > sc->cq_cap) {
		size_t cap = 2 * sc->cq_cap;
		struct soft_done *cq = realloc(sc->cq, cap * sizeof(*cq));

		if (cq) {
			sc->cq = cq;
			sc->cq_cap = cap;
			continue;
		}
		/* Out of memory: the tasklet empties the queue whole; wait for
		 * it, with vc.lock dropped (it takes the queue under it). */
		tasklet_schedule(&sc->vc.task);
		spin_unlock(&sc->vc.lock);
		nanosleep(&(struct timespec){ 0, 20000 }, NULL);	/* a rare wait: off the CPU */
		spin_lock(&sc->vc.lock);
	}
}

size_t soft_cq_take(struct soft_chan *sc, struct soft_done **done)
{
	size_t n = sc->cq_len, cap = sc->cq_cap;

	/* the tasklet's array becomes the queue: at least as large, so that
	 * growth is kept */
	if (sc->cq_idle_cap < cap) {
		struct soft_done *idle = realloc(sc->cq_idle, cap * sizeof(*idle));

		if (idle) {
			sc->cq_idle = idle;
			sc->cq_idle_cap = cap;
		}
	}
	*done = sc->cq;
	sc->cq = sc->cq_idle;
	sc->cq_cap = sc->cq_idle_cap;
	sc->cq_len = 0;
	sc->cq_idle = *done;
	sc->cq_idle_cap = cap;
	return n;
}

/* ---- control: one walk over what is queued ---- */

/* hwq's @i-th entry's d, read while the hardware thread may tag it MOVED.
 * Acquire: pairs with the smp_store_release of the tag in plain_burst
 * (soft-engine.c), so that unplug, seeing MOVED, sees the bytes. */
static uintptr_t hwq_d(struct soft_chan *sc, size_t i)
{
	return smp_load_acquire(&soft_hwq_at(sc, i)->d);
}

/*
 * Calls @visit on every queued entry, in queue order: those the hardware
 * holds (@held true; d read atomically, it may be tagging them MOVED),
 * then those waiting in the ring. Stops when @visit returns true; returns
 * whether it did. vc.lock and submit_lock held: a caller that empties the
 * queue after the walk does it in the same hold, so that no submit lands
 * in between, unseen by the walk and then dropped.
 */
static bool for_each_queued(struct soft_chan *sc,
			    bool (*visit)(struct soft_chan *sc, const struct soft_sub *e, bool held,
					  void *arg),
			    void *arg)
{
	unsigned long taken = READ_ONCE(sc->sub_taken);	/* stable: vc.lock held */
	bool stop = false;

	for (size_t i = 0; i < sc->hwq_len && !stop; i++) {
		const struct soft_sub *h = soft_hwq_at(sc, i);
		struct soft_sub e = { hwq_d(sc, i), h->dst, h->src, h->len, h->cookie, h->cb,
				      h->param };

		stop = visit(sc, &e, true, arg);
	}
	for (unsigned long i = taken; i != sc->sub_head && !stop; i++) {
		struct soft_sub e;

		soft_sub_read(&sc->sub_ring[i & sc->sub_mask], &e);
		stop = visit(sc, &e, false, arg);
	}
	return stop;
}

/* Empties hwq and the ring (the hardware let go of hwq, or may not look
 * again before the caller's stop_gen says so); vc.lock and submit_lock
 * held. */
static void queue_reset(struct soft_chan *sc)
{
	sc->hwq_len = 0;
	/* release, as the stores these stand in for (soft_queue_take's,
	 * soft_queue_issue's): pair with the smp_load_acquire()s in
	 * soft_ring_room and soft_queue_take, whose callers hold submit_lock
	 * or vc.lock, held here too */
	smp_store_release(&sc->sub_taken, sc->sub_head);
	smp_store_release(&sc->sub_issued, sc->sub_head);
	sc->sub_published = sc->sub_head;
}

static bool terminate_one(struct soft_chan *sc, const struct soft_sub *e, bool held, void *arg)
{
	struct list_head *head = arg;
	struct soft_desc *d = sub_desc(e);

	if (!d)
		return false;	/* bare: nothing to free */
	if (held)	/* the hardware may still be inside it: freed at synchronize */
		vchan_terminate_vdesc(&d->vd);
	else
		list_add_tail(&d->vd.node, head);
	return false;
}

void soft_queue_terminate(struct soft_chan *sc, struct list_head *head)
{
	spin_lock(&sc->vc.submit_lock);
	for_each_queued(sc, terminate_one, head);
	queue_reset(sc);
	spin_unlock(&sc->vc.submit_lock);
	/* R5: queued callbacks no longer run (the array stays: a running
	 * tasklet may be reading the other one) */
	for (size_t i = 0; i < sc->cq_len; i++)
		list_add_tail(&soft_tagged_desc(sc->cq[i].d)->vd.node, head);
	sc->cq_len = 0;
	list_splice_tail_init(&sc->vc.desc_completed, head);	/* aborted by an unplug */
}

static bool abort_one(struct soft_chan *sc, const struct soft_sub *e, bool held, void *arg)
{
	struct list_head *head = arg;
	struct soft_desc *d = sub_desc(e);

	if (!d)
		return false;	/* bare: the completed cookie covers it below */
	if (held && sub_plain(e) && (e->d & SOFT_SUB_MOVED))	/* its progress is not tracked */
		WRITE_ONCE(d->moved, d->total);	/* relaxed: for this thread's abort_all */
	list_add_tail(&d->vd.node, head);
	return false;
}

void soft_queue_abort(struct soft_chan *sc, struct list_head *head)
{
	spin_lock(&sc->vc.submit_lock);
	for_each_queued(sc, abort_one, head);
	queue_reset(sc);
	spin_unlock(&sc->vc.submit_lock);
}

struct find_walk {
	dma_cookie_t cookie;
	struct soft_found *f;
};

static bool find_one(struct soft_chan *sc, const struct soft_sub *e, bool held, void *arg)
{
	struct find_walk *w = arg;

	if (e->cookie != w->cookie)
		return false;
	*w->f = (struct soft_found){ sub_desc(e), e->len, held };
	return true;
}

bool soft_queue_find(struct soft_chan *sc, dma_cookie_t cookie, struct soft_found *f)
{
	bool found;

	spin_lock(&sc->vc.submit_lock);
	found = for_each_queued(sc, find_one, &(struct find_walk){ cookie, f });
	spin_unlock(&sc->vc.submit_lock);
	return found;
}

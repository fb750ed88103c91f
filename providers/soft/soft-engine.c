/* SPDX-License-Identifier: MIT */
/*
 * The software controller's hardware: one thread per channel that takes
 * issued descriptors in order and moves their bytes in bursts.
 *
 * Between bursts it checks two things, as a real engine checks its control
 * register: stop_gen (terminate happened: drop everything, touch nothing
 * more) and paused (park until resume, keeping the position). Completions
 * are reported in small batches under the channel lock, and only if no
 * terminate came in between, so a terminated transfer never completes.
 *
 * The thread never runs callbacks: vchan_cookie_complete hands them to the
 * channel's tasklet.
 */
#include <string.h>

#include "soft-internal.h"

#define BATCH 64		/* descriptors taken per look at the issued list */
#define FLUSH_DESCS 16		/* completions reported together, at most */
#define FLUSH_BYTES 65536	/* ... or after this many bytes moved */

enum run_result { RUN_DONE, RUN_STOPPED };

struct hw_wait {
	struct soft_chan *sc;
	unsigned int gen;
	unsigned int doorbell;
};

static unsigned int load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static bool stopped(const struct hw_wait *w)
{
	return load(&w->sc->stop_gen) != w->gen || __atomic_load_n(&w->sc->exit, __ATOMIC_SEQ_CST);
}

static bool resumed_or_stopped(void *arg)
{
	struct hw_wait *w = arg;

	return stopped(w) || !__atomic_load_n(&w->sc->paused, __ATOMIC_SEQ_CST);
}

static bool rang(void *arg)
{
	struct hw_wait *w = arg;

	return load(&w->sc->doorbell) != w->doorbell;
}

static void set_hw_state(struct soft_chan *sc, enum soft_hw_state s)
{
	__atomic_store_n(&sc->hw_state, s, __ATOMIC_SEQ_CST);
	if (s != SOFT_HW_RUNNING)
		udma_park_wake(&sc->ack_park);	/* a pause may be waiting for this */
}

/*
 * At a burst boundary: false if terminated; parks while paused. Storing
 * RUNNING before reading paused pairs with soft_pause storing paused before
 * reading hw_state: one of the two always sees the other.
 */
static bool may_run(struct soft_chan *sc, unsigned int gen)
{
	struct hw_wait w = { sc, gen, 0 };

	for (;;) {
		if (stopped(&w))
			return false;
		if (!__atomic_load_n(&sc->paused, __ATOMIC_SEQ_CST))
			return true;
		set_hw_state(sc, SOFT_HW_PARKED);
		udma_park_wait(&sc->hw_park, resumed_or_stopped, &w, 0);
		set_hw_state(sc, SOFT_HW_RUNNING);
	}
}

/* Waits until the FIFO's request line asks for @len bytes; false if stopped. */
static bool wait_request(struct soft_chan *sc, struct soft_desc *d, unsigned int gen, size_t len)
{
	struct hw_wait w = { sc, gen, 0 };

	for (;;) {
		if (!may_run(sc, gen))
			return false;
		w.doorbell = load(&sc->doorbell);
		if (soft_fifo_request(d->fifo) >= len)
			return true;
		udma_park_wait(&sc->hw_park, rang, &w, udma_poll_ns());
	}
}

static void *addr(dma_addr_t a)
{
	return (void *)(uintptr_t)a;
}

/* Moves one burst of segment @s at offset @off; returns the bytes moved. */
static size_t move_burst(struct soft_chan *sc, struct soft_desc *d, const struct soft_seg *s,
			 size_t off)
{
	size_t left = s->len - off;
	size_t n;

	switch (d->kind) {
	case SOFT_COPY:
		n = left < sc->sd->burst_bytes ? left : sc->sd->burst_bytes;
		memcpy(addr(s->dst + off), addr(s->src + off), n);
		return n;
	case SOFT_FILL:
		n = left < sc->sd->burst_bytes ? left : sc->sd->burst_bytes;
		memset(addr(s->dst + off), d->fill, n);
		return n;
	case SOFT_TO_DEV:
		n = left < d->burst ? left : d->burst;
		soft_fifo_dma_write(d->fifo, addr(s->src + off), n);
		return n;
	case SOFT_FROM_DEV:
		n = left < d->burst ? left : d->burst;
		soft_fifo_dma_read(d->fifo, addr(s->dst + off), n);
		return n;
	}
	return 0;
}

static size_t burst_len(struct soft_chan *sc, struct soft_desc *d, size_t left)
{
	size_t b = (d->kind == SOFT_TO_DEV || d->kind == SOFT_FROM_DEV) ? d->burst
									  : sc->sd->burst_bytes;
	return left < b ? left : b;
}

/* A cyclic period ended: queue its callback unless terminated meanwhile. */
static void period_done(struct soft_chan *sc, struct soft_desc *d, unsigned int gen)
{
	spin_lock(&sc->vc.lock);
	if (load(&sc->stop_gen) == gen) {
		d->vd.tx_result.residue = (uint32_t)(d->total - __atomic_load_n(&d->moved, __ATOMIC_RELAXED));
		vchan_cyclic_callback(&d->vd);
	}
	spin_unlock(&sc->vc.lock);
}

static enum run_result run_desc(struct soft_chan *sc, struct soft_desc *d, unsigned int gen)
{
	bool slave = d->kind == SOFT_TO_DEV || d->kind == SOFT_FROM_DEV;

	do {
		size_t moved = 0;

		__atomic_store_n(&d->moved, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&d->moved_segs, 0, __ATOMIC_RELAXED);
		for (unsigned int i = 0; i < d->nsegs; i++) {
			const struct soft_seg *s = &d->segs[i];

			for (size_t off = 0; off < s->len;) {
				if (slave ? !wait_request(sc, d, gen, burst_len(sc, d, s->len - off))
					  : !may_run(sc, gen))
					return RUN_STOPPED;
				off += move_burst(sc, d, s, off);
				__atomic_store_n(&d->moved, moved + off, __ATOMIC_RELAXED);
			}
			moved += s->len;
			__atomic_store_n(&d->moved_segs, moved, __ATOMIC_RELAXED);
			if (d->cyclic)
				period_done(sc, d, gen);
		}
	} while (d->cyclic);
	return RUN_DONE;
}

/* Reports @n finished descriptors complete, unless a terminate came first. */
static void flush(struct soft_chan *sc, struct soft_desc **done, unsigned int n, unsigned int gen)
{
	if (!n)
		return;
	spin_lock(&sc->vc.lock);
	if (load(&sc->stop_gen) == gen) {
		for (unsigned int i = 0; i < n; i++) {
			list_del(&done[i]->vd.node);	/* off sc->active */
			vchan_cookie_complete(&done[i]->vd);
		}
	}
	spin_unlock(&sc->vc.lock);
}

static void run_batch(struct soft_chan *sc, struct soft_desc **batch, unsigned int n,
		      unsigned int gen)
{
	unsigned int first = 0;
	size_t bytes = 0;

	set_hw_state(sc, SOFT_HW_RUNNING);
	for (unsigned int i = 0; i < n; i++) {
		if (run_desc(sc, batch[i], gen) == RUN_STOPPED)
			break;
		bytes += batch[i]->total;
		if (i + 1 == n || i + 1 - first >= FLUSH_DESCS || bytes >= FLUSH_BYTES) {
			flush(sc, batch + first, i + 1 - first, gen);
			first = i + 1;
			bytes = 0;
		}
	}
	set_hw_state(sc, SOFT_HW_IDLE);
}

void *soft_hw_thread(void *arg)
{
	struct soft_chan *sc = arg;
	struct soft_desc *batch[BATCH];

	for (;;) {
		struct hw_wait w = { sc, 0, load(&sc->doorbell) };
		struct soft_desc *d;
		unsigned int n = 0;

		spin_lock(&sc->vc.lock);
		w.gen = load(&sc->stop_gen);
		/* Holding nothing: every terminate so far is complete for us. */
		__atomic_store_n(&sc->ack_gen, w.gen, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&sc->paused, __ATOMIC_SEQ_CST)) {
			/* Not started yet: tx_status must see nothing done, not
			 * what a recycled (or reused) descriptor last held. */
			list_for_each_entry(d, &sc->vc.desc_issued, struct soft_desc, vd.node) {
				__atomic_store_n(&d->moved, 0, __ATOMIC_RELAXED);
				__atomic_store_n(&d->moved_segs, 0, __ATOMIC_RELAXED);
			}
			list_splice_tail_init(&sc->vc.desc_issued, &sc->active);
			list_for_each_entry(d, &sc->active, struct soft_desc, vd.node) {
				batch[n++] = d;
				if (n == BATCH)
					break;
			}
		}
		spin_unlock(&sc->vc.lock);
		udma_park_wake(&sc->ack_park);	/* synchronize may wait for the ack */

		if (__atomic_load_n(&sc->exit, __ATOMIC_SEQ_CST))
			break;
		if (n)
			run_batch(sc, batch, n, w.gen);
		else
			udma_park_wait(&sc->hw_park, rang, &w, udma_poll_ns());
	}
	return NULL;
}

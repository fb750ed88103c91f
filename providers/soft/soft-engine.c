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
 * The thread never runs callbacks: completions queue them for the
 * channel's tasklet, which it wakes at most every MODERATION_NS while busy
 * and at once when it runs dry or before anything slow.
 *
 * It finds its work in hwq, an array copy of its @active list, so that it
 * never chases list pointers through descriptors the client's CPU wrote.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soft-internal.h"

#ifndef BATCH
#define BATCH 64		/* descriptors run per look at the queue */
#endif
#ifndef FLUSH_DESCS
#define FLUSH_DESCS 16		/* completions reported together, at most */
#endif
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

/*
 * Wakes the tasklet for callbacks that completion moderation held back
 * (see MODERATION_NS). Called before anything that may keep this thread
 * from its next flush for long: parking for pause, a FIFO or a stall, and
 * a long transfer.
 */
static void announce(struct soft_chan *sc)
{
	if (sc->hw_callbacks_since) {
		sc->hw_callbacks_since = 0;
		tasklet_schedule(&sc->vc.task);
	}
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
		announce(sc);
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
		/*
		 * Doorbell first: a pause (or FIFO change) that rings after
		 * this load wakes the wait below; one that rang before it is
		 * seen by may_run. Loading it after may_run lost a pause that
		 * came in between, and pause waited forever (found by fuzzing).
		 */
		w.doorbell = load(&sc->doorbell);
		if (!may_run(sc, gen))
			return false;
		if (soft_fifo_request(d->fifo) >= len)
			return true;
		announce(sc);
		udma_park_wait(&sc->hw_park, rang, &w, udma_poll_ns());
	}
}

static void *addr(dma_addr_t a)
{
	return (void *)(uintptr_t)a;
}

/* Bytes of the next burst: a whole burst, or what is left, or up to @cap. */
static size_t burst_len(struct soft_chan *sc, struct soft_desc *d, size_t left, size_t cap)
{
	size_t b = (d->kind == SOFT_TO_DEV || d->kind == SOFT_FROM_DEV) ? d->burst
									  : sc->sd->burst_bytes;

	if (b > left)
		b = left;
	return b < cap ? b : cap;
}

/* Moves one burst of segment @s at offset @off; returns the bytes moved. */
static size_t move_burst(struct soft_chan *sc, struct soft_desc *d, const struct soft_seg *s,
			 size_t off, size_t cap)
{
	size_t n = burst_len(sc, d, s->len - off, cap);

	switch (d->kind) {
	case SOFT_COPY:
		memcpy(addr(s->dst + off), addr(s->src + off), n);
		break;
	case SOFT_FILL:
		memset(addr(s->dst + off), d->fill, n);
		break;
	case SOFT_TO_DEV:
		soft_fifo_dma_write(d->fifo, addr(s->src + off), n);
		break;
	case SOFT_FROM_DEV:
		soft_fifo_dma_read(d->fifo, addr(s->dst + off), n);
		break;
	}
	return n;
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

static uint64_t hw_random(struct soft_chan *sc)
{
	uint64_t x = sc->hw_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sc->hw_rng = x;
	return x;
}

/* The injected fault that hits @d, if any: decided once per descriptor. */
static enum udma_soft_fault_kind fault_for(struct soft_chan *sc)
{
	const struct udma_soft_fault *f = &sc->hw_fault;

	if (f->kind == UDMA_FAULT_NONE || hw_random(sc) % f->one_in)
		return UDMA_FAULT_NONE;
	__atomic_fetch_add(&sc->fault_hits, 1, __ATOMIC_RELAXED);
	return f->kind;
}

static void udma_sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static bool terminated(void *arg)
{
	return stopped(arg);
}

/* A stalled engine: moves nothing more until terminated; pause sees it still. */
static enum run_result stall(struct soft_chan *sc, unsigned int gen)
{
	struct hw_wait w = { sc, gen, 0 };

	announce(sc);
	set_hw_state(sc, SOFT_HW_PARKED);
	udma_park_wait(&sc->hw_park, terminated, &w, 0);
	set_hw_state(sc, SOFT_HW_RUNNING);
	return RUN_STOPPED;
}

/* Flips one bit of the memory @d wrote: a silent corruption. */
static void corrupt(struct soft_chan *sc, struct soft_desc *d)
{
	const struct soft_seg *s = &d->segs[hw_random(sc) % d->nsegs];
	unsigned char *p = addr(s->dst) + hw_random(sc) % s->len;

	if (d->kind == SOFT_COPY || d->kind == SOFT_FILL || d->kind == SOFT_FROM_DEV)
		*p ^= (unsigned char)(1u << (hw_random(sc) % 8));
}

static const enum dmaengine_tx_result fault_result[] = {
	[UDMA_FAULT_READ] = DMA_TRANS_READ_FAILED,
	[UDMA_FAULT_WRITE] = DMA_TRANS_WRITE_FAILED,
	[UDMA_FAULT_ABORT] = DMA_TRANS_ABORTED,
};

static enum run_result run_desc(struct soft_chan *sc, struct soft_desc *d, unsigned int gen)
{
	bool slave = d->kind == SOFT_TO_DEV || d->kind == SOFT_FROM_DEV;
	enum udma_soft_fault_kind fault = d->cyclic ? UDMA_FAULT_NONE : fault_for(sc);
	size_t stop_at = SIZE_MAX;

	d->vd.tx_result.result = DMA_TRANS_NOERROR;
	d->vd.tx_result.residue = 0;
	if (fault == UDMA_FAULT_READ || fault == UDMA_FAULT_WRITE || fault == UDMA_FAULT_ABORT ||
	    fault == UDMA_FAULT_STALL)
		stop_at = sc->hw_fault.at < d->total ? sc->hw_fault.at : d->total;

	do {
		size_t moved = 0;

		/* release: a client that reads the residue may then touch the
		 * memory it says is done (a cyclic refill, a UART's ring) */
		__atomic_store_n(&d->moved, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&d->moved_segs, 0, __ATOMIC_RELEASE);
		for (unsigned int i = 0; i < d->nsegs; i++) {
			const struct soft_seg *s = &d->segs[i];

			for (size_t off = 0; off < s->len;) {
				size_t cap = stop_at - (moved + off);

				if (cap == 0)
					goto faulted;
				if (slave ? !wait_request(sc, d, gen, burst_len(sc, d, s->len - off, cap))
					  : !may_run(sc, gen))
					return RUN_STOPPED;
				if (fault == UDMA_FAULT_SLOW)
					udma_sleep_us(sc->hw_fault.delay_us);
				off += move_burst(sc, d, s, off, cap);
				__atomic_store_n(&d->moved, moved + off, __ATOMIC_RELEASE);
			}
			moved += s->len;
			__atomic_store_n(&d->moved_segs, moved, __ATOMIC_RELEASE);
			if (d->cyclic)
				period_done(sc, d, gen);
		}
	} while (d->cyclic);
	if (stop_at == SIZE_MAX) {
		if (fault == UDMA_FAULT_CORRUPT)
			corrupt(sc, d);
		return RUN_DONE;
	}
faulted:	/* stop_at bytes moved: now the injected fault shows */
	if (fault == UDMA_FAULT_STALL)
		return stall(sc, gen);
	d->vd.tx_result.result = fault_result[fault];
	d->vd.tx_result.residue = (uint32_t)(d->total - __atomic_load_n(&d->moved, __ATOMIC_RELAXED));
	return RUN_DONE;
}

/* ---- the hardware's queue: @active, and hwq, its array twin ---- */

/* The slot of hwq's @i-th entry from its head. */
static struct soft_desc **hwq_slot(const struct soft_chan *sc, size_t i)
{
	return &sc->hwq[(sc->hwq_head + i) & (sc->hwq_cap - 1)];
}

static struct soft_desc *hwq_at(const struct soft_chan *sc, size_t i)
{
	return *hwq_slot(sc, i);
}

static bool hwq_push(struct soft_chan *sc, struct soft_desc *d)
{
	if (sc->hwq_len == sc->hwq_cap) {
		size_t cap = sc->hwq_cap ? sc->hwq_cap * 2 : 256;
		struct soft_desc **q = malloc(cap * sizeof(*q));

		if (!q)
			return false;
		for (size_t i = 0; i < sc->hwq_len; i++)
			q[i] = hwq_at(sc, i);
		free(sc->hwq);
		sc->hwq = q;
		sc->hwq_cap = cap;
		sc->hwq_head = 0;
	}
	*hwq_slot(sc, sc->hwq_len++) = d;
	return true;
}

static void hwq_pop(struct soft_chan *sc, size_t n)
{
	sc->hwq_head = (sc->hwq_head + n) & (sc->hwq_cap - 1);
	sc->hwq_len -= n;
}

/*
 * Rebuilds hwq from @active by walking it: when the submit ring could not
 * be trusted, or hwq could not grow. Slow, and rare.
 */
static void hwq_rebuild(struct soft_chan *sc)
{
	struct soft_desc *d;

	sc->hwq_len = 0;
	sc->hwq_partial = false;
	list_for_each_entry(d, &sc->active, struct soft_desc, vd.node) {
		if (!hwq_push(sc, d)) {
			sc->hwq_partial = true;	/* a prefix: rebuilt again when it runs out */
			break;
		}
	}
}

/*
 * Takes every issued descriptor onto @active (and hwq); vc.lock held. The
 * copy from the submit ring is trusted only if its ends are the ends of
 * what was cut from desc_submitted and the cookies between them count the
 * same: entries left from before a terminate, or overwritten, fail that.
 */
static void take_issued(struct soft_chan *sc)
{
	struct virt_dma_chan *vc = &sc->vc;
	bool copied = false, ok = true;
	LIST_HEAD(taken);

	spin_lock(&vc->submit_lock);
	if (vc->issued_upto) {
		struct soft_desc *first = list_first_entry(&vc->desc_submitted, struct soft_desc, vd.node);
		struct soft_desc *last = container_of(vc->issued_upto, struct soft_desc, vd.node);
		unsigned long from = sc->sub_taken, n = sc->sub_issued - from;

		list_cut_position(&taken, &vc->desc_submitted, vc->issued_upto);
		vc->issued_upto = NULL;
		sc->sub_taken = sc->sub_issued;
		if (n && n <= SOFT_SUB_RING && sc->sub_ring[from % SOFT_SUB_RING] == first &&
		    sc->sub_ring[(from + n - 1) % SOFT_SUB_RING] == last &&
		    (uint32_t)(last->vd.tx.cookie - first->vd.tx.cookie) == n - 1) {
			for (unsigned long i = 0; i < n && ok; i++)
				ok = hwq_push(sc, sc->sub_ring[(from + i) % SOFT_SUB_RING]);
			copied = true;
		}
	}
	spin_unlock(&vc->submit_lock);
	if (list_empty(&taken))
		return;
	list_splice_tail_init(&taken, &sc->active);
	if (!copied || !ok || sc->hwq_partial)
		hwq_rebuild(sc);
}

/*
 * Reports @n finished descriptors complete, unless a terminate came first.
 * True if callbacks wait for the tasklet, which the caller schedules.
 */
static bool flush(struct soft_chan *sc, struct soft_desc **done, unsigned int n, unsigned int gen)
{
	bool callbacks = false;

	if (!n)
		return false;
	soft_free_batch_begin(&sc->vc);
	spin_lock(&sc->vc.lock);
	if (load(&sc->stop_gen) == gen) {
		for (unsigned int i = 0; i < n; i++) {
			list_del(&done[i]->vd.node);	/* off sc->active */
			callbacks |= vchan_cookie_complete_quiet(&done[i]->vd);
		}
		hwq_pop(sc, n);		/* done[] was its head */
	}
	spin_unlock(&sc->vc.lock);
	soft_free_batch_end(&sc->vc);
	return callbacks;
}

/*
 * Completion interrupt moderation: while the engine is busy with short
 * descriptors, their callbacks wait up to this long for company before the
 * tasklet is woken. Waking it costs the waker a system call and, on a
 * small machine, a CPU for a while; per flush it halved the throughput of a
 * stream with a callback per 16 KiB copy. The tasklet is woken at once when
 * the batch ends (so a lone transfer's latency is unchanged) and before
 * anything that may take long: a long or slave transfer next, a pause, an
 * injected fault.
 */
#define MODERATION_NS 20000
#define LONG_BYTES (256u << 10)	/* a copy that takes about MODERATION_NS or more */

/* May @d take long (or forever)? Then callbacks held back go out first. */
static bool may_take_long(const struct soft_chan *sc, const struct soft_desc *d)
{
	return d->fifo || d->cyclic || d->total >= LONG_BYTES ||
	       sc->hw_fault.kind != UDMA_FAULT_NONE;
}

/*
 * The client's CPU wrote each descriptor last; fetching its lines a few
 * descriptors ahead overlaps those misses instead of taking them one by
 * one in the middle of the work.
 */
#define PREFETCH_AHEAD 4

static void run_batch(struct soft_chan *sc, struct soft_desc **batch, unsigned int n,
		      unsigned int gen)
{
	unsigned int first = 0;
	size_t bytes = 0;

	set_hw_state(sc, SOFT_HW_RUNNING);
	for (unsigned int i = 0; i < n && i < PREFETCH_AHEAD; i++)
		soft_prefetch_desc(batch[i]);
	for (unsigned int i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			soft_prefetch_desc(batch[i + PREFETCH_AHEAD]);
		if (run_desc(sc, batch[i], gen) == RUN_STOPPED)
			break;
		bytes += batch[i]->total;
		/* the next may take long (or wait on its FIFO's request line
		 * indefinitely): report what is done first, and wake its callbacks */
		bool next_long = i + 1 < n && may_take_long(sc, batch[i + 1]);

		if (i + 1 == n || next_long || i + 1 - first >= FLUSH_DESCS || bytes >= FLUSH_BYTES) {
			if (flush(sc, batch + first, i + 1 - first, gen) && !sc->hw_callbacks_since)
				sc->hw_callbacks_since = udma_now_ns();
			if (sc->hw_callbacks_since &&
			    (i + 1 == n || next_long ||
			     udma_now_ns() - sc->hw_callbacks_since >= MODERATION_NS))
				announce(sc);
			first = i + 1;
			bytes = 0;
		}
	}
	announce(sc);	/* stopped midway: what completed still calls back */
	set_hw_state(sc, SOFT_HW_IDLE);
}

void *soft_hw_thread(void *arg)
{
	struct soft_chan *sc = arg;
	struct soft_desc *batch[BATCH];

	for (;;) {
		struct hw_wait w = { sc, 0, load(&sc->doorbell) };
		unsigned int n = 0;

		spin_lock(&sc->vc.lock);
		w.gen = load(&sc->stop_gen);
		/* Holding nothing: every terminate so far is complete for us. */
		__atomic_store_n(&sc->ack_gen, w.gen, __ATOMIC_SEQ_CST);
		if (sc->hw_fault_gen != sc->fault_gen) {
			sc->hw_fault = sc->fault;
			sc->hw_rng = sc->fault.seed ? sc->fault.seed : 1;
			sc->hw_fault_gen = sc->fault_gen;
		}
		if (sc->hwq_gen != w.gen) {	/* a terminate emptied active */
			sc->hwq_len = 0;
			sc->hwq_partial = false;
			sc->hwq_gen = w.gen;
		}
		if (!__atomic_load_n(&sc->paused, __ATOMIC_SEQ_CST) &&
		    !__atomic_load_n(&sc->unplugged, __ATOMIC_SEQ_CST)) {
			take_issued(sc);
			if (sc->hwq_len == 0 && !list_empty(&sc->active))
				hwq_rebuild(sc);	/* it could not grow before */
			while (n < BATCH && n < sc->hwq_len) {
				batch[n] = hwq_at(sc, n);
				n++;
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

/* SPDX-License-Identifier: MIT */
/*
 * The software controller's hardware: one thread per channel that takes
 * issued descriptors in order and moves their bytes in bursts.
 *
 * Between bursts it checks two things, as a real engine checks its control
 * register (udma_engine_may_run, <udma/engine.h>, which also carries the
 * doorbell it waits on and its acknowledgement of terminates): the stop
 * generation (terminate happened: drop everything, touch nothing more) and
 * pause (park until resume, keeping the position). Completions
 * are reported in small batches under the channel lock, and only if no
 * terminate came in between, so a terminated transfer never completes.
 *
 * The thread never runs callbacks: completions queue them for the
 * channel's tasklet (soft-complete.c), which it wakes at most every
 * MODERATION_NS while busy, and when it runs dry (see ran_dry) or before
 * anything slow.
 *
 * It takes its work from the channel's submit ring into hwq, an array of
 * submit entries (soft_queue_take, soft-queue.c), so that it never
 * chases list pointers through descriptors the client's CPU wrote. A plain
 * copy runs and completes from its entry: its descriptor stays untouched.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soft-internal.h"
#include <udma/trace-hooks.h>

#ifndef BATCH
#define BATCH 64		/* descriptors run per look at the queue */
#endif
#ifndef FLUSH_DESCS
#define FLUSH_DESCS 16		/* completions reported together, at most */
#endif
#define FLUSH_BYTES 65536	/* ... or after this many bytes moved */
#define BULK_DESCS 16		/* completions per tasklet wake-up that make a stream */

enum run_result { RUN_DONE, RUN_STOPPED };

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
		sc->hw_bulk = sc->hw_done >= BULK_DESCS;
		sc->hw_done = 0;
		tasklet_schedule(&sc->vc.task);
	}
}

/* The engine's before_park: parking for pause or a stall may be long. */
void soft_hw_before_park(struct udma_engine *e)
{
	announce(container_of(e, struct soft_chan, eng));
}

/* Waits until the FIFO's request line asks for @len bytes; false if stopped. */
static bool wait_request(struct soft_chan *sc, struct soft_desc *d, unsigned int gen, size_t len)
{
	uint64_t t0 = 0;	/* tracing: when it began to wait */

	for (;;) {
		/*
		 * Doorbell first: a pause (or FIFO change) that rings after
		 * this load wakes the wait below; one that rang before it is
		 * seen by may_run. Loading it after may_run lost a pause that
		 * came in between, and pause waited forever (found by fuzzing).
		 */
		unsigned int bell = udma_engine_doorbell(&sc->eng);

		if (!udma_engine_may_run(&sc->eng, gen)) {
			if (t0)
				udma_trace_slice(UT_WAIT, &sc->vc.chan, t0, d->vd.tx.cookie, len);
			return false;
		}
		if (soft_fifo_request(d->fifo) >= len) {
			if (t0) {
				udma_trace_slice(UT_WAIT, &sc->vc.chan, t0, d->vd.tx.cookie, len);
				soft_fifo_trace_request(d->fifo, len);
			}
			return true;
		}
		if (!t0)
			t0 = udma_trace_t0();
		announce(sc);
		udma_engine_wait(&sc->eng, bell);
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

/* Sim mode: the burst takes its modeled time, and its memory is checked. */
static __attribute__((noinline, cold)) bool sim_burst(struct soft_chan *sc, struct soft_desc *d,
						      const struct soft_seg *s, size_t off, size_t n)
{
	bool reads = d->kind == SOFT_COPY || d->kind == SOFT_TO_DEV;
	bool writes = d->kind != SOFT_TO_DEV;

	return udma_sim_dma(&sc->vc.chan, d->vd.tx.cookie, writes ? addr(s->dst + off) : NULL,
			    reads ? addr(s->src + off) : NULL, n);
}

/* Moves one burst of segment @s at offset @off; returns the bytes moved. */
static size_t move_burst(struct soft_chan *sc, struct soft_desc *d, const struct soft_seg *s,
			 size_t off, size_t cap)
{
	size_t n = burst_len(sc, d, s->len - off, cap);

	if (udma_sim() && !sim_burst(sc, d, s, off, n))
		return n;	/* reported; the memory is not touched */
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

/* move_burst inside a burst slice. */
static __attribute__((noinline, cold)) size_t traced_burst(struct soft_chan *sc, struct soft_desc *d,
							   const struct soft_seg *s, size_t off,
							   size_t cap)
{
	uint64_t t0 = udma_trace_now();
	size_t n = move_burst(sc, d, s, off, cap);

	udma_trace_slice(UT_BURST, &sc->vc.chan, t0, d->vd.tx.cookie, n);
	return n;
}

/* A cyclic period ended: queue its callback unless terminated meanwhile. */
static void period_done(struct soft_chan *sc, struct soft_desc *d, unsigned int gen)
{
	spin_lock(&sc->vc.lock);
	if (udma_engine_gen(&sc->eng) == gen) {
		/* relaxed: this thread wrote it */
		d->vd.tx_result.residue = (uint32_t)(d->total - READ_ONCE(d->moved));
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
	atomic64_inc(&sc->fault_hits);	/* relaxed: a count, ordering nothing */
	return f->kind;
}

static void udma_sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	if (udma_sim_scheduled()) {
		udma_sim_sleep_ns((uint64_t)us * 1000);
		return;
	}
	nanosleep(&ts, NULL);
}

/* A stalled engine: moves nothing more until terminated; pause sees it still. */
static enum run_result stall(struct soft_chan *sc, unsigned int gen)
{
	udma_engine_stall(&sc->eng, gen);
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

	if (fault != UDMA_FAULT_NONE && udma_trace_on())
		udma_trace_instant(UT_FAULT, &sc->vc.chan, d->vd.tx.cookie, fault, 0, 0);
	d->vd.tx_result.result = DMA_TRANS_NOERROR;
	d->vd.tx_result.residue = 0;
	if (fault == UDMA_FAULT_READ || fault == UDMA_FAULT_WRITE || fault == UDMA_FAULT_ABORT ||
	    fault == UDMA_FAULT_STALL)
		stop_at = sc->hw_fault.at < d->total ? sc->hw_fault.at : d->total;

	do {
		size_t moved = 0;

		/* release: a client that reads the residue may then touch the
		 * memory it says is done (a cyclic refill, a UART's ring); these
		 * and the two below pair with the smp_load_acquire()s in soft.c
		 * (residue_of, abort_all) */
		smp_store_release(&d->moved, 0);
		smp_store_release(&d->moved_segs, 0);
		for (unsigned int i = 0; i < d->nsegs; i++) {
			const struct soft_seg *s = &d->segs[i];

			for (size_t off = 0; off < s->len;) {
				size_t cap = stop_at - (moved + off);

				if (cap == 0)
					goto faulted;
				if (slave ? !wait_request(sc, d, gen, burst_len(sc, d, s->len - off, cap))
					  : !udma_engine_may_run(&sc->eng, gen))
					return RUN_STOPPED;
				if (fault == UDMA_FAULT_SLOW)
					udma_sleep_us(sc->hw_fault.delay_us);
				if (udma_trace_on())
					off += traced_burst(sc, d, s, off, cap);
				else
					off += move_burst(sc, d, s, off, cap);
				smp_store_release(&d->moved, moved + off);	/* as above */
			}
			moved += s->len;
			smp_store_release(&d->moved_segs, moved);	/* as above */
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
	d->vd.tx_result.residue = (uint32_t)(d->total - READ_ONCE(d->moved));	/* ours */
	return RUN_DONE;
}

/* run_desc as a run slice: a terminate leaves @d to synchronize, which waits
 * for this thread, so it may still be read after a stop. */
static __attribute__((noinline, cold)) enum run_result run_desc_traced(struct soft_chan *sc,
								       const struct soft_sub *e,
								       unsigned int gen)
{
	static const uint16_t dir[] = { [SOFT_COPY] = DMA_MEM_TO_MEM, [SOFT_FILL] = DMA_MEM_TO_MEM,
					[SOFT_TO_DEV] = DMA_MEM_TO_DEV,
					[SOFT_FROM_DEV] = DMA_DEV_TO_MEM };
	struct soft_desc *d = sub_desc(e);
	struct udma_trace_rec r = { .t0 = udma_trace_now(), .cookie = e->cookie,
				    .key = udma_trace_key(&sc->vc.chan), .kind = UT_RUN };
	enum run_result ret = run_desc(sc, d, gen);

	r.t1 = udma_trace_now();
	r.v0 = d->total;
	r.v1 = ret == RUN_DONE ? d->vd.tx_result.residue
			       : d->total - READ_ONCE(d->moved);	/* this thread wrote it */
	r.last = ret == RUN_DONE ? (int32_t)d->vd.tx_result.result : 4;	/* 4: stopped */
	r.x = dir[d->kind];
	udma_trace_emit(&r);
	return ret;
}

/* Flow steps of a flush, recorded once its slice has ended. */
struct flush_flows {
	unsigned int n, callbacks;
	dma_cookie_t cookie[BATCH];
	char phase[BATCH];
};

/* @e completes: its flow steps on (a callback follows) or ends; vc.lock held. */
static void trace_done(const struct soft_sub *e, struct flush_flows *ff)
{
	const struct soft_desc *d = sub_desc(e);
	bool cb;

	if (sub_kind(e) == SOFT_ENTRY_BARE || ff->n == BATCH)
		return;	/* bare: no flow, no callback */
	cb = sub_plain(e) ? e->cb != 0 : d->vd.tx.callback || d->vd.tx.callback_result;
	ff->callbacks += cb;
	ff->cookie[ff->n] = e->cookie;
	ff->phase[ff->n++] = cb ? 't' : 'f';
}

/*
 * Reports @n finished entries complete, unless a terminate came first.
 * True if callbacks wait for the tasklet, which the caller schedules.
 *
 * Plain copies go back to the cache untouched (or to the tasklet's queue,
 * with the callback their entry carries), and the last cookie of a run of
 * them completes them all.
 */
static inline __attribute__((always_inline)) bool
flush_body(struct soft_chan *sc, const struct soft_sub *done, unsigned int n, unsigned int gen,
	   const bool traced)
{
	struct soft_put idle;	/* plain, no callback: for the cache */
	bool callbacks = false;
	uint64_t t0 = traced ? udma_trace_now() : 0;
	struct flush_flows ff;	/* traced */
	bool completed = false;

	if (!n)
		return false;
	idle.n = 0;
	soft_free_batch_begin(&sc->vc);
	spin_lock(&sc->vc.lock);
	soft_cq_reserve(sc, n);	/* may drop the lock: stop_gen is read after */
	if (udma_engine_gen(&sc->eng) == gen) {
		completed = traced;
		ff.n = ff.callbacks = 0;
		for (unsigned int i = 0; i < n; i++) {
			struct soft_desc *d = sub_desc(&done[i]);

			if (traced)
				trace_done(&done[i], &ff);
			if (sub_plain(&done[i])) {
				if (done[i].cb) {	/* the tasklet calls back, then frees it */
					soft_cq_add(sc, &(struct soft_done){ done[i].d, done[i].cb,
									    done[i].param });
					callbacks = true;
				} else if (sub_kind(&done[i]) == SOFT_ENTRY_PLAIN) {	/* bare: nothing to free */
					soft_put_add(sc, &idle, d);
				}
				/* release: pairs with the acquire loads of
				 * completed_cookie (dma_cookie_status, core's
				 * stats.c): a poller that sees it sees the bytes */
				if (i + 1 == n || !sub_plain(&done[i + 1]))
					smp_store_release(&sc->vc.chan.completed_cookie,
							  done[i].cookie);
				continue;
			}
			if (!d->vd.tx.callback && !d->vd.tx.callback_result) {
				vchan_cookie_complete_quiet(&d->vd);
				continue;
			}
			dma_cookie_complete(&d->vd.tx);
			/* the cookie rides along for the trace: dma_cookie_complete zeroed it */
			soft_cq_add(sc, &(struct soft_done){ (uintptr_t)d, 0,
							    (void *)(intptr_t)done[i].cookie });
			callbacks = true;
		}
		soft_hwq_pop(sc, n);	/* done[] was its head */
	}
	spin_unlock(&sc->vc.lock);
	soft_free_batch_end(&sc->vc);
	soft_put_done(sc, &idle);	/* one hold of free_lock for the flush */
	if (completed) {
		struct udma_trace_rec r = { .t0 = t0, .t1 = udma_trace_now(), .v0 = ff.callbacks,
					    .cookie = done[0].cookie, .last = done[n - 1].cookie,
					    .key = udma_trace_key(&sc->vc.chan), .kind = UT_COMPLETE };

		udma_trace_emit(&r);
		for (unsigned int i = 0; i < ff.n; i++)
			udma_trace_flow(&sc->vc.chan, ff.cookie[i], ff.phase[i], r.t0, r.t1);
	}
	return callbacks;
}

static __attribute__((noinline, cold)) bool flush_traced(struct soft_chan *sc,
							 const struct soft_sub *done,
							 unsigned int n, unsigned int gen)
{
	return flush_body(sc, done, n, gen, true);
}

static bool flush(struct soft_chan *sc, const struct soft_sub *done, unsigned int n,
		  unsigned int gen)
{
	if (udma_trace_on())
		return flush_traced(sc, done, n, gen);
	return flush_body(sc, done, n, gen, false);
}

/*
 * Completion interrupt moderation: while the engine is busy with short
 * descriptors, their callbacks wait up to this long for company before the
 * tasklet is woken. Waking it costs the waker a system call and, on a
 * small machine, a CPU for a while; per flush it halved the throughput of a
 * stream with a callback per 16 KiB copy. The tasklet is woken when the
 * engine runs out of work (see ran_dry: at once, unless it serves a
 * stream) and before anything that may take long: a long or slave
 * transfer next, a pause, an injected fault.
 */
#ifndef MODERATION_NS
#define MODERATION_NS 10000
#endif
#define LONG_BYTES (128u << 10)	/* a copy that takes about MODERATION_NS or more */

/* May @e take long (or forever)? Then callbacks held back go out first. */
static bool may_take_long(const struct soft_chan *sc, const struct soft_sub *e)
{
	const struct soft_desc *d = sub_desc(e);

	if (sub_plain(e))
		return false;	/* one burst of plain copy */
	return d->fifo || d->cyclic || d->total >= LONG_BYTES ||
	       sc->hw_fault.kind != UDMA_FAULT_NONE;
}

/*
 * Runs plain copies from their submit entries, batch[*i] on, as one burst:
 * as many as fit in burst_bytes (at least one), and not past @end. One
 * look at stop_gen and paused for them all, as for any burst. Advances *@i
 * past them and adds their bytes to *@bytes. @first: batch[first] is hwq's
 * head. @sim: each copy takes its modeled time and is checked first.
 */
static inline __attribute__((always_inline)) enum run_result
plain_burst_body(struct soft_chan *sc, const struct soft_sub *batch, unsigned int *i,
		 unsigned int end, unsigned int first, size_t *bytes, unsigned int gen,
		 const bool sim)
{
	unsigned int j = *i;
	size_t burst = 0;

	if (!udma_engine_may_run(&sc->eng, gen))
		return RUN_STOPPED;
	do {
		const struct soft_sub *e = &batch[j];

		if (!sim || udma_sim_dma(&sc->vc.chan, e->cookie, addr(e->dst), addr(e->src), e->len))
			memcpy(addr(e->dst), addr(e->src), e->len);
		/* unplug reports a moved plain copy as done (bare ones have
		 * nothing to report). Release: pairs with the smp_load_acquire
		 * in hwq_d (soft-queue.c), after the bytes it says moved. */
		if (sub_kind(e) == SOFT_ENTRY_PLAIN)
			smp_store_release(&soft_hwq_at(sc, j - first)->d, e->d | SOFT_SUB_MOVED);
		burst += e->len;
		j++;
	} while (j < end && sub_plain(&batch[j]) && burst + batch[j].len <= sc->burst_bytes);
	*i = j;
	*bytes += burst;
	return RUN_DONE;
}

static inline __attribute__((always_inline)) enum run_result
plain_burst(struct soft_chan *sc, const struct soft_sub *batch, unsigned int *i, unsigned int end,
	    unsigned int first, size_t *bytes, unsigned int gen)
{
	return plain_burst_body(sc, batch, i, end, first, bytes, gen, false);
}

static __attribute__((noinline, cold)) enum run_result
plain_burst_sim(struct soft_chan *sc, const struct soft_sub *batch, unsigned int *i,
		unsigned int end, unsigned int first, size_t *bytes, unsigned int gen)
{
	return plain_burst_body(sc, batch, i, end, first, bytes, gen, true);
}

/* A plain burst as a run slice, and a flow step for each copy in it that
 * has a descriptor (bare copies have neither flow nor callback). */
static __attribute__((noinline, cold)) enum run_result
plain_burst_traced(struct soft_chan *sc, const struct soft_sub *batch, unsigned int *i,
		   unsigned int end, unsigned int first, size_t *bytes, unsigned int gen)
{
	unsigned int from = *i;
	size_t before = *bytes;
	struct udma_trace_rec r = { .t0 = udma_trace_now(), .key = udma_trace_key(&sc->vc.chan),
				    .kind = UT_PLAIN };

	if ((udma_sim() ? plain_burst_sim(sc, batch, i, end, first, bytes, gen)
			: plain_burst(sc, batch, i, end, first, bytes, gen)) == RUN_STOPPED)
		return RUN_STOPPED;
	r.t1 = udma_trace_now();
	r.v0 = *bytes - before;
	r.v1 = *i - from;
	r.cookie = batch[from].cookie;
	r.last = batch[*i - 1].cookie;
	udma_trace_emit(&r);
	for (unsigned int k = from; k < *i; k++)
		if (sub_kind(&batch[k]) == SOFT_ENTRY_PLAIN)
			udma_trace_flow(&sc->vc.chan, batch[k].cookie, 't', r.t0, r.t1);
	return RUN_DONE;
}

static inline enum run_result run_plain_burst(struct soft_chan *sc, const struct soft_sub *batch,
					      unsigned int *i, unsigned int end, unsigned int first,
					      size_t *bytes, unsigned int gen)
{
	if (udma_trace_on())
		return plain_burst_traced(sc, batch, i, end, first, bytes, gen);
	if (udma_sim())
		return plain_burst_sim(sc, batch, i, end, first, bytes, gen);
	return plain_burst(sc, batch, i, end, first, bytes, gen);
}

/*
 * The client's CPU wrote each descriptor last; fetching its lines a few
 * descriptors ahead overlaps those misses instead of taking them one by
 * one in the middle of the work. Plain entries need no descriptor.
 */
#define PREFETCH_AHEAD 4

static void prefetch_entry(const struct soft_sub *e)
{
	if (!sub_plain(e))
		soft_prefetch_desc(sub_desc(e));
}

static void run_batch(struct soft_chan *sc, struct soft_sub *batch, unsigned int n,
		      unsigned int gen)
{
	unsigned int first = 0;
	size_t bytes = 0;

	udma_engine_running(&sc->eng);
	if (sc->hw_fault.kind != UDMA_FAULT_NONE) {	/* faults are decided per descriptor */
		for (unsigned int i = 0; i < n; i++)
			soft_sub_demote(&batch[i]);	/* submitted before the fault was set */
	}
	for (unsigned int i = 0; i < n && i < PREFETCH_AHEAD; i++)
		prefetch_entry(&batch[i]);
	for (unsigned int i = 0; i < n;) {
		const struct soft_sub *e = &batch[i];

		if (sub_plain(e)) {
			unsigned int end = first + FLUSH_DESCS < n ? first + FLUSH_DESCS : n;

			if (run_plain_burst(sc, batch, &i, end, first, &bytes, gen) == RUN_STOPPED)
				break;
		} else {
			if (i + PREFETCH_AHEAD < n)
				prefetch_entry(&batch[i + PREFETCH_AHEAD]);
			if ((udma_trace_on() ? run_desc_traced(sc, e, gen)
					     : run_desc(sc, sub_desc(e), gen)) == RUN_STOPPED)
				break;
			bytes += sub_desc(e)->total;
			i++;
		}
		/* the next may take long (or wait on its FIFO's request line
		 * indefinitely): report what is done first, and wake its callbacks */
		bool next_long = i < n && may_take_long(sc, &batch[i]);

		if (i == n || next_long || i - first >= FLUSH_DESCS || bytes >= FLUSH_BYTES) {
			if (flush(sc, batch + first, i - first, gen) && !sc->hw_callbacks_since)
				sc->hw_callbacks_since = udma_now_ns();
			sc->hw_done += i - first;
			if (sc->hw_callbacks_since &&
			    (next_long || udma_now_ns() - sc->hw_callbacks_since >= MODERATION_NS))
				announce(sc);
			first = i;
			bytes = 0;
		}
	}
	if (first < n)
		announce(sc);	/* stopped midway: what completed still calls back */
	udma_engine_idle(&sc->eng);
}

/*
 * Out of work with callbacks held back. A stream (the last wake-up brought
 * the tasklet many completions) keeps them while its client goes on
 * submitting: each wake-up costs this CPU two context switches. It waits
 * DRY_GRACE_NS for more work (a client issuing batches issues again well
 * within it), and no longer than MODERATION_NS after the first held back:
 * a client with no room left waits for these callbacks and issues nothing.
 * Anything else (a lone transfer, a client waiting on each callback) has
 * them now.
 */
#define DRY_GRACE_NS 4000

static void ran_dry(struct soft_chan *sc, unsigned int bell)
{
	if (!sc->hw_callbacks_since)
		return;
	if (sc->hw_bulk && !udma_sim()) {	/* sim mode: a spin would stop the clock */
		uint64_t deadline = sc->hw_callbacks_since + MODERATION_NS;
		uint64_t grace = udma_now_ns() + DRY_GRACE_NS;
		unsigned int i = 0;

		if (grace < deadline)
			deadline = grace;

		while (!udma_engine_rang(&sc->eng, bell)) {
			cpu_relax();
			if ((++i & 63) == 0 && udma_now_ns() >= deadline)
				break;
		}
		if (udma_engine_rang(&sc->eng, bell) && udma_now_ns() < deadline)
			return;	/* more work: the callbacks wait with it */
	}
	announce(sc);
}

void *soft_hw_thread(void *arg)
{
	struct soft_chan *sc = arg;
	struct soft_sub copied[BATCH];

	udma_trace_thread_role(UDMA_TRACE_HW, &sc->vc.chan, 0);
	for (;;) {
		unsigned int bell = udma_engine_doorbell(&sc->eng), gen;
		struct soft_sub *batch = copied;
		unsigned int n = 0;

		spin_lock(&sc->vc.lock);
		gen = udma_engine_gen(&sc->eng);
		if (sc->hw_fault_gen != sc->fault_gen) {
			sc->hw_fault = sc->fault;
			sc->hw_rng = sc->fault.seed ? sc->fault.seed : 1;
			sc->hw_fault_gen = sc->fault_gen;
		}
		/*
		 * unplugged: relaxed, under vc.lock. abort_all stores it before
		 * the vc.lock hold that bumps stop_gen, so a hold of ours that
		 * reads the new generation sees it; one that reads the older
		 * one may take work, which may_run then stops, and its ack is
		 * not the one abort_all waits for. No store-then-load pattern
		 * meets it: the lock orders all of it.
		 */
		if (!udma_engine_paused(&sc->eng) && !READ_ONCE(sc->unplugged)) {
			soft_queue_take(sc);
			n = sc->hwq_len < BATCH ? (unsigned int)sc->hwq_len : BATCH;
			if (udma_sim() && n)
				udma_sim_took_work();
			/*
			 * Run from hwq itself where the batch does not wrap:
			 * only this thread writes its entries (terminate and
			 * unplug only read them, and reset hwq_len). A fault
			 * rewrites the batch's tags: then a copy.
			 */
			if (sc->hwq_head + n <= SOFT_HWQ && sc->hw_fault.kind == UDMA_FAULT_NONE)
				batch = soft_hwq_at(sc, 0);
			else
				for (unsigned int i = 0; i < n; i++)
					batch[i] = *soft_hwq_at(sc, i);
		}
		spin_unlock(&sc->vc.lock);
		/* Holding nothing older than @gen: every terminate so far is
		 * complete for us (synchronize may wait for this). */
		udma_engine_ack(&sc->eng, gen);

		if (udma_engine_exiting(&sc->eng))
			break;
		if (n) {
			run_batch(sc, batch, n, gen);
			continue;
		}
		ran_dry(sc, bell);
		if (!sc->hw_callbacks_since)
			udma_engine_wait(&sc->eng, bell);
	}
	return NULL;
}

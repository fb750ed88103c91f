/* SPDX-License-Identifier: MIT */
/*
 * dmaperf: udmaengine channels against what a user would pick instead,
 * measured side by side in one run: memcpy by the calling thread, and (when
 * DPDK is installed) DPDK dmadev's dma_skeleton software device.
 *
 * For each size, udmaengine streams copies through the soft controller in
 * four ways:
 *   coalesced  a callback (and DMA_PREP_INTERRUPT) on every Nth descriptor
 *   callback   a callback per descriptor
 *   polled     no callbacks: the client polls cookies when it needs room
 *   batch      coalesced's copies and callbacks, each batch handed over in
 *              one udma_submit_memcpy_batch instead of prep and submit calls
 * then one 64-byte copy at a time gives submit-to-callback latency p50/p99.
 * Ratios are udmaengine / memcpy (GB/s, of the medians) and udmaengine /
 * DPDK skeleton (Mops/s, each round's own ratio, then their median: the two
 * figures of a round were measured a moment apart, on a machine whose
 * speed drifts). --ring adds the bound (ring.c). A last table gathers every
 * ratio per size, each the median of the rounds' own ratios.
 *
 * --scaling streams 1 MiB copies through a working set in DRAM on one
 * channel and on two (a client thread each), and memcpy on one thread and
 * on two: whether a second channel adds what a second CPU copying adds.
 * --idle leaves the channels and the tasklet pool with nothing to do and
 * reads from /proc how much CPU the process and each thread still use.
 */
#define _GNU_SOURCE	/* pthread_setaffinity_np, for --pin */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>
#include <udmaengine/tasklet.h>

#include "dmaperf.h"
#include "progress.h"

/* ---- memcpy, the reference ---- */

static struct result run_memcpy(const struct opts *o, unsigned char *src, unsigned char *dst,
				size_t size)
{
	size_t slots = o->ws / size, slot = 0;
	uint64_t ops = 0, t0 = now_ns(), deadline = t0 + (uint64_t)o->time_ms * 1000000u, t;

	do {
		for (int i = 0; i < 16; i++) {
			memcpy(dst + slot * size, src + slot * size, size);
			__asm__ __volatile__("" ::: "memory");
			if (++slot == slots)
				slot = 0;
		}
		ops += 16;
		t = now_ns();
	} while (t < deadline);
	return rate(ops, size, t - t0);
}

/*
 * With --pin, memcpy runs where the controller thread runs: CPUs of one
 * machine (and vCPUs even more) copy at different speeds, and the ratio
 * must compare the same CPU doing the copy both ways.
 */
struct memcpy_job {
	const struct opts *o;
	unsigned char *src, *dst;
	size_t size;
	struct result r;
	int cpu;			/* -1: where it was started */
	pthread_barrier_t *start;	/* NULL: a thread of its own, no one to wait for */
};

static void *memcpy_thread(void *arg)
{
	struct memcpy_job *j = arg;

	if (j->cpu >= 0)
		dmaperf_pin(j->cpu);
	if (j->start)
		pthread_barrier_wait(j->start);
	j->r = run_memcpy(j->o, j->src, j->dst, j->size);
	return NULL;
}

static struct result run_memcpy_where_copies_run(const struct opts *o, unsigned char *src,
						 unsigned char *dst, size_t size)
{
	struct memcpy_job j = { o, src, dst, size, { 0, 0 }, o->pin + 1, NULL };
	pthread_t tid;

	if (o->pin < 0)
		return run_memcpy(o, src, dst, size);
	pthread_create(&tid, NULL, memcpy_thread, &j);
	pthread_join(tid, NULL);
	return j.r;
}

/* ---- udmaengine streams: one client thread per channel ---- */

struct stream {
	const struct opts *o;
	struct dma_chan *chan;
	enum mode mode;
	size_t size;
	unsigned char *src, *dst;	/* this stream's part of the working set */
	size_t ws;
	unsigned int depth, batch, every;	/* the options, as they apply to size */
	uint64_t ops, ns;		/* result */
	int cpu;			/* the client's CPU; -1: where it was started */
	pthread_barrier_t *start;
	struct udma_copy *copies;	/* MODE_BATCH: one batch */
	/* atomic: descriptors known complete. Written by every callback, so on
	 * a line of its own: beside the fields prep reads, each callback made
	 * the client fetch them again. */
	_Alignas(64) uint64_t completed;
};

static void stream_done(void *param)
{
	struct stream *s = param;

	__atomic_fetch_add(&s->completed, s->mode == MODE_CALLBACK ? 1 : s->every,
			   __ATOMIC_RELEASE);
}

static struct dma_async_tx_descriptor *prep(struct stream *s, size_t slot, unsigned long flags)
{
	struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
		s->chan, (dma_addr_t)(uintptr_t)(s->dst + slot * s->size),
		(dma_addr_t)(uintptr_t)(s->src + slot * s->size), s->size, flags);

	if (!tx) {
		fprintf(stderr, "dmaperf: prep failed\n");
		exit(1);
	}
	return tx;
}

/*
 * One batch through udma_submit_memcpy_batch: the same copies, with the
 * same callbacks, as the coalesced loop's prep and submit calls.
 */
static void stream_batch(struct stream *s, size_t *slot, unsigned int *to_cb, unsigned int per_cb)
{
	struct udma_copy *c = s->copies;
	size_t slots = s->ws / s->size;

	for (unsigned int i = 0; i < s->batch; i++) {
		bool cb = --*to_cb == 0;

		c[i] = (struct udma_copy){ .dst = (dma_addr_t)(uintptr_t)(s->dst + *slot * s->size),
					   .src = (dma_addr_t)(uintptr_t)(s->src + *slot * s->size),
					   .len = s->size };
		if (cb) {
			*to_cb = per_cb;
			c[i].callback = stream_done;
			c[i].callback_param = s;
		}
		if (++*slot == slots)
			*slot = 0;
	}
	if (udma_submit_memcpy_batch(s->chan, c, s->batch, 0, NULL) != (int)s->batch) {
		fprintf(stderr, "dmaperf: batch submit failed\n");
		exit(1);
	}
}

/* Streams copies for time_ms with at most depth in flight, batch per issue. */
static void stream_callbacks(struct stream *s)
{
	const struct opts *o = s->o;
	size_t slots = s->ws / s->size, slot = 0;
	uint64_t submitted = 0, t0, deadline, t;
	unsigned int per_cb = s->mode == MODE_CALLBACK ? 1 : s->every;	/* batch: as coalesced */
	unsigned int spins, to_cb = per_cb;	/* descriptors until the next with a callback */

	t0 = now_ns();
	deadline = t0 + (uint64_t)o->time_ms * 1000000u;
	do {
		for (spins = 0; submitted + s->batch - __atomic_load_n(&s->completed, __ATOMIC_ACQUIRE) >
				s->depth;)
			client_wait(&spins);
		if (s->mode == MODE_BATCH) {
			stream_batch(s, &slot, &to_cb, per_cb);
			submitted += s->batch;
			dma_async_issue_pending(s->chan);
			t = now_ns();
			continue;
		}
		for (unsigned int i = 0; i < s->batch; i++) {
			bool cb = --to_cb == 0;
			struct dma_async_tx_descriptor *tx = prep(s, slot, cb ? DMA_PREP_INTERRUPT : 0);

			if (cb) {
				to_cb = per_cb;
				tx->callback = stream_done;
				tx->callback_param = s;
			}
			dmaengine_submit(tx);
			if (++slot == slots)
				slot = 0;
		}
		submitted += s->batch;
		dma_async_issue_pending(s->chan);
		t = now_ns();
	} while (t < deadline);
	/* descriptors after the last callback-carrying one complete silently */
	submitted -= submitted % per_cb;
	for (spins = 0; __atomic_load_n(&s->completed, __ATOMIC_ACQUIRE) < submitted;)
		client_wait(&spins);
	dmaengine_terminate_sync(s->chan);	/* the silent tail */
	s->ops = submitted;
	s->ns = now_ns() - t0;
}

/*
 * No callbacks at all: the client keeps up to depth descriptors in flight
 * and polls the cookie of the oldest batch's last descriptor when it needs
 * room, as a DPDK application polls rte_dma_completed.
 */
static void stream_polled(struct stream *s)
{
	const struct opts *o = s->o;
	size_t slots = s->ws / s->size, slot = 0;
	unsigned int nbatches = s->depth / s->batch ? s->depth / s->batch : 1, head = 0, tail = 0;
	dma_cookie_t *last = calloc(nbatches, sizeof(*last));
	uint64_t ops = 0, t0 = now_ns(), deadline = t0 + (uint64_t)o->time_ms * 1000000u, t;

	do {
		if (head - tail == nbatches) {	/* full: wait for the oldest batch */
			for (unsigned int spins = 0;
			     dmaengine_tx_status(s->chan, last[tail % nbatches], NULL) != DMA_COMPLETE;)
				client_wait(&spins);
			tail++;
		}
		for (unsigned int i = 0; i < s->batch; i++) {
			last[head % nbatches] = dmaengine_submit(prep(s, slot, 0));
			if (++slot == slots)
				slot = 0;
		}
		head++;
		dma_async_issue_pending(s->chan);
		ops += s->batch;
		t = now_ns();
	} while (t < deadline);
	while (tail != head)
		if (dma_sync_wait(s->chan, last[tail++ % nbatches]) != DMA_COMPLETE) {
			fprintf(stderr, "dmaperf: polled copy failed\n");
			exit(1);
		}
	s->ops = ops;
	s->ns = now_ns() - t0;
	free(last);
}

static void *stream_thread(void *arg)
{
	struct stream *s = arg;

	if (s->cpu >= 0)
		dmaperf_pin(s->cpu);
	pthread_barrier_wait(s->start);
	if (s->mode == MODE_POLLED)
		stream_polled(s);
	else
		stream_callbacks(s);
	return NULL;
}

/*
 * o->channels streams, stream c on chans[c] with a client thread of its own
 * (stream 0 on the calling thread) on CPU cpus[c], or where it was started
 * when @cpus is NULL; each cycles through its part of the working set.
 */
static struct result run_udma_on(const struct opts *o, struct dma_chan **chans, enum mode mode,
				 unsigned char *src, unsigned char *dst, size_t size,
				 const int *cpus)
{
	struct stream s[MAX_CHANNELS];
	pthread_t tid[MAX_CHANNELS];
	pthread_barrier_t start;
	size_t part = o->ws / o->channels;
	uint64_t ops = 0, ns = 0;

	pthread_barrier_init(&start, NULL, o->channels);
	for (unsigned int c = 0; c < o->channels; c++) {
		s[c] = (struct stream){ .o = o, .chan = chans[c], .mode = mode, .size = size,
					.src = src + c * part, .dst = dst + c * part,
					.ws = part < size ? size : part, .start = &start,
					.cpu = cpus ? cpus[c] : -1,
					.depth = depth_for(size, o->depth),
					.batch = at_most_depth(size, o->depth, o->batch),
					.every = at_most_depth(size, o->depth, o->every) };
		if (mode == MODE_BATCH && !(s[c].copies = calloc(s[c].batch, sizeof(*s[c].copies)))) {
			fprintf(stderr, "dmaperf: out of memory\n");
			exit(1);
		}
		if (c == 0)
			continue;
		pthread_create(&tid[c], NULL, stream_thread, &s[c]);
	}
	stream_thread(&s[0]);
	for (unsigned int c = 0; c < o->channels; c++) {
		if (c)
			pthread_join(tid[c], NULL);
		free(s[c].copies);
		ops += s[c].ops;
		ns = s[c].ns > ns ? s[c].ns : ns;
	}
	pthread_barrier_destroy(&start);
	return rate(ops, size, ns);
}

static struct result run_udma(const struct opts *o, struct dma_chan **chans, enum mode mode,
			      unsigned char *src, unsigned char *dst, size_t size)
{
	return run_udma_on(o, chans, mode, src, dst, size, NULL);
}

/* ---- latency: one op at a time, submit to callback ---- */

static void lat_done(void *param)
{
	__atomic_store_n((uint64_t *)param, now_ns(), __ATOMIC_RELEASE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_latency(const struct opts *o, struct dma_chan *chan, unsigned char *src,
			unsigned char *dst, double *p50, double *p99)
{
	uint64_t *v = malloc(o->lat_samples * sizeof(*v)), t_done;

	for (unsigned int i = 0; i < o->lat_samples; i++) {
		struct dma_async_tx_descriptor *tx;
		uint64_t t0;

		__atomic_store_n(&t_done, 0, __ATOMIC_RELAXED);
		t0 = now_ns();
		tx = dmaengine_prep_dma_memcpy(chan, (dma_addr_t)(uintptr_t)dst,
					       (dma_addr_t)(uintptr_t)src, 64, DMA_PREP_INTERRUPT);
		tx->callback = lat_done;
		tx->callback_param = &t_done;
		dmaengine_submit(tx);
		dma_async_issue_pending(chan);
		for (unsigned int spins = 0; !__atomic_load_n(&t_done, __ATOMIC_ACQUIRE);)
			client_wait(&spins);
		v[i] = t_done - t0;
	}
	qsort(v, o->lat_samples, sizeof(*v), cmp_u64);
	*p50 = (double)v[o->lat_samples / 2] / 1e3;
	*p99 = (double)v[o->lat_samples * 99 / 100] / 1e3;
	free(v);
}

/* ---- the run ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n results (the upper one of an even count), by Mops/s. */
static struct result median(struct result *v, unsigned int n, size_t size)
{
	double mops[MAX_ROUNDS];

	for (unsigned int k = 0; k < n; k++)
		mops[k] = v[k].mops;
	qsort(mops, n, sizeof(mops[0]), cmp_double);
	return (struct result){ mops[n / 2] * (double)size / 1e3, mops[n / 2] };
}

/* The median and range of @n ratios (the upper median of an even count). */
static struct spread spread_of(double *r, unsigned int n)
{
	qsort(r, n, sizeof(r[0]), cmp_double);
	return (struct spread){ r[n / 2], r[0], r[n - 1] };
}

enum reference { REF_SKELETON, REF_RING, REF_MEMCPY };

/* The median and range over the rounds of udma mode @m's Mops/s over the
 * reference's, round by round (for memcpy, the same as GB/s over GB/s). */
static struct spread ratio_spread(const struct opts *o, struct row rounds[][MAX_SIZES], int i,
				  int m, enum reference which)
{
	double r[MAX_ROUNDS];

	for (unsigned int k = 0; k < o->repeat; k++) {
		const struct row *x = &rounds[k][i];
		double ref = which == REF_SKELETON ? x->skeleton.mops :
			     which == REF_RING ? x->ring.mops : x->memcpy.mops;

		r[k] = ref > 0 ? x->udma[m].mops / ref : 0;
	}
	return spread_of(r, o->repeat);
}

static void median_rows(const struct opts *o, struct row rounds[][MAX_SIZES], struct row *rows)
{
	struct result v[MAX_ROUNDS];

	for (int i = 0; i < o->nsizes; i++) {
		size_t size = rounds[0][i].size;

		rows[i].size = size;
#define MEDIAN_OF(field)							\
		do {								\
			for (unsigned int k = 0; k < o->repeat; k++)		\
				v[k] = rounds[k][i].field;			\
			rows[i].field = median(v, o->repeat, size);		\
		} while (0)
		MEDIAN_OF(memcpy);
		MEDIAN_OF(skeleton);
		MEDIAN_OF(ring);
		for (int m = 0; m < MODES; m++)
			MEDIAN_OF(udma[m]);
#undef MEDIAN_OF
		for (int k = 0; k < RATIOS; k++) {
			rows[i].skel[k] = ratio_spread(o, rounds, i, ratio_modes[k], REF_SKELETON);
			rows[i].bare[k] = ratio_spread(o, rounds, i, ratio_modes[k], REF_RING);
			rows[i].mem[k] = ratio_spread(o, rounds, i, ratio_modes[k], REF_MEMCPY);
		}
	}
}

/* ---- --scaling: 1 vs 2 channels, 1 vs 2 memcpy threads, in DRAM ---- */

/* @n memcpy threads started together, each through its 1/n of o->ws, on
 * cpus[i] (NULL: unpinned); their rates add up. */
static struct result run_memcpy_threads(const struct opts *o, unsigned char *src,
					unsigned char *dst, size_t size, unsigned int n,
					const int *cpus)
{
	struct opts part = *o;
	struct memcpy_job j[2];
	pthread_t tid[2];
	pthread_barrier_t start;
	struct result sum = { 0, 0 };

	part.ws = o->ws / n;
	pthread_barrier_init(&start, NULL, n);
	for (unsigned int i = 0; i < n; i++) {
		j[i] = (struct memcpy_job){ &part, src + i * part.ws, dst + i * part.ws, size,
					    { 0, 0 }, cpus ? cpus[i] : -1, &start };
		pthread_create(&tid[i], NULL, memcpy_thread, &j[i]);
	}
	for (unsigned int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		sum.gbps += j[i].r.gbps;
		sum.mops += j[i].r.mops;
	}
	pthread_barrier_destroy(&start);
	return sum;
}

struct scaling_chans {
	struct dma_device *dev;
	/* [0]: with --pin, its thread on CPU pin + 1 (where the sweep copies); [1] on pin */
	struct dma_chan *chan[2];
};

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

/*
 * A controller of its own with 2 channels. With --pin their threads go one
 * on each of the two CPUs (round-robin by channel, as udma_soft_config
 * says: channel 0 on pin, channel 1 on pin + 1), so that with one channel
 * the copies run on pin + 1, as in the sweep, and with two, each client
 * runs on the CPU its channel does not.
 */
static int scaling_open(const struct opts *o, struct scaling_chans *sc)
{
	struct udma_soft_config cfg = { .nr_channels = 2,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_chan *c[2];
	dma_cap_mask_t mask;

	if (o->pin >= 0)
		cfg.cpu_mask = 3ull << o->pin;
	sc->dev = udma_soft_create(&cfg);
	if (IS_ERR(sc->dev)) {
		fprintf(stderr, "dmaperf: --scaling: udma_soft_create: %ld\n", PTR_ERR(sc->dev));
		sc->dev = NULL;
		return -1;
	}
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	for (int i = 0; i < 2; i++)
		if (!(c[i] = dma_request_channel(mask, on_device, sc->dev))) {
			fprintf(stderr, "dmaperf: --scaling: no channel %d\n", i);
			return -1;
		}
	sc->chan[0] = c[0]->chan_id == 1 ? c[0] : c[1];
	sc->chan[1] = sc->chan[0] == c[0] ? c[1] : c[0];
	return 0;
}

static void scaling_close(struct scaling_chans *sc)
{
	if (!sc->dev)
		return;
	for (int i = 0; i < 2; i++)
		if (sc->chan[i])
			dma_release_channel(sc->chan[i]);
	udma_soft_destroy(sc->dev);
}

/*
 * Round after round, interleaved like the sweep: memcpy on 1 thread, the
 * channel alone (coalesced), memcpy on 2 threads, the 2 channels. Each
 * ratio is the median of the rounds' own ratios.
 */
static void run_scaling(const struct opts *o, struct scaling_chans *sc, unsigned char *src,
			unsigned char *dst, struct scaling *r, struct progress *prog,
			uint64_t *done)
{
	/* with --pin: memcpy's first thread and the first channel copy on
	 * pin + 1, the clients of the channels on the other CPU each */
	const int clients[2] = { o->pin, o->pin + 1 }, copiers[2] = { o->pin + 1, o->pin };
	struct result ch[2][MAX_ROUNDS], thr[2][MAX_ROUNDS];
	double x_ch[MAX_ROUNDS], x_thr[MAX_ROUNDS], x_ct[MAX_ROUNDS];
	struct opts so = *o;

	so.ws = o->scaling_ws;
	/* one untimed pass first: on a VM the first pass through pages
	 * filled long before ran at about half the speed of later ones, a
	 * cost only the first round would pay */
	memcpy(dst, src, so.ws);
	for (unsigned int k = 0; k < o->repeat; k++) {
		for (unsigned int n = 1; n <= 2; n++) {
			thr[n - 1][k] = run_memcpy_threads(&so, src, dst, SCALING_SIZE, n,
							   o->pin >= 0 ? copiers : NULL);
			progress_update(prog, ++*done);
			so.channels = n;
			ch[n - 1][k] = run_udma_on(&so, sc->chan, MODE_COALESCED, src, dst,
						   SCALING_SIZE, o->pin >= 0 ? clients : NULL);
			progress_update(prog, ++*done);
		}
		x_ch[k] = ch[1][k].gbps / ch[0][k].gbps;
		x_thr[k] = thr[1][k].gbps / thr[0][k].gbps;
		x_ct[k] = ch[1][k].gbps / thr[1][k].gbps;
	}
	for (int n = 0; n < 2; n++) {
		r->ch[n] = median(ch[n], o->repeat, SCALING_SIZE);
		r->thr[n] = median(thr[n], o->repeat, SCALING_SIZE);
	}
	r->ch_x = spread_of(x_ch, o->repeat);
	r->thr_x = spread_of(x_thr, o->repeat);
	r->ch_x_thr = spread_of(x_ct, o->repeat);
	r->run = 1;
}

void dmaperf_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int main(int argc, char **argv)
{
	struct opts o;
	static struct row rounds[MAX_ROUNDS][MAX_SIZES];
	struct row rows[MAX_SIZES];
	struct dma_device *soft;
	struct dma_chan *chans[MAX_CHANNELS];
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	dma_cap_mask_t mask;
	unsigned char *src, *dst;
	static struct extras x;
	struct scaling_chans sc = { NULL, { NULL, NULL } };
	struct dma_chan *held[MAX_CHANNELS + 2];
	static struct tasklet_struct pool_starter;	/* set up, never scheduled */
	size_t alloc_ws;
	int have_dpdk, nmodes, status = 0;
	struct progress prog;
	uint64_t done = 0, per_size;

	if (dmaperf_parse(argc, argv, &o))
		return 2;
	nmodes = __builtin_popcount(o.modes);
	if (o.idle_s) {
		/* the tasklet pool starts with the first tasklet set up: start
		 * it here, so that its threads can be told from the channels' */
		dmaperf_name_threads("main", NULL);
		tasklet_setup(&pool_starter, NULL);
		dmaperf_name_threads("tasklet pool", NULL);
	}
	cfg.nr_channels = o.channels;
	if (o.pin >= 0)
		cfg.cpu_mask = 1ull << (o.pin + 1);	/* the controller on the next CPU */
	soft = udma_soft_create(&cfg);
	if (IS_ERR(soft)) {
		fprintf(stderr, "dmaperf: udma_soft_create: %ld\n", PTR_ERR(soft));
		return 1;
	}
	if (o.idle_s)
		dmaperf_name_threads("channel thread", soft);
	if (o.pin >= 0)
		dmaperf_pin(o.pin);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	for (unsigned int c = 0; c < o.channels; c++) {
		chans[c] = dma_request_channel(mask, NULL, NULL);
		if (!chans[c]) {
			fprintf(stderr, "dmaperf: no channel %u\n", c);
			return 1;
		}
	}
	for (unsigned int c = 0; c < o.channels; c++)
		held[c] = chans[c];
	if (o.scaling) {
		if (scaling_open(&o, &sc))
			return 1;
		if (o.idle_s)
			dmaperf_name_threads("channel thread", sc.dev);
		held[o.channels] = sc.chan[0];
		held[o.channels + 1] = sc.chan[1];
	}
	/* one pair of buffers for the sweep and --scaling: the larger working
	 * set (checked against the memory left when the options were read) */
	alloc_ws = o.sweep ? o.ws : 4096;
	if (o.scaling && o.scaling_ws > alloc_ws)
		alloc_ws = o.scaling_ws;
	src = aligned_alloc(4096, alloc_ws);
	dst = aligned_alloc(4096, alloc_ws);
	if (!src || !dst) {
		fprintf(stderr, "dmaperf: cannot allocate 2 x %zu MiB (--ws)\n", alloc_ws >> 20);
		return 2;
	}
	memset(src, 1, alloc_ws);	/* fault the pages in before timing */
	memset(dst, 2, alloc_ws);

	/*
	 * Round after round over every column, so that each cell's rounds are
	 * spread over the run like its neighbours': on a noisy machine a
	 * column measured in a quiet minute would otherwise flatter its ratio.
	 */
	have_dpdk = o.sweep && o.dpdk;
	/* progress counts measurements: each size's columns, the skeleton's,
	 * latency, and --scaling's four per round */
	per_size = 1 + (unsigned int)o.ring + (unsigned int)nmodes + (unsigned int)o.dpdk;
	progress_start(&prog, "dmaperf", "measurements",
		       (o.sweep ? o.repeat * o.nsizes * per_size + (o.lat_samples ? 1 : 0) : 0) +
		       (o.scaling ? 4 * o.repeat : 0), o.quiet);
	for (unsigned int k = 0; o.sweep && k < o.repeat; k++) {
		if (have_dpdk) {
			progress_clear(&prog);	/* it may print a line */
			have_dpdk = dmaperf_skeleton(argv[0], &o, rounds[k]);
		}
		if (o.dpdk)
			done += (uint64_t)o.nsizes;	/* run, or skipped */
		for (int i = 0; i < o.nsizes; i++) {
			struct row *r = &rounds[k][i];

			r->size = o.sizes[i];
			r->memcpy = run_memcpy_where_copies_run(&o, src, dst, r->size);
			progress_update(&prog, ++done);
			if (o.ring) {
				r->ring = dmaperf_ring(&o, src, dst, r->size);
				progress_update(&prog, ++done);
			}
			for (int m = 0; m < MODES; m++)
				if (o.modes & (1u << m)) {
					r->udma[m] = run_udma(&o, chans, (enum mode)m, src, dst,
							      r->size);
					progress_update(&prog, ++done);
				}
		}
	}
	if (o.sweep) {
		median_rows(&o, rounds, rows);
		if (o.lat_samples) {
			run_latency(&o, chans[0], src, dst, &x.p50, &x.p99);
			progress_update(&prog, ++done);
		}
	}
	if (o.scaling)
		run_scaling(&o, &sc, src, dst, &x.scaling, &prog, &done);
	progress_end(&prog);

	dmaperf_report(&o, rows, have_dpdk, &x);
	if (o.fifo && dmaperf_fifo(chans[0], 64 << 10, 64 << 20)) {
		fprintf(stderr, "dmaperf: the FIFO run failed\n");
		status = 1;
	}
	/* last, with every channel still held and the pool alive */
	if (o.idle_s) {
		if (dmaperf_run_idle(&o, held, o.channels + (o.scaling ? 2 : 0), &x.idle)) {
			fprintf(stderr, "dmaperf: --idle: cannot read /proc/self/task\n");
			status = 1;
		}
		dmaperf_report_idle(&o, &x.idle);
	}
	if (o.sweep && dmaperf_write(&o, rows, have_dpdk, &x))
		status = 1;
	scaling_close(&sc);
	for (unsigned int c = 0; c < o.channels; c++)
		dma_release_channel(chans[c]);
	udma_soft_destroy(soft);
	free(src);
	free(dst);
	return status;
}

/* SPDX-License-Identifier: MIT */
/*
 * dmaperf: copy throughput and latency of udmaengine channels, measured in
 * the same run as plain memcpy on the same buffers.
 *
 *   dmaperf [--sizes=64,4096,65536,1048576] [--ws=BYTES] [--time-ms=N]
 *           [--depth=N] [--every=N] [--channels=N] [--csv=FILE]
 *
 * For each size: memcpy by the calling thread (GB/s, Mops/s), then the soft
 * controller with completions coalesced (DMA_PREP_INTERRUPT and a callback
 * on every Nth descriptor only, --every) and with a callback per op, then
 * polled (dma_sync_wait on each op). Last, submit-to-callback latency of a
 * single 64-byte copy (p50/p99). Ratios are udmaengine / memcpy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

struct opts {
	size_t sizes[32];
	int nsizes;
	size_t ws;		/* bytes cycled through per buffer (src and dst each) */
	unsigned int time_ms;	/* per measurement */
	unsigned int depth;	/* descriptors in flight, at most */
	unsigned int every;	/* coalescing: a callback every Nth descriptor */
	unsigned int channels;
	const char *csv;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * The client waits like a driver would: a moment of polling, then it gives
 * its CPU away. A client that spins would take a core from the controller
 * and the tasklet on a small machine and measure its own greed.
 */
static inline void client_wait(unsigned int *spins)
{
	if (++*spins < 256)
		relax();
	else
		sched_yield();
}

struct result {
	double gbps, mops;
};

/* ---- memcpy, the reference ---- */

static struct result run_memcpy(const struct opts *o, unsigned char *src, unsigned char *dst,
				size_t size)
{
	size_t slots = o->ws / size ? o->ws / size : 1, slot = 0;
	uint64_t ops = 0, t0 = now_ns(), deadline = t0 + (uint64_t)o->time_ms * 1000000u, t;

	do {
		for (int i = 0; i < 64; i++) {
			memcpy(dst + slot * size, src + slot * size, size);
			__asm__ __volatile__("" ::: "memory");
			if (++slot == slots)
				slot = 0;
		}
		ops += 64;
		t = now_ns();
	} while (t < deadline);
	return (struct result){ (double)ops * size / (double)(t - t0),
				(double)ops * 1e3 / (double)(t - t0) };
}

/* ---- one soft channel ---- */

struct stream {
	struct dma_chan *chan;
	uint64_t completed;	/* atomic: descriptors known complete */
	unsigned int every;
};

static void coalesced_done(void *param)
{
	struct stream *s = param;

	__atomic_fetch_add(&s->completed, s->every, __ATOMIC_RELEASE);
}

/*
 * Streams copies of @size through the channel for time_ms, keeping at most
 * depth in flight, with a callback on every s->every-th descriptor.
 */
static struct result run_stream(const struct opts *o, struct stream *s, unsigned char *src,
				unsigned char *dst, size_t size)
{
	size_t slots = o->ws / size ? o->ws / size : 1, slot = 0;
	uint64_t submitted = 0, t0, deadline, t, done;
	unsigned int batch = s->every;

	s->completed = 0;
	t0 = now_ns();
	deadline = t0 + (uint64_t)o->time_ms * 1000000u;
	do {
		/* wait for room for one more batch */
		for (unsigned int spins = 0;
		     submitted + batch - __atomic_load_n(&s->completed, __ATOMIC_ACQUIRE) > o->depth;)
			client_wait(&spins);
		for (unsigned int i = 0; i < batch; i++) {
			bool last = i + 1 == batch;
			struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
				s->chan, (dma_addr_t)(uintptr_t)(dst + slot * size),
				(dma_addr_t)(uintptr_t)(src + slot * size), size,
				last ? DMA_PREP_INTERRUPT : 0);

			if (!tx) {
				fprintf(stderr, "dmaperf: prep failed\n");
				exit(1);
			}
			if (last) {
				tx->callback = coalesced_done;
				tx->callback_param = s;
			}
			dmaengine_submit(tx);
			if (++slot == slots)
				slot = 0;
		}
		submitted += batch;
		dma_async_issue_pending(s->chan);
		t = now_ns();
	} while (t < deadline);
	for (unsigned int spins = 0;
	     (done = __atomic_load_n(&s->completed, __ATOMIC_ACQUIRE)) < submitted;)
		client_wait(&spins);
	t = now_ns();
	return (struct result){ (double)submitted * size / (double)(t - t0),
				(double)submitted * 1e3 / (double)(t - t0) };
}

/* Each op waits for its own completion by polling (dma_sync_wait). */
static struct result run_polled(const struct opts *o, struct dma_chan *chan, unsigned char *src,
				unsigned char *dst, size_t size)
{
	size_t slots = o->ws / size ? o->ws / size : 1, slot = 0;
	uint64_t ops = 0, t0 = now_ns(), deadline = t0 + (uint64_t)o->time_ms * 1000000u, t;

	do {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			chan, (dma_addr_t)(uintptr_t)(dst + slot * size),
			(dma_addr_t)(uintptr_t)(src + slot * size), size, 0);

		if (!tx || dma_sync_wait(chan, dmaengine_submit(tx)) != DMA_COMPLETE) {
			fprintf(stderr, "dmaperf: polled copy failed\n");
			exit(1);
		}
		if (++slot == slots)
			slot = 0;
		ops++;
		t = now_ns();
	} while (t < deadline);
	return (struct result){ (double)ops * size / (double)(t - t0),
				(double)ops * 1e3 / (double)(t - t0) };
}

/* ---- latency: one op at a time, submit to callback ---- */

struct lat {
	uint64_t t_done;	/* atomic */
};

static void lat_done(void *param)
{
	struct lat *l = param;

	__atomic_store_n(&l->t_done, now_ns(), __ATOMIC_RELEASE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_latency(struct dma_chan *chan, unsigned char *src, unsigned char *dst,
			size_t size, unsigned int samples, double *p50, double *p99)
{
	uint64_t *v = malloc(samples * sizeof(*v));
	struct lat l;

	for (unsigned int i = 0; i < samples; i++) {
		struct dma_async_tx_descriptor *tx;
		uint64_t t0;

		__atomic_store_n(&l.t_done, 0, __ATOMIC_RELAXED);
		t0 = now_ns();
		tx = dmaengine_prep_dma_memcpy(chan, (dma_addr_t)(uintptr_t)dst,
					       (dma_addr_t)(uintptr_t)src, size, DMA_PREP_INTERRUPT);
		tx->callback = lat_done;
		tx->callback_param = &l;
		dmaengine_submit(tx);
		dma_async_issue_pending(chan);
		for (unsigned int spins = 0; !__atomic_load_n(&l.t_done, __ATOMIC_ACQUIRE);)
			client_wait(&spins);
		v[i] = __atomic_load_n(&l.t_done, __ATOMIC_ACQUIRE) - t0;
	}
	qsort(v, samples, sizeof(*v), cmp_u64);
	*p50 = (double)v[samples / 2] / 1e3;
	*p99 = (double)v[samples * 99 / 100] / 1e3;
	free(v);
}

/* ---- options ---- */

static size_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	switch (*end) {
	case 'k': case 'K': v *= 1024; break;
	case 'm': case 'M': v *= 1024 * 1024; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; break;
	}
	return (size_t)v;
}

static void usage(void)
{
	fprintf(stderr, "usage: dmaperf [--sizes=64,4K,64K,1M] [--ws=64M] [--time-ms=300] "
			"[--depth=512] [--every=32] [--csv=FILE]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const size_t def[] = { 64, 4096, 65536, 1 << 20 };

	memcpy(o->sizes, def, sizeof(def));
	o->nsizes = 4;
	o->ws = 64 << 20;
	o->time_ms = 300;
	o->depth = 512;
	o->every = 32;
	o->channels = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');

		if (a[0] == '-' && a[1] == '-')
			a += 2;
		if (!v)
			usage();
		v++;
		if (!strncmp(a, "sizes=", 6)) {
			char *copy = strdup(v), *save = NULL;

			o->nsizes = 0;
			for (char *t = strtok_r(copy, ",", &save); t && o->nsizes < 32;
			     t = strtok_r(NULL, ",", &save))
				o->sizes[o->nsizes++] = parse_size(t);
			free(copy);
		} else if (!strncmp(a, "ws=", 3)) {
			o->ws = parse_size(v);
		} else if (!strncmp(a, "time-ms=", 8)) {
			o->time_ms = (unsigned int)atoi(v);
		} else if (!strncmp(a, "depth=", 6)) {
			o->depth = (unsigned int)atoi(v);
		} else if (!strncmp(a, "every=", 6)) {
			o->every = (unsigned int)atoi(v);
		} else if (!strncmp(a, "csv=", 4)) {
			o->csv = v;
		} else {
			usage();
		}
	}
	for (int i = 0; i < o->nsizes; i++)
		if (o->sizes[i] == 0 || o->sizes[i] > o->ws)
			usage();
	if (!o->every || !o->depth || o->every > o->depth || !o->time_ms)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o;
	struct dma_device *soft;
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	unsigned char *src, *dst;
	FILE *csv = NULL;
	double p50, p99;

	parse(argc, argv, &o);
	soft = udma_soft_create(NULL);
	if (IS_ERR(soft))
		return 1;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	src = aligned_alloc(4096, o.ws);
	dst = aligned_alloc(4096, o.ws);
	if (!chan || !src || !dst)
		return 1;
	memset(src, 1, o.ws);
	memset(dst, 2, o.ws);
	if (o.csv) {
		csv = fopen(o.csv, "w");
		if (!csv) {
			perror(o.csv);
			return 1;
		}
		fprintf(csv, "size,engine,mode,gbps,mops\n");
	}

	printf("dmaperf: working set %zu KiB per buffer, %u ms per point, depth %u\n",
	       o.ws >> 10, o.time_ms, o.depth);
	printf("%9s | %8s %8s | %8s %8s %6s | %8s %6s | %8s %8s\n", "size", "memcpy", "", "udma",
	       "coal/32", "", "udma", "cb/op", "udma", "polled");
	printf("%9s | %8s %8s | %8s %8s %6s | %8s %6s | %8s %8s\n", "bytes", "GB/s", "Mops/s",
	       "GB/s", "Mops/s", "ratio", "Mops/s", "ratio", "GB/s", "Mops/s");
	for (int i = 0; i < o.nsizes; i++) {
		size_t size = o.sizes[i];
		struct stream coal = { chan, 0, o.every }, per_op = { chan, 0, 1 };
		struct result m, c, p, q;

		m = run_memcpy(&o, src, dst, size);
		c = run_stream(&o, &coal, src, dst, size);
		p = run_stream(&o, &per_op, src, dst, size);
		q = run_polled(&o, chan, src, dst, size);
		printf("%9zu | %8.2f %8.2f | %8.2f %8.3f %6.2f | %8.3f %6.2f | %8.2f %8.3f\n", size,
		       m.gbps, m.mops, c.gbps, c.mops, c.gbps / m.gbps, p.mops, p.mops / m.mops,
		       q.gbps, q.mops);
		if (csv) {
			fprintf(csv, "%zu,memcpy,cpu,%.4f,%.4f\n", size, m.gbps, m.mops);
			fprintf(csv, "%zu,udma,coalesced,%.4f,%.4f\n", size, c.gbps, c.mops);
			fprintf(csv, "%zu,udma,callback,%.4f,%.4f\n", size, p.gbps, p.mops);
			fprintf(csv, "%zu,udma,polled,%.4f,%.4f\n", size, q.gbps, q.mops);
		}
	}
	run_latency(chan, src, dst, 64, 20000, &p50, &p99);
	printf("latency, 64 B submit -> callback, one at a time: p50 %.2f us, p99 %.2f us\n", p50, p99);
	if (csv)
		fclose(csv);
	dma_release_channel(chan);
	udma_soft_destroy(soft);
	free(src);
	free(dst);
	return 0;
}

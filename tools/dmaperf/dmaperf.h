/* SPDX-License-Identifier: MIT */
/* dmaperf's parts: options, results, the report, the DPDK runner. */
#ifndef DMAPERF_H
#define DMAPERF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct dma_chan;

#define MAX_SIZES 32
#define MAX_CHANNELS 16
#define MAX_ROUNDS 15

enum mode { MODE_COALESCED, MODE_CALLBACK, MODE_POLLED, MODE_BATCH, MODES };

/* The modes compared with the skeleton and the ring, in their columns' order. */
#define RATIOS 3
static const enum mode ratio_modes[RATIOS] = { MODE_COALESCED, MODE_CALLBACK, MODE_BATCH };

struct opts {
	size_t sizes[MAX_SIZES];
	int nsizes;
	size_t ws;		/* bytes cycled through in each of src and dst */
	unsigned int time_ms;	/* per measurement */
	unsigned int depth;	/* descriptors in flight per channel, at most */
	unsigned int batch;	/* descriptors per issue_pending */
	unsigned int every;	/* coalesced: a callback every Nth descriptor */
	unsigned int channels;
	unsigned int modes;	/* bit per enum mode */
	unsigned int lat_samples;
	unsigned int repeat;	/* rounds over every column; cells are their medians */
	int pin;		/* -1: no pinning; else client on CPU pin, controller on pin+1 */
	int dpdk;		/* run the DPDK skeleton column if available */
	int fifo;		/* --fifo: slave throughput through a hand-driven FIFO */
	int ring;		/* --ring: the bare-ring bound beside udmaengine */
	int quiet;		/* --quiet: no progress line */
	const char *csv;
	const char *plot_dir;
};

struct result {
	double gbps, mops;
};

struct spread {
	double median, lo, hi;
};

struct row {
	size_t size;
	struct result memcpy;
	struct result udma[MODES];
	struct result skeleton;
	struct result ring;	/* --ring: the bare ring to a copy thread */
	/*
	 * udma coalesced [0], callback/op [1] and batch [2] Mops/s over the
	 * skeleton's and the ring's: each round's own ratio (figures measured
	 * a moment apart), then the median and range over the rounds.
	 */
	struct spread skel[RATIOS], bare[RATIOS];
};

static inline uint64_t now_ns(void)
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

static inline struct result rate(uint64_t ops, size_t size, uint64_t ns)
{
	return (struct result){ (double)ops * (double)size / (double)ns,
				(double)ops * 1e3 / (double)ns };
}

/*
 * Descriptors in flight, per issue and per callback for copies of @size:
 * --depth, --batch and --every, but no more than IN_FLIGHT_BYTES in flight,
 * so that a large size drains soon after its time is up (512 copies of
 * 64 MiB took seconds). dmaperf and dmaperf-skeleton use the same.
 */
#define IN_FLIGHT_BYTES ((size_t)256 << 20)

static inline unsigned int depth_for(size_t size, unsigned int depth)
{
	size_t cap = IN_FLIGHT_BYTES / size < 2 ? 2 : IN_FLIGHT_BYTES / size;

	return depth < cap ? depth : (unsigned int)cap;
}

static inline unsigned int at_most_depth(size_t size, unsigned int depth, unsigned int n)
{
	unsigned int d = depth_for(size, depth);

	return n < d ? n : d;
}

int dmaperf_parse(int argc, char **argv, struct opts *o);
/* Puts the calling thread on @cpu. */
void dmaperf_pin(int cpu);
/* Streams copies of @size through a bare ring to a copy thread (ring.c). */
struct result dmaperf_ring(const struct opts *o, unsigned char *src, unsigned char *dst,
			   size_t size);
/* Fills rows[].skeleton by running dmaperf-skeleton; 0 if DPDK is not there. */
int dmaperf_skeleton(const char *argv0, const struct opts *o, struct row *rows);
/* Streams @total bytes of slave_sg into a hand-driven FIFO; prints GB/s. */
int dmaperf_fifo(struct dma_chan *chan, size_t fifo_depth, size_t total);
void dmaperf_report(const struct opts *o, const struct row *rows, int have_dpdk,
		    double p50, double p99);

#endif /* DMAPERF_H */

/* SPDX-License-Identifier: MIT */
/* dmaperf's parts: options, results, the report, the DPDK runner. */
#ifndef DMAPERF_H
#define DMAPERF_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct dma_chan;
struct dma_device;

#define MAX_SIZES 32
#define MAX_CHANNELS 16
#define MAX_ROUNDS 15

enum mode { MODE_COALESCED, MODE_CALLBACK, MODE_POLLED, MODE_BATCH, MODES };

/* The modes compared with memcpy, the skeleton and the ring, by round
 * (struct row's spreads), in the spread columns' order. */
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
	int sweep;		/* the size sweep and the latency sample (--no-sweep: 0) */
	int scaling;		/* --scaling: 1 vs 2 channels, 1 vs 2 memcpy threads */
	size_t scaling_ws;	/* its working set per buffer: --ws if given, else 1 GiB */
	unsigned int idle_s;	/* --idle: seconds of idling measured; 0: none */
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
	/* the same modes' GB/s over memcpy's, each round's own ratio */
	struct spread mem[RATIOS];
};

/* --scaling: copies of SCALING_SIZE through a working set in DRAM */
#define SCALING_SIZE ((size_t)1 << 20)
#define SCALING_WS ((size_t)1 << 30)

struct scaling {
	int run;
	struct result ch[2], thr[2];	/* medians: [0] one channel / thread, [1] two */
	/* each round's own 2/1 ratio, then the median over the rounds:
	 * two channels over one, two memcpy threads over one, and two
	 * channels over two memcpy threads (how near the DRAM limit) */
	struct spread ch_x, thr_x, ch_x_thr;
};

/* --idle: CPU used while channels and the tasklet pool have nothing to do */
#define IDLE_MAX_THREADS 64

struct idle_thread {
	int tid;
	char name[48];		/* what dmaperf knows the thread as: main, tasklet pool 1, ... */
	double cpu_ms_per_s;	/* utime + stime over the window, ms per second */
	double switches_per_s;	/* context switches (wake-ups) per second */
	double run_ms_per_s;	/* the same CPU time from schedstat, in ns: -1 if none */
};

struct idle {
	int run;
	double seconds, settle_s;
	unsigned int channels;	/* held open while idling */
	long tick_ms;		/* the resolution of utime and stime */
	double cpu_ms_per_s;	/* the whole process */
	double run_ms_per_s;	/* its threads' schedstat run time: -1 if none */
	/* busiest: index into thread[] of the thread, dmaperf's own sleeping
	 * main thread aside, with the most CPU (then the most switches) */
	int nthreads, busiest;
	struct idle_thread thread[IDLE_MAX_THREADS];
};

/* What the report shows besides the rows. */
struct extras {
	double p50, p99;	/* latency, us; run when o->sweep && o->lat_samples */
	struct scaling scaling;
	struct idle idle;
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

/*
 * The client waits like a driver would: a moment of polling, then it gives
 * its CPU away. A client that spins would take a core from the controller
 * and the tasklet on a small machine and measure its own greed.
 */
static inline void client_wait(unsigned int *spins)
{
	if (++*spins < 256) {
		relax();
	} else if (*spins < 512) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 20000 };	/* a long wait: leave the core alone */

		nanosleep(&ts, NULL);
	}
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
/* The tables (and the latency, scaling and idle lines) on stdout. */
void dmaperf_report(const struct opts *o, const struct row *rows, int have_dpdk,
		    const struct extras *x);
/* --idle's table and line on stdout. */
void dmaperf_report_idle(const struct opts *o, const struct idle *idle);

/* --idle (idle.c). dmaperf_name_threads: names the threads that appeared
 * since its last call @what (a channel's hardware thread, of @dev, by the
 * channel it runs; NULL: all alike). dmaperf_run_idle: keeps @n channels
 * open and idle, then measures the CPU the process uses into *@r; 0, or
 * -errno if /proc cannot be read. */
void dmaperf_name_threads(const char *what, struct dma_device *dev);
int dmaperf_run_idle(const struct opts *o, struct dma_chan **chans, unsigned int n, struct idle *r);
/* --csv and --plot; 0 when written (or not asked for). */
int dmaperf_write(const struct opts *o, const struct row *rows, int have_dpdk,
		  const struct extras *x);

#endif /* DMAPERF_H */

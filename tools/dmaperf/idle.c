/* SPDX-License-Identifier: MIT */
/*
 * dmaperf --idle: the CPU time an idle library uses once its poll windows
 * have passed, per thread, read from /proc/self/task (stat for utime +
 * stime and context switches, schedstat for run time to the nanosecond).
 * Threads are named as dmaperf sees them appear (dmaperf_name_threads),
 * since the library does not name its threads.
 */
#define _GNU_SOURCE
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

#include "dmaperf.h"

/* The threads dmaperf knows by what they are, named as they appear. */
static struct {
	int tid;
	char name[48];
} known[IDLE_MAX_THREADS];
static int nknown;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* The process's threads now, by ascending tid: the order they were created
 * in (barring tid wrap-around). Their count. */
static int list_tids(int *tid, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			tid[n++] = atoi(e->d_name);
	closedir(d);
	qsort(tid, (size_t)n, sizeof(*tid), cmp_int);
	return n;
}

static const char *known_name(int tid)
{
	for (int i = 0; i < nknown; i++)
		if (known[i].tid == tid)
			return known[i].name;
	return NULL;
}

/*
 * Names the threads that appeared since the last call. udmaengine does not
 * name its threads, so dmaperf notes them as they start: the tasklet pool
 * when the first tasklet is set up, a soft controller's channel threads
 * (one per channel, in channel order) when it is created. When @dev's
 * channel count is how many appeared, each is named after its channel;
 * otherwise @what, numbered when there are several.
 */
void dmaperf_name_threads(const char *what, struct dma_device *dev)
{
	int tid[IDLE_MAX_THREADS], n = list_tids(tid, IDLE_MAX_THREADS), nf = 0, nchan = 0;
	struct dma_chan *chan, *chans[IDLE_MAX_THREADS];

	for (int i = 0; i < n; i++)
		if (!known_name(tid[i]))
			tid[nf++] = tid[i];
	if (dev)
		list_for_each_entry(chan, &dev->channels, struct dma_chan, device_node)
			if (nchan < IDLE_MAX_THREADS)
				chans[nchan++] = chan;
	for (int i = 0; i < nf && nknown < IDLE_MAX_THREADS; i++, nknown++) {
		known[nknown].tid = tid[i];
		if (nf == nchan)
			snprintf(known[nknown].name, sizeof(known[nknown].name), "%.40s hw",
				 dma_chan_name(chans[i]));
		else if (nf > 1)
			snprintf(known[nknown].name, sizeof(known[nknown].name), "%.32s %d", what,
				 i + 1);
		else
			snprintf(known[nknown].name, sizeof(known[nknown].name), "%.40s", what);
	}
}

/* utime + stime in clock ticks, of thread @tid or (0) the whole process; -1 if gone. */
static long long cpu_ticks(int tid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	size_t n;
	FILE *f;

	if (tid)
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* field 2, the name, is in parentheses and may hold spaces: count
	 * from its end. Then state, 5 numbers, flags and 4 fault counts,
	 * and utime and stime (fields 14 and 15). */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* Context switches of thread @tid, voluntary (it slept: each one a wake-up
 * later) and not; -1 if gone. */
static long long ctx_switches(int tid)
{
	char path[64], line[128];
	long long sum = 0, v;
	int got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1) {
			sum += v;
			got++;
		}
	fclose(f);
	return got ? sum : -1;
}

/*
 * Time thread @tid has run, in ns, from /proc/self/task/TID/schedstat
 * (kernels with CONFIG_SCHED_INFO); -1 if not there. utime + stime come in
 * clock ticks, 10 ms apart: over 10 s of idling, 1 ms of CPU per second at
 * best, and a thread that crosses a tick boundary by a few us shows a whole
 * tick. This shows what lies under that.
 */
static long long run_ns(int tid)
{
	char path[64];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	if (!(f = fopen(path, "r")))
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct task_sample {
	int n;
	int tid[IDLE_MAX_THREADS];
	long long ticks[IDLE_MAX_THREADS], switches[IDLE_MAX_THREADS], run[IDLE_MAX_THREADS];
	long long process;
	uint64_t t;
};

/*
 * Reads every thread's figures and the process's. The reading is this
 * thread's work, not the library's: at the window's start (@first) this
 * thread and the process are read last, at its end first, so that the
 * reading falls outside the window for them.
 */
static void sample_tasks(struct task_sample *s, bool first)
{
	int self = getpid();	/* the main thread: this one */
	long long my_ticks = 0, my_switches = 0, my_run = 0;

	if (!first) {
		s->t = now_ns();
		my_run = run_ns(self);
		my_ticks = cpu_ticks(self);
		my_switches = ctx_switches(self);
		s->process = cpu_ticks(0);
	}
	s->n = list_tids(s->tid, IDLE_MAX_THREADS);
	for (int i = 0; i < s->n; i++) {
		if (s->tid[i] == self)
			continue;
		s->ticks[i] = cpu_ticks(s->tid[i]);
		s->switches[i] = ctx_switches(s->tid[i]);
		s->run[i] = run_ns(s->tid[i]);
	}
	if (first) {
		s->process = cpu_ticks(0);
		my_switches = ctx_switches(self);
		my_ticks = cpu_ticks(self);
		my_run = run_ns(self);
		s->t = now_ns();
	}
	for (int i = 0; i < s->n; i++)
		if (s->tid[i] == self) {
			s->ticks[i] = my_ticks;
			s->switches[i] = my_switches;
			s->run[i] = my_run;
		}
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void idle_done(void *param)
{
	__atomic_store_n((int *)param, 1, __ATOMIC_RELEASE);
}

/* One 4 KiB copy with a callback through @chan, waited for: the channel's
 * thread and the tasklet pool have just worked, and must go quiet again. */
static int wake_channel(struct dma_chan *chan)
{
	static unsigned char src[4096], dst[4096];
	struct dma_async_tx_descriptor *tx;
	int done = 0;

	tx = dmaengine_prep_dma_memcpy(chan, (dma_addr_t)(uintptr_t)dst, (dma_addr_t)(uintptr_t)src,
				       sizeof(src), DMA_PREP_INTERRUPT);
	if (!tx)
		return -1;
	tx->callback = idle_done;
	tx->callback_param = &done;
	dmaengine_submit(tx);
	dma_async_issue_pending(chan);
	for (unsigned int spins = 0; !__atomic_load_n(&done, __ATOMIC_ACQUIRE);)
		client_wait(&spins);
	return 0;
}

static bool busier(const struct idle_thread *a, const struct idle_thread *b)
{
	if (a->cpu_ms_per_s != b->cpu_ms_per_s)
		return a->cpu_ms_per_s > b->cpu_ms_per_s;
	if (a->run_ms_per_s != b->run_ms_per_s)
		return a->run_ms_per_s > b->run_ms_per_s;
	return a->switches_per_s > b->switches_per_s;
}

/* Microseconds in environment variable @name, as the library reads it. */
static long env_us(const char *name)
{
	const char *s = getenv(name);
	long us = s ? strtol(s, NULL, 10) : 0;

	return us < 0 ? 0 : us;
}

/*
 * Every channel in @chans works once, then all sit idle: first long enough
 * for every poll window to end (the channel threads poll UDMA_POLL_US,
 * 20 us by default, the pool UDMA_TASKLET_POLL_US, callbacks wait at most
 * ~14 us for company: a quarter of a second is thousands of times that;
 * plus twice any longer window the environment sets), then o->idle_s
 * seconds measured. The calling thread sleeps throughout; what the
 * process uses then is the library's.
 */
int dmaperf_run_idle(const struct opts *o, struct dma_chan **chans, unsigned int n, struct idle *r)
{
	long poll_us = env_us("UDMA_POLL_US"), tl_us = env_us("UDMA_TASKLET_POLL_US");
	uint64_t settle = 250000000u + (uint64_t)(poll_us > tl_us ? poll_us : tl_us) * 2000u;
	long hz = sysconf(_SC_CLK_TCK);
	struct task_sample a, b;
	bool any = false;	/* a busiest thread chosen */

	for (unsigned int c = 0; c < n; c++)
		if (wake_channel(chans[c]))
			return -1;
	if (!o->quiet) {
		fflush(stdout);	/* the note comes after what is already printed */
		fprintf(stderr, "dmaperf: idle: %.2f s to settle, then %u s measured\n",
			(double)settle / 1e9, o->idle_s);
		fflush(stderr);
	}
	sleep_ns(settle);
	sample_tasks(&a, true);
	sleep_ns((uint64_t)o->idle_s * 1000000000u);
	sample_tasks(&b, false);
	if (a.process < 0 || b.process < 0 || hz <= 0)
		return -1;
	*r = (struct idle){ .run = 1, .seconds = (double)(b.t - a.t) / 1e9,
			    .settle_s = (double)settle / 1e9, .channels = n,
			    .tick_ms = 1000 / hz };
	r->cpu_ms_per_s = (double)(b.process - a.process) * 1e3 / (double)hz / r->seconds;
	r->run_ms_per_s = 0;
	for (int i = 0; i < b.n; i++) {
		struct idle_thread *t = &r->thread[r->nthreads];
		const char *name = known_name(b.tid[i]);
		long long t0 = 0, s0 = 0, r0 = 0;	/* a thread born in the window: from 0 */

		if (b.ticks[i] < 0)	/* gone before it was read */
			continue;
		for (int j = 0; j < a.n; j++)
			if (a.tid[j] == b.tid[i]) {
				t0 = a.ticks[j] < 0 ? 0 : a.ticks[j];
				s0 = a.switches[j] < 0 ? 0 : a.switches[j];
				r0 = a.run[j];
			}
		t->run_ms_per_s = b.run[i] < 0 || r0 < 0 ? -1 :
				  (double)(b.run[i] - r0) / 1e6 / r->seconds;
		if (r->run_ms_per_s >= 0)
			r->run_ms_per_s = t->run_ms_per_s < 0 ? -1 :
					  r->run_ms_per_s + t->run_ms_per_s;
		t->tid = b.tid[i];
		snprintf(t->name, sizeof(t->name), "%s", name ? name : "other");
		t->cpu_ms_per_s = (double)(b.ticks[i] - t0) * 1e3 / (double)hz / r->seconds;
		t->switches_per_s = b.switches[i] < 0 ? 0 :
				    (double)(b.switches[i] - s0) / r->seconds;
		/* the busiest: most CPU in ticks, then in schedstat's ns, then
		 * most wake-ups; not the main thread (tid = pid; this one),
		 * which slept through the window and woke once at its end */
		if (t->tid != getpid() && (!any || busier(t, &r->thread[r->busiest]))) {
			any = true;
			r->busiest = r->nthreads;
		}
		r->nthreads++;
	}
	return 0;
}


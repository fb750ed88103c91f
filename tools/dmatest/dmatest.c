/* SPDX-License-Identifier: MIT */
/*
 * dmatest: the Linux kernel's DMA engine test (drivers/dma/dmatest.c) for
 * udmaengine. It takes the module's parameters on the command line, either
 * form (`iterations=500` or `--iterations=500`), requests channels the way
 * the module does (dma_request_channel with a filter on the channel and
 * device names), starts threads_per_chan threads per channel named as the
 * kernel names them (dma0chan0-copy0), and prints the kernel's lines:
 *
 *   Added 1 threads using dma0chan0
 *   Started 1 threads using dma0chan0
 *   dma0chan0-copy0: summary 100 tests, 0 failures 5612.44 iops 44801 KB/s (0)
 *
 * By default it first creates a software controller and tests every one of
 * its channels. Exit status: 0 when every thread passed every test.
 * Parameters and output: docs/dmatest.md.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmatest.h"

int dmatest_stop_requested;

/* ---- output: whole lines, never interleaved ---- */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void vline(FILE *f, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&out_lock);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);	/* a pipe sees each line when it happens, as dmesg -w does */
	pthread_mutex_unlock(&out_lock);
}

void dmatest_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(stdout, fmt, ap);
	va_end(ap);
}

void dmatest_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(stderr, fmt, ap);
	va_end(ap);
}

/* ---- threads: a start gate and a finish count ---- */

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t run_cond;		/* CLOCK_MONOTONIC: progress ticks */
static bool started;
static unsigned int nr_finished;

void dmatest_wait_start(void)
{
	pthread_mutex_lock(&run_lock);
	while (!started)
		pthread_cond_wait(&run_cond, &run_lock);
	pthread_mutex_unlock(&run_lock);
}

void dmatest_thread_finished(struct dmatest_thread *t)
{
	pthread_mutex_lock(&run_lock);
	__atomic_store_n(&t->finished, true, __ATOMIC_RELAXED);
	nr_finished++;
	pthread_cond_broadcast(&run_cond);
	pthread_mutex_unlock(&run_lock);
}

static void on_signal(int sig)
{
	int saved = errno;	/* whatever the interrupted code was doing with it */

	(void)sig;
	/* A lock-free atomic store is async-signal-safe; threads finish their
	 * test and print their summary. */
	__atomic_store_n(&dmatest_stop_requested, 1, __ATOMIC_RELAXED);
	errno = saved;
}

/* ---- channels ---- */

struct dmatest {
	struct dmatest_params p;
	struct dmatest_chan **chans;
	unsigned int nr_chans;
	struct dmatest_thread **threads;
	unsigned int nr_threads;
};

/* The kernel's filter: the channel's name and its controller's, if given. */
static bool filter(struct dma_chan *chan, void *param)
{
	const struct dmatest_params *p = param;
	bool match = p->nr_channel == 0;

	for (unsigned int i = 0; i < p->nr_channel && !match; i++)
		match = !strcmp(dma_chan_name(chan), p->channel[i]);
	if (!match)
		return false;
	return !p->device[0] || !strcmp(dev_name(chan->device->dev), p->device);
}

static const enum dma_transaction_type op_cap[OP_COUNT] = {
	[OP_MEMCPY] = DMA_MEMCPY, [OP_MEMSET] = DMA_MEMSET, [OP_SLAVE] = DMA_SLAVE,
};

static void *grow(void *array, unsigned int n)
{
	void **a = realloc(array, (n + 1) * sizeof(*a));

	if (!a) {
		dmatest_err("dmatest: out of memory");
		exit(DMATEST_EXIT_FAIL);
	}
	return a;
}

static void inject(struct dmatest *dt, struct dmatest_chan *dtc)
{
	struct udma_soft_fault f = {
		.kind = dt->p.inject,
		.one_in = dt->p.inject_one_in,
		.seed = dt->p.seed * 31 + dtc->index + 1,	/* repeatable per channel */
		.at = 512,		/* read/write/abort/stall: bytes moved first */
		.delay_us = 100,	/* slow: per burst */
	};

	if (udma_soft_inject(dtc->chan, &f)) {
		dmatest_err("dmatest: inject: %s is not a software controller's channel",
			    dma_chan_name(dtc->chan));
		exit(DMATEST_EXIT_USAGE);
	}
}

/* Its threads, one set per operation asked for that the device has. */
static void add_channel(struct dmatest *dt, struct dma_chan *chan)
{
	struct dmatest_chan *dtc = calloc(1, sizeof(*dtc));
	const struct dmatest_params *p = &dt->p;

	if (!dtc) {
		dmatest_err("dmatest: out of memory");
		exit(DMATEST_EXIT_FAIL);
	}
	dtc->chan = chan;
	dtc->index = dt->nr_chans;
	pthread_mutex_init(&dtc->slave_lock, NULL);
	if (p->inject != UDMA_FAULT_NONE)
		inject(dt, dtc);

	for (int op = 0; op < OP_COUNT; op++) {
		int err;

		if (!(p->ops & (1u << op)) || !dma_has_cap(op_cap[op], chan->device->cap_mask))
			continue;
		if (op == OP_SLAVE && (err = dmatest_slave_setup(dtc, p->buf_size))) {
			dmatest_log("%s: no slave test: its loopback FIFOs need a software "
				    "controller channel (%d)", dma_chan_name(chan), err);
			continue;
		}
		for (unsigned int i = 0; i < p->threads_per_chan; i++) {
			struct dmatest_thread *t = calloc(1, sizeof(*t));
			pthread_condattr_t ca;

			if (!t) {
				dmatest_log("No memory for %s-%s%u", dma_chan_name(chan),
					    dmatest_op_name(op), i);
				break;
			}
			snprintf(t->name, sizeof(t->name), "%s-%s%u", dma_chan_name(chan),
				 dmatest_op_name(op), i);
			t->params = p;
			t->dtc = dtc;
			t->op = (enum dmatest_op)op;
			/* each thread its own repeatable stream */
			t->rng = p->seed ^ ((uint64_t)dt->nr_threads * 0xd1b54a32d192ed03ull);
			pthread_mutex_init(&t->lock, NULL);
			pthread_condattr_init(&ca);
			pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
			pthread_cond_init(&t->cond, &ca);
			pthread_condattr_destroy(&ca);
			dt->threads = grow(dt->threads, dt->nr_threads);
			dt->threads[dt->nr_threads++] = t;
			dtc->nr_threads++;
		}
	}
	dmatest_log("Added %u threads using %s", dtc->nr_threads, dma_chan_name(chan));
	dt->chans = grow(dt->chans, dt->nr_chans);
	dt->chans[dt->nr_chans++] = dtc;
}

/* The kernel's request_channels: every free matching channel, up to max_channels. */
static void request_channels(struct dmatest *dt, enum dma_transaction_type type)
{
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(type, mask);
	for (;;) {
		struct dma_chan *chan;

		if (dt->p.max_channels && dt->nr_chans >= dt->p.max_channels)
			break;
		chan = dma_request_channel(mask, filter, &dt->p);
		if (!chan)
			break;
		add_channel(dt, chan);
	}
}

/* ---- running ---- */

static void progress(struct dmatest *dt, uint64_t t0)
{
	unsigned int secs = (unsigned int)((dmatest_now_ns() - t0) / 1000000000u);

	for (unsigned int i = 0; i < dt->nr_threads; i++) {
		struct dmatest_thread *t = dt->threads[i];
		unsigned int total = __atomic_load_n(&t->total_tests, __ATOMIC_RELAXED);
		unsigned int failed = __atomic_load_n(&t->failed_tests, __ATOMIC_RELAXED);

		if (__atomic_load_n(&t->finished, __ATOMIC_RELAXED))
			continue;
		if (dt->p.iterations)
			dmatest_log("%s: progress %u/%u tests, %u failures (%u s)", t->name, total,
				    dt->p.iterations, failed, secs);
		else
			dmatest_log("%s: progress %u tests, %u failures (%u s)", t->name, total,
				    failed, secs);
	}
}

/* Until every thread has printed its summary; a progress line now and then. */
static void wait_threads(struct dmatest *dt)
{
	uint64_t t0 = dmatest_now_ns(), period = (uint64_t)dt->p.progress * 1000000000u;
	uint64_t next = t0 + period;

	pthread_mutex_lock(&run_lock);
	while (nr_finished < dt->nr_threads) {
		struct timespec ts;

		if (!period) {
			pthread_cond_wait(&run_cond, &run_lock);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000000000u);
		ts.tv_nsec = (long)(next % 1000000000u);
		if (pthread_cond_timedwait(&run_cond, &run_lock, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&run_lock);
			progress(dt, t0);
			pthread_mutex_lock(&run_lock);
			next += period;
		}
	}
	pthread_mutex_unlock(&run_lock);
}

static void run(struct dmatest *dt)
{
	unsigned int k = 0;

	for (unsigned int c = 0; c < dt->nr_chans; c++) {
		struct dmatest_chan *dtc = dt->chans[c];

		for (unsigned int i = 0; i < dtc->nr_threads; i++, k++) {
			int err = pthread_create(&dt->threads[k]->tid, NULL, dmatest_func,
						 dt->threads[k]);

			if (err) {
				dmatest_err("dmatest: cannot start thread %s: %s",
					    dt->threads[k]->name, strerror(err));
				exit(DMATEST_EXIT_FAIL);
			}
		}
		dmatest_log("Started %u threads using %s", dtc->nr_threads,
			    dma_chan_name(dtc->chan));
	}
	/* Every "Started" line first, then the threads' own lines. */
	pthread_mutex_lock(&run_lock);
	started = true;
	pthread_cond_broadcast(&run_cond);
	pthread_mutex_unlock(&run_lock);

	wait_threads(dt);
	for (unsigned int i = 0; i < dt->nr_threads; i++)
		pthread_join(dt->threads[i]->tid, NULL);
}

static void cleanup(struct dmatest *dt, struct dmatest_controllers *ctl)
{
	for (unsigned int c = 0; c < dt->nr_chans; c++) {
		struct dmatest_chan *dtc = dt->chans[c];

		dmaengine_terminate_sync(dtc->chan);
		dma_release_channel(dtc->chan);
		dmatest_slave_teardown(dtc);
		pthread_mutex_destroy(&dtc->slave_lock);
		free(dtc);
	}
	for (unsigned int i = 0; i < dt->nr_threads; i++) {
		pthread_mutex_destroy(&dt->threads[i]->lock);
		pthread_cond_destroy(&dt->threads[i]->cond);
		free(dt->threads[i]);
	}
	free(dt->chans);
	free(dt->threads);
	dmatest_controllers_destroy(ctl);
}

int main(int argc, char **argv)
{
	static struct dmatest dt;
	struct dmatest_controllers ctl;
	struct sigaction sa;
	pthread_condattr_t ca;
	int status = DMATEST_EXIT_PASS;

	dmatest_parse(&dt.p, argc, argv);

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&run_cond, &ca);
	pthread_condattr_destroy(&ca);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;	/* a second ^C ends it at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (!dmatest_controllers_create(&dt.p, &ctl))
		return DMATEST_EXIT_FAIL;
	dmatest_log("Using seed=%llu", (unsigned long long)dt.p.seed);

	for (int op = 0; op < OP_COUNT; op++)
		if (dt.p.ops & (1u << op))
			request_channels(&dt, op_cap[op]);
	if (!dt.nr_chans || !dt.nr_threads) {
		dmatest_log("Could not start test, no channels configured");
		cleanup(&dt, &ctl);
		return DMATEST_EXIT_FAIL;
	}

	run(&dt);

	for (unsigned int i = 0; i < dt.nr_threads; i++)
		if (dt.threads[i]->ret || dt.threads[i]->failed_tests)
			status = DMATEST_EXIT_FAIL;
	cleanup(&dt, &ctl);
	return status;
}

/* SPDX-License-Identifier: MIT */
/*
 * dmatest: the kernel's dmatest module (drivers/dma/dmatest.c) as a program.
 * Same parameters, same buffer patterns, same thread names, same output
 * lines; see docs/dmatest.md. What the pieces share lives here.
 */
#ifndef DMATEST_H
#define DMATEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

/* The operations a thread can test; the kernel's dmatest=0 and 1, plus slave. */
enum dmatest_op {
	OP_MEMCPY,
	OP_MEMSET,
	OP_SLAVE,	/* udmaengine only: memory -> FIFO -> memory loopback */
	OP_COUNT,
};

#define DMATEST_MAX_NAMES	16	/* channel=a,b,...: at most this many */
#define DMATEST_NAME_LEN	32

/* Every command-line parameter, parsed (params.c). */
struct dmatest_params {
	unsigned int buf_size;		/* test_buf_size */
	char channel[DMATEST_MAX_NAMES][DMATEST_NAME_LEN];	/* empty: any */
	unsigned int nr_channel;
	char device[DMATEST_NAME_LEN];	/* empty: any */
	unsigned int threads_per_chan;
	unsigned int max_channels;	/* 0: all */
	unsigned int iterations;	/* 0: until SIGINT/SIGTERM */
	unsigned int ops;		/* 1 << enum dmatest_op */
	int timeout;			/* ms; -1: forever */
	bool noverify;
	bool norandom;
	bool polled;
	bool verbose;
	int alignment;			/* log2; -1: the device's copy_align/fill_align */
	unsigned int transfer_size;	/* 0: random lengths */
	uint64_t seed;
	unsigned int progress;		/* seconds between progress lines; 0: none */
	bool soft;			/* create a software controller first */
	unsigned int soft_channels;
	int cuda;			/* create a CUDA controller on this GPU; -1: none */
	/* test-only: a fault injected into every soft channel tested */
	enum udma_soft_fault_kind inject;
	uint32_t inject_one_in;
};

/* Exit statuses. */
enum {
	DMATEST_EXIT_PASS = 0,
	DMATEST_EXIT_FAIL = 1,	/* a test failed, or nothing could be tested */
	DMATEST_EXIT_USAGE = 2,	/* bad parameters */
};

/*
 * The controllers dmatest creates to test (controllers.c): the software
 * one unless soft=0, a CUDA one when cuda=N (in builds with the CUDA
 * provider: DMATEST_CUDA). Anything else registered in the process is
 * tested too. Returns false with one line printed when one cannot be made.
 */
struct dmatest_controllers {
	struct dma_device *soft;
	struct dma_device *cuda;
};
bool dmatest_controllers_create(const struct dmatest_params *p, struct dmatest_controllers *c);
void dmatest_controllers_destroy(struct dmatest_controllers *c);

/* Parses argv into @p; on a bad parameter prints one line and exits 2. */
void dmatest_parse(struct dmatest_params *p, int argc, char **argv);
const char *dmatest_op_name(enum dmatest_op op);	/* "copy", "set", "slave" */

/* A channel under test and what its threads share. */
struct dmatest_chan {
	struct dma_chan *chan;
	unsigned int index;		/* order in which it was requested */
	unsigned int nr_threads;
	/* slave: the loopback FIFO pair, one transfer at a time (slave.c) */
	struct udma_fifo *tx_fifo, *rx_fifo;
	pthread_mutex_t slave_lock;
};

/* One test thread, named as the kernel names its kthreads. */
struct dmatest_thread {
	char name[48];			/* "dma0chan0-copy0" */
	const struct dmatest_params *params;
	struct dmatest_chan *dtc;
	enum dmatest_op op;
	pthread_t tid;
	uint64_t rng;

	/* read by the progress reporter while the thread runs: atomics */
	unsigned int total_tests;
	unsigned int failed_tests;
	bool finished;

	int ret;			/* the summary's last number */

	/* completion of the transfer in flight */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	struct dmaengine_result res;
};

void *dmatest_func(void *arg);		/* the thread body (thread.c) */

/* Set by SIGINT/SIGTERM: threads end after their current test. */
extern int dmatest_stop_requested;	/* atomic: written in a signal handler */
static inline bool dmatest_stopping(void)
{
	return __atomic_load_n(&dmatest_stop_requested, __ATOMIC_RELAXED);
}
/* Threads wait here until every channel has printed its "Started" line. */
void dmatest_wait_start(void);
/* A thread reports that it has printed its summary. */
void dmatest_thread_finished(struct dmatest_thread *t);

/*
 * Output, one whole line at a time so threads never interleave mid-line:
 * stdout carries what the kernel would log, stderr what goes wrong with
 * the program itself.
 */
void dmatest_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dmatest_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- buffer patterns (pattern.c) ---- */
void dmatest_init_src(uint8_t *buf, unsigned int start, unsigned int len,
		      unsigned int buf_size, bool is_memset);
void dmatest_init_dst(uint8_t *buf, unsigned int start, unsigned int len,
		      unsigned int buf_size, bool is_memset);
/*
 * Checks buf[start, end) against @pattern with the counter starting at
 * @counter; reports each mismatch (at most 32) and returns how many.
 */
unsigned int dmatest_verify(const char *thread, const uint8_t *buf, unsigned int start,
			    unsigned int end, unsigned int counter, uint8_t pattern,
			    bool is_srcbuf, bool is_memset);

#define PATTERN_SRC		0x80
#define PATTERN_DST		0x00
#define PATTERN_COPY		0x40
#define PATTERN_OVERWRITE	0x20
#define PATTERN_COUNT_MASK	0x1f
#define PATTERN_MEMSET_IDX	0x01

/* ---- slave loopback (slave.c) ---- */
int dmatest_slave_setup(struct dmatest_chan *dtc, unsigned int buf_size);
void dmatest_slave_teardown(struct dmatest_chan *dtc);
/*
 * Moves the bytes of one slave test through the loopback "wire": from the TX
 * FIFO the controller fills into the RX FIFO it drains. False if @len bytes
 * did not pass before @deadline_ns (0: none).
 */
bool dmatest_slave_wire(struct dmatest_chan *dtc, size_t len, uint64_t deadline_ns);
void dmatest_slave_drain(struct dmatest_chan *dtc);

uint64_t dmatest_now_ns(void);

#endif /* DMATEST_H */

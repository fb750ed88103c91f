/* SPDX-License-Identifier: MIT */
/*
 * What every test program shares: checks that stop the test with a message,
 * a diagnostics recorder, counters that callbacks bump, and a soft
 * controller set up the usual way. Each test is one program, one behaviour;
 * it prints what it checked and exits 0 on success.
 */
#ifndef UDMA_TEST_HELPERS_H
#define UDMA_TEST_HELPERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			exit(1);					\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_) {						\
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);	\
			exit(1);					\
		}							\
	} while (0)

/* The diagnostic of the last refused call must name @needle. */
#define CHECK_DIAG(needle)						\
	do {								\
		if (!t_diag_contains(needle)) {				\
			fprintf(stderr, "%s:%d: no diagnostic naming \"%s\"; last: \"%s\"\n", \
				__FILE__, __LINE__, needle, t_diag_last()); \
			exit(1);					\
		}							\
	} while (0)

/* ---- diagnostics: recorded instead of printed once started ---- */
void t_diag_capture(void);
int t_diag_count(void);
const char *t_diag_last(void);	/* copy of the last line */
bool t_diag_contains(const char *needle);	/* in the last line */
void t_diag_reset(void);

/* ---- counters bumped from callbacks ---- */
struct t_counter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int count;
};
void t_counter_init(struct t_counter *c);
void t_counter_bump(struct t_counter *c);
int t_counter_get(struct t_counter *c);
/* Waits until the count reaches @n; false after @timeout_ms. */
bool t_counter_wait(struct t_counter *c, int n, unsigned int timeout_ms);
/* dma_async_tx_callback that bumps the t_counter passed as param. */
void t_count_callback(void *param);

/*
 * The order callbacks come in: t_order_callback, with a t_order_arg as its
 * param, appends the arg's idx to its log's seen[] (room for every
 * callback, the caller's) and bumps the log's done.
 */
struct t_order_log {
	pthread_mutex_t lock;
	int *seen;
	int n;
	struct t_counter done;
};

struct t_order_arg {
	struct t_order_log *log;
	int idx;
};

void t_order_callback(void *param);

/* Submits @tx (CHECKed non-NULL) with t_count_callback on @done; CHECKs the
 * cookie is one and returns it. Issues nothing. */
dma_cookie_t t_submit_counted(struct dma_async_tx_descriptor *tx, struct t_counter *done);

/*
 * Submits @tx (CHECKed non-NULL) with a counting callback, issues it, waits
 * up to 10 s for the callback and checks the cookie reads DMA_COMPLETE.
 */
dma_cookie_t t_run(struct dma_chan *chan, struct dma_async_tx_descriptor *tx);

/* ---- setup ---- */
struct dma_device *t_soft_create(const struct udma_soft_config *cfg);	/* CHECKs success */
struct dma_chan *t_request(enum dma_transaction_type cap);		/* CHECKs success */
void *t_alloc(size_t len);						/* CHECKs success */
void t_fill(void *buf, size_t len, unsigned int seed);			/* deterministic bytes */
dma_addr_t t_addr(const void *p);					/* identity mapping */
uint64_t t_now_ns(void);
void t_sleep_us(unsigned int us);

#endif /* UDMA_TEST_HELPERS_H */

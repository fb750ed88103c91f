/* SPDX-License-Identifier: MIT */
#include <time.h>

#include "helpers.h"

static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;
static char diag_last[512];
static int diag_count;

static void record(void *arg, const char *line)
{
	(void)arg;
	pthread_mutex_lock(&diag_lock);
	snprintf(diag_last, sizeof(diag_last), "%s", line);
	diag_count++;
	pthread_mutex_unlock(&diag_lock);
	if (getenv("T_VERBOSE"))
		fprintf(stderr, "[diag] %s\n", line);
}

void t_diag_capture(void)
{
	udma_set_diag_handler(record, NULL);
}

int t_diag_count(void)
{
	int n;

	pthread_mutex_lock(&diag_lock);
	n = diag_count;
	pthread_mutex_unlock(&diag_lock);
	return n;
}

const char *t_diag_last(void)
{
	static char copy[512];

	pthread_mutex_lock(&diag_lock);
	memcpy(copy, diag_last, sizeof(copy));
	pthread_mutex_unlock(&diag_lock);
	return copy;
}

bool t_diag_contains(const char *needle)
{
	bool found;

	pthread_mutex_lock(&diag_lock);
	found = strstr(diag_last, needle) != NULL;
	pthread_mutex_unlock(&diag_lock);
	return found;
}

void t_diag_reset(void)
{
	pthread_mutex_lock(&diag_lock);
	diag_last[0] = 0;
	diag_count = 0;
	pthread_mutex_unlock(&diag_lock);
}

void t_counter_init(struct t_counter *c)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->count = 0;
}

void t_counter_bump(struct t_counter *c)
{
	pthread_mutex_lock(&c->lock);
	c->count++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

int t_counter_get(struct t_counter *c)
{
	int n;

	pthread_mutex_lock(&c->lock);
	n = c->count;
	pthread_mutex_unlock(&c->lock);
	return n;
}

bool t_counter_wait(struct t_counter *c, int n, unsigned int timeout_ms)
{
	struct timespec ts;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	while (c->count < n)
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts))
			break;
	ok = c->count >= n;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

void t_count_callback(void *param)
{
	t_counter_bump(param);
}

void t_order_callback(void *param)
{
	struct t_order_arg *a = param;

	pthread_mutex_lock(&a->log->lock);
	a->log->seen[a->log->n++] = a->idx;
	pthread_mutex_unlock(&a->log->lock);
	t_counter_bump(&a->log->done);
}

dma_cookie_t t_submit_counted(struct dma_async_tx_descriptor *tx, struct t_counter *done)
{
	dma_cookie_t cookie;

	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = done;
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	return cookie;
}

dma_cookie_t t_run(struct dma_chan *chan, struct dma_async_tx_descriptor *tx)
{
	struct t_counter done;
	dma_cookie_t cookie;

	t_counter_init(&done);
	cookie = t_submit_counted(tx, &done);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	return cookie;
}

struct dma_device *t_soft_create(const struct udma_soft_config *cfg)
{
	struct dma_device *d = udma_soft_create(cfg);

	if (IS_ERR(d)) {
		fprintf(stderr, "udma_soft_create failed: %ld\n", PTR_ERR(d));
		exit(1);
	}
	return d;
}

struct dma_chan *t_request(enum dma_transaction_type cap)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(cap, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	if (!chan) {
		fprintf(stderr, "dma_request_channel(%d) found no channel\n", (int)cap);
		exit(1);
	}
	return chan;
}

void *t_alloc(size_t len)
{
	void *p = aligned_alloc(64, (len + 63) & ~(size_t)63);

	if (!p) {
		fprintf(stderr, "out of memory (%zu bytes)\n", len);
		exit(1);
	}
	return p;
}

void t_fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

dma_addr_t t_addr(const void *p)
{
	return (dma_addr_t)(uintptr_t)p;
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void t_sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

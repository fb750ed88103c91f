/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's queue: its submit ring starts at 1024 entries and
 * doubles whenever it is full. Order (R3), data, residue of queued
 * descriptors and terminate must hold across many doublings, with plain
 * copies (run from the ring entry) and others (memset) mixed.
 */
#include "helpers.h"

#define N 3000		/* the first ring's size, three times over */
#define N_OVERFLOW 70000	/* seven doublings */
#define LEN 64

struct batch {
	int n;
	unsigned char *src, *dst;
	struct t_order_arg *args;
	dma_cookie_t *cookies;
	struct t_order_log log;
};

static void batch_init(struct batch *b, int n)
{
	b->n = n;
	b->src = t_alloc((size_t)n * LEN);
	b->dst = t_alloc((size_t)n * LEN);
	t_fill(b->src, (size_t)n * LEN, 7);
	memset(b->dst, 0, (size_t)n * LEN);
	b->args = t_alloc((size_t)n * sizeof(*b->args));
	b->cookies = t_alloc((size_t)n * sizeof(*b->cookies));
	pthread_mutex_init(&b->log.lock, NULL);
	b->log.seen = t_alloc((size_t)n * sizeof(int));
	b->log.n = 0;
	t_counter_init(&b->log.done);
}

static void batch_free(struct batch *b)
{
	free(b->src);
	free(b->dst);
	free(b->args);
	free(b->cookies);
	free(b->log.seen);
}

/* Every 5th a memset (not a plain copy), every 7th without a callback. */
static bool has_callback(int i)
{
	return i % 7 != 3;
}

static void submit_range(struct dma_chan *chan, struct batch *b, int from, int to)
{
	for (int i = from; i < to; i++) {
		unsigned char *dst = b->dst + (size_t)i * LEN;
		struct dma_async_tx_descriptor *tx =
			i % 5 == 0 ? dmaengine_prep_dma_memset(chan, t_addr(dst), i & 0xff, LEN, 0)
				   : dmaengine_prep_dma_memcpy(chan, t_addr(dst),
							       t_addr(b->src + (size_t)i * LEN), LEN, 0);

		CHECK(tx);
		if (has_callback(i)) {
			b->args[i] = (struct t_order_arg){ &b->log, i };
			tx->callback = t_order_callback;
			tx->callback_param = &b->args[i];
		}
		b->cookies[i] = dmaengine_submit(tx);
		CHECK(b->cookies[i] >= DMA_MIN_COOKIE);
	}
}

static int callbacks_in(int from, int to)
{
	int n = 0;

	for (int i = from; i < to; i++)
		n += has_callback(i);
	return n;
}

static void check_range(struct batch *b, int from, int to)
{
	for (int i = from; i < to; i++) {
		const unsigned char *dst = b->dst + (size_t)i * LEN;

		for (int k = 0; k < LEN; k++)
			CHECK_EQ(dst[k], i % 5 == 0 ? (i & 0xff) : b->src[(size_t)i * LEN + k]);
	}
}

static void check_order(struct batch *b)
{
	for (int k = 1; k < b->log.n; k++)
		CHECK(b->log.seen[k - 1] < b->log.seen[k]);
}

/* Submitted past the ring (@n: past its first size, or past its largest)
 * before any issue: residue, then order and data. */
static void past_the_ring(struct dma_chan *chan, int n)
{
	struct batch b;
	struct dma_tx_state st;

	batch_init(&b, n);
	submit_range(chan, &b, 0, n);
	/* queued, at the start of the ring and at the end of the queue: nothing moved */
	CHECK_EQ(dmaengine_tx_status(chan, b.cookies[1], &st), DMA_IN_PROGRESS);
	CHECK_EQ(st.residue, LEN);
	CHECK_EQ(dmaengine_tx_status(chan, b.cookies[n - 1], &st), DMA_IN_PROGRESS);
	CHECK_EQ(st.residue, LEN);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&b.log.done, callbacks_in(0, n), 20000));
	CHECK_EQ(dmaengine_tx_status(chan, b.cookies[n - 1], NULL), DMA_COMPLETE);
	check_order(&b);
	check_range(&b, 0, n);
	printf("soft-queue: %d submitted before one issue: in order, data exact\n", n);
	batch_free(&b);
}

/* Submits and issues while the hardware runs: the overflow drains in order. */
static void while_running(struct dma_chan *chan)
{
	struct batch b;

	batch_init(&b, N);
	for (int from = 0; from < N; from += 1500) {
		submit_range(chan, &b, from, from + 1500);
		dma_async_issue_pending(chan);
	}
	CHECK(t_counter_wait(&b.log.done, callbacks_in(0, N), 10000));
	check_order(&b);
	check_range(&b, 0, N);
	printf("soft-queue: issued in two halves while running: in order, data exact\n");
	batch_free(&b);
}

/* Paused: submits fill the ring and overflow; after resume all run, in order. */
static void while_paused(struct dma_chan *chan)
{
	struct batch b;

	batch_init(&b, N);
	CHECK_EQ(dmaengine_pause(chan), 0);
	submit_range(chan, &b, 0, N / 2);
	dma_async_issue_pending(chan);
	submit_range(chan, &b, N / 2, N);
	dma_async_issue_pending(chan);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&b.log.done), 0);	/* paused: nothing completes */
	CHECK_EQ(dmaengine_resume(chan), 0);
	CHECK(t_counter_wait(&b.log.done, callbacks_in(0, N), 10000));
	check_order(&b);
	check_range(&b, 0, N);
	printf("soft-queue: %d queued while paused run in order after resume\n", N);
	batch_free(&b);
}

/* Terminated with work in the ring, past it and running: the callbacks
 * that come are of the first ones, in order, and none after the sync. Each
 * copy is slowed (an injected fault) so that most are still queued. */
static void terminated(struct dma_chan *chan, int n_desc, bool slow)
{
	struct udma_soft_fault f = { .kind = UDMA_FAULT_SLOW, .one_in = 1, .delay_us = 20 };
	struct batch b;
	int n;

	batch_init(&b, n_desc);
	CHECK_EQ(udma_soft_inject(chan, slow ? &f : NULL), 0);
	submit_range(chan, &b, 0, n_desc);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&b.log.done, 1, 10000));	/* some done */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	CHECK_EQ(udma_soft_inject(chan, NULL), 0);
	n = t_counter_get(&b.log.done);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&b.log.done), n);	/* R6: nothing after the sync */
	check_order(&b);
	for (int k = 0; k < b.log.n; k++)	/* a prefix: nothing skipped */
		CHECK(b.log.seen[k] < n_desc);
	if (b.log.n) {
		int last = b.log.seen[b.log.n - 1];

		CHECK_EQ(b.log.n, callbacks_in(0, last + 1));
		check_range(&b, 0, last + 1);
	}
	printf("soft-queue: terminate with %d queued%s: %d called back, a prefix in order\n",
	       n_desc, slow ? ", slowed" : "", n);
	batch_free(&b);

	/* and the channel goes on */
	batch_init(&b, 100);
	submit_range(chan, &b, 0, 100);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&b.log.done, callbacks_in(0, 100), 10000));
	check_order(&b);
	check_range(&b, 0, 100);
	batch_free(&b);
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);

	past_the_ring(chan, N);
	past_the_ring(chan, N_OVERFLOW);
	while_running(chan);
	while_paused(chan);
	terminated(chan, N_OVERFLOW, true);
	terminated(chan, N, false);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	return 0;
}

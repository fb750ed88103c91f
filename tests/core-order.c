/* SPDX-License-Identifier: MIT */
/* R3: nothing moves before dma_async_issue_pending; then descriptors run and call back in submission order. */
#include "helpers.h"

#define N 48

static struct dma_async_tx_descriptor *copy(struct dma_chan *chan, void *dst, const void *src,
					    size_t len)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), len, DMA_PREP_INTERRUPT);
	CHECK(tx);
	return tx;
}

/* Nothing moves before issue_pending. */
static void not_before_issue(struct dma_chan *chan)
{
	size_t len = 1 << 20;
	unsigned char *src = t_alloc(len), *dst = t_alloc(len);
	struct dma_async_tx_descriptor *tx;
	struct dma_tx_state st;
	struct t_counter done;
	dma_cookie_t cookie;

	t_counter_init(&done);
	t_fill(src, len, 1);
	memset(dst, 0xa5, len);
	tx = copy(chan, dst, src, len);
	cookie = t_submit_counted(tx, &done);

	t_sleep_us(50000);	/* the point: nothing happens meanwhile */
	for (size_t i = 0; i < len; i++)
		if (dst[i] != 0xa5) {
			fprintf(stderr, "byte %zu moved before issue_pending\n", i);
			exit(1);
		}
	CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), DMA_IN_PROGRESS);
	CHECK_EQ(st.residue, len);
	CHECK_EQ(t_counter_get(&done), 0);

	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(src, dst, len) == 0);
	free(src);
	free(dst);
}

/*
 * Submitted after the issue, right behind what it issued: stays put until
 * the next issue, however the hardware thread's look at the queue falls
 * between the two. 300 rounds, so both orders happen.
 */
static void only_what_was_issued(struct dma_chan *chan)
{
	enum { ROUNDS = 300, LEN = 256 };
	unsigned char *src = t_alloc(LEN), *a = t_alloc(LEN), *b = t_alloc(LEN);

	t_fill(src, LEN, 7);
	for (int r = 0; r < ROUNDS; r++) {
		struct t_counter done;
		struct dma_async_tx_descriptor *tx;
		dma_cookie_t ca, cb;

		t_counter_init(&done);
		memset(a, 0, LEN);
		memset(b, 0xa5, LEN);
		tx = copy(chan, a, src, LEN);
		tx->callback = t_count_callback;
		tx->callback_param = &done;
		ca = dmaengine_submit(tx);
		dma_async_issue_pending(chan);
		tx = copy(chan, b, src, LEN);	/* not issued */
		tx->callback = t_count_callback;
		tx->callback_param = &done;
		cb = dmaengine_submit(tx);
		CHECK(t_counter_wait(&done, 1, 10000));
		CHECK_EQ(dmaengine_tx_status(chan, ca, NULL), DMA_COMPLETE);
		CHECK(memcmp(a, src, LEN) == 0);
		if (r % 50 == 0)
			t_sleep_us(2000);	/* give it time to move what it must not */
		CHECK_EQ(dmaengine_tx_status(chan, cb, NULL), DMA_IN_PROGRESS);
		for (int i = 0; i < LEN; i++)
			if (b[i] != 0xa5) {
				fprintf(stderr, "round %d: a descriptor submitted after the issue moved\n", r);
				exit(1);
			}
		CHECK_EQ(t_counter_get(&done), 1);
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&done, 2, 10000));
		CHECK(memcmp(b, src, LEN) == 0);
	}
	free(src);
	free(a);
	free(b);
}

/* Many descriptors of mixed sizes: callbacks come in submission order. */
static void in_order(struct dma_chan *chan)
{
	static const size_t sizes[] = { 1 << 20, 64, 300000, 1, 4096, 65537, 7, 2 << 20 };
	static int seen[N];
	struct t_order_log log = { .lock = PTHREAD_MUTEX_INITIALIZER, .seen = seen };
	struct t_order_arg args[N];
	unsigned char *src[N], *dst[N];
	dma_cookie_t cookies[N];

	t_counter_init(&log.done);
	for (int i = 0; i < N; i++) {
		size_t len = sizes[i % 8];
		struct dma_async_tx_descriptor *tx;

		src[i] = t_alloc(len);
		dst[i] = t_alloc(len);
		t_fill(src[i], len, (unsigned int)i + 100);
		memset(dst[i], 0, len);
		tx = copy(chan, dst[i], src[i], len);
		args[i].log = &log;
		args[i].idx = i;
		tx->callback = t_order_callback;
		tx->callback_param = &args[i];
		cookies[i] = dmaengine_submit(tx);
		CHECK(cookies[i] >= DMA_MIN_COOKIE);
		if (i)
			CHECK_EQ(cookies[i], cookies[i - 1] + 1);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&log.done, N, 30000));
	for (int i = 0; i < N; i++) {
		CHECK_EQ(log.seen[i], i);
		CHECK_EQ(dmaengine_tx_status(chan, cookies[i], NULL), DMA_COMPLETE);
		CHECK(memcmp(src[i], dst[i], sizes[i % 8]) == 0);
		free(src[i]);
		free(dst[i]);
	}
}

/*
 * More descriptors queued before one issue than the controller remembers
 * submits for (1024), then a second long queue: every copy lands, and
 * every callback comes in submission order.
 */
static void long_queue(struct dma_chan *chan)
{
	enum { LONG = 3000, LEN = 64 };
	unsigned char *src = t_alloc((size_t)LONG * LEN), *dst = t_alloc((size_t)LONG * LEN);
	struct t_order_log log = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct t_order_arg *args = calloc(LONG, sizeof(*args));

	log.seen = calloc(LONG, sizeof(*log.seen));
	CHECK(args && log.seen);
	t_counter_init(&log.done);
	t_fill(src, (size_t)LONG * LEN, 77);
	memset(dst, 0, (size_t)LONG * LEN);
	for (int i = 0; i < LONG; i++) {
		struct dma_async_tx_descriptor *tx =
			copy(chan, dst + (size_t)i * LEN, src + (size_t)i * LEN, LEN);

		args[i] = (struct t_order_arg){ &log, i };
		tx->callback = t_order_callback;
		tx->callback_param = &args[i];
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
		if (i == LONG / 2 - 1)
			dma_async_issue_pending(chan);	/* the first 1500 */
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&log.done, LONG, 30000));
	for (int i = 0; i < LONG; i++)
		CHECK_EQ(log.seen[i], i);
	CHECK(memcmp(src, dst, (size_t)LONG * LEN) == 0);
	free(log.seen);
	free(args);
	free(src);
	free(dst);
}

/* A -> B then B -> C, submitted together: C must equal A. */
static void chained(struct dma_chan *chan, size_t len, unsigned int seed)
{
	unsigned char *a = t_alloc(len), *b = t_alloc(len), *c = t_alloc(len);
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	t_fill(a, len, seed);
	t_fill(b, len, seed + 1);	/* stale data a wrong order would carry into C */
	memset(c, 0, len);
	CHECK(dmaengine_submit(copy(chan, b, a, len)) >= DMA_MIN_COOKIE);
	tx = copy(chan, c, b, len);
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(a, b, len) == 0);
	CHECK(memcmp(a, c, len) == 0);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);

	not_before_issue(chan);
	only_what_was_issued(chan);
	in_order(chan);
	long_queue(chan);
	for (unsigned int i = 0; i < 4; i++)
		chained(chan, (size_t)(1 << 20) + i * 4093, i);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-order: nothing moved before issue_pending, nor what was submitted after it "
	       "(300 rounds), %d and then 3000 callbacks in submission order, "
	       "chained copies A->B->C intact\n", N);
	return 0;
}

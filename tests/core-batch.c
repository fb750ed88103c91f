/* SPDX-License-Identifier: MIT */
/*
 * udma_submit_memcpy_batch behaves as its prep and submit calls would: every
 * byte lands, cookies run on by one per copy across batches and single
 * submits, callbacks come once each in order (callback_result winning),
 * nothing moves before issue_pending; a refused copy stops the batch at its
 * index with one diagnostic, and what came before it still runs. The same
 * holds in strict mode. (The core's one-by-one path, for providers without
 * a batch op, is tested on the CUDA provider: cuda-memcpy.)
 */
#include "helpers.h"

#define COPIES 1200
#define SLOT 8192		/* bytes per copy's slot in the buffers */

static unsigned char *src, *dst;
static struct t_order_log order;
static struct t_order_arg args[COPIES];
static int results_ok;		/* callback_result calls that saw NOERROR, residue 0 */

static void result_callback(void *param, const struct dmaengine_result *r)
{
	if (r->result == DMA_TRANS_NOERROR && r->residue == 0)
		__atomic_fetch_add(&results_ok, 1, __ATOMIC_RELAXED);
	t_order_callback(param);
}

static void never_called(void *param)
{
	(void)param;
	fprintf(stderr, "core-batch: callback_result must win over callback\n");
	exit(1);
}

/* Copy @i's length: 1..SLOT bytes, scattered (long_copy runs one longer
 * than a burst). */
static size_t copy_len(int i)
{
	return 1 + (size_t)(i * 2654435761u) % SLOT;
}

static struct udma_copy copy_at(int i)
{
	struct udma_copy c = { .dst = t_addr(dst + (size_t)i * SLOT),
			       .src = t_addr(src + (size_t)i * SLOT), .len = copy_len(i) };

	args[i] = (struct t_order_arg){ &order, i };
	if (i % 3 == 1) {
		c.callback_result = result_callback;
		c.callback = never_called;
	} else if (i % 3 == 2) {
		c.callback = t_order_callback;
	}
	c.callback_param = &args[i];
	return c;
}

static int callbacks_for(int n)	/* copies in [0, n) with a callback */
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += i % 3 != 0;
	return k;
}

static void check_copied(int from, int to)
{
	for (int i = from; i < to; i++) {
		size_t len = copy_len(i);
		unsigned char *d = dst + (size_t)i * SLOT;

		CHECK(memcmp(d, src + (size_t)i * SLOT, len) == 0);
		for (size_t k = len; k < SLOT; k++)
			CHECK_EQ(d[k], 0xa5);	/* nothing past the copy */
	}
}

static void reset(void)
{
	memset(dst, 0xa5, (size_t)COPIES * SLOT);
	free(order.seen);
	order = (struct t_order_log){ .lock = PTHREAD_MUTEX_INITIALIZER,
				      .seen = calloc(COPIES, sizeof(int)) };
	t_counter_init(&order.done);
	results_ok = 0;
}

/* Batches of many sizes, a single submit between two of them. */
static void stream(struct dma_chan *chan, const char *what)
{
	static const unsigned int sizes[] = { 1, 7, 32, 33, 100, 300, 64, 2, 500 };
	struct udma_copy *c = calloc(COPIES, sizeof(*c));
	dma_cookie_t last = 0, expect = 0;
	int n = 0, want;

	reset();
	for (int i = 0; i < COPIES; i++)
		c[i] = copy_at(i);
	for (unsigned int k = 0; n < COPIES; k++) {
		unsigned int b = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];

		if (b > (unsigned int)(COPIES - n))
			b = (unsigned int)(COPIES - n);
		if (k == 3) {	/* a plain prep and submit among the batches */
			struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
				chan, c[n].dst, c[n].src, c[n].len, DMA_PREP_INTERRUPT);

			CHECK(tx);
			tx->callback = c[n].callback;
			tx->callback_result = c[n].callback_result;
			tx->callback_param = c[n].callback_param;
			last = dmaengine_submit(tx);
			CHECK(last > 0);
			CHECK(expect == 0 || last == expect);
			expect = last + 1;
			n++;
			continue;
		}
		CHECK_EQ(udma_submit_memcpy_batch(chan, &c[n], b, 0, &last), b);
		CHECK(last > 0);
		if (expect)	/* cookies run on by one per copy */
			CHECK_EQ(last, expect + (dma_cookie_t)b - 1);
		expect = last + 1;
		n += (int)b;
		if (k % 2)
			dma_async_issue_pending(chan);
	}
	dma_async_issue_pending(chan);
	want = callbacks_for(COPIES);
	CHECK(t_counter_wait(&order.done, want, 20000));
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&order.done), want);	/* once each */
	for (int i = 1; i < want; i++)
		CHECK(order.seen[i - 1] < order.seen[i]);	/* in order */
	CHECK_EQ(results_ok, COPIES / 3);
	check_copied(0, COPIES);
	free(c);
	printf("core-batch: %s: %d copies in batches of 1..500, %d callbacks in order\n", what,
	       COPIES, want);
}

/* Copies 0..n-1 in one batch, nothing issued; the last one's cookie. */
static dma_cookie_t queue_batch(struct dma_chan *chan, struct udma_copy *c, int n)
{
	dma_cookie_t last = 0;

	reset();
	for (int i = 0; i < n; i++)
		c[i] = copy_at(i);
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, (unsigned int)n, 0, &last), n);
	return last;
}

/* A while later, copies 0..n-1 have neither moved a byte nor called back. */
static void check_nothing_moved(int n)
{
	t_sleep_us(30000);
	CHECK_EQ(t_counter_get(&order.done), 0);
	for (int i = 0; i < n * SLOT; i++)
		CHECK_EQ(dst[i], 0xa5);
}

/* Queued only: nothing moves before issue_pending. */
static void waits_for_issue(struct dma_chan *chan)
{
	struct udma_copy c[40];
	dma_cookie_t last = queue_batch(chan, c, 40);

	check_nothing_moved(40);
	CHECK_EQ(dmaengine_tx_status(chan, last, NULL), DMA_IN_PROGRESS);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	CHECK(t_counter_wait(&order.done, callbacks_for(40), 10000));
	check_copied(0, 40);
}

/* Copy @bad refused: the batch stops there, the ones before it run. */
static void refused_at(struct dma_chan *chan, int bad, struct udma_copy broken, const char *diag)
{
	struct udma_copy c[12];
	dma_cookie_t last = 0;

	reset();
	for (int i = 0; i < 12; i++)
		c[i] = copy_at(i);
	c[bad] = broken;
	t_diag_reset();
	/* none submitted: an error, not 0 */
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, 12, 0, &last), bad ? bad : -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("dmaengine_prep_dma_memcpy");
	CHECK_DIAG(diag);
	dma_async_issue_pending(chan);
	if (bad)
		CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	else
		CHECK_EQ(last, 0);
	CHECK(t_counter_wait(&order.done, callbacks_for(bad), 10000));
	check_copied(0, bad);
	for (int i = bad * SLOT; i < 12 * SLOT; i++)
		CHECK_EQ(dst[i], 0xa5);
}

static void refusals(struct dma_chan *chan)
{
	struct udma_copy one = { .dst = t_addr(dst), .src = t_addr(src), .len = 8 };
	dma_cookie_t last = 1234;

	/* the call itself */
	t_diag_reset();
	CHECK_EQ(udma_submit_memcpy_batch(chan, &one, 0, 0, &last), 0);
	CHECK_EQ(last, 1234);
	CHECK_EQ(t_diag_count(), 0);
	CHECK_EQ(udma_submit_memcpy_batch(chan, NULL, 3, 0, &last), -EINVAL);
	CHECK_DIAG("copies is NULL");
	CHECK_EQ(udma_submit_memcpy_batch(chan, &one, 1, DMA_CTRL_REUSE, &last), -EINVAL);
	CHECK_DIAG("DMA_CTRL_REUSE");
	CHECK_EQ(udma_submit_memcpy_batch(chan, &one, 1, 1ul << 40, &last), -EINVAL);
	CHECK_DIAG("unknown bits");
	CHECK_EQ(udma_submit_memcpy_batch(NULL, &one, 1, 0, &last), -EINVAL);
	CHECK_DIAG("udma_submit_memcpy_batch");
	CHECK_EQ(last, 1234);
	CHECK_EQ(t_diag_count(), 4);

	/* a copy the core refuses, and one the controller refuses */
	refused_at(chan, 0, (struct udma_copy){ .dst = t_addr(dst), .src = t_addr(src) }, "len 0");
	refused_at(chan, 5, (struct udma_copy){ .dst = DMA_MAPPING_ERROR, .src = t_addr(src), .len = 8 },
		   "DMA_MAPPING_ERROR");
	refused_at(chan, 7, (struct udma_copy){ .dst = t_addr(src + 4), .src = t_addr(src), .len = 64 },
		   "overlap");
	printf("core-batch: refusals: n 0, NULL copies, DMA_CTRL_REUSE, unknown flags, no channel; "
	       "a bad copy at 0, 5, 7 stops there with one line, the ones before it run\n");
}

/* Longer than a burst: not a plain copy, the descriptor's own path. */
static void long_copy(struct dma_chan *chan)
{
	size_t len = (1 << 20) + 3;
	unsigned char *s = t_alloc(len), *d = t_alloc(len);
	struct t_counter done;
	struct udma_copy c[2] = {
		{ .dst = t_addr(d), .src = t_addr(s), .len = len - 100, .callback = t_count_callback,
		  .callback_param = &done },
		{ .dst = t_addr(d + len - 100), .src = t_addr(s + len - 100), .len = 100,
		  .callback = t_count_callback, .callback_param = &done },
	};
	dma_cookie_t last;

	t_counter_init(&done);
	t_fill(s, len, 7);
	memset(d, 0, len);
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, 2, 0, &last), 2);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 2, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, last, NULL), DMA_COMPLETE);
	CHECK(memcmp(s, d, len) == 0);
	free(s);
	free(d);
}

/* Terminated before issue: no callback, no byte moved, the channel goes on. */
static void terminated(struct dma_chan *chan)
{
	struct udma_copy c[64];

	queue_batch(chan, c, 64);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	check_nothing_moved(64);
	waits_for_issue(chan);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_MEMCPY);
	src = t_alloc((size_t)COPIES * SLOT);
	dst = t_alloc((size_t)COPIES * SLOT);
	t_fill(src, (size_t)COPIES * SLOT, 42);

	stream(chan, "soft batch op");
	waits_for_issue(chan);
	long_copy(chan);
	terminated(chan);
	refusals(chan);

	udma_set_strict(UDMA_STRICT_REPORT);	/* no plain copies; descriptors quarantined */
	t_diag_reset();
	stream(chan, "strict mode");
	refusals(chan);
	udma_set_strict(UDMA_STRICT_OFF);

	dma_release_channel(chan);
	t_diag_reset();
	CHECK_EQ(udma_submit_memcpy_batch(chan, &(struct udma_copy){ .dst = t_addr(dst), .src = t_addr(src), .len = 8 }, 1,
					  0, NULL), -EINVAL);	/* not held */
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("udma_submit_memcpy_batch");
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	free(order.seen);
	printf("core-batch: ok\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* R3/R8: cookies go up by one per submit and wrap INT32_MAX -> 1; status stays right across the wrap. */
#include "helpers.h"

#define LEN 4096

struct xfer {
	unsigned char *src, *dst;
	dma_cookie_t cookie;
};

static void xfer_init(struct xfer *x, unsigned int seed)
{
	x->src = t_alloc(LEN);
	x->dst = t_alloc(LEN);
	t_fill(x->src, LEN, seed);
	memset(x->dst, 0, LEN);
}

static dma_cookie_t submit(struct dma_chan *chan, struct xfer *x)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_dma_memcpy(chan, t_addr(x->dst), t_addr(x->src), LEN, 0);
	CHECK(tx);
	x->cookie = dmaengine_submit(tx);
	CHECK(x->cookie >= DMA_MIN_COOKIE);
	return x->cookie;
}

static void xfer_check(struct xfer *x)
{
	CHECK(memcmp(x->src, x->dst, LEN) == 0);
}

static void xfer_free(struct xfer *x)
{
	free(x->src);
	free(x->dst);
}

static dma_cookie_t next_cookie(dma_cookie_t c)
{
	return c == INT32_MAX ? DMA_MIN_COOKIE : c + 1;
}

static void set_cookies(struct dma_chan *chan, dma_cookie_t c)
{
	__atomic_store_n(&chan->cookie, c, __ATOMIC_RELEASE);
	__atomic_store_n(&chan->completed_cookie, c, __ATOMIC_RELEASE);
}

struct is_complete_case {
	dma_cookie_t cookie, last_complete, last_used;
	enum dma_status want;
};

static const struct is_complete_case table[] = {
	/* no wrap: complete is <= last_complete, or never used */
	{ 1, 1, 1, DMA_COMPLETE },
	{ 5, 5, 10, DMA_COMPLETE },
	{ 1, 5, 10, DMA_COMPLETE },
	{ 6, 5, 10, DMA_IN_PROGRESS },
	{ 10, 5, 10, DMA_IN_PROGRESS },
	{ 11, 5, 10, DMA_COMPLETE },
	{ INT32_MAX, 5, 10, DMA_COMPLETE },
	{ INT32_MAX - 1, INT32_MAX - 3, INT32_MAX, DMA_IN_PROGRESS },
	{ INT32_MAX, INT32_MAX - 3, INT32_MAX, DMA_IN_PROGRESS },
	{ INT32_MAX - 3, INT32_MAX - 3, INT32_MAX, DMA_COMPLETE },
	{ 1, INT32_MAX - 3, INT32_MAX, DMA_COMPLETE },
	{ INT32_MAX, INT32_MAX, INT32_MAX, DMA_COMPLETE },
	/* last_used wrapped past INT32_MAX, last_complete not yet */
	{ INT32_MAX - 3, INT32_MAX - 3, 5, DMA_COMPLETE },
	{ INT32_MAX - 2, INT32_MAX - 3, 5, DMA_IN_PROGRESS },
	{ INT32_MAX, INT32_MAX - 3, 5, DMA_IN_PROGRESS },
	{ 1, INT32_MAX - 3, 5, DMA_IN_PROGRESS },
	{ 5, INT32_MAX - 3, 5, DMA_IN_PROGRESS },
	{ 6, INT32_MAX - 3, 5, DMA_COMPLETE },
	{ 1000, INT32_MAX - 3, 5, DMA_COMPLETE },
	{ INT32_MAX, INT32_MAX, 2, DMA_COMPLETE },
	{ 1, INT32_MAX, 2, DMA_IN_PROGRESS },
	{ 2, INT32_MAX, 2, DMA_IN_PROGRESS },
	{ 3, INT32_MAX, 2, DMA_COMPLETE },
	/* both wrapped */
	{ 1, 2, 5, DMA_COMPLETE },
	{ 2, 2, 5, DMA_COMPLETE },
	{ 3, 2, 5, DMA_IN_PROGRESS },
	{ 5, 2, 5, DMA_IN_PROGRESS },
	{ INT32_MAX, 2, 5, DMA_COMPLETE },
};

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	struct xfer x[8];
	struct dma_tx_state st;
	dma_cookie_t c, prev;
	size_t n = sizeof(table) / sizeof(table[0]);

	/* The inline helper, including wrapped cases. */
	for (size_t i = 0; i < n; i++) {
		enum dma_status s = dma_async_is_complete(table[i].cookie, table[i].last_complete,
							  table[i].last_used);
		if (s != table[i].want) {
			fprintf(stderr, "case %zu: dma_async_is_complete(%d, %d, %d) = %d, want %d\n",
				i, table[i].cookie, table[i].last_complete, table[i].last_used,
				(int)s, (int)table[i].want);
			exit(1);
		}
	}

	/* A fresh channel: each submit takes the next cookie. */
	for (int i = 0; i < 8; i++)
		xfer_init(&x[i], (unsigned int)i);
	prev = chan->cookie;
	CHECK(prev >= DMA_MIN_COOKIE);
	for (int i = 0; i < 8; i++) {
		c = submit(chan, &x[i]);
		CHECK_EQ(c, prev + 1);
		prev = c;
	}
	CHECK_EQ(dma_sync_wait(chan, x[7].cookie), DMA_COMPLETE);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(dmaengine_tx_status(chan, x[i].cookie, NULL), DMA_COMPLETE);
		xfer_check(&x[i]);
		memset(x[i].dst, 0, LEN);
	}

	/*
	 * Wraparound, nothing issued: INT32_MAX-2 .. INT32_MAX, then 1 .. 5.
	 * Every not yet issued one is in progress, on either side of the wrap.
	 */
	dma_release_channel(chan);
	chan = t_request(DMA_MEMCPY);
	set_cookies(chan, INT32_MAX - 3);
	prev = INT32_MAX - 3;
	for (int i = 0; i < 8; i++) {
		c = submit(chan, &x[i]);
		CHECK_EQ(c, next_cookie(prev));
		prev = c;
	}
	CHECK_EQ(x[0].cookie, INT32_MAX - 2);
	CHECK_EQ(x[2].cookie, INT32_MAX);
	CHECK_EQ(x[3].cookie, DMA_MIN_COOKIE);
	CHECK_EQ(x[7].cookie, 5);
	for (int i = 0; i < 8; i++) {
		memset(&st, 0xff, sizeof(st));
		CHECK_EQ(dmaengine_tx_status(chan, x[i].cookie, &st), DMA_IN_PROGRESS);
		CHECK_EQ(st.last, INT32_MAX - 3);
		CHECK_EQ(st.used, 5);
		CHECK_EQ(st.residue, LEN);	/* BURST granularity, not started */
		CHECK(x[i].dst[0] == 0 && x[i].dst[LEN - 1] == 0);
	}
	CHECK_EQ(dma_sync_wait(chan, x[7].cookie), DMA_COMPLETE);
	for (int i = 0; i < 8; i++) {
		memset(&st, 0xff, sizeof(st));
		CHECK_EQ(dmaengine_tx_status(chan, x[i].cookie, &st), DMA_COMPLETE);
		CHECK_EQ(st.last, 5);
		CHECK_EQ(st.used, 5);
		CHECK_EQ(st.residue, 0);
		xfer_check(&x[i]);
		memset(x[i].dst, 0, LEN);
	}

	/* Completed up to INT32_MAX, used wrapped to 1 .. 3: the split view. */
	dma_release_channel(chan);
	chan = t_request(DMA_MEMCPY);
	set_cookies(chan, INT32_MAX - 3);
	for (int i = 0; i < 3; i++)
		submit(chan, &x[i]);
	CHECK_EQ(dma_sync_wait(chan, x[2].cookie), DMA_COMPLETE);
	CHECK_EQ(x[2].cookie, INT32_MAX);
	for (int i = 3; i < 6; i++)
		submit(chan, &x[i]);
	CHECK_EQ(x[3].cookie, 1);
	CHECK_EQ(x[5].cookie, 3);
	for (int i = 0; i < 6; i++) {
		enum dma_status want = i < 3 ? DMA_COMPLETE : DMA_IN_PROGRESS;

		CHECK_EQ(dmaengine_tx_status(chan, x[i].cookie, &st), want);
		CHECK_EQ(st.last, INT32_MAX);
		CHECK_EQ(st.used, 3);
		CHECK_EQ(dma_async_is_tx_complete(chan, x[i].cookie, NULL, NULL), want);
	}
	for (int i = 3; i < 6; i++)
		CHECK(x[i].dst[0] == 0 && x[i].dst[LEN - 1] == 0);
	CHECK_EQ(dma_sync_wait(chan, x[5].cookie), DMA_COMPLETE);
	for (int i = 0; i < 6; i++) {
		dma_cookie_t last = 0, used = 0;

		CHECK_EQ(dma_async_is_tx_complete(chan, x[i].cookie, &last, &used), DMA_COMPLETE);
		CHECK_EQ(last, 3);
		CHECK_EQ(used, 3);
		xfer_check(&x[i]);
	}

	dma_release_channel(chan);
	for (int i = 0; i < 8; i++)
		xfer_free(&x[i]);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-cookies: %zu dma_async_is_complete cases, cookies +1 per submit and "
	       "INT32_MAX -> 1 wrap with correct status\n", n);
	return 0;
}

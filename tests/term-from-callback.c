/* SPDX-License-Identifier: MIT */
/*
 * R5 from callback context: terminate_async works there; terminate_sync is
 * refused with -EDEADLK and synchronize is refused (both would wait for the
 * callback itself); terminate_all acts as terminate_async there and as
 * terminate_sync outside; release from a callback is refused.
 */
#include "helpers.h"

struct ctx {
	struct dma_chan *chan;
	struct t_counter calls;
	int sync_ret, async_ret, all_ret;
	int diags_in_callback;
};

static void cb(void *param)
{
	struct ctx *c = param;
	int before = t_diag_count();

	c->sync_ret = dmaengine_terminate_sync(c->chan);
	dmaengine_synchronize(c->chan);		/* refused: would wait for itself */
	dma_release_channel(c->chan);		/* refused: release synchronizes */
	c->all_ret = dmaengine_terminate_all(c->chan);	/* = terminate_async here */
	c->async_ret = dmaengine_terminate_async(c->chan);
	c->diags_in_callback = t_diag_count() - before;
	t_counter_bump(&c->calls);
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	enum { N = 50, LEN = 256 * 1024 };
	unsigned char *src = t_alloc(N * LEN), *dst = t_alloc(N * LEN);
	struct ctx c = { .chan = chan };
	struct dma_async_tx_descriptor *tx;

	t_diag_capture();
	t_counter_init(&c.calls);
	t_fill(src, N * LEN, 1);
	for (int i = 0; i < N; i++) {
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst + i * LEN), t_addr(src + i * LEN), LEN,
					       DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = cb;
		tx->callback_param = &c;
		CHECK(dmaengine_submit(tx) > 0);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&c.calls, 1, 10000));
	dmaengine_synchronize(chan);

	CHECK_EQ(c.sync_ret, -EDEADLK);
	CHECK_EQ(c.all_ret, 0);
	CHECK_EQ(c.async_ret, 0);
	CHECK_EQ(c.diags_in_callback, 3);	/* terminate_sync, synchronize, release */
	/* The first callback stopped the rest: 50 copies of 256 KiB are far from
	 * done when the first completes, and nothing calls back after synchronize. */
	{
		int n = t_counter_get(&c.calls);

		t_sleep_us(50000);
		CHECK_EQ(t_counter_get(&c.calls), n);
		CHECK(n < N);
	}

	/* Outside a callback terminate_all is terminate_sync: it returns stopped. */
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, 0);
	CHECK(tx);
	CHECK(dmaengine_submit(tx) > 0);
	dma_async_issue_pending(chan);
	CHECK_EQ(dmaengine_terminate_all(chan), 0);

	/* and the channel is still good */
	memset(dst, 0, LEN);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, 0);
	CHECK(tx);
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
	CHECK(memcmp(dst, src, LEN) == 0);

	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("term-from-callback: terminate_sync -EDEADLK, synchronize and release refused, "
	       "terminate_async/all stop the channel from a callback\n");
	return 0;
}

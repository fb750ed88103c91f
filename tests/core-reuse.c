/* SPDX-License-Identifier: MIT */
/* R9: a DMA_CTRL_REUSE descriptor is resubmitted until dmaengine_desc_free; others are freed after completion. */
#include "helpers.h"

#define LEN (256 * 1024)
#define ROUNDS 10

static struct dma_async_tx_descriptor *prep(struct dma_chan *chan, void *dst, const void *src,
					    size_t len)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), len, DMA_PREP_INTERRUPT);
	CHECK(tx);
	return tx;
}

static void verified_copy(struct dma_chan *chan)
{
	unsigned char src[4096], dst[4096];
	dma_cookie_t cookie;

	t_fill(src, sizeof(src), 11);
	memset(dst, 0, sizeof(dst));
	cookie = dmaengine_submit(prep(chan, dst, src, sizeof(src)));
	CHECK(cookie >= DMA_MIN_COOKIE);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(src, dst, sizeof(src)) == 0);
}

/* Submit, complete, resubmit one reusable descriptor; the data is new each round. */
static void reuse_rounds(struct dma_chan *chan)
{
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN);
	struct dma_async_tx_descriptor *tx;
	struct t_counter done;
	dma_cookie_t cookie, prev = 0;

	t_counter_init(&done);
	tx = prep(chan, dst, src, LEN);
	CHECK(!dmaengine_desc_test_reuse(tx));
	CHECK_EQ(dmaengine_desc_set_reuse(tx), 0);
	CHECK(dmaengine_desc_test_reuse(tx));
	tx->callback = t_count_callback;
	tx->callback_param = &done;

	for (int round = 0; round < ROUNDS; round++) {
		t_fill(src, LEN, (unsigned int)round + 1000);
		memset(dst, 0, LEN);
		cookie = dmaengine_submit(tx);
		CHECK(cookie >= DMA_MIN_COOKIE);
		if (round)
			CHECK_EQ(cookie, prev + 1);
		prev = cookie;
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&done, round + 1, 10000));
		CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
		CHECK(memcmp(src, dst, LEN) == 0);
	}
	CHECK_EQ(t_counter_get(&done), ROUNDS);
	CHECK_EQ(dmaengine_desc_free(tx), 0);
	free(src);
	free(dst);
}

/* Resubmitted from its own callback, kernel style: the callback may submit it again (R4, R9). */
struct self_resubmit {
	struct dma_async_tx_descriptor *tx;
	unsigned char *src, *dst;
	int rounds;		/* callbacks so far; touched only in callbacks */
	int bad;		/* atomic */
	struct t_counter done;
};

static void self_callback(void *param)
{
	struct self_resubmit *r = param;

	if (memcmp(r->src, r->dst, LEN))
		__atomic_fetch_add(&r->bad, 1, __ATOMIC_SEQ_CST);
	if (++r->rounds < ROUNDS) {
		memset(r->dst, 0, LEN);
		t_fill(r->src, LEN, (unsigned int)r->rounds + 2000);
		if (dmaengine_submit(r->tx) < DMA_MIN_COOKIE) {
			int left = ROUNDS - r->rounds + 1;

			__atomic_fetch_add(&r->bad, 1, __ATOMIC_SEQ_CST);
			while (left-- > 0)	/* no more rounds: end the wait */
				t_counter_bump(&r->done);
			return;
		}
		dma_async_issue_pending(r->tx->chan);
	}
	t_counter_bump(&r->done);
}

static void reuse_from_callback(struct dma_chan *chan)
{
	struct self_resubmit r = { .src = t_alloc(LEN), .dst = t_alloc(LEN) };

	t_counter_init(&r.done);
	t_fill(r.src, LEN, 2000);
	memset(r.dst, 0, LEN);
	r.tx = prep(chan, r.dst, r.src, LEN);
	CHECK_EQ(dmaengine_desc_set_reuse(r.tx), 0);
	r.tx->callback = self_callback;
	r.tx->callback_param = &r;
	CHECK(dmaengine_submit(r.tx) >= DMA_MIN_COOKIE);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&r.done, ROUNDS, 10000));
	t_sleep_us(20000);	/* the point: no callback after the last round */
	CHECK_EQ(t_counter_get(&r.done), ROUNDS);
	CHECK_EQ(__atomic_load_n(&r.bad, __ATOMIC_SEQ_CST), 0);
	CHECK(memcmp(r.src, r.dst, LEN) == 0);
	CHECK_EQ(dmaengine_desc_free(r.tx), 0);
	free(r.src);
	free(r.dst);
}

/* Without DMA_CTRL_REUSE: freed after completion, so a second submit is refused. */
static void not_reusable(struct dma_chan *chan)
{
	unsigned char *src = t_alloc(4096), *dst = t_alloc(4096);
	struct dma_async_tx_descriptor *tx, *marker;
	struct t_counter done;

	t_counter_init(&done);
	t_fill(src, 4096, 5);
	memset(dst, 0, 4096);

	/* dmaengine_desc_free is only for reusable descriptors */
	tx = prep(chan, dst, src, 4096);
	t_diag_reset();
	CHECK_EQ(dmaengine_desc_free(tx), -EPERM);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("DMA_CTRL_REUSE");

	/* ... and it is still the client's to submit */
	CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	/* the marker's callback runs after tx's descriptor was released */
	marker = prep(chan, dst + 2048, src + 2048, 16);
	marker->callback = t_count_callback;
	marker->callback_param = &done;
	CHECK(dmaengine_submit(marker) >= DMA_MIN_COOKIE);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK(memcmp(src, dst, 4096) == 0);

	/* tx was freed (into the channel's cache: nothing prepped since) */
	t_diag_reset();
	CHECK(dmaengine_submit(tx) < 0);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("freed");
	t_diag_reset();
	CHECK(dmaengine_desc_free(tx) < 0);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("freed");
	verified_copy(chan);
	free(src);
	free(dst);
}

/* Submitting twice before completion: refused, and the first submit still runs. */
static void double_submit(struct dma_chan *chan)
{
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN);
	struct dma_async_tx_descriptor *tx;
	struct t_counter done;
	dma_cookie_t cookie, again;

	t_counter_init(&done);
	t_fill(src, LEN, 6);
	memset(dst, 0, LEN);
	for (int reuse = 0; reuse < 2; reuse++) {
		tx = prep(chan, dst, src, LEN);
		if (reuse)
			CHECK_EQ(dmaengine_desc_set_reuse(tx), 0);
		cookie = t_submit_counted(tx, &done);
		t_diag_reset();
		again = dmaengine_submit(tx);
		CHECK(again < 0);
		CHECK(dma_submit_error(again) < 0);
		CHECK_EQ(t_diag_count(), 1);
		CHECK_DIAG("submitted already");
		if (!reuse) {
			/* too late to make it reusable: the provider decided at submit */
			t_diag_reset();
			CHECK_EQ(dmaengine_desc_set_reuse(tx), -EBUSY);
			CHECK_EQ(t_diag_count(), 1);
			CHECK_DIAG("before dmaengine_submit");
			CHECK(!dmaengine_desc_test_reuse(tx));
		}
		if (reuse) {
			/* a queued reusable descriptor cannot be freed */
			t_diag_reset();
			CHECK_EQ(dmaengine_desc_free(tx), -EBUSY);
			CHECK_EQ(t_diag_count(), 1);
			CHECK_DIAG("queued");
		}
		CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_IN_PROGRESS);
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&done, reuse + 1, 10000));
		CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
		CHECK(memcmp(src, dst, LEN) == 0);
		memset(dst, 0, LEN);
	}
	t_sleep_us(20000);	/* the point: one callback per accepted submit */
	CHECK_EQ(t_counter_get(&done), 2);
	CHECK_EQ(dmaengine_desc_free(tx), 0);
	free(src);
	free(dst);
}

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

/* A device without descriptor reuse refuses set_reuse; the descriptor stays usable. */
static void no_reuse_device(void)
{
	struct udma_soft_config cfg = { .name = "noreuse", .nr_channels = 1,
					.flags = UDMA_SOFT_NO_REUSE };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_async_tx_descriptor *tx;
	unsigned char src[4096], dst[4096];
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	dma_cookie_t cookie;

	CHECK(!dev->descriptor_reuse);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, on_device, dev);
	CHECK(chan && chan->device == dev);
	t_fill(src, sizeof(src), 8);
	memset(dst, 0, sizeof(dst));
	tx = prep(chan, dst, src, sizeof(src));
	t_diag_reset();
	CHECK_EQ(dmaengine_desc_set_reuse(tx), -EPERM);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("reuse");
	CHECK(!dmaengine_desc_test_reuse(tx));
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(src, dst, sizeof(src)) == 0);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);

	CHECK(dev->descriptor_reuse);
	t_diag_capture();
	reuse_rounds(chan);
	reuse_from_callback(chan);
	not_reusable(chan);
	double_submit(chan);
	no_reuse_device();
	verified_copy(chan);
	dma_release_channel(chan);
	udma_set_diag_handler(NULL, NULL);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-reuse: descriptors reused %d times (woken thread, own callback), then freed; non-reusable ones "
	       "freed after completion; double submit and NO_REUSE refused\n", ROUNDS);
	return 0;
}

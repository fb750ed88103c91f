/* SPDX-License-Identifier: MIT */
/* R10: dma_release_channel with work in flight stops it and its callbacks; destroy is -EBUSY while a channel is held. */
#include "helpers.h"

#define NCOPIES 256
#define COPY_LEN (1 << 20)

struct release_state {
	struct t_counter done;
	int released;		/* atomic: dma_release_channel returned */
	int late;		/* atomic: callbacks that ran after it returned */
};

static void release_callback(void *param)
{
	struct release_state *rs = param;

	if (__atomic_load_n(&rs->released, __ATOMIC_SEQ_CST))
		__atomic_fetch_add(&rs->late, 1, __ATOMIC_SEQ_CST);
	t_sleep_us(50);	/* widen the window a release could slip through */
	t_counter_bump(&rs->done);
}

static void verified_copy(struct dma_chan *chan, size_t len)
{
	unsigned char *src = t_alloc(len), *dst = t_alloc(len);

	t_fill(src, len, (unsigned int)len);
	memset(dst, 0, len);
	t_run(chan, dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), len,
					      DMA_PREP_INTERRUPT));
	CHECK(memcmp(src, dst, len) == 0);
	free(src);
	free(dst);
}

/* Release with many large copies queued and running. */
static int release_in_flight(void)
{
	struct release_state rs = { 0 };
	unsigned char *src = t_alloc(COPY_LEN), *dst[8];
	struct dma_chan *chan = t_request(DMA_MEMCPY), *again;
	int after, later;

	t_counter_init(&rs.done);
	t_fill(src, COPY_LEN, 1);
	for (int i = 0; i < 8; i++)
		dst[i] = t_alloc(COPY_LEN);
	for (int i = 0; i < NCOPIES; i++) {
		struct dma_async_tx_descriptor *tx;

		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst[i % 8]), t_addr(src), COPY_LEN,
					       DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = release_callback;
		tx->callback_param = &rs;
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&rs.done, 20, 10000));	/* copies and callbacks flowing */

	dma_release_channel(chan);
	__atomic_store_n(&rs.released, 1, __ATOMIC_SEQ_CST);
	after = t_counter_get(&rs.done);
	CHECK(after >= 20);
	CHECK(after < NCOPIES);	/* 256 MiB of copies cannot all be done yet */
	/* The controller let go of the buffers: freeing them now is safe (ASan). */
	for (int i = 0; i < 8; i++)
		free(dst[i]);
	t_sleep_us(50000);	/* the point: nothing runs after release */
	later = t_counter_get(&rs.done);
	CHECK_EQ(later, after);
	CHECK_EQ(__atomic_load_n(&rs.late, __ATOMIC_SEQ_CST), 0);
	CHECK_EQ(chan->client_count, 0);

	/* Released twice: refused with a diagnostic, nothing breaks. */
	t_diag_reset();
	dma_release_channel(chan);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("not held");

	/* The same channel is free again and works. */
	again = t_request(DMA_MEMCPY);
	CHECK(again == chan);
	verified_copy(again, COPY_LEN + 3);
	dma_release_channel(again);
	free(src);
	return after;
}

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

/* Destroy refuses a device with a held channel, and leaves it working. */
static void destroy_busy(void)
{
	struct udma_soft_config cfg = { .name = "busy", .nr_channels = 2,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, on_device, dev);
	CHECK(chan && chan->device == dev);

	t_diag_reset();
	CHECK_EQ(udma_soft_destroy(dev), -EBUSY);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("still held");
	verified_copy(chan, 65536 * 3 + 1);
	CHECK_EQ(udma_soft_destroy(dev), -EBUSY);
	verified_copy(chan, 17);

	dma_release_channel(chan);
	t_diag_reset();
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);

	int called_back;

	t_diag_capture();
	called_back = release_in_flight();
	destroy_busy();
	udma_set_diag_handler(NULL, NULL);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-release: released with %d of %d copies called back and none after; "
	       "destroy -EBUSY while held, 0 after\n", called_back, NCOPIES);
	return 0;
}

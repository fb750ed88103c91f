/* SPDX-License-Identifier: MIT */
/*
 * The controller goes away under its client (udma_soft_unplug): every
 * transfer running or queued is reported once through callback_result as
 * aborted, with its residue (a nonzero one: a transfer whose bytes had all
 * moved is reported complete), before unplug returns; the held channel then
 * answers -ENODEV (NULL, DMA_ERROR) to everything but release; no new
 * channel is handed out; destroy is -EBUSY until the client releases, then
 * works. Nothing hangs.
 */
#include "helpers.h"

#define N 24
#define LEN (4 << 20)

struct outcome {
	int calls;			/* atomic */
	struct dmaengine_result res;
};

static void on_result(void *param, const struct dmaengine_result *r)
{
	struct outcome *o = param;

	o->res = *r;
	__atomic_fetch_add(&o->calls, 1, __ATOMIC_RELEASE);
}

/*
 * The same with small copies, which the controller runs from their submit
 * entries without tracking progress: still reported once each, as done
 * (bytes exact) or aborted with their whole length as residue.
 */
#define SMALL_N 20000
#define SMALL_LEN 256

static void small_copies(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	unsigned char *src = t_alloc((size_t)SMALL_N * SMALL_LEN);
	unsigned char *dst = t_alloc((size_t)SMALL_N * SMALL_LEN);
	static struct outcome out[SMALL_N];
	int ok = 0, aborted = 0;

	t_fill(src, (size_t)SMALL_N * SMALL_LEN, 9);
	memset(dst, 0, (size_t)SMALL_N * SMALL_LEN);
	for (int i = 0; i < SMALL_N; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			chan, t_addr(dst + (size_t)i * SMALL_LEN), t_addr(src + (size_t)i * SMALL_LEN),
			SMALL_LEN, DMA_PREP_INTERRUPT);

		CHECK(tx);
		tx->callback_result = on_result;
		tx->callback_param = &out[i];
		CHECK(dmaengine_submit(tx) > 0);
		if (i % 64 == 63)
			dma_async_issue_pending(chan);
	}
	dma_async_issue_pending(chan);
	while (!__atomic_load_n(&out[0].calls, __ATOMIC_ACQUIRE))
		t_sleep_us(10);
	CHECK_EQ(udma_soft_unplug(dev), 0);
	for (int i = 0; i < SMALL_N; i++) {
		CHECK_EQ(__atomic_load_n(&out[i].calls, __ATOMIC_ACQUIRE), 1);
		if (out[i].res.result == DMA_TRANS_NOERROR) {
			CHECK_EQ(out[i].res.residue, 0);
			CHECK(memcmp(dst + (size_t)i * SMALL_LEN, src + (size_t)i * SMALL_LEN,
				     SMALL_LEN) == 0);
			CHECK_EQ(aborted, 0);	/* completion order: the done ones first */
			ok++;
		} else {
			CHECK_EQ(out[i].res.result, DMA_TRANS_ABORTED);
			CHECK_EQ(out[i].res.residue, SMALL_LEN);
			aborted++;
		}
	}
	CHECK(ok >= 1);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("soft-unplug: %d small copies: %d done, %d aborted, once each\n", SMALL_N, ok,
	       aborted);
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	unsigned char *src = t_alloc((size_t)N * LEN), *dst = t_alloc((size_t)N * LEN);
	static struct outcome out[N];
	struct dma_async_tx_descriptor *held;
	int ok = 0, aborted = 0, partial = 0;
	dma_cap_mask_t mask;

	t_diag_capture();
	memset(src, 3, (size_t)N * LEN);
	for (int i = 0; i < N; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			chan, t_addr(dst + (size_t)i * LEN), t_addr(src + (size_t)i * LEN), LEN,
			DMA_PREP_INTERRUPT);

		CHECK(tx);
		tx->callback_result = on_result;
		tx->callback_param = &out[i];
		CHECK(dmaengine_submit(tx) > 0);
	}
	dma_async_issue_pending(chan);
	held = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 64, 0);	/* never submitted */
	CHECK(held);
	while (!__atomic_load_n(&out[0].calls, __ATOMIC_ACQUIRE))	/* one done, more running */
		t_sleep_us(100);

	CHECK_EQ(udma_soft_unplug(dev), 0);

	/* every transfer reported exactly once, before unplug returned */
	for (int i = 0; i < N; i++) {
		CHECK_EQ(__atomic_load_n(&out[i].calls, __ATOMIC_ACQUIRE), 1);
		if (out[i].res.result == DMA_TRANS_NOERROR) {
			CHECK_EQ(out[i].res.residue, 0);
			CHECK(memcmp(dst + (size_t)i * LEN, src + (size_t)i * LEN, LEN) == 0);
			ok++;
		} else {
			CHECK_EQ(out[i].res.result, DMA_TRANS_ABORTED);
			CHECK(out[i].res.residue > 0 && out[i].res.residue <= LEN);
			partial += out[i].res.residue < LEN;
			aborted++;
		}
	}
	CHECK(ok >= 1 && aborted >= 1);	/* 96 MiB of copies outlast a first callback */

	/* the channel is gone for everything but release */
	CHECK_EQ(dmaengine_terminate_sync(chan), -ENODEV);
	CHECK_DIAG("unregistered");
	CHECK_EQ(dmaengine_pause(chan), -ENODEV);
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 64, 0));
	CHECK_EQ(dmaengine_tx_status(chan, 2, NULL), DMA_ERROR);
	dma_async_issue_pending(chan);
	CHECK_DIAG("unregistered");
	CHECK_EQ(dmaengine_desc_set_reuse(held), -ENODEV);	/* a descriptor it still holds */
	CHECK_EQ(udma_soft_inject(chan, NULL), -ENODEV);
	CHECK_EQ(dmaengine_submit(held), -ENODEV);
	CHECK_DIAG("unregistered");
	CHECK_EQ(udma_soft_unplug(dev), -EINVAL);	/* once */

	/* no new channels from it, and it stays until released */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	CHECK(dma_request_channel(mask, NULL, NULL) == NULL);
	CHECK_EQ(udma_soft_destroy(dev), -EBUSY);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);

	/* a new controller works as before */
	dev = t_soft_create(NULL);
	chan = t_request(DMA_MEMCPY);
	memset(dst, 0, 4096);
	t_run(chan, dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 4096, 0));
	CHECK(memcmp(dst, src, 4096) == 0);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	small_copies();
	printf("soft-unplug: %d completed and %d aborted (%d mid-copy) reported once each; "
	       "-ENODEV after, destroy after release\n", ok, aborted, partial);
	return 0;
}

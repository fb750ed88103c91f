/* SPDX-License-Identifier: MIT */
/*
 * CUDA channels, memset: device memory and pinned host memory filled
 * byte-exact with the low byte of value, guards untouched; a memset and
 * the copy that reads it back in one submission keep their order; pageable
 * memory is refused.
 */
#include "cuda-test.h"

static void fill_dev(struct dma_chan *chan, size_t len, size_t off, int value)
{
	size_t tot = len + 2 * off + 3;
	unsigned char *dev = t_dev_alloc(tot), *back = t_alloc(tot), *host = t_alloc(tot);
	struct t_counter done;
	struct t_res r[2];
	dma_addr_t h;
	int order = 0;

	t_counter_init(&done);
	t_res_init(&r[0], &done, &order);
	t_res_init(&r[1], &done, &order);
	t_dev_fill(dev, 0x11, tot);
	memset(host, 0x22, tot);
	h = t_map(chan, host, tot, DMA_FROM_DEVICE);
	/* fill, then read the whole buffer back: stream order makes it see the fill */
	t_submit(dmaengine_prep_dma_memset(chan, t_dptr(dev) + off, value, len, DMA_PREP_INTERRUPT),
		 &r[0]);
	t_submit(dmaengine_prep_dma_memcpy(chan, h, t_dptr(dev), tot, DMA_PREP_INTERRUPT), &r[1]);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 2, 10000));
	CHECK_EQ(r[0].result, DMA_TRANS_NOERROR);
	CHECK_EQ(r[1].result, DMA_TRANS_NOERROR);
	CHECK_EQ(r[0].seq, 0);
	CHECK_EQ(r[1].seq, 1);
	for (size_t i = 0; i < tot; i++)
		CHECK_EQ(host[i], i >= off && i < off + len ? (value & 0xff) : 0x11);
	t_from_dev(back, dev, tot);
	CHECK(memcmp(back, host, tot) == 0);
	t_unmap(chan, h, tot, DMA_FROM_DEVICE);
	t_dev_free(dev);
	free(back);
	free(host);
}

/* A memset of pinned host memory: the GPU writes it through the mapping. */
static void fill_host(struct dma_chan *chan, size_t len)
{
	unsigned char *host = t_alloc(len + 2);
	dma_cookie_t cookie;
	dma_addr_t h;

	memset(host, 0x33, len + 2);
	h = t_map(chan, host, len + 2, DMA_BIDIRECTIONAL);
	cookie = t_submit(dmaengine_prep_dma_memset(chan, h + 1, 0x7c, len, 0), NULL);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK_EQ(host[0], 0x33);
	CHECK_EQ(host[len + 1], 0x33);
	for (size_t i = 1; i <= len; i++)
		CHECK_EQ(host[i], 0x7c);
	t_unmap(chan, h, len + 2, DMA_BIDIRECTIONAL);
	free(host);
}

int main(void)
{
	static const size_t sizes[] = { 1, 7, 64, 4095, 4096, 65537, 1 << 20 };
	struct dma_device *dev;
	struct dma_chan *chan;
	unsigned char *pageable;

	t_cuda_start("cuda-memset");
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		fill_dev(chan, sizes[i], i % 3, 0x100 + 0x31 * (int)i);	/* only the low byte counts */
	fill_host(chan, 5000);

	pageable = t_alloc(4096);
	t_diag_reset();
	CHECK(!dmaengine_prep_dma_memset(chan, t_addr(pageable), 0, 4096, 0));
	CHECK_DIAG("dma_map_single");
	CHECK(!dmaengine_prep_dma_memset(chan, 0, 0, 16, 0));
	CHECK_DIAG("dest is 0");
	free(pageable);
	fill_dev(chan, 100, 1, 0xee);	/* still usable */

	dma_release_channel(chan);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-memset: %zu sizes on device memory + pinned host memory, byte-exact, ordered "
	       "with the read-back copy; pageable memory refused\n", sizeof(sizes) / sizeof(sizes[0]));
	return 0;
}

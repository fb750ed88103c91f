/* SPDX-License-Identifier: MIT */
/* memcpy and memset through a soft channel: every byte lands, nothing else moves. */
#include "helpers.h"

static void copy_one(struct dma_chan *chan, size_t len, size_t off)
{
	unsigned char *src = t_alloc(len + 128), *dst = t_alloc(len + 128), *want = t_alloc(len + 128);

	t_fill(src, len + 128, (unsigned int)len);
	memset(dst, 0xa5, len + 128);
	memcpy(want, dst, len + 128);
	memcpy(want + off, src + off, len);

	t_run(chan, dmaengine_prep_dma_memcpy(chan, t_addr(dst + off), t_addr(src + off), len,
					      DMA_PREP_INTERRUPT));
	CHECK(memcmp(dst, want, len + 128) == 0);	/* guard bytes untouched too */
	free(src);
	free(dst);
	free(want);
}

static void fill_one(struct dma_chan *chan, size_t len, int value)
{
	unsigned char *dst = t_alloc(len + 2);
	dma_cookie_t cookie;
	struct dma_async_tx_descriptor *tx;

	memset(dst, 0x11, len + 2);
	tx = dmaengine_prep_dma_memset(chan, t_addr(dst + 1), value, len, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK_EQ(dst[0], 0x11);
	CHECK_EQ(dst[len + 1], 0x11);
	for (size_t i = 1; i <= len; i++)
		CHECK_EQ(dst[i], value & 0xff);
	free(dst);
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	static const size_t sizes[] = { 1, 7, 64, 4095, 4096, 65536, 65537, 1 << 20, (3 << 20) + 5 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		copy_one(chan, sizes[i], i % 5);
		fill_one(chan, sizes[i], 0x100 + (int)i);	/* only the low byte counts */
	}
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("memcpy-basic: %zu sizes copied and filled, guard bytes intact\n",
	       sizeof(sizes) / sizeof(sizes[0]));
	return 0;
}

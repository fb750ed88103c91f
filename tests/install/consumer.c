/* A program outside the project: builds against the installed headers and library. */
#include <stdio.h>
#include <string.h>
#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

int main(void)
{
	struct dma_device *soft = udma_soft_create(NULL);
	char src[256], dst[256];
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	dma_cookie_t cookie;

	if (IS_ERR(soft))
		return 1;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	memset(src, 7, sizeof(src));
	cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, (dma_addr_t)(uintptr_t)dst,
							    (dma_addr_t)(uintptr_t)src, sizeof(src), 0));
	if (dma_sync_wait(chan, cookie) != DMA_COMPLETE || memcmp(src, dst, sizeof(src)))
		return 1;
	dma_release_channel(chan);
	udma_soft_destroy(soft);
	puts("consumer: copied through the installed udmaengine");
	return 0;
}

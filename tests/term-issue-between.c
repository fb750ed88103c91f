/* SPDX-License-Identifier: MIT */
/*
 * R6: dma_async_issue_pending between terminate_async and synchronize is a
 * misuse: reported with a diagnostic. udmaengine defines what happens: the
 * new descriptors are kept and run (no accepted transfer is lost), the
 * terminated ones do not. After synchronize, issue_pending is quiet again.
 */
#include "helpers.h"

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	enum { LEN = 1 << 20 };
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN), *dst2 = t_alloc(LEN);
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	int diags;

	t_diag_capture();
	t_fill(src, LEN, 3);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, 0);
	CHECK(dmaengine_submit(tx) > 0);
	dma_async_issue_pending(chan);
	CHECK_EQ(dmaengine_terminate_async(chan), 0);

	memset(dst2, 0, LEN);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst2), t_addr(src), LEN, 0);
	cookie = dmaengine_submit(tx);
	CHECK(cookie > 0);
	diags = t_diag_count();
	dma_async_issue_pending(chan);
	CHECK_EQ(t_diag_count(), diags + 1);
	CHECK_DIAG("between dmaengine_terminate_async and dmaengine_synchronize");

	dmaengine_synchronize(chan);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(dst2, src, LEN) == 0);

	diags = t_diag_count();
	dma_async_issue_pending(chan);
	CHECK_EQ(t_diag_count(), diags);

	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	free(dst2);
	printf("term-issue-between: misuse reported once, the new transfer still ran byte-exact\n");
	return 0;
}

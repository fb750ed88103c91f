/* SPDX-License-Identifier: MIT */
/*
 * Pinning through the DMA mapping API on the CUDA controller's device:
 * dma_map_single pins (cudaHostRegister) and dma_unmap_single unpins;
 * dma_map_sg entries sharing a page share one registration; overlapping
 * mappings keep pages pinned until the last one goes; memory the program
 * pinned itself is used as is and left pinned; failures unwind; mapped
 * memory really is what the copy engine reads and writes.
 */
#include "cuda-test.h"

#if T_DOUBLE
static struct cudart_double_stats stats(void)
{
	struct cudart_double_stats st;

	cudart_double_get_stats(&st);
	return st;
}
#endif

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;
	struct device *d;
	unsigned char *page, *big, *dbuf, *pinned;
	struct scatterlist sgl[5];
	dma_addr_t a, b;
	unsigned char want[4 * 100 + 10000];

	t_cuda_start("cuda-map");
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);
	d = chan->device->dev;
	page = aligned_alloc(4096, 4096);
	big = aligned_alloc(4096, 5 * 4096);
	dbuf = t_dev_alloc(1 << 16);
	CHECK(page && big);

	/* single: the address is the host address, pinned while mapped */
	CHECK_EQ(t_mem_type(big), cudaMemoryTypeUnregistered);
	a = dma_map_single(d, big + 100, 10000, DMA_TO_DEVICE);
	CHECK(a != DMA_MAPPING_ERROR);
	CHECK_EQ(a, t_addr(big + 100));
	CHECK_EQ(t_mem_type(big + 100), cudaMemoryTypeHost);
	CHECK_EQ(t_mem_type(big + 100 + 9999), cudaMemoryTypeHost);
#if T_DOUBLE
	CHECK_EQ(stats().live_registrations, 1);
	CHECK_EQ(stats().pinned_bytes, 3 * 4096);	/* whole pages: [0, 12288) covers 100..10099 */
#endif
	dma_unmap_single(d, a, 10000, DMA_TO_DEVICE);
	CHECK_EQ(t_mem_type(big + 100), cudaMemoryTypeUnregistered);
#if T_DOUBLE
	CHECK_EQ(stats().live_registrations, 0);
	CHECK_EQ(stats().host_unregisters, 1);
#endif

	/* sg: four 100-byte entries in one page and one spanning pages */
	sg_init_table(sgl, 5);
	for (int i = 0; i < 4; i++)
		sg_set_buf(&sgl[i], page + 200 * i, 100);
	sg_set_buf(&sgl[4], big + 4000, 10000);
	t_fill(page, 4096, 1);
	t_fill(big, 5 * 4096, 2);
	for (int i = 0; i < 4; i++)
		memcpy(want + 100 * i, page + 200 * i, 100);
	memcpy(want + 400, big + 4000, 10000);
#if T_DOUBLE
	CHECK_EQ(stats().host_registers, 1);	/* the single mapping above */
#endif
	CHECK_EQ(dma_map_sg(d, sgl, 5, DMA_BIDIRECTIONAL), 5);
#if T_DOUBLE
	CHECK_EQ(stats().host_registers, 1 + 2);	/* one per page range, not one per entry */
	CHECK_EQ(stats().live_registrations, 2);
#endif
	for (int i = 0; i < 5; i++)
		CHECK_EQ(t_mem_type((void *)(uintptr_t)sg_dma_address(&sgl[i])), cudaMemoryTypeHost);
	/* through the GPU and back: clear the host side in between */
	{
		struct scatterlist *sg;
		dma_cookie_t last = 0;
		size_t off = 0;
		int i;

		for_each_sg(sgl, sg, 5, i) {
			last = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dbuf + off),
								  sg_dma_address(sg), sg_dma_len(sg), 0),
					NULL);
			off += sg_dma_len(sg);
		}
		CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
		for_each_sg(sgl, sg, 5, i)
			memset(sg_virt(sg), 0, sg->length);
	}
	{
		struct scatterlist *sg;
		dma_cookie_t last = 0;
		size_t off = 0;
		int i;

		for_each_sg(sgl, sg, 5, i) {
			last = t_submit(dmaengine_prep_dma_memcpy(chan, sg_dma_address(sg),
								  t_dptr(dbuf + off), sg_dma_len(sg), 0),
					NULL);
			off += sg_dma_len(sg);
		}
		CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
		off = 0;
		for_each_sg(sgl, sg, 5, i) {
			CHECK(memcmp(sg_virt(sg), want + off, sg->length) == 0);
			off += sg->length;
		}
	}
	dma_unmap_sg(d, sgl, 5, DMA_BIDIRECTIONAL);
	CHECK_EQ(t_mem_type(page), cudaMemoryTypeUnregistered);
	CHECK_EQ(t_mem_type(big + 4000), cudaMemoryTypeUnregistered);
#if T_DOUBLE
	CHECK_EQ(stats().live_registrations, 0);
	CHECK_EQ(stats().pinned_bytes, 0);
#endif

	/* overlapping mappings: the shared page stays pinned until both are gone */
	a = dma_map_single(d, big, 6000, DMA_TO_DEVICE);
	b = dma_map_single(d, big + 5000, 6000, DMA_TO_DEVICE);
	CHECK(a != DMA_MAPPING_ERROR && b != DMA_MAPPING_ERROR);
#if T_DOUBLE
	CHECK_EQ(stats().live_registrations, 2);	/* [0, 8K) and the gap [8K, 12K) */
#endif
	/*
	 * b's range is two registrations: the page it shares with a, and the
	 * gap after it. The runtime refuses one operation across both, so the
	 * controller cuts there: a copy, a memset and an interleaved copy of
	 * the whole of b still move every byte.
	 */
	t_fill(big, 5 * 4096, 3);
	memcpy(want, big + 5000, 6000);
	CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dbuf), b, 6000,
									 DMA_PREP_INTERRUPT), NULL)),
		 DMA_COMPLETE);
	memset(big + 5000, 0, 6000);
	CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_dma_memcpy(chan, b, t_dptr(dbuf), 6000,
									 DMA_PREP_INTERRUPT), NULL)),
		 DMA_COMPLETE);
	CHECK(memcmp(big + 5000, want, 6000) == 0);
	CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_dma_memset(chan, b, 0x77, 6000,
									 DMA_PREP_INTERRUPT), NULL)),
		 DMA_COMPLETE);
	for (int i = 0; i < 6000; i++)
		CHECK_EQ(big[5000 + i], 0x77);
	{
		/* 3 frames of 1500 bytes, 2000 apart in b: rows 2 and 3 cross */
		struct dma_interleaved_template *xt = calloc(1, sizeof(*xt) + sizeof(xt->sgl[0]));

		CHECK(xt != NULL);
		t_fill(want, 6000, 4);
		t_to_dev(dbuf, want, 6000);
		xt->src_start = t_dptr(dbuf);
		xt->dst_start = b;
		xt->dir = DMA_MEM_TO_MEM;
		xt->src_inc = xt->dst_inc = xt->dst_sgl = true;
		xt->numf = 3;
		xt->frame_size = 1;
		xt->sgl[0].size = 1500;
		xt->sgl[0].icg = 500;
		CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_interleaved_dma(chan, xt,
							DMA_PREP_INTERRUPT), NULL)), DMA_COMPLETE);
		for (int i = 0; i < 6000; i++)
			CHECK_EQ(big[5000 + i], i % 2000 < 1500 ? want[i / 2000 * 1500 + i % 2000] : 0x77);
		free(xt);
	}
	dma_unmap_single(d, a, 6000, DMA_TO_DEVICE);
	CHECK_EQ(t_mem_type(big + 5000), cudaMemoryTypeHost);
	CHECK_EQ(t_mem_type(big + 10999), cudaMemoryTypeHost);
	dma_unmap_single(d, b, 6000, DMA_TO_DEVICE);
	CHECK_EQ(t_mem_type(big + 5000), cudaMemoryTypeUnregistered);
	/* the same range twice: two references */
	a = dma_map_single(d, page, 64, DMA_TO_DEVICE);
	b = dma_map_single(d, page, 64, DMA_TO_DEVICE);
	CHECK_EQ(a, b);
	dma_unmap_single(d, a, 64, DMA_TO_DEVICE);
	CHECK_EQ(t_mem_type(page), cudaMemoryTypeHost);
	dma_unmap_single(d, b, 64, DMA_TO_DEVICE);
	CHECK_EQ(t_mem_type(page), cudaMemoryTypeUnregistered);

	/* the program's own pinned memory: used as is, left pinned */
	CHECK_EQ(cudaMallocHost((void **)&pinned, 8192), cudaSuccess);
	a = dma_map_single(d, pinned, 8192, DMA_FROM_DEVICE);
	CHECK_EQ(a, t_addr(pinned));
	dma_unmap_single(d, a, 8192, DMA_FROM_DEVICE);
	CHECK_EQ(t_mem_type(pinned), cudaMemoryTypeHost);
	/* and usable unmapped, as cudaMallocHost memory is */
	CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_dma_memset(chan, t_addr(pinned), 9,
									8192, 0), NULL)), DMA_COMPLETE);
	CHECK_EQ(pinned[8191], 9);
	CHECK_EQ(cudaFreeHost(pinned), cudaSuccess);

	/* unmapping what was never mapped: a diagnostic, nothing else */
	t_diag_reset();
	dma_unmap_single(d, t_addr(page), 64, DMA_TO_DEVICE);
	CHECK_DIAG("not mapped");

#if T_DOUBLE
	{
		unsigned long regs;

		CHECK_EQ(stats().live_registrations, 0);
		/* the runtime refuses: DMA_MAPPING_ERROR naming the error */
		cudart_double_inject(CUDART_DOUBLE_HOST_REGISTER, 0, CUDART_DOUBLE_AT_LAUNCH,
				     cudaErrorMemoryAllocation);
		CHECK_EQ(dma_map_single(d, big, 100, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
		CHECK_DIAG("cudaErrorMemoryAllocation");
		/* an sg list failing at its third entry unmaps the first two */
		sg_init_table(sgl, 3);
		sg_set_buf(&sgl[0], big, 100);
		sg_set_buf(&sgl[1], big + 4096, 100);
		sg_set_buf(&sgl[2], big + 8192, 100);
		regs = stats().host_registers;
		cudart_double_inject(CUDART_DOUBLE_HOST_REGISTER, 2, CUDART_DOUBLE_AT_LAUNCH,
				     cudaErrorMemoryAllocation);
		CHECK_EQ(dma_map_sg(d, sgl, 3, DMA_TO_DEVICE), 0);
		CHECK_EQ(stats().host_registers, regs + 2);
		CHECK_EQ(stats().live_registrations, 0);

		/* a mapping left behind is unpinned by destroy, with a diagnostic */
		a = dma_map_single(d, big, 100, DMA_TO_DEVICE);
		CHECK(a != DMA_MAPPING_ERROR);
		CHECK_EQ(stats().live_registrations, 1);
		dma_release_channel(chan);
		t_dev_free(dbuf);
		CHECK_EQ(udma_cuda_destroy(dev), 0);
		CHECK_DIAG("still mapped");
		CHECK_EQ(stats().live_registrations, 0);
		CHECK_EQ(stats().pageable_async, 0);
	}
#else
	dma_release_channel(chan);
	t_dev_free(dbuf);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
#endif
	free(page);
	free(big);
	printf("cuda-map: map/unmap pin and unpin; sg entries share pages; overlaps refcounted; "
	       "program-pinned memory left alone; failures unwind\n");
	return 0;
}

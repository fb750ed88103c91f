/* SPDX-License-Identifier: MIT */
/*
 * Mapping host memory for a controller. A device with no dma_ops (the soft
 * controller) sees host addresses as they are; a backend with its own
 * address space (a GPU) installs ops that pin and translate.
 */
#include "internal.h"

static const struct dma_map_ops *ops_of(const struct device *dev)
{
	return dev && dev->dma_ops && dev->dma_ops->map ? dev->dma_ops : NULL;
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	const struct dma_map_ops *ops = ops_of(dev);

	if (!ptr || size == 0) {
		udma_diag(__func__, ptr ? "size 0: must be > 0" : "ptr is NULL");
		return DMA_MAPPING_ERROR;
	}
	if ((unsigned int)dir > DMA_NONE || dir == DMA_NONE) {
		udma_diag(__func__, "dir %d is not a mapping direction", (int)dir);
		return DMA_MAPPING_ERROR;
	}
	return ops ? ops->map(dev, ptr, size, dir) : (dma_addr_t)(uintptr_t)ptr;
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	const struct dma_map_ops *ops = ops_of(dev);

	if (addr == DMA_MAPPING_ERROR) {
		udma_diag(__func__, "addr is DMA_MAPPING_ERROR");
		return;
	}
	if (ops && ops->unmap)
		ops->unmap(dev, addr, size, dir);
}

int dma_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
	       enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (!sgl || nents <= 0) {
		udma_diag(__func__, sgl ? "nents %d: must be > 0" : "sgl is NULL", nents);
		return 0;
	}
	for_each_sg(sgl, sg, nents, i) {
		if (!sg) {
			udma_diag(__func__, "sgl ends after %d entries, nents is %d", i, nents);
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		if (!sg_virt(sg) || !sg->length) {	/* named by index here, not by dma_map_single */
			udma_diag(__func__, "sgl[%d]: %s", i, sg_virt(sg) ? "length 0: must be > 0"
									: "no buffer (sg_set_buf not called?)");
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		/* anything else wrong with the entry, dma_map_single says in one line */
		sg_dma_address(sg) = dma_map_single(dev, sg_virt(sg), sg->length, dir);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

void dma_unmap_sg(struct device *dev, struct scatterlist *sgl, int nents,
		  enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (!sgl || nents <= 0)
		return;
	for_each_sg(sgl, sg, nents, i) {
		if (!sg)
			break;
		dma_unmap_single(dev, sg_dma_address(sg), sg_dma_len(sg), dir);
		sg_dma_len(sg) = 0;
	}
}

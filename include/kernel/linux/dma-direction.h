/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_DMA_DIRECTION_H
#define _UDMA_KERNEL_LINUX_DMA_DIRECTION_H

#include <linux/list.h>
#include <udmaengine/dmaengine.h>	/* enum dma_data_direction */

static inline bool valid_dma_direction(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE;
}

#endif /* _UDMA_KERNEL_LINUX_DMA_DIRECTION_H */

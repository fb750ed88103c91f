/* SPDX-License-Identifier: MIT */
/*
 * Mapping host memory for a device: udmaengine's dma_map_* calls. A
 * device without mapping ops (dma_ops NULL) maps host addresses as they
 * are.
 */
#ifndef _UDMA_KERNEL_LINUX_DMA_MAPPING_H
#define _UDMA_KERNEL_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/types.h>
#include <udmaengine/dmaengine.h>

#ifndef DMA_BIT_MASK
#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#endif

#endif /* _UDMA_KERNEL_LINUX_DMA_MAPPING_H */

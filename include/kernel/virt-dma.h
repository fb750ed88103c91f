/* SPDX-License-Identifier: MIT */
/* drivers/dma/virt-dma.h, included by drivers as "virt-dma.h": udmaengine's virt-dma. */
#ifndef _UDMA_KERNEL_DRIVERS_DMA_VIRT_DMA_H
#define _UDMA_KERNEL_DRIVERS_DMA_VIRT_DMA_H

#include <linux/dmaengine.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <udmaengine/virt-dma.h>

#include "dmaengine.h"

#endif /* _UDMA_KERNEL_DRIVERS_DMA_VIRT_DMA_H */

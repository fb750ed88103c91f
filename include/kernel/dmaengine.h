/* SPDX-License-Identifier: MIT */
/*
 * drivers/dma/dmaengine.h, the header controller drivers include as
 * "dmaengine.h": the cookie helpers (dma_cookie_init, dma_cookie_assign,
 * dma_cookie_complete, dma_cookie_status), dma_set_residue,
 * dma_set_in_flight_bytes and the callback helpers
 * (dmaengine_desc_get_callback, dmaengine_desc_callback_valid,
 * dmaengine_desc_callback_invoke, dmaengine_desc_get_callback_invoke),
 * all from <udmaengine/provider.h>.
 */
#ifndef _UDMA_KERNEL_DRIVERS_DMA_DMAENGINE_H
#define _UDMA_KERNEL_DRIVERS_DMA_DMAENGINE_H

#include <linux/bug.h>
#include <linux/dmaengine.h>
#include <udmaengine/provider.h>

#endif /* _UDMA_KERNEL_DRIVERS_DMA_DMAENGINE_H */

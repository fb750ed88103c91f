/* SPDX-License-Identifier: MIT */
/*
 * The kernel's <linux/dmaengine.h>: udmaengine's client and provider
 * APIs (<udmaengine/dmaengine.h>, <udmaengine/provider.h>), with the
 * kernel-tree forms of the list and tasklet macros they bring along.
 */
#ifndef _UDMA_KERNEL_LINUX_DMAENGINE_H
#define _UDMA_KERNEL_LINUX_DMAENGINE_H

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <udmaengine/dmaengine.h>
#include <udmaengine/provider.h>

/* For a driver's device_tx_status: fills @st (may be NULL). */
static inline void dma_set_tx_state(struct dma_tx_state *st, dma_cookie_t last,
				    dma_cookie_t used, u32 residue)
{
	if (!st)
		return;
	st->last = last;
	st->used = used;
	st->residue = residue;
}

static inline void __udma_devm_dma_unregister(void *device)
{
	dma_async_device_unregister((struct dma_device *)device);
}

/* dma_async_device_register, undone when the device's managed resources go. */
static inline int dmaenginem_async_device_register(struct dma_device *device)
{
	int ret = dma_async_device_register(device);

	if (ret)
		return ret;
	return devm_add_action_or_reset(device->dev, __udma_devm_dma_unregister, device);
}

#endif /* _UDMA_KERNEL_LINUX_DMAENGINE_H */

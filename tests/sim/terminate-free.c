// SPDX-License-Identifier: MIT
/*
 * The bug dmaengine_synchronize exists for, as kernel client code: a copy
 * is stopped with dmaengine_terminate_async, then its buffers are unmapped
 * and freed. terminate_async may return while the controller is still in
 * the middle of a burst; only dmaengine_synchronize waits for it.
 *
 *   synchronize=1 (default): terminate_async, synchronize, then free: correct
 *   synchronize=0: free right after terminate_async: the bug, which sim mode
 *                  reports when the controller writes into the freed buffer
 *
 * Run under dmaexplore (docs/simulation.md); outside sim mode it passes
 * either way, as the bug rarely shows on real threads.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include <udmaengine/soft.h>

static bool synchronize = true;
module_param(synchronize, bool, 0444);
static unsigned int rounds = 3;
module_param(rounds, uint, 0444);

static struct dma_device *soft;

static int copy_and_stop(struct dma_chan *chan, unsigned int round)
{
	struct device *dev = chan->device->dev;
	size_t len = SZ_256K;	/* four 64 KiB bursts of the soft controller */
	struct dma_async_tx_descriptor *tx;
	dma_addr_t src_dma, dst_dma;
	u8 *src, *dst;
	int ret = 0;

	src = kmalloc(len, GFP_KERNEL);
	dst = kmalloc(len, GFP_KERNEL);
	if (!src || !dst) {
		ret = -ENOMEM;
		goto out;
	}
	memset(src, (int)round + 1, len);
	src_dma = dma_map_single(dev, src, len, DMA_TO_DEVICE);
	dst_dma = dma_map_single(dev, dst, len, DMA_FROM_DEVICE);
	tx = dmaengine_prep_dma_memcpy(chan, dst_dma, src_dma, len, 0);
	if (!tx) {
		ret = -EIO;
		goto unmap;
	}
	if (dma_submit_error(dmaengine_submit(tx))) {
		ret = -EIO;
		goto unmap;
	}
	dma_async_issue_pending(chan);

	/* changed our mind: stop it */
	dmaengine_terminate_async(chan);
	if (synchronize)
		dmaengine_synchronize(chan);
unmap:
	dma_unmap_single(dev, dst_dma, len, DMA_FROM_DEVICE);
	dma_unmap_single(dev, src_dma, len, DMA_TO_DEVICE);
out:
	kfree(dst);
	kfree(src);
	return ret;
}

/* Each round on a channel of its own, as a driver bound and unbound: the
 * next round's issue_pending is not the misuse of issuing between a
 * terminate_async and its synchronize. */
static int __init terminate_free_init(void)
{
	dma_cap_mask_t mask;
	int ret = 0;

	soft = udma_soft_create(NULL);
	if (IS_ERR(soft))
		return PTR_ERR(soft);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	for (unsigned int i = 0; i < rounds && !ret; i++) {
		struct dma_chan *chan = dma_request_channel(mask, NULL, NULL);

		if (!chan) {
			pr_err("terminate-free: no memcpy channel\n");
			ret = -ENODEV;
			break;
		}
		ret = copy_and_stop(chan, i);
		dma_release_channel(chan);
	}
	udma_soft_destroy(soft);
	pr_info("terminate-free: %u rounds, synchronize=%d: %s\n", rounds, synchronize,
		ret ? "failed" : "done");
	return ret;
}
module_init(terminate_free_init);
MODULE_LICENSE("MIT");

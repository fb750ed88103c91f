// SPDX-License-Identifier: MIT
/*
 * A completion callback and the thread that frees what it uses, as kernel
 * client code. The callback reads its context; this thread stops the
 * channel and frees the context.
 *
 *   sync=1 (default): dmaengine_terminate_sync, then kfree: correct, since
 *                     terminate_sync returns only when no callback runs
 *   sync=0: dmaengine_terminate_async, then kfree: a callback of a copy
 *           that completed just before may still run, on freed memory
 *
 * In sim mode kfree poisons what it frees, so the late callback sees the
 * poison instead of its magic number, says so and the run fails.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <udmaengine/soft.h>

static bool sync = true;
module_param(sync, bool, 0444);
static unsigned int rounds = 3;
module_param(rounds, uint, 0444);

#define CTX_MAGIC 0x5eedc0deu

/* What the callback uses: freed by this thread after the stop. */
struct copy_ctx {
	u32 magic;
	unsigned int callbacks;
};

/* The copies' memory outlives every round: only the context is at stake. */
static u8 src[64], dst[64];

static DEFINE_SPINLOCK(driver_lock);	/* the driver's state, as a real one has */
static unsigned int bad_callbacks;	/* under driver_lock */

static void copy_done(void *param)
{
	struct copy_ctx *ctx = param;

	spin_lock(&driver_lock);
	if (READ_ONCE(ctx->magic) != CTX_MAGIC) {
		pr_err("callback-free: a callback ran on a freed context (magic %#x)\n",
		       READ_ONCE(ctx->magic));
		bad_callbacks++;
	} else {
		ctx->callbacks++;
	}
	spin_unlock(&driver_lock);
}

static int copy_and_free(struct dma_chan *chan)
{
	struct dma_async_tx_descriptor *tx;
	struct copy_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->magic = CTX_MAGIC;
	for (int i = 0; i < 2; i++) {
		/* the soft controller maps host memory as it is */
		tx = dmaengine_prep_dma_memcpy(chan, (dma_addr_t)(uintptr_t)dst,
					       (dma_addr_t)(uintptr_t)src, sizeof(src),
					       DMA_PREP_INTERRUPT);
		if (!tx) {
			kfree(ctx);
			return -EIO;
		}
		tx->callback = copy_done;
		tx->callback_param = ctx;
		dmaengine_submit(tx);
	}
	dma_async_issue_pending(chan);

	if (sync)
		dmaengine_terminate_sync(chan);
	else
		dmaengine_terminate_async(chan);
	kfree(ctx);
	return 0;
}

/* Each round on a channel of its own (see terminate-free.c). */
static int __init callback_free_init(void)
{
	struct dma_device *soft = udma_soft_create(NULL);
	dma_cap_mask_t mask;
	int ret = 0;

	if (IS_ERR(soft))
		return PTR_ERR(soft);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	for (unsigned int i = 0; i < rounds && !ret; i++) {
		struct dma_chan *chan = dma_request_channel(mask, NULL, NULL);

		if (!chan) {
			ret = -ENODEV;
			break;
		}
		ret = copy_and_free(chan);
		/* a late callback comes before this returns (release synchronizes) */
		dma_release_channel(chan);
	}
	udma_soft_destroy(soft);
	pr_info("callback-free: %u rounds, sync=%d: %u callbacks on freed memory\n", rounds, sync,
		bad_callbacks);
	return ret ? ret : bad_callbacks ? -EFAULT : 0;
}
module_init(callback_free_init);
MODULE_LICENSE("MIT");

// SPDX-License-Identifier: MIT
/*
 * A completion callback and another thread that frees what it uses, as
 * kernel client code: a stream of copies calls back as each completes, the
 * callback reads its context, and a second thread (a driver's release
 * path) stops the stream, stops the channel and frees the context.
 *
 *   sync=1 (default): dmaengine_terminate_sync, then kfree: correct, since
 *                     terminate_sync returns only when no callback runs
 *   sync=0: dmaengine_terminate_async, then kfree: a callback that was
 *           already running goes on, on freed memory
 *
 * In sim mode kfree poisons what it frees, so the late callback sees the
 * poison instead of its magic number, says so and the run fails.
 */
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <udmaengine/sim.h>
#include <udmaengine/soft.h>

static bool sync = true;
module_param(sync, bool, 0444);
static unsigned int rounds = 3;
module_param(rounds, uint, 0444);

#define CTX_MAGIC 0x5eedc0deu
#define COPIES 16

/* What the callback uses: freed by the release path. */
struct copy_ctx {
	u32 magic;
	unsigned int callbacks;
};

struct stream {
	struct dma_chan *chan;
	struct copy_ctx *ctx;	/* under driver_lock, with closed */
	bool closed;
};

static DEFINE_SPINLOCK(driver_lock);
static unsigned int bad_callbacks;	/* under driver_lock */
/* The copies' memory outlives every round: only the context is at stake. */
static u8 src[64], dst[64];

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

/* The release path: no new copies, stop the channel, free the context. */
static void *release(void *arg)
{
	struct stream *s = arg;
	struct copy_ctx *ctx;

	spin_lock(&driver_lock);
	s->closed = true;
	ctx = s->ctx;
	s->ctx = NULL;
	spin_unlock(&driver_lock);
	if (sync)
		dmaengine_terminate_sync(s->chan);
	else
		dmaengine_terminate_async(s->chan);
	kfree(ctx);
	return NULL;
}

/* Copies until the release path closes the stream. */
static int stream_copies(struct stream *s)
{
	for (int i = 0; i < COPIES; i++) {
		struct dma_async_tx_descriptor *tx;

		spin_lock(&driver_lock);
		if (s->closed) {
			spin_unlock(&driver_lock);
			break;
		}
		/* the soft controller maps host memory as it is */
		tx = dmaengine_prep_dma_memcpy(s->chan, (dma_addr_t)(uintptr_t)dst,
					       (dma_addr_t)(uintptr_t)src, sizeof(src),
					       DMA_PREP_INTERRUPT);
		if (tx) {
			tx->callback = copy_done;
			tx->callback_param = s->ctx;
			dmaengine_submit(tx);
			dma_async_issue_pending(s->chan);
		}
		spin_unlock(&driver_lock);
		if (!tx)
			return -EIO;
	}
	return 0;
}

static int one_round(struct dma_chan *chan)
{
	struct stream s = { .chan = chan };
	pthread_t releaser;
	int ret;

	s.ctx = kzalloc(sizeof(*s.ctx), GFP_KERNEL);
	if (!s.ctx)
		return -ENOMEM;
	s.ctx->magic = CTX_MAGIC;
	if (udma_thread_create(&releaser, "release", release, &s)) {
		kfree(s.ctx);
		return -EAGAIN;
	}
	ret = stream_copies(&s);
	udma_thread_join(releaser, NULL);
	return ret;
}

/* Each round on a channel of its own, as a driver bound and unbound. */
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
		ret = one_round(chan);
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

/* SPDX-License-Identifier: MIT */
/*
 * A memcpy client of kdma: two channels copying chains of buffers, where
 * each completion callback queues the next copy of its chain (so the
 * controller is driven from its own callbacks), then copies queued and
 * dropped by a terminate before they were issued.
 */
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#define KM_CHANS	2
#define KM_COPIES	64
#define KM_MAX_LEN	2048
#define KM_TIMEOUT_MS	5000

#define km_check(cond)							\
	do {								\
		if (!(cond)) {						\
			pr_err("kdma-memcpy: %s: check failed: %s\n",	\
			       __func__, #cond);			\
			return -EINVAL;					\
		}							\
	} while (0)

struct km_chain {
	struct dma_chan *chan;
	struct device *dev;
	u8 *src;
	u8 *dst;
	dma_addr_t src_dma;
	dma_addr_t dst_dma;
	spinlock_t lock;		/* protects the counters below */
	unsigned int next;		/* next copy to queue */
	unsigned int done;		/* copies whose callback ran */
	int err;
	struct completion finished;
};

static struct km_chain km_chains[KM_CHANS];
static unsigned int km_dropped_callbacks;

/* Copy @i of a chain: its length and its place in the buffers. */
static size_t km_len(unsigned int i)
{
	return 4 * (1 + (i * 37) % (KM_MAX_LEN / 4));
}

static size_t km_off(unsigned int i)
{
	return (size_t)i * KM_MAX_LEN;
}

static void km_copy_done(void *param);

static int km_queue(struct km_chain *c, unsigned int i, bool issue)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(c->chan, c->dst_dma + km_off(i), c->src_dma + km_off(i),
				       km_len(i), DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -ENOMEM;
	tx->callback = km_copy_done;
	tx->callback_param = c;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie))
		return cookie;
	if (issue)
		dma_async_issue_pending(c->chan);
	return 0;
}

static void km_copy_done(void *param)
{
	struct km_chain *c = param;
	unsigned long flags;
	unsigned int next;
	bool last;
	int err = 0;

	spin_lock_irqsave(&c->lock, flags);
	c->done++;
	last = c->done == KM_COPIES;
	next = c->next < KM_COPIES ? c->next++ : KM_COPIES;
	spin_unlock_irqrestore(&c->lock, flags);

	if (next < KM_COPIES)
		err = km_queue(c, next, true);
	if (err) {
		spin_lock_irqsave(&c->lock, flags);
		c->err = err;
		spin_unlock_irqrestore(&c->lock, flags);
	}
	if (last || err)
		complete(&c->finished);
}

static void km_dropped_done(void *param)
{
	unsigned int *count = param;

	(*count)++;
}

static int km_setup(struct km_chain *c, const dma_cap_mask_t *mask)
{
	size_t size = (size_t)KM_COPIES * KM_MAX_LEN, k;

	c->chan = dma_request_chan_by_mask(mask);
	if (IS_ERR(c->chan)) {
		pr_err("kdma-memcpy: no memcpy channel: %ld\n", PTR_ERR(c->chan));
		c->chan = NULL;
		return -EINVAL;
	}
	c->dev = dmaengine_get_dma_device(c->chan);
	spin_lock_init(&c->lock);
	init_completion(&c->finished);
	c->src = kmalloc(size, GFP_KERNEL);
	c->dst = kzalloc(size, GFP_KERNEL);
	km_check(c->src && c->dst);
	for (k = 0; k < size; k++)
		c->src[k] = (u8)(k * 131 + (uintptr_t)c);
	c->src_dma = dma_map_single(c->dev, c->src, size, DMA_TO_DEVICE);
	c->dst_dma = dma_map_single(c->dev, c->dst, size, DMA_FROM_DEVICE);
	km_check(!dma_mapping_error(c->dev, c->src_dma));
	km_check(!dma_mapping_error(c->dev, c->dst_dma));
	return 0;
}

static int km_verify(struct km_chain *c)
{
	size_t size = (size_t)KM_COPIES * KM_MAX_LEN;
	unsigned int i;

	km_check(wait_for_completion_timeout(&c->finished, msecs_to_jiffies(KM_TIMEOUT_MS)));
	km_check(c->err == 0);
	km_check(c->done == KM_COPIES);
	dma_sync_single_for_cpu(c->dev, c->dst_dma, size, DMA_FROM_DEVICE);
	for (i = 0; i < KM_COPIES; i++) {
		km_check(memcmp(c->dst + km_off(i), c->src + km_off(i), km_len(i)) == 0);
		km_check(memchr_inv(c->dst + km_off(i) + km_len(i), 0,
				    KM_MAX_LEN - km_len(i)) == NULL);
	}
	return 0;
}

/* Copies issued but not started are dropped by a terminate, silently. */
static int km_terminate_queued(struct km_chain *c)
{
	struct dma_async_tx_descriptor *tx;
	struct dma_tx_state state;
	dma_cookie_t cookie;
	unsigned int i;

	memset(c->dst, 0, KM_MAX_LEN);
	dma_sync_single_for_device(c->dev, c->dst_dma, KM_MAX_LEN, DMA_FROM_DEVICE);
	/* paused, the channel leaves issued copies queued */
	km_check(dmaengine_pause(c->chan) == 0);
	for (i = 0; i < 8; i++) {
		tx = dmaengine_prep_dma_memcpy(c->chan, c->dst_dma, c->src_dma, KM_MAX_LEN,
					       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
		km_check(tx);
		tx->callback = km_dropped_done;
		tx->callback_param = &km_dropped_callbacks;
		cookie = dmaengine_submit(tx);
		km_check(!dma_submit_error(cookie));
	}
	dma_async_issue_pending(c->chan);
	km_check(dmaengine_tx_status(c->chan, cookie, &state) == DMA_IN_PROGRESS);
	km_check(state.residue == KM_MAX_LEN);
	km_check(dmaengine_terminate_sync(c->chan) == 0);
	dma_sync_single_for_cpu(c->dev, c->dst_dma, KM_MAX_LEN, DMA_FROM_DEVICE);
	km_check(memchr_inv(c->dst, 0, KM_MAX_LEN) == NULL);
	km_check(km_dropped_callbacks == 0);
	return 0;
}

static void km_teardown(struct km_chain *c)
{
	size_t size = (size_t)KM_COPIES * KM_MAX_LEN;

	if (!c->chan)
		return;
	dmaengine_terminate_sync(c->chan);
	if (c->src_dma && !dma_mapping_error(c->dev, c->src_dma))
		dma_unmap_single(c->dev, c->src_dma, size, DMA_TO_DEVICE);
	if (c->dst_dma && !dma_mapping_error(c->dev, c->dst_dma))
		dma_unmap_single(c->dev, c->dst_dma, size, DMA_FROM_DEVICE);
	kfree(c->src);
	kfree(c->dst);
	dma_release_channel(c->chan);
	memset(c, 0, sizeof(*c));
}

static int km_run(void)
{
	dma_cap_mask_t mask;
	unsigned int i, depth = 4;
	int ret;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	for (i = 0; i < KM_CHANS; i++) {
		ret = km_setup(&km_chains[i], &mask);
		if (ret)
			return ret;
	}
	km_check(km_chains[0].chan != km_chains[1].chan);

	/*
	 * Each chain starts @depth copies, issued together so that from then
	 * on only the channel's callbacks (one at a time) queue on it: each
	 * queues one more.
	 */
	for (i = 0; i < KM_CHANS; i++) {
		struct km_chain *c = &km_chains[i];
		unsigned int j;

		spin_lock_irq(&c->lock);
		c->next = depth;
		spin_unlock_irq(&c->lock);
		for (j = 0; j < depth; j++)
			km_check(km_queue(c, j, false) == 0);
		dma_async_issue_pending(c->chan);
	}
	for (i = 0; i < KM_CHANS; i++) {
		ret = km_verify(&km_chains[i]);
		if (ret)
			return ret;
	}
	return km_terminate_queued(&km_chains[0]);
}

static int __init km_init(void)
{
	unsigned int i;
	int ret = km_run();

	if (ret) {
		for (i = 0; i < KM_CHANS; i++)
			km_teardown(&km_chains[i]);
		return ret;
	}
	pr_info("kdma-memcpy: %d chains of %d copies checked\n", KM_CHANS, KM_COPIES);
	return 0;
}
module_init(km_init);

static void __exit km_exit(void)
{
	unsigned int i;

	for (i = 0; i < KM_CHANS; i++)
		km_teardown(&km_chains[i]);
}
module_exit(km_exit);

MODULE_DESCRIPTION("memcpy client for kdma");
MODULE_LICENSE("Dual MIT/GPL");

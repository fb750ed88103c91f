/* SPDX-License-Identifier: MIT */
/*
 * virt-dma's extensions for udmaengine's own providers, the analogue of the
 * kernel's drivers/dma/dmaengine.h: what the software controller's fast
 * path and the CUDA provider use on top of <udmaengine/virt-dma.h>.
 *
 * Private to the source tree (include/private is never installed): only
 * the core and the in-tree providers include it, as <udma/virt-dma-fast.h>;
 * a driver written against the kernel API never needs it. The CUDA
 * provider is a library of its own, so the out-of-line functions it calls
 * (vchan_get_queued_descriptors, and vchan_vdesc_fini_locked through
 * vchan_cookie_complete_quiet) are exported from libudmaengine.so under
 * the version node UDMAENGINE_PRIVATE (core/libudmaengine.map); the others
 * are local to the library. A function here that it starts to call goes
 * into that node too.
 *
 * The rules differ from the public ones in one place: here desc_allocated
 * and desc_submitted are protected by submit_lock alone, which the
 * provider's submit path takes without vc->lock. Every public vchan_* call
 * takes both (lock first), so the two kinds of access never race.
 */
#ifndef UDMA_PRIVATE_VIRT_DMA_FAST_H
#define UDMA_PRIVATE_VIRT_DMA_FAST_H

#include <udmaengine/virt-dma.h>

#include <udma/atomic.h>

/*
 * Initialises a freshly prepared descriptor, as vchan_tx_prep does, but
 * leaves it where it is: for a provider that puts it on desc_allocated
 * itself, under the submit_lock hold in which it allocated it. Inline: it
 * is on every prep's path.
 */
static inline void vchan_tx_init(struct virt_dma_chan *vc, struct virt_dma_desc *vd,
				 unsigned long tx_flags)
{
	dma_async_tx_descriptor_init(&vd->tx, &vc->chan);
	vd->tx.flags = (enum dma_ctrl_flags)tx_flags;
	vd->tx.tx_submit = vchan_tx_submit;
	vd->tx.desc_free = vchan_tx_desc_free;
	vd->tx.cookie = -EBUSY;
	vd->tx_result.result = DMA_TRANS_NOERROR;
	vd->tx_result.residue = 0;
}

/* vchan_vdesc_fini with vc->lock held: a reusable descriptor goes back
 * under submit_lock alone; desc_free must not take vc->lock. */
void vchan_vdesc_fini_locked(struct virt_dma_desc *vd);

/*
 * vchan_cookie_complete for a provider that moderates its completion
 * interrupts, with vc->lock held: a descriptor without a callback is
 * retired at once (vchan_vdesc_fini_locked: freed, or back to
 * desc_allocated if reusable), which spares a stream that coalesces
 * completions a tasklet run per descriptor, so vc->desc_free runs with
 * vc->lock held here. Returns true if a callback was queued; the provider
 * calls tasklet_schedule(&vc->task) once for several.
 */
static inline bool vchan_cookie_complete_quiet(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	if (!vd->tx.callback && !vd->tx.callback_result) {
		struct dma_chan *chan = vd->tx.chan;
		dma_cookie_t cookie = vd->tx.cookie;

		/* Back to the client before the cookie reads complete, so a
		 * reusable one may be submitted again as soon as a poller sees
		 * it done; @vd is not touched after it is handed back. */
		vd->tx.cookie = 0;
		vchan_vdesc_fini_locked(vd);
		/* release: pairs with the acquire loads of completed_cookie
		 * (dma_cookie_status, stats.c's snapshot) */
		smp_store_release(&chan->completed_cookie, cookie);
		return false;
	}
	dma_cookie_complete(&vd->tx);
	list_add_tail(&vd->node, &vc->desc_completed);
	return true;
}

/*
 * The tasklet's parts, for a provider with a tasklet of its own:
 * vchan_take_completed moves desc_completed to @head and takes the pending
 * cyclic callback (lock held); vchan_complete_desc runs a completed
 * descriptor's callback and frees it, or hands it back first if reusable
 * (@vd is off every list); vchan_complete_list does that for each of @head,
 * in order (lock NOT held).
 */
void vchan_take_completed(struct virt_dma_chan *vc, struct list_head *head,
			  struct dmaengine_desc_callback *cyclic_cb,
			  struct dmaengine_result *cyclic_result);
void vchan_complete_desc(struct virt_dma_desc *vd);
void vchan_complete_list(struct virt_dma_chan *vc, struct list_head *head);

/*
 * Moves submitted, issued and completed descriptors to @head; lock held.
 * For a terminate that keeps prepared descriptors valid for their owner
 * (the kernel's vchan_get_all_descriptors frees them too) and leaves the
 * terminated ones parked until synchronize.
 */
void vchan_get_queued_descriptors(struct virt_dma_chan *vc, struct list_head *head);

#endif /* UDMA_PRIVATE_VIRT_DMA_FAST_H */

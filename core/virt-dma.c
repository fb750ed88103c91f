/* SPDX-License-Identifier: MIT */
/*
 * virt-dma: descriptor lists and the completion tasklet shared by drivers.
 * See <udmaengine/virt-dma.h> for the lists, how a descriptor moves and the
 * locking rules, and <udma/virt-dma-fast.h> (include/private) for the
 * providers' extensions.
 */
#include <udma/virt-dma-fast.h>

#include "internal.h"

/* Lock order: vc->lock, then submit_lock; the fast path takes submit_lock alone. */
static void lists_lock(struct virt_dma_chan *vc)
{
	spin_lock(&vc->lock);
	spin_lock(&vc->submit_lock);
}

static void lists_unlock(struct virt_dma_chan *vc)
{
	spin_unlock(&vc->submit_lock);
	spin_unlock(&vc->lock);
}

dma_cookie_t vchan_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct virt_dma_chan *vc = to_virt_chan(tx->chan);
	struct virt_dma_desc *vd = to_virt_desc(tx);
	dma_cookie_t cookie;

	lists_lock(vc);
	cookie = dma_cookie_assign(tx);
	list_move_tail(&vd->node, &vc->desc_submitted);
	lists_unlock(vc);
	return cookie;
}

static void vdesc_release(struct virt_dma_chan *vc, struct virt_dma_desc *vd)
{
	/* release: pairs with the smp_load_acquire()s of udma_state */
	smp_store_release(&vd->tx.udma_state, UDMA_DESC_FREED);
	vc->desc_free(vd);
}

/* dmaengine_desc_free of a reusable descriptor. */
int vchan_tx_desc_free(struct dma_async_tx_descriptor *tx)
{
	struct virt_dma_chan *vc = to_virt_chan(tx->chan);
	struct virt_dma_desc *vd = to_virt_desc(tx);

	lists_lock(vc);
	list_del(&vd->node);
	lists_unlock(vc);
	vdesc_release(vc, vd);
	return 0;
}

struct dma_async_tx_descriptor *vchan_tx_prep(struct virt_dma_chan *vc,
					      struct virt_dma_desc *vd,
					      unsigned long tx_flags)
{
	vchan_tx_init(vc, vd, tx_flags);
	lists_lock(vc);
	list_add_tail(&vd->node, &vc->desc_allocated);
	lists_unlock(vc);
	return &vd->tx;
}

struct virt_dma_desc *vchan_find_desc(struct virt_dma_chan *vc, dma_cookie_t cookie)
{
	struct virt_dma_desc *vd;

	list_for_each_entry(vd, &vc->desc_issued, struct virt_dma_desc, node)
		if (vd->tx.cookie == cookie)
			return vd;
	return NULL;
}

/* A reusable descriptor goes back to desc_allocated; the caller holds
 * what protects that list. */
static void hand_back(struct virt_dma_chan *vc, struct virt_dma_desc *vd)
{
	list_add(&vd->node, &vc->desc_allocated);
}

/* Last: the client may submit it again as soon as it sees this. */
static void reusable_again(struct virt_dma_desc *vd)
{
	/* release: the completion's work before the tag; pairs with the
	 * smp_load_acquire()s of udma_state */
	smp_store_release(&vd->tx.udma_state, UDMA_DESC_PREPARED);
}

void vchan_vdesc_fini(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	if (dmaengine_desc_test_reuse(&vd->tx)) {
		lists_lock(vc);
		hand_back(vc, vd);
		lists_unlock(vc);
		reusable_again(vd);
	} else {
		vdesc_release(vc, vd);
	}
}

void vchan_vdesc_fini_locked(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	if (dmaengine_desc_test_reuse(&vd->tx)) {
		spin_lock(&vc->submit_lock);
		hand_back(vc, vd);
		spin_unlock(&vc->submit_lock);
		reusable_again(vd);
	} else {
		vdesc_release(vc, vd);
	}
}

void vchan_cookie_complete(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	if (dmaengine_desc_test_reuse(&vd->tx) && !vd->tx.callback && !vd->tx.callback_result) {
		struct dma_chan *chan = vd->tx.chan;
		dma_cookie_t cookie = vd->tx.cookie;

		/* nothing for the tasklet to run: the client's again before a
		 * poller can see the cookie complete */
		vd->tx.cookie = 0;
		spin_lock(&vc->submit_lock);
		hand_back(vc, vd);
		spin_unlock(&vc->submit_lock);
		reusable_again(vd);
		/* release: pairs with the acquire loads of completed_cookie
		 * (dma_cookie_status, stats.c's snapshot) */
		smp_store_release(&chan->completed_cookie, cookie);
		return;
	}
	dma_cookie_complete(&vd->tx);
	list_add_tail(&vd->node, &vc->desc_completed);
	tasklet_schedule(&vc->task);
}

static void free_begin(struct virt_dma_chan *vc)
{
	if (vc->desc_free_begin)
		vc->desc_free_begin(vc);
}

static void free_end(struct virt_dma_chan *vc)
{
	if (vc->desc_free_end)
		vc->desc_free_end(vc);
}

void vchan_take_completed(struct virt_dma_chan *vc, struct list_head *head,
			  struct dmaengine_desc_callback *cyclic_cb,
			  struct dmaengine_result *cyclic_result)
{
	struct virt_dma_desc *vd = vc->cyclic;

	list_splice_tail_init(&vc->desc_completed, head);
	*cyclic_cb = (struct dmaengine_desc_callback){ 0 };
	*cyclic_result = (struct dmaengine_result){ DMA_TRANS_NOERROR, 0 };
	if (vd) {
		vc->cyclic = NULL;
		vc->cyclic_periods = 0;
		dmaengine_desc_get_callback(&vd->tx, cyclic_cb);
		cyclic_cb->udma_submit_ns = 0;	/* periods: no submit-to-callback latency */
		*cyclic_result = vd->tx_result;
	}
}

/*
 * A reusable descriptor is handed back to the client before its callback
 * runs (R9), so the callback, or a thread it wakes, may submit it again at
 * once; any other is freed after it.
 */
void vchan_complete_desc(struct virt_dma_desc *vd)
{
	struct dmaengine_result result = vd->tx_result;
	bool reuse = dmaengine_desc_test_reuse(&vd->tx);
	struct dmaengine_desc_callback cb;

	dmaengine_desc_get_callback(&vd->tx, &cb);
	if (reuse)
		vchan_vdesc_fini(vd);	/* the client's again: vd is not touched below */
	dmaengine_desc_callback_invoke(&cb, &result);
	if (!reuse)
		vchan_vdesc_fini(vd);
}

/*
 * The channel's tasklet: runs the callbacks of completed descriptors in
 * completion order, then frees them. The lists are taken under the lock and
 * the callbacks run without it, so a callback may prep, submit, issue or
 * terminate_async on its own channel.
 */
static void vchan_complete(struct tasklet_struct *t)
{
	struct virt_dma_chan *vc = from_tasklet(vc, t, struct virt_dma_chan, task);
	struct dmaengine_desc_callback cyclic_cb;
	struct dmaengine_result cyclic_result;
	LIST_HEAD(head);

	spin_lock(&vc->lock);
	vchan_take_completed(vc, &head, &cyclic_cb, &cyclic_result);
	spin_unlock(&vc->lock);

	dmaengine_desc_callback_invoke(&cyclic_cb, &cyclic_result);
	vchan_complete_list(vc, &head);
}

void vchan_complete_list(struct virt_dma_chan *vc, struct list_head *head)
{
	struct virt_dma_desc *vd, *next;

	free_begin(vc);
	list_for_each_entry_safe(vd, next, head, struct virt_dma_desc, node) {
		list_del(&vd->node);
		vchan_complete_desc(vd);
	}
	free_end(vc);
}

void vchan_init(struct virt_dma_chan *vc, struct dma_device *dmadev)
{
	dma_cookie_init(&vc->chan);
	spin_lock_init(&vc->lock);
	spin_lock_init(&vc->submit_lock);
	INIT_LIST_HEAD(&vc->desc_allocated);
	INIT_LIST_HEAD(&vc->desc_submitted);
	INIT_LIST_HEAD(&vc->desc_issued);
	INIT_LIST_HEAD(&vc->desc_completed);
	INIT_LIST_HEAD(&vc->desc_terminated);
	vc->cyclic = NULL;
	vc->cyclic_periods = 0;
	vc->desc_free_begin = NULL;	/* the driver may set them after this */
	vc->desc_free_end = NULL;
	tasklet_setup(&vc->task, vchan_complete);

	vc->chan.device = dmadev;
	if (!dmadev->channels.next)
		INIT_LIST_HEAD(&dmadev->channels);
	list_add_tail(&vc->chan.device_node, &dmadev->channels);
}

void vchan_exit(struct virt_dma_chan *vc)
{
	spin_lock_destroy(&vc->submit_lock);
	spin_lock_destroy(&vc->lock);
}

void vchan_get_all_descriptors(struct virt_dma_chan *vc, struct list_head *head)
{
	/* the kernel's order: allocated, submitted, issued, completed, terminated */
	spin_lock(&vc->submit_lock);
	list_splice_tail_init(&vc->desc_allocated, head);
	list_splice_tail_init(&vc->desc_submitted, head);
	spin_unlock(&vc->submit_lock);
	list_splice_tail_init(&vc->desc_issued, head);
	list_splice_tail_init(&vc->desc_completed, head);
	list_splice_tail_init(&vc->desc_terminated, head);
}

void vchan_get_queued_descriptors(struct virt_dma_chan *vc, struct list_head *head)
{
	LIST_HEAD(submitted);

	list_splice_tail_init(&vc->desc_issued, head);
	spin_lock(&vc->submit_lock);
	list_splice_tail_init(&vc->desc_submitted, &submitted);
	spin_unlock(&vc->submit_lock);
	list_splice_tail_init(&submitted, head);
	list_splice_tail_init(&vc->desc_completed, head);
}

void vchan_dma_desc_free_list(struct virt_dma_chan *vc, struct list_head *head)
{
	struct virt_dma_desc *vd, *next;

	free_begin(vc);
	list_for_each_entry_safe(vd, next, head, struct virt_dma_desc, node) {
		list_del(&vd->node);
		vchan_vdesc_fini(vd);
	}
	free_end(vc);
}

void vchan_free_chan_resources(struct virt_dma_chan *vc)
{
	struct virt_dma_desc *vd;
	LIST_HEAD(head);

	spin_lock(&vc->lock);
	vchan_get_all_descriptors(vc, &head);
	list_for_each_entry(vd, &head, struct virt_dma_desc, node)
		dmaengine_desc_clear_reuse(&vd->tx);
	spin_unlock(&vc->lock);
	vchan_dma_desc_free_list(vc, &head);
}

void vchan_synchronize(struct virt_dma_chan *vc)
{
	LIST_HEAD(head);

	tasklet_kill(&vc->task);

	spin_lock(&vc->lock);
	list_splice_tail_init(&vc->desc_terminated, &head);
	spin_unlock(&vc->lock);
	vchan_dma_desc_free_list(vc, &head);
}

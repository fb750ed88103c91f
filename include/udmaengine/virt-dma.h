/* SPDX-License-Identifier: MIT */
/*
 * virt-dma: the bookkeeping every descriptor-queue DMA driver needs, written
 * once, with the kernel's API, locking and lifetime rules. A driver embeds
 * struct virt_dma_chan in its channel and struct virt_dma_desc in its
 * descriptor; virt-dma moves descriptors between lists named for their
 * state and runs completion callbacks from the channel's tasklet.
 *
 *   prep ─ vchan_tx_prep ─▶ desc_allocated
 *   dmaengine_submit ─────▶ desc_submitted        (cookie assigned)
 *   issue_pending ─ vchan_issue_pending ─▶ desc_issued
 *   driver starts it ─ vchan_next_desc + list_del ─▶ (driver's own)
 *   driver finishes ─ vchan_cookie_complete ─▶ desc_completed ─▶ tasklet:
 *       callback, then freed (or back to desc_allocated with DMA_CTRL_REUSE)
 *   terminate ─ vchan_terminate_vdesc ─▶ desc_terminated ─▶ freed by
 *       vchan_synchronize, once no callback and no hardware uses them
 *
 * Locking, as in the kernel: vc->lock protects every list and the driver's
 * own channel state. The vchan_* calls documented "lock held" expect the
 * caller to hold it (spin_lock_irqsave(&vc->lock, flags)); the others take
 * it themselves. vc->desc_free is called without vc->lock, from the tasklet,
 * vchan_dma_desc_free_list or vchan_synchronize, so it may take it.
 *
 * udmaengine's own software controller queues from a faster path: it takes
 * submit_lock alone where a driver takes lock (the calls here take both,
 * lock first), and uses the extensions in
 * include/private/udma/virt-dma-fast.h, which no driver written against
 * this header needs or sees (not installed).
 */
#ifndef UDMAENGINE_VIRT_DMA_H
#define UDMAENGINE_VIRT_DMA_H

#include <udmaengine/provider.h>

#ifdef __cplusplus
extern "C" {
#endif

struct virt_dma_desc {
	struct dma_async_tx_descriptor tx;
	struct dmaengine_result tx_result;	/* passed to callback_result */
	struct list_head node;			/* on one of the vchan lists below */
};

struct virt_dma_chan {
	struct dma_chan chan;
	struct tasklet_struct task;		/* runs callbacks: vchan_complete */
	void (*desc_free)(struct virt_dma_desc *vd);	/* driver's, required; called
							   without vc->lock */
	/* udmaengine providers' fast path only (<udma/virt-dma-fast.h>): NULL
	 * for a driver, which vchan_init leaves them as. */
	void (*desc_free_begin)(struct virt_dma_chan *vc);
	void (*desc_free_end)(struct virt_dma_chan *vc);

	/*
	 * Inner lock for desc_allocated and desc_submitted: taken inside lock
	 * by every vchan_* call, and alone by the software controller's
	 * submit path, so a client streaming descriptors there does not
	 * contend with its completion path. A driver never takes it.
	 */
	spinlock_t submit_lock UDMA_CACHELINE_ALIGNED;
	struct list_head desc_allocated;	/* prepared, or done and reusable */
	struct list_head desc_submitted;	/* submitted, not yet issued */

	spinlock_t lock UDMA_CACHELINE_ALIGNED;	/* protects every list and the
						   driver's own channel state */
	/* Each list holds descriptors in the state it is named for. */
	struct list_head desc_issued;		/* issued, not yet taken by the driver */
	struct list_head desc_completed;	/* done, callback not yet run */
	struct list_head desc_terminated;	/* stopped, freed at synchronize */

	struct virt_dma_desc *cyclic;		/* period done, callback pending */
	unsigned int cyclic_periods;		/* periods done since the last callback */
};

static inline struct virt_dma_chan *to_virt_chan(struct dma_chan *chan)
{
	return container_of(chan, struct virt_dma_chan, chan);
}

static inline struct virt_dma_desc *to_virt_desc(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct virt_dma_desc, tx);
}

/* Initialises @vc and links it on @dmadev's channel list. */
void vchan_init(struct virt_dma_chan *vc, struct dma_device *dmadev);
/* udmaengine: releases what vchan_init set up, after free_chan_resources.
 * Optional (the kernel has no such call); a driver that skips it leaks
 * nothing but the locks' bookkeeping. */
void vchan_exit(struct virt_dma_chan *vc);

/* The descriptor ops vchan_tx_prep installs: submit onto desc_submitted,
 * and dmaengine_desc_free of a reusable descriptor. Each takes vc->lock. */
dma_cookie_t vchan_tx_submit(struct dma_async_tx_descriptor *tx);
int vchan_tx_desc_free(struct dma_async_tx_descriptor *tx);

/* Registers a freshly prepared descriptor on desc_allocated (takes
 * vc->lock); returns &vd->tx for prep to return. */
struct dma_async_tx_descriptor *vchan_tx_prep(struct virt_dma_chan *vc,
					      struct virt_dma_desc *vd,
					      unsigned long tx_flags);

/* Finds an issued descriptor the driver has not taken yet; lock held. */
struct virt_dma_desc *vchan_find_desc(struct virt_dma_chan *vc, dma_cookie_t cookie);

/* Moves submitted descriptors to issued; lock held. True if any are issued. */
static inline bool vchan_issue_pending(struct virt_dma_chan *vc)
{
	spin_lock(&vc->submit_lock);
	list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
	spin_unlock(&vc->submit_lock);
	return !list_empty(&vc->desc_issued);
}

/* First issued descriptor the driver has not taken yet, or NULL; lock held. */
static inline struct virt_dma_desc *vchan_next_desc(struct virt_dma_chan *vc)
{
	return list_first_entry_or_null(&vc->desc_issued, struct virt_dma_desc, node);
}

/* Frees @vd with vc->desc_free, or puts it back on desc_allocated if
 * DMA_CTRL_REUSE is set; lock NOT held (it may take it). */
void vchan_vdesc_fini(struct virt_dma_desc *vd);

/*
 * The driver finished @vd (already off the issued list): completes its
 * cookie, queues it on desc_completed and schedules the tasklet, which
 * runs its callback and then frees it. Lock held; vc->desc_free is never
 * called from here.
 *
 * udmaengine: a reusable descriptor without a callback goes back on
 * desc_allocated here, before its cookie reads complete, so a client that
 * polls for completion may submit it again at once (R9). That moves list
 * links only, like the kernel's hand-back; no driver hook runs.
 */
void vchan_cookie_complete(struct virt_dma_desc *vd);

/* A period of cyclic @vd is done: queue its callback. Lock held. */
static inline void vchan_cyclic_callback(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	vc->cyclic = vd;
	vc->cyclic_periods++;
	tasklet_schedule(&vc->task);
}

/*
 * @vd was running when the channel was terminated: park it until
 * vchan_synchronize, since the hardware may still touch it. Lock held.
 */
static inline void vchan_terminate_vdesc(struct virt_dma_desc *vd)
{
	struct virt_dma_chan *vc = to_virt_chan(vd->tx.chan);

	list_del(&vd->node);	/* harmless if the driver took it off already */
	list_add_tail(&vd->node, &vc->desc_terminated);
	if (vc->cyclic == vd)
		vc->cyclic = NULL;
}

/* Moves every descriptor of every list to @head; lock held. */
void vchan_get_all_descriptors(struct virt_dma_chan *vc, struct list_head *head);
/* vchan_vdesc_fini on each descriptor of @head; lock NOT held. */
void vchan_dma_desc_free_list(struct virt_dma_chan *vc, struct list_head *head);

/* Frees every descriptor, reusable ones too. For device_free_chan_resources. */
void vchan_free_chan_resources(struct virt_dma_chan *vc);

/*
 * Waits for the channel's running callbacks to finish, then frees the
 * terminated descriptors. The driver first makes sure its hardware has
 * let go of them.
 */
void vchan_synchronize(struct virt_dma_chan *vc);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_VIRT_DMA_H */

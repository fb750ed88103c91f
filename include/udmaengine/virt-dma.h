/* SPDX-License-Identifier: MIT */
/*
 * virt-dma: the bookkeeping every descriptor-queue DMA driver needs, written
 * once. A driver embeds struct virt_dma_chan in its channel and struct
 * virt_dma_desc in its descriptor; virt-dma moves descriptors between lists
 * named for their state and runs completion callbacks from the channel's
 * tasklet.
 *
 *   prep ─ vchan_tx_prep (or vchan_tx_init + the driver's own link) ─▶ desc_allocated
 *   dmaengine_submit ─────▶ desc_submitted        (cookie assigned)
 *   issue_pending ─ vchan_issue_pending ─▶ desc_issued
 *       (or vchan_mark_issued, under submit_lock: marked issued on desc_submitted,
 *        where the driver cuts them off at issued_upto)
 *   driver starts it ─ vchan_next_desc + list_del ─▶ (driver's own)
 *   driver finishes ─ vchan_cookie_complete ─▶ desc_completed ─▶ tasklet:
 *       callback, then freed (or back to desc_allocated with DMA_CTRL_REUSE)
 *   terminate ─ vchan_terminate_vdesc ─▶ desc_terminated ─▶ freed by
 *       vchan_synchronize, once no callback and no hardware uses them
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
	void (*desc_free)(struct virt_dma_desc *vd);	/* driver's, required; may be
							   called with lock held */
	/*
	 * Optional: bracket a run of desc_free calls on one thread (a tasklet
	 * run, a list freed by terminate or synchronize), so the driver can
	 * return the descriptors to its cache together. Brackets may nest.
	 */
	void (*desc_free_begin)(struct virt_dma_chan *vc);
	void (*desc_free_end)(struct virt_dma_chan *vc);

	/*
	 * Two locks, split where the client hands work to the hardware: prep
	 * and submit take only submit_lock, so a client streaming descriptors
	 * does not contend with the driver's completion path. When both are
	 * needed, lock comes first, then submit_lock.
	 */
	spinlock_t submit_lock UDMA_CACHELINE_ALIGNED;	/* protects the client-side lists */
	struct list_head desc_allocated;	/* prepared, or done and reusable */
	struct list_head desc_submitted;	/* submitted; the first ones may be issued,
						   up to issued_upto */
	struct list_head *issued_upto;		/* last issued node still on desc_submitted
						   (vchan_mark_issued), or NULL */

	spinlock_t lock UDMA_CACHELINE_ALIGNED;	/* protects everything below, and the
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
/* Releases what vchan_init set up (the lock); after free_chan_resources. */
void vchan_exit(struct virt_dma_chan *vc);

/* The descriptor ops vchan_tx_init installs: submit onto desc_submitted,
 * and dmaengine_desc_free of a reusable descriptor. */
dma_cookie_t vchan_tx_submit(struct dma_async_tx_descriptor *tx);
int vchan_tx_desc_free(struct dma_async_tx_descriptor *tx);

/*
 * Initialises a freshly prepared descriptor, as vchan_tx_prep does, but
 * leaves it where it is: for a driver that puts it on desc_allocated
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

/* Finds a submitted or issued (not started) descriptor; lock held. */
struct virt_dma_desc *vchan_find_desc(struct virt_dma_chan *vc, dma_cookie_t cookie);

/* Registers a freshly prepared descriptor; returns &vd->tx for prep to return. */
struct dma_async_tx_descriptor *vchan_tx_prep(struct virt_dma_chan *vc,
					      struct virt_dma_desc *vd,
					      unsigned long tx_flags);

/* Moves submitted descriptors to issued; lock held. True if any are issued. */
static inline bool vchan_issue_pending(struct virt_dma_chan *vc)
{
	spin_lock(&vc->submit_lock);
	list_splice_tail_init(&vc->desc_submitted, &vc->desc_issued);
	spin_unlock(&vc->submit_lock);
	return !list_empty(&vc->desc_issued);
}

/*
 * Issue without the driver's lock, for drivers whose hardware thread holds
 * it while it walks its work: marks every submitted descriptor issued, and
 * the driver takes them (up to issued_upto, under submit_lock, then clears
 * it) when its hardware next looks. Needs only submit_lock (held), so a
 * client streaming descriptors never waits for the completion path. True
 * if anything is issued and not yet taken.
 */
static inline bool vchan_mark_issued(struct virt_dma_chan *vc)
{
	if (!list_empty(&vc->desc_submitted))
		vc->issued_upto = vc->desc_submitted.prev;
	return vc->issued_upto != NULL;
}

/* First issued descriptor the driver has not taken yet, or NULL; lock held. */
static inline struct virt_dma_desc *vchan_next_desc(struct virt_dma_chan *vc)
{
	return list_first_entry_or_null(&vc->desc_issued, struct virt_dma_desc, node);
}

/* Frees @vd, or returns it to desc_allocated if DMA_CTRL_REUSE is set;
 * takes only submit_lock, so it may be called with lock held. */
void vchan_vdesc_fini(struct virt_dma_desc *vd);

/*
 * The driver finished @vd (already off the issued list): completes its
 * cookie and queues its callback. Lock held.
 *
 * A descriptor without a callback has nothing to run in the tasklet: it is
 * retired here (vchan_vdesc_fini: freed, or back to desc_allocated if
 * reusable, taking only submit_lock), which spares
 * streams that coalesce completions a tasklet run per descriptor. So
 * vc->desc_free may be called with vc->lock held, and must not take it.
 *
 * vchan_cookie_complete_quiet does the same but leaves the tasklet
 * unscheduled, for a driver that moderates its completion interrupts: it
 * returns true if a callback was queued, and the driver calls
 * tasklet_schedule(&vc->task) once for several.
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
		vchan_vdesc_fini(vd);
		__atomic_store_n(&chan->completed_cookie, cookie, __ATOMIC_RELEASE);
		return false;
	}
	dma_cookie_complete(&vd->tx);
	list_add_tail(&vd->node, &vc->desc_completed);
	return true;
}

static inline void vchan_cookie_complete(struct virt_dma_desc *vd)
{
	if (vchan_cookie_complete_quiet(vd))
		tasklet_schedule(&to_virt_chan(vd->tx.chan)->task);
}

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

	list_del(&vd->node);
	list_add_tail(&vd->node, &vc->desc_terminated);
	if (vc->cyclic == vd)
		vc->cyclic = NULL;
}


/*
 * The tasklet's parts, for a driver with a tasklet of its own:
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

/* Moves every descriptor of every list to @head; lock held. */
void vchan_get_all_descriptors(struct virt_dma_chan *vc, struct list_head *head);
/*
 * Moves submitted, issued and completed descriptors to @head; lock held.
 * For terminate: prepared descriptors stay valid for their owner, and
 * terminated ones stay parked until synchronize.
 */
void vchan_get_queued_descriptors(struct virt_dma_chan *vc, struct list_head *head);
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

/* SPDX-License-Identifier: MIT */
/*
 * The device ops of a test driver whose channel state is virt-dma's alone:
 * issue moves submitted to issued, terminate frees everything, synchronize
 * and free_chan_resources are virt-dma's. The test's own "hardware" takes
 * the issued descriptors (vchan_next_desc) and completes them.
 */
#ifndef UDMA_TEST_VCHAN_OPS_H
#define UDMA_TEST_VCHAN_OPS_H

#include <udmaengine/virt-dma.h>

static inline void t_vchan_issue_pending(struct dma_chan *chan)
{
	struct virt_dma_chan *vc = to_virt_chan(chan);

	spin_lock(&vc->lock);
	vchan_issue_pending(vc);
	spin_unlock(&vc->lock);
}

static inline int t_vchan_terminate_all(struct dma_chan *chan)
{
	struct virt_dma_chan *vc = to_virt_chan(chan);
	LIST_HEAD(head);

	spin_lock(&vc->lock);
	vchan_get_all_descriptors(vc, &head);
	spin_unlock(&vc->lock);
	vchan_dma_desc_free_list(vc, &head);
	return 0;
}

static inline void t_vchan_synchronize(struct dma_chan *chan)
{
	vchan_synchronize(to_virt_chan(chan));
}

static inline void t_vchan_free_chan_resources(struct dma_chan *chan)
{
	vchan_free_chan_resources(to_virt_chan(chan));
}

#endif /* UDMA_TEST_VCHAN_OPS_H */

/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's tasklet and its completion queue.
 *
 * The hardware thread queues each completion that has a callback in @cq,
 * in completion order: a plain copy as its callback and parameter, copied
 * from its submit entry, anything else as the descriptor. The tasklet
 * takes the whole queue in one short hold of vc.lock and runs it, so a
 * stream of plain copies calls back without either thread touching a
 * descriptor the client's CPU wrote.
 *
 * The queue grows when full (soft_cq_reserve). desc_completed, as
 * virt-dma has it, holds only what an unplug aborted, after everything
 * queued here: the tasklet runs @cq's first.
 */
#include <stdlib.h>

#include "soft-internal.h"
#include <udma/trace-hooks.h>

/* A plain copy's callback, from its queued completion: it moved every byte. */
static void call_plain(const struct soft_done *dn)
{
	static const struct dmaengine_result done = { DMA_TRANS_NOERROR, 0 };

	if (dn->d & SOFT_SUB_RESULT)
		((dma_async_tx_callback_result)dn->cb)(dn->param, &done);
	else
		((dma_async_tx_callback)dn->cb)(dn->param);
}

/* A plain copy's callback as a slice; its descriptor (not bare: it has a
 * callback) still holds the cookie, untouched since submit. */
static void traced_plain(struct soft_chan *sc, const struct soft_done *dn, const struct soft_desc *d)
{
	uint64_t t0 = udma_trace_now();

	call_plain(dn);
	udma_trace_slice(UT_CALLBACK, &sc->vc.chan, t0, d ? d->vd.tx.cookie : 0, 0);
}

/* Any other descriptor's: the cookie came in the queued completion. */
static void traced_desc(struct soft_chan *sc, const struct soft_done *dn, struct soft_desc *d)
{
	struct udma_trace_rec r = { .t0 = udma_trace_now(), .v1 = d->vd.tx_result.residue,
				    .cookie = (int32_t)(intptr_t)dn->param,
				    .last = (int32_t)d->vd.tx_result.result,
				    .key = udma_trace_key(&sc->vc.chan), .kind = UT_CALLBACK };
	bool cb = d->vd.tx.callback || d->vd.tx.callback_result;

	vchan_complete_desc(&d->vd);	/* @d may be freed from here */
	r.t1 = udma_trace_now();
	if (cb)
		udma_trace_emit(&r);
}

static inline __attribute__((always_inline)) void complete_body(struct tasklet_struct *t,
								const bool traced)
{
	struct virt_dma_chan *vc = from_tasklet(vc, t, struct virt_dma_chan, task);
	struct soft_chan *sc = container_of(vc, struct soft_chan, vc);
	struct dmaengine_desc_callback cyclic_cb;
	struct dmaengine_result cyclic_result;
	struct soft_done *done;
	struct soft_put idle;	/* called back: for the cache */
	size_t n;
	uint64_t t0 = traced ? udma_trace_now() : 0;
	LIST_HEAD(head);

	spin_lock(&vc->lock);
	n = soft_cq_take(sc, &done);
	vchan_take_completed(vc, &head, &cyclic_cb, &cyclic_result);
	spin_unlock(&vc->lock);

	if (traced && (cyclic_cb.callback || cyclic_cb.callback_result)) {
		uint64_t c0 = udma_trace_now();

		dmaengine_desc_callback_invoke(&cyclic_cb, &cyclic_result);
		udma_trace_slice(UT_CALLBACK, &vc->chan, c0, 0, 0);
	} else {
		dmaengine_desc_callback_invoke(&cyclic_cb, &cyclic_result);
	}
	idle.n = 0;
	soft_free_batch_begin(vc);
	for (size_t i = 0; i < n; i++) {
		struct soft_desc *d = soft_tagged_desc(done[i].d);

		if (soft_tagged_kind(done[i].d) == SOFT_ENTRY_PLAIN) {
			/* the one read of a plain copy's descriptor off the
			 * client's CPU, and only while telemetry runs */
			if (udma_tele_on() && d)
				udma_telemetry_callback(&vc->chan, d->vd.tx.udma_submit_ns);
			if (traced)
				traced_plain(sc, &done[i], d);
			else
				call_plain(&done[i]);
			soft_put_add(sc, &idle, d);	/* by address: untouched */
		} else if (traced) {
			traced_desc(sc, &done[i], d);
		} else {
			vchan_complete_desc(&d->vd);
		}
	}
	soft_put_done(sc, &idle);
	soft_free_batch_end(vc);
	if (traced && !list_empty(&head)) {	/* past a full queue, or unplugged: no cookies */
		uint64_t c0 = udma_trace_now();

		vchan_complete_list(vc, &head);
		udma_trace_slice(UT_CALLBACK, &vc->chan, c0, 0, 0);
	} else {
		vchan_complete_list(vc, &head);
	}
	if (traced)
		udma_trace_slice(UT_TASKLET, &vc->chan, t0, 0, n);
}

static __attribute__((noinline, cold)) void complete_traced(struct tasklet_struct *t)
{
	complete_body(t, true);
}

void soft_complete(struct tasklet_struct *t)
{
	if (udma_trace_on())
		complete_traced(t);
	else
		complete_body(t, false);
}

/* SPDX-License-Identifier: MIT */
/*
 * The CUDA controller's engine: handing descriptors to a channel's stream,
 * noticing their completion, and stopping.
 *
 * Launch. Issued descriptors are handed to the stream in order, at most
 * max_inflight ahead of completion: work on a stream cannot be recalled, so
 * the window is what pause and terminate can still hold back. Each launch
 * batch records a CUDA event after its last descriptor, after every
 * descriptor prepared with DMA_PREP_INTERRUPT and every half window; the
 * others ride on the next event (coalescing), since a stream runs its work
 * in order, and their callbacks run when it fires.
 *
 * Completion. A thread per channel waits (cudaEventSynchronize) for the
 * oldest recorded event, then completes every descriptor up to it with
 * vchan_cookie_complete_quiet under the channel lock: callbacks run later in
 * the channel's tasklet, never on this thread nor one of CUDA's. The
 * thread does not use cudaLaunchHostFunc: a host function gets no error
 * status and does not run once the context has failed, while an event wait
 * returns the error, which becomes the descriptors' callback_result.
 *
 * Stop. Terminate drops what the stream does not have yet and parks what it
 * has on desc_terminated; synchronize waits for the stream to finish those
 * copies (cudaStreamSynchronize) and for the completion thread to let go of
 * them (its acknowledgement of the stop generation), then frees them (R5,
 * R6); it first lets running callbacks end, so a terminate one of them
 * makes is covered too. The handshake with the completion thread (doorbell,
 * stop generation, acknowledgement, pause, exit) is <udma/engine.h>'s, as
 * the soft controller's is.
 */
#include "cuda-internal.h"

#define LAUNCH_BATCH	32	/* descriptors taken per look at desc_issued */

/* Puts @d's work on the stream; the runtime's error if it refused it. */
static cudaError_t enqueue(struct cuda_chan *cc, struct cuda_desc *d)
{
	cudaError_t err = cudaSuccess;

	for (unsigned int i = 0; i < d->nops && err == cudaSuccess; i++) {
		const struct cuda_op2d *op = &d->ops[i];

		if (d->kind == CUDA_FILL)
			err = cudaMemsetAsync(op->dst, d->value, op->width, cc->stream);
		else if (op->height == 1)
			err = cudaMemcpyAsync(op->dst, op->src, op->width, cudaMemcpyDefault,
					      cc->stream);
		else
			err = cudaMemcpy2DAsync(op->dst, op->dpitch, op->src, op->spitch,
						op->width, op->height, cudaMemcpyDefault, cc->stream);
	}
	return err;
}

/*
 * Hands issued descriptors to the stream until the window is full, the
 * channel is paused or nothing is issued. Any thread may call it; the
 * launch lock keeps the stream in list order.
 */
void cuda_launch_more(struct cuda_chan *cc)
{
	struct cuda_desc *batch[LAUNCH_BATCH];
	unsigned int half_window = cc->cd->max_inflight > 1 ? cc->cd->max_inflight / 2 : 1;
	int prev = -2;

	pthread_mutex_lock(&cc->launch_lock);
	for (;;) {
		unsigned int n = 0, gen;

		spin_lock(&cc->vc.lock);
		gen = udma_engine_gen(&cc->eng);
		if (!udma_engine_paused(&cc->eng)) {
			while (n < LAUNCH_BATCH && cc->ninflight < cc->cd->max_inflight) {
				struct virt_dma_desc *vd = vchan_next_desc(&cc->vc);

				if (!vd)
					break;
				list_move_tail(&vd->node, &cc->inflight);
				cc->ninflight++;
				batch[n] = to_cuda_desc(vd);
				batch[n]->launched = false;
				n++;
			}
		}
		spin_unlock(&cc->vc.lock);
		if (!n)
			break;
		if (prev == -2)
			prev = cuda_dev_enter(cc->cd);

		for (unsigned int i = 0; i < n; i++) {
			struct cuda_desc *d = batch[i];
			bool last = i + 1 == n;

			d->has_event = false;
			d->stream_sync = false;
			d->launch_err = cudaSuccess;
			/* Terminated meanwhile: it is on desc_terminated, and
			 * copying it now would only delay synchronize. */
			if (udma_engine_gen(&cc->eng) != gen)
				continue;
			d->launch_err = enqueue(cc, d);
			/*
			 * An event after the batch's last descriptor, after every one
			 * that asked for an interrupt, after a refused one (it marks
			 * the end of the work before it, which may otherwise have no
			 * event of its own), and every half window, so the window is
			 * refilled while its second half still runs.
			 */
			if (last || d->launch_err != cudaSuccess ||
			    (d->vd.tx.flags & DMA_PREP_INTERRUPT) ||
			    ++cc->since_event >= half_window) {
				cc->since_event = 0;
				if (cudaEventRecord(d->event, cc->stream) == cudaSuccess)
					d->has_event = true;
				else
					d->stream_sync = true;
			}
			if (d->launch_err != cudaSuccess || d->stream_sync)
				cudaGetLastError();	/* not the caller's error to see */
		}

		spin_lock(&cc->vc.lock);
		for (unsigned int i = 0; i < n; i++)
			batch[i]->launched = true;
		spin_unlock(&cc->vc.lock);
		udma_engine_kick(&cc->eng);	/* the completion thread has events to wait for */
	}
	if (prev != -2)
		cuda_dev_leave(cc->cd, prev);
	pthread_mutex_unlock(&cc->launch_lock);
}

void cuda_issue_pending(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);
	bool issued;

	spin_lock(&cc->vc.lock);
	issued = vchan_issue_pending(&cc->vc);
	spin_unlock(&cc->vc.lock);
	if (issued)
		cuda_launch_more(cc);
}

/* Errors that mean a copy touched memory it could not: an execution fault. */
static bool is_fault(cudaError_t err)
{
	switch (err) {
	case cudaErrorIllegalAddress:
	case cudaErrorMisalignedAddress:
	case cudaErrorInvalidAddressSpace:
	case cudaErrorLaunchFailure:
	case cudaErrorECCUncorrectable:
		return true;
	default:
		return false;
	}
}

/*
 * What a descriptor's callback_result says. @err is what waiting for its
 * event returned, @first whether this wait was the first to see the
 * device's fault: the runtime reports one sticky error for the whole
 * context, so everything after the faulting work merely never ran.
 */
static struct dmaengine_result result_of(const struct cuda_desc *d, cudaError_t err, bool first)
{
	struct dmaengine_result r = { DMA_TRANS_NOERROR, 0 };

	if (d->launch_err == cudaSuccess && err == cudaSuccess)
		return r;
	if (d->launch_err == cudaSuccess && first && is_fault(err))
		r.result = d->kind == CUDA_FILL ? DMA_TRANS_WRITE_FAILED : DMA_TRANS_READ_FAILED;
	else
		r.result = DMA_TRANS_ABORTED;
	/* descriptor granularity: a failed descriptor has all its bytes left */
	r.residue = (uint32_t)d->total;
	return r;
}

/*
 * As every udmaengine provider (and the kernel's virt-dma drivers) does: a
 * descriptor with a callback gets it. DMA_PREP_INTERRUPT only decides which
 * descriptors signal their completion (record an event); the others are
 * noticed, and called back, with the next signal. One without a callback
 * goes back to the cache here (cuda_desc_free takes only cache_lock), not
 * through a tasklet run: a coalesced stream would pay one per event.
 * Returns whether a callback was queued.
 */
static bool finish(struct cuda_desc *d)
{
	return vchan_cookie_complete_quiet(&d->vd);
}

/* Every descriptor up to @target is done with @err, unless terminated since @gen. */
static void complete_through(struct cuda_chan *cc, struct cuda_desc *target, unsigned int gen,
			     cudaError_t err)
{
	bool first = false, callbacks = false;

	if (err != cudaSuccess && is_fault(err)) {
		int none = 0;

		/* relaxed: only which caller wins matters, which the
		 * exchange decides alone; no one reads through the field */
		first = try_cmpxchg_relaxed(&cc->cd->fault, &none, (int)err);
	}
	spin_lock(&cc->vc.lock);
	if (udma_engine_gen(&cc->eng) == gen) {
		bool last;

		do {
			struct cuda_desc *d = list_first_entry(&cc->inflight, struct cuda_desc, vd.node);

			last = d == target;
			list_del(&d->vd.node);
			cc->ninflight--;
			d->vd.tx_result = result_of(d, err, first);
			callbacks |= finish(d);
		} while (!last);
	}
	if (callbacks)
		tasklet_schedule(&cc->vc.task);
	spin_unlock(&cc->vc.lock);
}

void *cuda_chan_thread(void *arg)
{
	struct cuda_chan *cc = arg;

	cuda_dev_enter(cc->cd);	/* this thread works for this GPU only */
	for (;;) {
		unsigned int bell = udma_engine_doorbell(&cc->eng), gen;
		struct cuda_desc *d, *target = NULL;
		cudaError_t err;

		spin_lock(&cc->vc.lock);
		gen = udma_engine_gen(&cc->eng);
		list_for_each_entry(d, &cc->inflight, struct cuda_desc, vd.node) {
			if (!d->launched)
				break;
			if (d->has_event || d->stream_sync) {
				target = d;
				break;
			}
		}
		spin_unlock(&cc->vc.lock);
		/* Holding nothing yet: every terminate so far is complete for us. */
		udma_engine_ack(&cc->eng, gen);

		if (udma_engine_exiting(&cc->eng))
			break;
		if (!target) {
			udma_engine_wait(&cc->eng, bell);	/* for a launch, a terminate, exit */
			continue;
		}
		/* target stays allocated: synchronize waits for our next ack */
		err = target->has_event ? cudaEventSynchronize(target->event)
					: cudaStreamSynchronize(cc->stream);
		if (err != cudaSuccess)
			cudaGetLastError();
		complete_through(cc, target, gen, err);
		cuda_launch_more(cc);	/* the window has room again */
	}
	return NULL;
}

int cuda_terminate_all(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);
	struct cuda_desc *d, *n;
	LIST_HEAD(head);

	spin_lock(&cc->vc.lock);
	udma_engine_stop(&cc->eng);	/* under vc.lock: completions check it under it */
	/* On the stream: the GPU may still copy them, freed at synchronize. */
	list_for_each_entry_safe(d, n, &cc->inflight, struct cuda_desc, vd.node)
		vchan_terminate_vdesc(&d->vd);
	cc->ninflight = 0;
	vchan_get_queued_descriptors(&cc->vc, &head);
	cc->vc.cyclic = NULL;
	spin_unlock(&cc->vc.lock);

	vchan_dma_desc_free_list(&cc->vc, &head);
	udma_engine_kick(&cc->eng);	/* out of its wait, to see the stop */
	return 0;
}

void cuda_synchronize(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);
	unsigned int gen;
	LIST_HEAD(head);

	/* Running callbacks end first: one may still terminate. */
	tasklet_kill(&cc->vc.task);
	spin_lock(&cc->vc.lock);
	gen = udma_engine_gen(&cc->eng);
	list_splice_tail_init(&cc->vc.desc_terminated, &head);
	spin_unlock(&cc->vc.lock);

	/*
	 * A copy on the stream cannot be recalled: wait for it. With the
	 * launch lock held no launch is half done, so everything taken above
	 * is on the stream already or will never be.
	 */
	pthread_mutex_lock(&cc->launch_lock);
	if (cudaStreamSynchronize(cc->stream) != cudaSuccess)
		cudaGetLastError();	/* a failed context runs nothing more */
	pthread_mutex_unlock(&cc->launch_lock);

	udma_engine_wait_ack(&cc->eng, gen);
	vchan_dma_desc_free_list(&cc->vc, &head);
}

/*
 * Pause stops handing descriptors to the stream and returns once the
 * stream stands still: what it had runs to its end (it cannot be stopped
 * half way), what it had not waits for resume.
 *
 * The launcher reads the pause under launch_lock, which pause takes after
 * setting it: a launch that began before it is on the stream by the time
 * pause synchronizes the stream, and one that begins after sees it. The
 * completion thread moves no bytes (it is never RUNNING), so the engine's
 * pause returns at once.
 */
int cuda_pause(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);

	udma_engine_pause(&cc->eng);
	pthread_mutex_lock(&cc->launch_lock);
	if (cudaStreamSynchronize(cc->stream) != cudaSuccess)
		cudaGetLastError();
	pthread_mutex_unlock(&cc->launch_lock);
	return 0;
}

int cuda_resume(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);

	udma_engine_resume(&cc->eng);
	cuda_launch_more(cc);	/* reads the pause after this thread cleared it */
	return 0;
}

enum dma_status cuda_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
			       struct dma_tx_state *state)
{
	struct cuda_chan *cc = to_cuda_chan(chan);
	enum dma_status status = dma_cookie_status(chan, cookie, state);

	if (status == DMA_COMPLETE)
		return status;
	/* descriptor granularity: not done is all we know (residue 0) */
	dma_set_residue(state, 0);
	return udma_engine_paused(&cc->eng) ? DMA_PAUSED : status;
}

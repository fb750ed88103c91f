/* SPDX-License-Identifier: MIT */
/*
 * Errors from the CUDA runtime become callback_result (test double only:
 * it injects them):
 *   - refused at launch (cudaErrorInvalidValue...): DMA_TRANS_ABORTED with
 *     the whole length as residue; the descriptors around it are fine and
 *     the channel goes on;
 *   - an execution fault (cudaErrorIllegalAddress...): DMA_TRANS_READ_FAILED
 *     for a copy or interleaved copy, DMA_TRANS_WRITE_FAILED for a memset;
 *     the context is dead afterwards (sticky), so what was queued behind it
 *     is DMA_TRANS_ABORTED and new preps are refused naming the error;
 *   - other execution errors (cudaErrorLaunchTimeout): DMA_TRANS_ABORTED;
 *   - with coalescing, the descriptor that calls back for a group reports
 *     the group's fault.
 * Every failed descriptor still completes: its cookie is DMA_COMPLETE.
 */
#include "cuda-test.h"

#define LEN 4096

#if !T_DOUBLE
#error "cuda-errors needs the CUDA runtime test double (error injection)"
#endif

struct fixture {
	struct dma_device *dev;
	struct dma_chan *chan;
	unsigned char *src, *dst;
};

static void setup(struct fixture *f)
{
	cudart_double_reset();
	f->dev = t_cuda_create(NULL);
	f->chan = t_cuda_chan(f->dev);
	f->src = t_dev_alloc(16 * LEN);
	f->dst = t_dev_alloc(16 * LEN);
	t_dev_fill(f->src, 0x5c, 16 * LEN);
	t_dev_fill(f->dst, 0, 16 * LEN);
}

/* Also works in a failed context: that is the point. */
static void teardown(struct fixture *f)
{
	CHECK_EQ(dmaengine_terminate_sync(f->chan), 0);
	dma_release_channel(f->chan);
	t_dev_free(f->src);
	t_dev_free(f->dst);
	CHECK_EQ(udma_cuda_destroy(f->dev), 0);
	cudart_double_reset();
}

static dma_cookie_t copy(struct fixture *f, int i, unsigned long flags, struct t_res *r)
{
	return t_submit(dmaengine_prep_dma_memcpy(f->chan, t_dptr(f->dst + i * LEN),
						  t_dptr(f->src + i * LEN), LEN, flags), r);
}

/*
 * The double's device memory is host memory: read it directly, since in a
 * failed context the runtime refuses every call, cudaMemcpy included.
 */
static unsigned char dst_byte(struct fixture *f, int i)
{
	return f->dst[i * LEN];
}

static void launch_error(void)
{
	struct fixture f;
	struct t_counter done;
	struct t_res r[4];
	dma_cookie_t c[4];

	setup(&f);
	t_counter_init(&done);
	for (int i = 0; i < 4; i++)
		t_res_init(&r[i], &done, NULL);
	/* the second memcpy is refused by the runtime; the fourth raises no event of
	 * its own, and is called back with the batch's */
	cudart_double_inject(CUDART_DOUBLE_MEMCPY, 1, CUDART_DOUBLE_AT_LAUNCH, cudaErrorInvalidValue);
	for (int i = 0; i < 4; i++)
		c[i] = copy(&f, i, i == 3 ? 0 : DMA_PREP_INTERRUPT, &r[i]);
	dma_async_issue_pending(f.chan);
	CHECK(t_counter_wait(&done, 4, 10000));
	CHECK_EQ(dma_sync_wait(f.chan, c[3]), DMA_COMPLETE);
	CHECK_EQ(r[0].result, DMA_TRANS_NOERROR);
	CHECK_EQ(r[1].result, DMA_TRANS_ABORTED);
	CHECK_EQ(r[1].residue, LEN);
	CHECK_EQ(r[2].result, DMA_TRANS_NOERROR);
	CHECK_EQ(r[3].calls, 1);
	CHECK_EQ(r[3].result, DMA_TRANS_NOERROR);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(dmaengine_tx_status(f.chan, c[i], NULL), DMA_COMPLETE);
	CHECK_EQ(dst_byte(&f, 0), 0x5c);
	CHECK_EQ(dst_byte(&f, 1), 0);		/* never ran */
	CHECK_EQ(dst_byte(&f, 2), 0x5c);
	CHECK_EQ(dst_byte(&f, 3), 0x5c);
	/* not sticky: the channel goes on */
	t_res_init(&r[0], &done, NULL);
	copy(&f, 5, DMA_PREP_INTERRUPT, &r[0]);
	dma_async_issue_pending(f.chan);
	CHECK(t_counter_wait(&done, 4, 10000));
	CHECK_EQ(r[0].result, DMA_TRANS_NOERROR);
	/* the launch error did not leak into this thread's cudaGetLastError */
	CHECK_EQ(cudaGetLastError(), cudaSuccess);
	teardown(&f);
}

/* A fault in the middle of queued work; @kind picks what faults. */
static void exec_fault(enum cudart_double_op kind, cudaError_t err,
		       enum dmaengine_tx_result want)
{
	struct fixture f;
	struct t_counter done;
	struct t_res r[4];
	dma_cookie_t c[4];
	struct dma_interleaved_template *xt;

	setup(&f);
	t_counter_init(&done);
	for (int i = 0; i < 4; i++)
		t_res_init(&r[i], &done, NULL);
	/* one that completes before anything goes wrong */
	c[0] = copy(&f, 0, DMA_PREP_INTERRUPT, &r[0]);
	dma_async_issue_pending(f.chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(r[0].result, DMA_TRANS_NOERROR);

	/* then: the faulting one and two behind it, all on the stream */
	cudart_double_hold(true);
	cudart_double_inject(kind, 0, CUDART_DOUBLE_AT_RUN, err);
	switch (kind) {
	case CUDART_DOUBLE_MEMSET:
		c[1] = t_submit(dmaengine_prep_dma_memset(f.chan, t_dptr(f.dst + LEN), 1, LEN,
							  DMA_PREP_INTERRUPT), &r[1]);
		break;
	case CUDART_DOUBLE_MEMCPY2D:
		xt = calloc(1, sizeof(*xt) + sizeof(struct data_chunk));
		CHECK(xt);
		xt->src_start = t_dptr(f.src + LEN);
		xt->dst_start = t_dptr(f.dst + LEN);
		xt->dir = DMA_MEM_TO_MEM;
		xt->src_inc = xt->dst_inc = xt->src_sgl = xt->dst_sgl = true;
		xt->numf = 4;
		xt->frame_size = 1;
		xt->sgl[0].size = LEN / 8;
		xt->sgl[0].icg = LEN / 8;
		c[1] = t_submit(dmaengine_prep_interleaved_dma(f.chan, xt, DMA_PREP_INTERRUPT), &r[1]);
		free(xt);
		break;
	default:
		c[1] = copy(&f, 1, DMA_PREP_INTERRUPT, &r[1]);
		break;
	}
	c[2] = copy(&f, 2, DMA_PREP_INTERRUPT, &r[2]);
	c[3] = copy(&f, 3, DMA_PREP_INTERRUPT, &r[3]);
	dma_async_issue_pending(f.chan);
	cudart_double_hold(false);
	CHECK(t_counter_wait(&done, 4, 10000));
	CHECK_EQ(r[1].result, want);
	CHECK_EQ(r[1].residue, kind == CUDART_DOUBLE_MEMCPY2D ? LEN / 2 : LEN);
	CHECK_EQ(r[2].result, DMA_TRANS_ABORTED);	/* never ran: the context had failed */
	CHECK_EQ(r[3].result, DMA_TRANS_ABORTED);
	CHECK_EQ(r[3].residue, LEN);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(dmaengine_tx_status(f.chan, c[i], NULL), DMA_COMPLETE);
	CHECK_EQ(dst_byte(&f, 2), 0);
	CHECK_EQ(dst_byte(&f, 3), 0);

	/* a failed context: new work is refused at prep, naming the error */
	t_diag_reset();
	CHECK(!dmaengine_prep_dma_memcpy(f.chan, t_dptr(f.dst), t_dptr(f.src), LEN, 0));
	CHECK_DIAG(cudaGetErrorName(err));
	teardown(&f);
}

/* Coalesced: the fault of a group is reported by the descriptor that calls back. */
static void group_fault(void)
{
	struct fixture f;
	struct t_counter done;
	struct t_res r[5];
	dma_cookie_t last = 0;

	setup(&f);
	t_counter_init(&done);
	cudart_double_hold(true);
	cudart_double_inject(CUDART_DOUBLE_MEMCPY, 2, CUDART_DOUBLE_AT_RUN, cudaErrorIllegalAddress);
	for (int i = 0; i < 5; i++) {
		t_res_init(&r[i], &done, NULL);
		last = copy(&f, i, i == 4 ? DMA_PREP_INTERRUPT : 0, &r[i]);
	}
	dma_async_issue_pending(f.chan);
	cudart_double_hold(false);
	CHECK(t_counter_wait(&done, 5, 10000));
	CHECK_EQ(dma_sync_wait(f.chan, last), DMA_COMPLETE);
	/* one event covers all five and CUDA does not say which copy faulted:
	 * each is reported failed, with all its bytes as residue */
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(r[i].calls, 1);
		CHECK_EQ(r[i].result, DMA_TRANS_READ_FAILED);
		CHECK_EQ(r[i].residue, LEN);
	}
	teardown(&f);
}

/* An error that is not a memory fault: the transfer was aborted. */
static void other_exec_error(void)
{
	struct fixture f;
	struct t_counter done;
	struct t_res r;

	setup(&f);
	t_counter_init(&done);
	t_res_init(&r, &done, NULL);
	cudart_double_inject(CUDART_DOUBLE_ANY, 0, CUDART_DOUBLE_AT_RUN, cudaErrorLaunchTimeout);
	copy(&f, 0, DMA_PREP_INTERRUPT, &r);
	dma_async_issue_pending(f.chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(r.result, DMA_TRANS_ABORTED);
	CHECK_EQ(r.residue, LEN);
	teardown(&f);
}

int main(void)
{
	t_cuda_start("cuda-errors");
	launch_error();
	exec_fault(CUDART_DOUBLE_MEMCPY, cudaErrorIllegalAddress, DMA_TRANS_READ_FAILED);
	exec_fault(CUDART_DOUBLE_MEMSET, cudaErrorIllegalAddress, DMA_TRANS_WRITE_FAILED);
	exec_fault(CUDART_DOUBLE_MEMCPY2D, cudaErrorMisalignedAddress, DMA_TRANS_READ_FAILED);
	exec_fault(CUDART_DOUBLE_MEMCPY, cudaErrorECCUncorrectable, DMA_TRANS_READ_FAILED);
	group_fault();
	other_exec_error();
	printf("cuda-errors: launch refusal -> ABORTED (channel goes on); faults -> READ_FAILED "
	       "(copy, 2D), WRITE_FAILED (memset), later work ABORTED, preps refused; "
	       "group fault reported; other errors -> ABORTED\n");
	return 0;
}

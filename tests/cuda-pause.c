/* SPDX-License-Identifier: MIT */
/*
 * Pause on a GPU channel (R7 as the caps declare it): dmaengine_pause
 * returns once the copies already on the stream have run to their end;
 * pending descriptors are held back -- their destination untouched, their
 * status DMA_PAUSED, nothing completing while paused -- and after resume
 * every byte is what an uninterrupted run gives. Work issued while paused
 * waits too; terminate clears the pause; resume of a running channel is
 * -EINVAL.
 */
#include "cuda-test.h"

#if T_DOUBLE
#define N 24
#define LEN 65536
#define WINDOW 2
#else
#define N 256		/* enough work that a pause lands in the middle */
#define LEN (16u << 20)
#define WINDOW 2
#endif

static int completed_count(struct dma_chan *chan, const dma_cookie_t *c, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += dmaengine_tx_status(chan, c[i], NULL) == DMA_COMPLETE;
	return k;
}

/*
 * The copies that were on the stream have finished, but their completions
 * and callbacks are processed a little later: wait until the count holds
 * still for 50 ms (a loaded machine may take a while), then return it.
 */
static int settled_count(struct dma_chan *chan, const dma_cookie_t *c, int n,
			 struct t_counter *done)
{
	int k = completed_count(chan, c, n), stable = 0;

	for (int i = 0; i < 400 && stable < 5; i++) {
		int now;

		t_sleep_us(10000);
		now = completed_count(chan, c, n);
		stable = now == k && t_counter_get(done) == k ? stable + 1 : 0;
		k = now;
	}
	return k;
}

int main(void)
{
	struct udma_cuda_config cfg = { .max_inflight = WINDOW };
	struct dma_device *dev;
	struct dma_chan *chan;
	struct dma_tx_state st;
	struct t_counter done;
	struct t_res r[N];
	dma_cookie_t c[N], extra;
	unsigned char *src, *dst, *host, *back;
	int done_at_pause, order = 0;
	size_t blk = T_DOUBLE ? LEN : 4096;	/* bytes checked per descriptor */

	t_cuda_start("cuda-pause");
	dev = t_cuda_create(&cfg);
	chan = t_cuda_chan(dev);
	t_counter_init(&done);

	/* not paused: -EINVAL; the caps say pause works */
	t_diag_reset();
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	CHECK_DIAG("not paused");

	src = t_dev_alloc(T_DOUBLE ? (size_t)N * LEN : LEN);
	dst = t_dev_alloc((size_t)N * (T_DOUBLE ? LEN : blk) + (T_DOUBLE ? 0 : LEN));
	host = t_alloc((size_t)N * blk);
	back = t_alloc((size_t)N * blk);
	t_fill(host, (size_t)N * blk, 77);
#if T_DOUBLE
	t_to_dev(src, host, (size_t)N * LEN);
	t_dev_fill(dst, 0, (size_t)N * LEN);
	cudart_double_set_op_delay_us(3000);	/* each copy takes 3 ms on this "GPU" */
#else
	t_to_dev(src, host, blk);
	t_dev_fill(dst, 0, (size_t)N * blk + LEN);
#endif
	for (int i = 0; i < N; i++) {
		t_res_init(&r[i], &done, &order);
#if T_DOUBLE
		c[i] = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dst + (size_t)i * LEN),
							  t_dptr(src + (size_t)i * LEN), LEN,
							  DMA_PREP_INTERRUPT), &r[i]);
#else
		/* big copies onto a sliding destination: block i starts at dst + i * 4096 */
		c[i] = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dst + (size_t)i * blk),
							  t_dptr(src), LEN, DMA_PREP_INTERRUPT), &r[i]);
#endif
	}
	dma_async_issue_pending(chan);
	t_sleep_us(T_DOUBLE ? 10000 : 200);
	CHECK_EQ(dmaengine_pause(chan), 0);

	/* the stream stands still: what was on it has finished */
#if T_DOUBLE
	CHECK_EQ(cudart_double_ops_pending(), 0);
	{
		struct cudart_double_stats s0, s1;

		cudart_double_get_stats(&s0);
		done_at_pause = settled_count(chan, c, N, &done);
		cudart_double_get_stats(&s1);
		CHECK_EQ(s1.ops_launched, s0.ops_launched);	/* nothing more handed over */
		CHECK_EQ(s1.ops_run, s0.ops_run);
		CHECK(s0.ops_launched < N);
		CHECK_EQ(done_at_pause, s0.ops_launched);	/* exactly what the stream had */
	}
#else
	done_at_pause = settled_count(chan, c, N, &done);
#endif
	CHECK(done_at_pause < N);	/* the pause held something back */
	t_sleep_us(20000);
	CHECK_EQ(completed_count(chan, c, N), done_at_pause);
	CHECK_EQ(t_counter_get(&done), done_at_pause);
	CHECK_EQ(dmaengine_tx_status(chan, c[N - 1], &st), DMA_PAUSED);
	CHECK_EQ(st.residue, 0);	/* descriptor granularity */
#if T_DOUBLE
	/* held-back descriptors never touched their destination */
	for (int i = done_at_pause; i < N; i++) {
		unsigned char b;

		t_from_dev(&b, dst + (size_t)i * LEN, 1);
		CHECK_EQ(b, 0);
	}
#endif
	/* issued while paused: waits as well */
	extra = t_submit(dmaengine_prep_dma_memset(chan, t_dptr(dst), 0x42, 1, 0), NULL);
	dma_async_issue_pending(chan);
	t_sleep_us(10000);
	CHECK_EQ(dmaengine_tx_status(chan, extra, NULL), DMA_PAUSED);

	CHECK_EQ(dmaengine_resume(chan), 0);
	CHECK(t_counter_wait(&done, N, 60000));
	CHECK_EQ(dma_sync_wait(chan, extra), DMA_COMPLETE);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(r[i].seq, i);
		CHECK_EQ(r[i].result, DMA_TRANS_NOERROR);
	}
	/* exactly what an uninterrupted run gives */
#if T_DOUBLE
	for (int i = 0; i < N; i++)
		t_from_dev(back + (size_t)i * blk, dst + (size_t)i * LEN, blk);
	host[0] = 0x42;		/* the memset issued while paused ran last */
#else
	/* block i keeps the first 4 KiB of copy i; the last copy wrote all of its own */
	t_from_dev(back, dst, (size_t)N * blk);
	for (int i = 0; i < N; i++)
		memcpy(host + (size_t)i * blk, host, blk);
	host[0] = 0x42;
#endif
	CHECK(memcmp(back, host, (size_t)N * blk) == 0);

	/* terminate clears the pause */
	CHECK_EQ(dmaengine_pause(chan), 0);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	t_diag_reset();
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	extra = t_submit(dmaengine_prep_dma_memset(chan, t_dptr(dst), 0x43, 1, 0), NULL);
	CHECK_EQ(dma_sync_wait(chan, extra), DMA_COMPLETE);

#if T_DOUBLE
	cudart_double_set_op_delay_us(0);
#endif
	dma_release_channel(chan);
	t_dev_free(src);
	t_dev_free(dst);
	free(host);
	free(back);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-pause: %d of %d done when paused, none more while paused, destinations of "
	       "held-back copies untouched; after resume all %d byte-exact and in order\n",
	       done_at_pause, N, N);
	return 0;
}

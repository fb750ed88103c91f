/* SPDX-License-Identifier: MIT */
/*
 * Coalescing: only descriptors prepared with DMA_PREP_INTERRUPT signal
 * their completion (a CUDA event); the others are noticed, and called back,
 * with the next one. 100 copies, every tenth with the flag and all with a
 * callback set: 100 callbacks, each once, in order, every cookie complete,
 * every byte copied; on the test double, fewer CUDA events than
 * descriptors, and one per descriptor when every one asks for it.
 */
#include "cuda-test.h"

#define N 100
#define LEN 4096

static unsigned long events_now(void)
{
#if T_DOUBLE
	struct cudart_double_stats st;

	cudart_double_get_stats(&st);
	return st.events_recorded;
#else
	return 0;
#endif
}

/* Copies N blocks; those with i % every == every - 1 get DMA_PREP_INTERRUPT. */
static void batch(struct dma_chan *chan, int every, unsigned long *events)
{
	unsigned char *src = t_dev_alloc(N * LEN), *dst = t_dev_alloc(N * LEN);
	unsigned char *host = t_alloc(N * LEN), *back = t_alloc(N * LEN);
	struct t_res r[N];
	struct t_counter done;
	dma_cookie_t cookie[N];
	unsigned long ev0 = events_now();
	int order = 0, want = N;

	t_counter_init(&done);
	t_fill(host, N * LEN, (unsigned int)every);
	t_to_dev(src, host, N * LEN);
	t_dev_fill(dst, 0, N * LEN);
	for (int i = 0; i < N; i++) {
		unsigned long flags = i % every == every - 1 ? DMA_PREP_INTERRUPT : 0;

		t_res_init(&r[i], &done, &order);
		/* every descriptor has a callback: only the flag decides */
		cookie[i] = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dst + i * LEN),
							       t_dptr(src + i * LEN), LEN, flags),
				     &r[i]);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, want, 10000));
	CHECK_EQ(dma_sync_wait(chan, cookie[N - 1]), DMA_COMPLETE);
	t_sleep_us(20000);	/* a stray callback would show up by now */
	CHECK_EQ(t_counter_get(&done), want);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(dmaengine_tx_status(chan, cookie[i], NULL), DMA_COMPLETE);
		CHECK_EQ(r[i].calls, 1);
		CHECK_EQ(r[i].seq, i);	/* in submission order */
		CHECK_EQ(r[i].result, DMA_TRANS_NOERROR);
	}
	t_from_dev(back, dst, N * LEN);
	CHECK(memcmp(back, host, N * LEN) == 0);
	*events = events_now() - ev0;
	t_dev_free(src);
	t_dev_free(dst);
	free(host);
	free(back);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;
	unsigned long ev_coalesced, ev_all;
	unsigned char *a, *b;
	struct t_counter done;
	struct t_res r[5];
	dma_cookie_t last = 0;

	t_cuda_start("cuda-coalesce");
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);

	batch(chan, 10, &ev_coalesced);
	batch(chan, 1, &ev_all);
#if T_DOUBLE
	/* an event per DMA_PREP_INTERRUPT descriptor, plus one per launch batch at most */
	CHECK(ev_coalesced >= N / 10);
	CHECK(ev_coalesced < N / 2);
	CHECK_EQ(ev_all, N);
#endif

	/* no descriptor asks: the batch's own event still completes them, and calls back */
	a = t_dev_alloc(5 * LEN);
	b = t_dev_alloc(5 * LEN);
	t_counter_init(&done);
	for (int i = 0; i < 5; i++) {
		t_res_init(&r[i], &done, NULL);
		last = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(b + i * LEN),
							  t_dptr(a + i * LEN), LEN, 0), &r[i]);
	}
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	CHECK(t_counter_wait(&done, 5, 10000));
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&done), 5);
	t_dev_free(a);
	t_dev_free(b);

	dma_release_channel(chan);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-coalesce: 100 callbacks in order from %lu events with DMA_PREP_INTERRUPT every "
	       "10th, %lu events when all ask, callbacks without any flag too\n", ev_coalesced, ev_all);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * R5/R6 on a GPU: a copy on a CUDA stream cannot be recalled, so
 * dmaengine_synchronize must wait for it. Checked here:
 *   - (test double) with the stream held, synchronize does not return
 *     before the stream has run what it had; nothing queued behind the
 *     window ever runs; no callback comes; memory marked freed after
 *     synchronize is never touched (and the detector does catch a late
 *     access, so that check cannot pass vacuously);
 *   - terminate racing completions, 200 rounds, from the main thread and
 *     from a callback: no callback after synchronize, none for a transfer
 *     not complete at terminate, no GPU access to freed memory;
 *   - terminate_sync in a callback is -EDEADLK; release with work in
 *     flight synchronizes first (R10); the channel works afterwards.
 */
#include <sched.h>

#include "cuda-test.h"

static struct t_counter cb_count;

static void count_cb(void *param)
{
	(void)param;
	t_counter_bump(&cb_count);
}

#if T_DOUBLE
struct releaser {
	unsigned int delay_us;
	uint64_t released_at;	/* atomic */
};

static void *release_later(void *arg)
{
	struct releaser *r = arg;

	t_sleep_us(r->delay_us);
	__atomic_store_n(&r->released_at, t_now_ns(), __ATOMIC_SEQ_CST);
	cudart_double_hold(false);
	return NULL;
}

static void held_stream(struct dma_device *dev)
{
	struct udma_cuda_config cfg = { .max_inflight = 4 };
	struct dma_device *small;
	struct dma_chan *chan;
	struct cudart_double_stats st;
	struct releaser rel = { 100000, 0 };
	unsigned char *src, *dst;
	uint64_t sync_done;
	pthread_t th;
	cudaStream_t s;

	(void)dev;
	small = t_cuda_create(&cfg);
	chan = t_cuda_chan(small);
	src = t_dev_alloc(10 * 65536);
	dst = t_dev_alloc(10 * 65536);
	t_counter_init(&cb_count);
	cudart_double_reset();
	cudart_double_hold(true);
	for (int i = 0; i < 10; i++) {
		struct dma_async_tx_descriptor *tx =
			dmaengine_prep_dma_memcpy(chan, t_dptr(dst + i * 65536),
						  t_dptr(src + i * 65536), 65536, DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = count_cb;
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	}
	dma_async_issue_pending(chan);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.ops_launched, 4);		/* the window: the rest wait in desc_issued */
	CHECK_EQ(cudart_double_ops_pending(), 4);

	CHECK_EQ(dmaengine_terminate_async(chan), 0);
	CHECK_EQ(cudart_double_ops_pending(), 4);	/* on the stream: cannot be recalled */
	CHECK(pthread_create(&th, NULL, release_later, &rel) == 0);
	dmaengine_synchronize(chan);
	sync_done = t_now_ns();
	pthread_join(th, NULL);
	/* synchronize waited for the stream to run what it had */
	CHECK(__atomic_load_n(&rel.released_at, __ATOMIC_SEQ_CST) != 0);
	CHECK(sync_done >= rel.released_at);
	CHECK_EQ(cudart_double_ops_pending(), 0);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.ops_launched, 4);		/* the 6 behind the window never reached it */
	CHECK(st.stream_syncs >= 1);

	/* after synchronize the memory is the caller's: mark it freed */
	cudart_double_mark_freed(src, 10 * 65536);
	cudart_double_mark_freed(dst, 10 * 65536);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&cb_count), 0);	/* terminated before completion: no callback */
	cudart_double_get_stats(&st);
	CHECK_EQ(st.late_accesses, 0);

	/* the detector works: an access after the mark is counted (not made) */
	CHECK_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
	cudart_double_hold(true);
	CHECK_EQ(cudaMemcpyAsync(dst, src, 4096, cudaMemcpyDefault, s), cudaSuccess);
	cudart_double_hold(false);
	CHECK_EQ(cudaStreamSynchronize(s), cudaSuccess);
	CHECK_EQ(cudaStreamDestroy(s), cudaSuccess);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.late_accesses, 1);
	cudart_double_reset();	/* counters and marks back to 0 for what follows */

	dma_release_channel(chan);
	t_dev_free(src);
	t_dev_free(dst);
	CHECK_EQ(udma_cuda_destroy(small), 0);
	printf("cuda-terminate: held stream: synchronize returned %.1f ms after terminate, "
	       "only once the stream ran its 4 copies; 6 never launched; no late access\n",
	       (double)(sync_done - rel.released_at) / 1e6 + rel.delay_us / 1e3);
}
#endif

/* ---- terminate racing completions ---- */

struct round_ctx {
	int dead;			/* atomic: set once synchronize returned */
	int terminated;			/* atomic */
	int term_claimed;		/* atomic */
	dma_cookie_t last_at_term;
	struct dma_chan *chan;
	int term_in_cb;			/* index whose callback terminates, or -1 */
	int cb_terminated;		/* atomic: that callback did it */
};

struct desc_ctx {
	struct round_ctx *round;
	int index;
	dma_cookie_t cookie;
	unsigned char scratch[32];	/* written by the callback, freed with the round */
};

static int dead_hits, not_complete_hits;

static bool claim(struct round_ctx *r)
{
	int zero = 0;

	return __atomic_compare_exchange_n(&r->term_claimed, &zero, 1, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void mark_terminated(struct round_ctx *r)
{
	struct dma_tx_state st;

	dmaengine_tx_status(r->chan, DMA_MIN_COOKIE, &st);
	r->last_at_term = st.last;
	__atomic_store_n(&r->terminated, 1, __ATOMIC_RELEASE);
}

static void race_cb(void *param)
{
	struct desc_ctx *dc = param;
	struct round_ctx *r = dc->round;

	if (__atomic_load_n(&r->dead, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&dead_hits, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&r->terminated, __ATOMIC_ACQUIRE) && dc->cookie > r->last_at_term)
		__atomic_fetch_add(&not_complete_hits, 1, __ATOMIC_RELAXED);
	memset(dc->scratch, dc->index, sizeof(dc->scratch));
	if (dc->index == r->term_in_cb && claim(r)) {
		CHECK_EQ(dmaengine_terminate_async(r->chan), 0);
		mark_terminated(r);
		/* R5: terminate_sync here would wait for this very callback */
		CHECK_EQ(dmaengine_terminate_sync(r->chan), -EDEADLK);
		__atomic_store_n(&r->cb_terminated, 1, __ATOMIC_RELEASE);
	}
}

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

#define DESCS 12

static void race(struct dma_device *dev, unsigned int rounds)
{
	struct dma_chan *chan = t_cuda_chan(dev);
	struct round_ctx *prev_r = NULL;
	struct desc_ctx *prev_dc = NULL;
	unsigned char *prev_src = NULL, *prev_dst = NULL;
	unsigned int seed = 12345;
	int in_cb = 0, cut = 0;

	for (unsigned int round = 0; round < rounds; round++) {
		struct round_ctx *r = calloc(1, sizeof(*r));
		struct desc_ctx *dc = calloc(DESCS, sizeof(*dc));
		size_t len = 512 + rnd(&seed) % 65536;
		unsigned char *src = t_dev_alloc(DESCS * len), *dst = t_dev_alloc(DESCS * len);

		CHECK(r && dc);
		r->chan = chan;
		r->term_in_cb = rnd(&seed) % 3 == 0 ? (int)(rnd(&seed) % DESCS) : -1;
#if T_DOUBLE
		cudart_double_set_op_delay_us(rnd(&seed) % 3 == 0 ? rnd(&seed) % 200 : 0);
#endif
		for (int i = 0; i < DESCS; i++) {
			struct dma_async_tx_descriptor *tx =
				dmaengine_prep_dma_memcpy(chan, t_dptr(dst + i * len),
							  t_dptr(src + i * len), len,
							  i % 4 == 3 ? 0 : DMA_PREP_INTERRUPT);

			CHECK(tx);
			dc[i].round = r;
			dc[i].index = i;
			tx->callback = race_cb;
			tx->callback_param = &dc[i];
			dc[i].cookie = dmaengine_submit(tx);
			CHECK(dc[i].cookie >= DMA_MIN_COOKIE);
		}
		dma_async_issue_pending(chan);
		if (r->term_in_cb >= 0) {
			/* a callback terminates (if its descriptor calls back at all) */
			while (!__atomic_load_n(&r->cb_terminated, __ATOMIC_ACQUIRE) &&
			       dmaengine_tx_status(chan, dc[DESCS - 1].cookie, NULL) != DMA_COMPLETE)
				sched_yield();
			if (__atomic_load_n(&r->cb_terminated, __ATOMIC_ACQUIRE))
				in_cb++;
			dmaengine_synchronize(chan);
			if (!__atomic_load_n(&r->cb_terminated, __ATOMIC_ACQUIRE) && claim(r)) {
				CHECK_EQ(dmaengine_terminate_sync(chan), 0);
				mark_terminated(r);
			}
		} else {
			t_sleep_us(rnd(&seed) % 400);
			CHECK(claim(r));
			CHECK_EQ(dmaengine_terminate_sync(chan), 0);
			mark_terminated(r);
		}
		if ((int)(dc[DESCS - 1].cookie - r->last_at_term) > 0)
			cut++;	/* terminate stopped this round before its end */
		/* R6: from here on nothing of this round may be touched */
		__atomic_store_n(&r->dead, 1, __ATOMIC_RELEASE);
#if T_DOUBLE
		/* nothing of it is left on the stream, and (checked a round
		 * later) nothing runs on its memory afterwards */
		CHECK_EQ(cudart_double_ops_pending(), 0);
		{
			struct cudart_double_stats st;

			cudart_double_get_stats(&st);
			CHECK_EQ(st.late_accesses, 0);
		}
		cudart_double_clear_freed();
		cudart_double_mark_freed(src, DESCS * len);
		cudart_double_mark_freed(dst, DESCS * len);
#endif
		/* the previous round's memory went unused for a whole round: free it */
		if (prev_r) {
			t_dev_free(prev_src);
			t_dev_free(prev_dst);
			free(prev_r);
			free(prev_dc);
		}
		prev_r = r;
		prev_dc = dc;
		prev_src = src;
		prev_dst = dst;
	}
	t_sleep_us(20000);
	CHECK_EQ(__atomic_load_n(&dead_hits, __ATOMIC_RELAXED), 0);
	CHECK_EQ(__atomic_load_n(&not_complete_hits, __ATOMIC_RELAXED), 0);
	CHECK(in_cb > 0);
	CHECK(cut > 0);
#if T_DOUBLE
	{
		struct cudart_double_stats st;

		cudart_double_get_stats(&st);
		CHECK_EQ(st.late_accesses, 0);
		cudart_double_clear_freed();
		cudart_double_set_op_delay_us(0);
	}
#endif
	t_dev_free(prev_src);
	t_dev_free(prev_dst);
	free(prev_r);
	free(prev_dc);
	dma_release_channel(chan);
	printf("cuda-terminate: %u terminate rounds (%d cut short, %d from a callback): no callback "
	       "after synchronize, none for an unfinished transfer, no GPU access afterwards\n",
	       rounds, cut, in_cb);
}

/* R10: release with work in flight terminates and synchronizes first. */
static void release_in_flight(struct dma_device *dev)
{
	struct dma_chan *chan = t_cuda_chan(dev);
	unsigned char *src = t_dev_alloc(20 * 65536), *dst = t_dev_alloc(20 * 65536);
	unsigned char *h = t_alloc(65536), *back = t_alloc(65536);

#if T_DOUBLE
	cudart_double_set_op_delay_us(2000);
#endif
	t_counter_init(&cb_count);
	for (int i = 0; i < 20; i++) {
		struct dma_async_tx_descriptor *tx =
			dmaengine_prep_dma_memcpy(chan, t_dptr(dst + i * 65536),
						  t_dptr(src + i * 65536), 65536, DMA_PREP_INTERRUPT);

		CHECK(tx);
		tx->callback = count_cb;
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	}
	dma_async_issue_pending(chan);
	dma_release_channel(chan);
#if T_DOUBLE
	CHECK_EQ(cudart_double_ops_pending(), 0);	/* the stream was drained */
	cudart_double_set_op_delay_us(0);
#endif
	{
		int n = t_counter_get(&cb_count);

		t_sleep_us(20000);
		CHECK_EQ(t_counter_get(&cb_count), n);	/* no callback after release */
		CHECK(n < 20 || !T_DOUBLE);
	}

	/* a fresh holder of a channel gets a working one */
	chan = t_cuda_chan(dev);
	t_fill(h, 65536, 7);
	t_to_dev(src, h, 65536);
	CHECK_EQ(dma_sync_wait(chan, t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dst),
						t_dptr(src), 65536, 0), NULL)), DMA_COMPLETE);
	t_from_dev(back, dst, 65536);
	CHECK(memcmp(back, h, 65536) == 0);
	dma_release_channel(chan);
	t_dev_free(src);
	t_dev_free(dst);
	free(h);
	free(back);
}

int main(void)
{
	struct dma_device *dev;

	t_cuda_start("cuda-terminate");
	dev = t_cuda_create(NULL);
#if T_DOUBLE
	held_stream(dev);
#endif
	race(dev, 200);
	release_in_flight(dev);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-terminate: release with work in flight synchronized; channel usable after\n");
	return 0;
}

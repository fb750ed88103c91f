/* SPDX-License-Identifier: MIT */
/*
 * R6 when a callback terminates while another thread synchronizes: the
 * callback tells main it is about to stop the channel, then does so after
 * a pause; main calls dmaengine_synchronize at once. synchronize waits for
 * the running callback, and must then also wait for the controller to let
 * go of what that callback terminated: main frees the buffers right after,
 * so a late access is a use-after-free under ASan and a dead hit here.
 */
#include "helpers.h"

#define ROUNDS 100
#define DESCS 8
#define LEN (64 * 1024)

struct round {
	struct dma_chan *chan;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int announced;
	int terminated;		/* atomic */
	int dead;		/* atomic: synchronize returned */
	int calls;		/* atomic */
};

static int dead_hits;

static void on_done(void *param)
{
	struct round *r = param;

	if (__atomic_load_n(&r->dead, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&dead_hits, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&r->calls, 1, __ATOMIC_ACQ_REL) == 0) {
		pthread_mutex_lock(&r->lock);
		r->announced = 1;	/* before the terminate: main synchronizes now */
		pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&r->lock);
		t_sleep_us(200);
		CHECK_EQ(dmaengine_terminate_async(r->chan), 0);
		__atomic_store_n(&r->terminated, 1, __ATOMIC_RELEASE);
	}
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
					.burst_bytes = 4096 };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	/* each burst waits 50 us after its stop check: the window in which a
	 * terminate lands while the controller still means to write */
	struct udma_soft_fault slow = { .kind = UDMA_FAULT_SLOW, .one_in = 1, .delay_us = 50 };

	CHECK_EQ(udma_soft_inject(chan, &slow), 0);
	for (int round = 0; round < ROUNDS; round++) {
		struct round *r = calloc(1, sizeof(*r));
		unsigned char *src = t_alloc((size_t)DESCS * LEN), *dst = t_alloc((size_t)DESCS * LEN);

		CHECK(r);
		r->chan = chan;
		pthread_mutex_init(&r->lock, NULL);
		pthread_cond_init(&r->cond, NULL);
		memset(src, round, (size_t)DESCS * LEN);
		for (int i = 0; i < DESCS; i++) {
			struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
				chan, t_addr(dst + (size_t)i * LEN), t_addr(src + (size_t)i * LEN), LEN,
				DMA_PREP_INTERRUPT);

			CHECK(tx);
			tx->callback = on_done;
			tx->callback_param = r;
			CHECK(dmaengine_submit(tx) > 0);
		}
		dma_async_issue_pending(chan);
		pthread_mutex_lock(&r->lock);
		while (!r->announced)
			pthread_cond_wait(&r->cond, &r->lock);
		pthread_mutex_unlock(&r->lock);

		/* races the callback's terminate_async: it waits for the running
		 * callback, so it covers the terminate that callback makes too */
		dmaengine_synchronize(chan);
		CHECK(__atomic_load_n(&r->terminated, __ATOMIC_ACQUIRE));
		__atomic_store_n(&r->dead, 1, __ATOMIC_RELEASE);
		free(src);
		free(dst);
		t_sleep_us(100);
		CHECK(__atomic_load_n(&r->calls, __ATOMIC_ACQUIRE) <= DESCS);
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		free(r);
	}
	CHECK_EQ(dead_hits, 0);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("term-sync-vs-callback: %d rounds of synchronize racing a callback's terminate_async, "
	       "no access after synchronize\n", ROUNDS);
	return 0;
}

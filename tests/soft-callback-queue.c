/* SPDX-License-Identifier: MIT */
/*
 * The soft controller queues completions for the tasklet in an array of
 * 1024 entries at first, which the hardware thread doubles when full. A
 * first callback that blocks until every copy has completed makes it grow
 * while the tasklet is busy: the hardware completes regardless, and the callbacks
 * must still come once each, in completion order (R4), with their results
 * (plain copies' callback_result says NOERROR, residue 0).
 */
#include "helpers.h"

#define N 4000
#define LEN 64

static struct dma_chan *chan;
static dma_cookie_t last_cookie;
static int seen[N], nseen;
static struct dmaengine_result results[N];
static struct t_counter done;

static void record(int i, const struct dmaengine_result *r)
{
	seen[nseen++] = i;	/* callbacks of one channel never run at once (R4) */
	if (r)
		results[i] = *r;
	t_counter_bump(&done);
}

/* The first: holds the tasklet until the hardware finished all N. */
static void blocker(void *param)
{
	uint64_t t0 = t_now_ns();

	while (!__atomic_load_n(&last_cookie, __ATOMIC_ACQUIRE) ||
	       dmaengine_tx_status(chan, __atomic_load_n(&last_cookie, __ATOMIC_ACQUIRE), NULL) !=
	       DMA_COMPLETE) {
		CHECK(t_now_ns() - t0 < 10000000000ull);
		t_sleep_us(100);
	}
	record((int)(intptr_t)param, NULL);
}

static void plain(void *param)
{
	record((int)(intptr_t)param, NULL);
}

static void with_result(void *param, const struct dmaengine_result *r)
{
	record((int)(intptr_t)param, r);
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	unsigned char *src = t_alloc((size_t)N * LEN), *dst = t_alloc((size_t)N * LEN);

	chan = t_request(DMA_MEMCPY);
	t_counter_init(&done);
	t_fill(src, (size_t)N * LEN, 3);
	memset(dst, 0, (size_t)N * LEN);
	for (int i = 0; i < N; i++) {
		unsigned char *d = dst + (size_t)i * LEN;
		/* every 9th a memset: not a plain copy, completed through its descriptor */
		struct dma_async_tx_descriptor *tx =
			i % 9 == 4 ? dmaengine_prep_dma_memset(chan, t_addr(d), 0x5a, LEN, 0)
				   : dmaengine_prep_dma_memcpy(chan, t_addr(d),
							       t_addr(src + (size_t)i * LEN), LEN, 0);
		dma_cookie_t cookie;

		CHECK(tx);
		if (i == 0)
			tx->callback = blocker;
		else if (i % 2)
			tx->callback_result = with_result;
		else
			tx->callback = plain;
		tx->callback_param = (void *)(intptr_t)i;
		cookie = dmaengine_submit(tx);
		CHECK(cookie >= DMA_MIN_COOKIE);
		if (i == N - 1)
			__atomic_store_n(&last_cookie, cookie, __ATOMIC_RELEASE);
		if (i % 256 == 255)
			dma_async_issue_pending(chan);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, N, 20000));
	t_sleep_us(10000);
	CHECK_EQ(t_counter_get(&done), N);	/* once each */
	for (int k = 0; k < N; k++)
		CHECK_EQ(seen[k], k);
	for (int i = 1; i < N; i += 2) {
		CHECK_EQ(results[i].result, DMA_TRANS_NOERROR);
		CHECK_EQ(results[i].residue, 0);
	}
	for (int i = 0; i < N; i++) {
		const unsigned char *d = dst + (size_t)i * LEN;

		for (int k = 0; k < LEN; k++)
			CHECK_EQ(d[k], i % 9 == 4 ? 0x5a : src[(size_t)i * LEN + k]);
	}
	printf("soft-callback-queue: %d callbacks past a blocked first one: once each, in order\n", N);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	return 0;
}

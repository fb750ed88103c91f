/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's completion queue grows when callbacks pile up
 * faster than the tasklet runs them. When memory to grow it runs out, the
 * hardware thread waits for the tasklet to take the queue instead: nothing
 * completes past what the queue holds, nothing is lost, and once the
 * tasklet runs again every callback comes, once each, in order (R4).
 *
 * Memory "runs out" through this program's own realloc, the call the
 * queue grows with: while @starve is set, it refuses requests of 48 KiB
 * or more (the queue's doubling from 1024 entries); everything else goes
 * to the C library's. A sanitizer owns realloc itself, so under one this
 * test skips (77).
 */
#include "helpers.h"

#define N 3000
#define LEN 64
#define FIRST_QUEUE 1024	/* the completion queue's first size */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#else
#define UNDER_SANITIZER 0
#endif

static bool starve;
static int refused;

#if !UNDER_SANITIZER
extern void *__libc_realloc(void *p, size_t size);

void *realloc(void *p, size_t size)
{
	if (__atomic_load_n(&starve, __ATOMIC_RELAXED) && size >= (48u << 10)) {
		__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	return __libc_realloc(p, size);
}
#endif

static struct dma_chan *chan;
static dma_cookie_t first_cookie, last_cookie;
static int seen[N], nseen;
static struct t_counter done;
static bool held_back;	/* the hardware stopped short while the tasklet was blocked */

/* The first callback: holds the tasklet while the hardware fills the
 * queue, then checks that the hardware waits rather than completing
 * (or losing) what it has no room for. */
static void blocker(void *param)
{
	dma_cookie_t full = first_cookie + FIRST_QUEUE / 2;
	uint64_t t0 = t_now_ns();

	while (dmaengine_tx_status(chan, full, NULL) != DMA_COMPLETE) {
		CHECK(t_now_ns() - t0 < 10000000000ull);
		t_sleep_us(100);
	}
	t_sleep_us(50000);	/* long enough for the hardware to finish, had it room */
	held_back = dmaengine_tx_status(chan, last_cookie, NULL) != DMA_COMPLETE;
	seen[nseen++] = (int)(intptr_t)param;
	t_counter_bump(&done);
}

static void record(void *param)
{
	seen[nseen++] = (int)(intptr_t)param;	/* one at a time per channel (R4) */
	t_counter_bump(&done);
}

int main(void)
{
	struct dma_device *dev;
	unsigned char *src, *dst;

	if (UNDER_SANITIZER) {
		printf("soft-cq-nomem: skipped: a sanitizer owns realloc\n");
		return 77;
	}
	dev = t_soft_create(NULL);
	chan = t_request(DMA_MEMCPY);
	src = t_alloc((size_t)N * LEN);
	dst = t_alloc((size_t)N * LEN);
	t_counter_init(&done);
	t_fill(src, (size_t)N * LEN, 5);
	memset(dst, 0, (size_t)N * LEN);
	__atomic_store_n(&starve, true, __ATOMIC_RELAXED);
	for (int i = 0; i < N; i++) {
		struct dma_async_tx_descriptor *tx =
			dmaengine_prep_dma_memcpy(chan, t_addr(dst + (size_t)i * LEN),
						  t_addr(src + (size_t)i * LEN), LEN, 0);
		dma_cookie_t cookie;

		CHECK(tx);
		tx->callback = i ? record : blocker;
		tx->callback_param = (void *)(intptr_t)i;
		cookie = dmaengine_submit(tx);
		CHECK(cookie >= DMA_MIN_COOKIE);
		if (i == 0)
			first_cookie = cookie;
		last_cookie = cookie;
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, N, 20000));
	__atomic_store_n(&starve, false, __ATOMIC_RELAXED);
	t_sleep_us(10000);
	CHECK_EQ(t_counter_get(&done), N);	/* once each */
	for (int k = 0; k < N; k++)
		CHECK_EQ(seen[k], k);
	CHECK(memcmp(dst, src, (size_t)N * LEN) == 0);
	CHECK(__atomic_load_n(&refused, __ATOMIC_RELAXED) > 0);
	CHECK(held_back);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("soft-cq-nomem: the completion queue could not grow (%d refusals): the hardware "
	       "waited for the tasklet; %d callbacks once each, in order\n",
	       __atomic_load_n(&refused, __ATOMIC_RELAXED), N);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * When the soft controller's submit ring is full and memory to grow it
 * runs out, a submit is refused with -ENOMEM and a diagnostic, before
 * anything is queued: the descriptor stays the client's, prepared, and
 * goes in once memory is back; a batch stops at the copy that did not fit.
 * Nothing accepted is lost or reordered.
 *
 * Memory "runs out" through this program's own aligned_alloc, which the
 * library's ring growth calls: while @starve is set, it fails requests of
 * 64 KiB or more (a doubled ring of 1024 entries is larger; descriptors,
 * also cache-line aligned, are far smaller).
 */
#include <malloc.h>

#include "helpers.h"

#define RING 1024	/* the ring's first size */
#define LEN 64
#define N (RING + 40)

static bool starve;
static int refused;

void *aligned_alloc(size_t align, size_t size)
{
	if (__atomic_load_n(&starve, __ATOMIC_RELAXED) && size >= (64u << 10)) {
		__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	return memalign(align, size);
}

static unsigned char *src, *dst;

static struct dma_async_tx_descriptor *prep(struct dma_chan *chan, int i)
{
	struct dma_async_tx_descriptor *tx =
		dmaengine_prep_dma_memcpy(chan, t_addr(dst + (size_t)i * LEN),
					  t_addr(src + (size_t)i * LEN), LEN, 0);

	CHECK(tx != NULL);
	return tx;
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	struct dma_async_tx_descriptor *tx;
	struct udma_copy c[40];
	dma_cookie_t cookie = 0, last = 0;
	int i;

	src = t_alloc((size_t)N * LEN);
	dst = t_alloc((size_t)N * LEN);
	t_fill(src, (size_t)N * LEN, 3);
	memset(dst, 0, (size_t)N * LEN);
	t_diag_capture();

	/* fill the ring, not issued: nothing moves, so it stays full */
	for (i = 0; i < RING; i++) {
		cookie = dmaengine_submit(prep(chan, i));
		CHECK(!dma_submit_error(cookie));
	}
	__atomic_store_n(&starve, true, __ATOMIC_RELAXED);
	tx = prep(chan, i);
	CHECK_EQ(dmaengine_submit(tx), -ENOMEM);
	CHECK(t_diag_contains("submit ring is full"));
	CHECK(__atomic_load_n(&refused, __ATOMIC_RELAXED) > 0);

	/* a batch stops where the ring is full */
	for (int k = 0; k < 40; k++)
		c[k] = (struct udma_copy){ .dst = t_addr(dst + (size_t)(RING + k) * LEN),
					   .src = t_addr(src + (size_t)(RING + k) * LEN), .len = LEN };
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, 40, 0, &last), -ENOMEM);
	CHECK(t_diag_contains("submit ring is full"));

	/* memory is back: the refused descriptor goes in, still prepared */
	__atomic_store_n(&starve, false, __ATOMIC_RELAXED);
	cookie = dmaengine_submit(tx);
	CHECK(!dma_submit_error(cookie));
	CHECK_EQ(udma_submit_memcpy_batch(chan, c + 1, 39, 0, &last), 39);
	CHECK_EQ(last, cookie + 39);	/* one cookie per accepted copy, none for the refused */

	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	CHECK(memcmp(dst, src, (size_t)N * LEN) == 0);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("soft-ring-nomem: a full ring out of memory refused a submit and a batch with "
	       "-ENOMEM; %d copies, every accepted one copied\n", N);
	return 0;
}

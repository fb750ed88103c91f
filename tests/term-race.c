/* SPDX-License-Identifier: MIT */
/*
 * R5/R6, the reason this library exists: terminate racing running callbacks.
 * 1500 rounds; each allocates a context and buffers, queues copies whose
 * callbacks write into the context, terminates at a random moment (from the
 * main thread with terminate_sync or terminate_async + synchronize, or from
 * inside a callback with terminate_async), then marks the context dead and
 * frees everything. A callback or controller access after synchronize would
 * show as a dead-context hit here, or as a use-after-free under ASan.
 */
#include <sched.h>

#include "helpers.h"

#define ROUNDS 1500
#define DESCS 12

struct round_ctx {
	int dead;			/* atomic: set after synchronize returned */
	int callbacks;			/* atomic */
	int term_claimed;		/* atomic: someone (main or a callback) terminates */
	int terminated;			/* atomic: terminate returned */
	int late;			/* atomic: callbacks that began after terminate returned */
	dma_cookie_t last_at_term;	/* last completed cookie once terminate returned */
	struct dma_chan *chan;
	int term_in_callback_at;	/* index whose callback terminates, or -1 */
	unsigned char *src, *dst;
	size_t len;
};

struct desc_ctx {
	struct round_ctx *round;
	int index;
	dma_cookie_t cookie;
	unsigned char scratch[32];	/* written by the callback: freed with the round */
};

static int dead_hits;		/* callbacks after synchronize: must stay 0 */
static int not_complete_hits;	/* callbacks for transfers terminated unfinished: must stay 0 */

/* Exactly one of the main thread and the chosen callback terminates. */
static bool claim_terminate(struct round_ctx *r)
{
	int zero = 0;

	return __atomic_compare_exchange_n(&r->term_claimed, &zero, 1, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* After terminate returns no transfer completes: what is complete now is final. */
static void mark_terminated(struct round_ctx *r)
{
	struct dma_tx_state st;

	dmaengine_tx_status(r->chan, DMA_MIN_COOKIE, &st);
	r->last_at_term = st.last;
	__atomic_store_n(&r->terminated, 1, __ATOMIC_RELEASE);
}

static void on_done(void *param)
{
	struct desc_ctx *dc = param;
	struct round_ctx *r = dc->round;

	if (__atomic_load_n(&r->dead, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&dead_hits, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&r->terminated, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&r->late, 1, __ATOMIC_RELAXED);
		if (dc->cookie > r->last_at_term)	/* no wraparound in this test */
			__atomic_fetch_add(&not_complete_hits, 1, __ATOMIC_RELAXED);
	}
	memset(dc->scratch, dc->index, sizeof(dc->scratch));
	__atomic_fetch_add(&r->callbacks, 1, __ATOMIC_RELAXED);
	if (dc->index == r->term_in_callback_at && claim_terminate(r)) {
		CHECK_EQ(dmaengine_terminate_async(r->chan), 0);
		mark_terminated(r);
	}
}

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
					.burst_bytes = 4096 };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	unsigned int seed = 12345, mode_count[3] = { 0 };
	long late_total = 0;

	for (int round = 0; round < ROUNDS; round++) {
		struct round_ctx *r = calloc(1, sizeof(*r));
		struct desc_ctx *dcs = calloc(DESCS, sizeof(*dcs));
		unsigned int mode = rnd(&seed) % 3;

		CHECK(r && dcs);
		r->chan = chan;
		r->len = 1024 + rnd(&seed) % (64 * 1024);
		r->src = t_alloc(r->len * DESCS);
		r->dst = t_alloc(r->len * DESCS);
		memset(r->src, round & 0xff, r->len * DESCS);
		r->term_in_callback_at = mode == 2 ? (int)(rnd(&seed) % DESCS) : -1;

		for (int i = 0; i < DESCS; i++) {
			struct dma_async_tx_descriptor *tx;

			dcs[i].round = r;
			dcs[i].index = i;
			tx = dmaengine_prep_dma_memcpy(chan, t_addr(r->dst + i * r->len),
						       t_addr(r->src + i * r->len), r->len,
						       DMA_PREP_INTERRUPT);
			CHECK(tx);
			tx->callback = on_done;
			tx->callback_param = &dcs[i];
			dcs[i].cookie = dmaengine_submit(tx);
			CHECK(dcs[i].cookie > 0);
		}
		dma_async_issue_pending(chan);

		/* let it run for a random moment: 0 .. ~200 us, sometimes a yield */
		for (unsigned int spin = rnd(&seed) % 20000; spin; spin--)
			__asm__ __volatile__("" ::: "memory");
		if (rnd(&seed) % 4 == 0)
			sched_yield();

		if (mode == 0) {
			CHECK_EQ(dmaengine_terminate_sync(chan), 0);
			mark_terminated(r);
		} else {
			if (mode == 1) {
				CHECK_EQ(dmaengine_terminate_async(chan), 0);
				mark_terminated(r);
			} else {
				/* the callback terminates; if every copy finished first, do it here */
				t_sleep_us(rnd(&seed) % 300);
				if (claim_terminate(r)) {
					CHECK_EQ(dmaengine_terminate_async(chan), 0);
					mark_terminated(r);
				}
			}
			dmaengine_synchronize(chan);
		}
		mode_count[mode]++;
		/* From here nothing may touch r, dcs or the buffers. */
		__atomic_store_n(&r->dead, 1, __ATOMIC_RELEASE);
		late_total += __atomic_load_n(&r->late, __ATOMIC_ACQUIRE);
		CHECK(__atomic_load_n(&r->callbacks, __ATOMIC_ACQUIRE) <= DESCS);
		free(r->src);
		free(r->dst);
		free(dcs);
		free(r);
	}

	/* The channel still works after all that. */
	{
		unsigned char *a = t_alloc(100000), *b = t_alloc(100000);
		struct dma_async_tx_descriptor *tx;

		t_fill(a, 100000, 7);
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(b), t_addr(a), 100000, 0);
		CHECK(tx);
		CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
		CHECK(memcmp(a, b, 100000) == 0);
		free(a);
		free(b);
	}
	CHECK_EQ(dead_hits, 0);
	CHECK_EQ(not_complete_hits, 0);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("term-race: %d rounds (sync %u, async+synchronize %u, from callback %u), "
	       "0 callbacks after synchronize or for unfinished transfers; "
	       "%ld callbacks of finished transfers ran after terminate returned\n",
	       ROUNDS, mode_count[0], mode_count[1], mode_count[2], late_total);
	return 0;
}

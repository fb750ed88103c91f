/* SPDX-License-Identifier: MIT */
/*
 * Prep takes descriptors from a per-thread stash (16 at a time, for up to
 * 4 channels per thread). Checked: a thread striping over more channels
 * than it keeps stashes for does not make memory grow; threads that exit
 * give their stashes back; a stash left over from before a channel was
 * released and requested again is never used.
 */
#include <malloc.h>

#include "helpers.h"

#define NCHAN 6
#define LEN 256

static void copy_and_check(struct dma_chan *chan, int n, unsigned int seed)
{
	unsigned char *src = t_alloc((size_t)n * LEN), *dst = t_alloc((size_t)n * LEN);
	struct dma_async_tx_descriptor *tx = NULL;
	struct t_counter done;

	t_counter_init(&done);
	t_fill(src, (size_t)n * LEN, seed);
	memset(dst, 0, (size_t)n * LEN);
	for (int i = 0; i < n; i++) {
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst + (size_t)i * LEN),
					       t_addr(src + (size_t)i * LEN), LEN, 0);
		CHECK(tx);
		if (i == n - 1) {
			tx->callback = t_count_callback;
			tx->callback_param = &done;
		}
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK(memcmp(src, dst, (size_t)n * LEN) == 0);
	free(src);
	free(dst);
}

/* One thread, six channels in turn: every prep finds its stash gone. */
static void striping(struct dma_chan **chans)
{
	size_t before = 0, after;

	for (int round = 0; round < 300; round++) {
		if (round == 50)	/* caches warm */
			before = mallinfo2().uordblks;
		for (int c = 0; c < NCHAN; c++)
			copy_and_check(chans[c], 1 + round % 20, (unsigned int)(round * NCHAN + c));
	}
	after = mallinfo2().uordblks;
	/* 250 rounds of up to 20 descriptors per channel: unbounded growth
	 * (stashes dropped, not given back) would be ~1 MiB of descriptors */
	CHECK(after < before + 256 * 1024);
	printf("soft-stash: one thread striping over %d channels: heap %zu -> %zu bytes\n",
	       NCHAN, before, after);
}

static void *short_lived(void *arg)
{
	copy_and_check(arg, 3, 11);
	return NULL;	/* its stash (13 descriptors) goes back to the channel */
}

static void threads_exit(struct dma_chan *chan)
{
	for (int round = 0; round < 8; round++) {
		pthread_t t[8];

		for (int i = 0; i < 8; i++)
			CHECK_EQ(pthread_create(&t[i], NULL, short_lived, chan), 0);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
	copy_and_check(chan, 64, 12);
	printf("soft-stash: 64 threads prepped and exited: the channel goes on\n");
}

struct stale {
	struct dma_chan *chan;
	pthread_barrier_t step;
};

static void *keeps_stash(void *arg)
{
	struct stale *s = arg;

	copy_and_check(s->chan, 1, 21);		/* fills this thread's stash */
	pthread_barrier_wait(&s->step);		/* main releases, requests again */
	pthread_barrier_wait(&s->step);
	copy_and_check(s->chan, 40, 22);	/* must not use the old stash */
	return NULL;
}

static void stale_after_release(struct dma_device *dev)
{
	struct stale s;
	pthread_t t;

	(void)dev;
	s.chan = t_request(DMA_MEMCPY);
	pthread_barrier_init(&s.step, NULL, 2);
	CHECK_EQ(pthread_create(&t, NULL, keeps_stash, &s), 0);
	pthread_barrier_wait(&s.step);
	dma_release_channel(s.chan);	/* frees the descriptors in that stash */
	s.chan = t_request(DMA_MEMCPY);	/* the same channel, opened again */
	copy_and_check(s.chan, 40, 23);	/* takes those descriptors from the cache */
	pthread_barrier_wait(&s.step);
	copy_and_check(s.chan, 40, 24);
	pthread_join(t, NULL);
	dma_release_channel(s.chan);
	pthread_barrier_destroy(&s.step);
	printf("soft-stash: a stash from before a release is not used after it\n");
}

int main(void)
{
	struct udma_soft_config cfg = { .nr_channels = NCHAN,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chans[NCHAN];

	for (int c = 0; c < NCHAN; c++)
		chans[c] = t_request(DMA_MEMCPY);
	striping(chans);
	threads_exit(chans[0]);
	for (int c = 0; c < NCHAN; c++)
		dma_release_channel(chans[c]);
	stale_after_release(dev);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * terminate_in_callback: the safe way to stop a channel from its own
 * completion callback, and the reason dmaengine_synchronize exists.
 *
 * A "data mover" queues 64 copies. Its callback counts completions and,
 * when it has seen enough, calls dmaengine_terminate_async: that is all a
 * callback may do, since waiting for the channel to stop from inside the
 * channel's own callback would wait forever (terminate_sync says -EDEADLK).
 * The main thread then calls dmaengine_synchronize, after which no callback
 * runs and the controller touches none of the buffers: only now may it free
 * them, and the context the callback uses.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#define COPIES 64
#define LEN (256 * 1024)
#define STOP_AFTER 8

struct mover {
	struct dma_chan *chan;
	pthread_mutex_t lock;
	pthread_cond_t stopped;
	int completed;
	int stop_requested;
	int sync_from_callback;	/* what terminate_sync said inside the callback */
};

static void copy_done(void *param)
{
	struct mover *m = param;

	pthread_mutex_lock(&m->lock);
	m->completed++;
	if (m->completed == STOP_AFTER) {
		/* The misuse first, to show it is caught rather than hanging: */
		m->sync_from_callback = dmaengine_terminate_sync(m->chan);
		/* The right call: ask the channel to stop, do not wait. */
		dmaengine_terminate_async(m->chan);
		m->stop_requested = 1;
		pthread_cond_signal(&m->stopped);
	}
	pthread_mutex_unlock(&m->lock);
}

int main(void)
{
	struct dma_device *soft = udma_soft_create(NULL);
	struct mover *m = calloc(1, sizeof(*m));
	unsigned char *src = malloc((size_t)COPIES * LEN), *dst = malloc((size_t)COPIES * LEN);
	dma_cap_mask_t mask;
	int completed_at_sync;

	if (IS_ERR(soft) || !m || !src || !dst)
		return 1;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	m->chan = dma_request_channel(mask, NULL, NULL);
	if (!m->chan)
		return 1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->stopped, NULL);
	memset(src, 0x42, (size_t)COPIES * LEN);

	for (int i = 0; i < COPIES; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			m->chan, (dma_addr_t)(uintptr_t)(dst + (size_t)i * LEN),
			(dma_addr_t)(uintptr_t)(src + (size_t)i * LEN), LEN, DMA_PREP_INTERRUPT);

		if (!tx)
			return 1;
		tx->callback = copy_done;
		tx->callback_param = m;
		dmaengine_submit(tx);
	}
	dma_async_issue_pending(m->chan);

	pthread_mutex_lock(&m->lock);
	while (!m->stop_requested)
		pthread_cond_wait(&m->stopped, &m->lock);
	pthread_mutex_unlock(&m->lock);

	/* After this returns nothing of the channel touches m, src or dst. */
	dmaengine_synchronize(m->chan);
	pthread_mutex_lock(&m->lock);
	completed_at_sync = m->completed;
	pthread_mutex_unlock(&m->lock);

	printf("terminate_in_callback: %d of %d copies completed before the callback stopped the channel\n",
	       completed_at_sync, COPIES);
	printf("  terminate_sync from the callback returned %d (-EDEADLK is %d): refused, not hung\n",
	       m->sync_from_callback, -EDEADLK);
	printf("  dmaengine_synchronize returned: no callback can run now; freeing buffers and context\n");

	dma_release_channel(m->chan);
	pthread_cond_destroy(&m->stopped);
	pthread_mutex_destroy(&m->lock);
	free(m);
	free(src);
	free(dst);
	udma_soft_destroy(soft);
	return completed_at_sync >= STOP_AFTER ? 0 : 1;
}

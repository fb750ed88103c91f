/* SPDX-License-Identifier: MIT */
/*
 * memcpy_client: the main demo. Copies buffers through the software DMA
 * controller the way a kernel client would, then prints what happened.
 *
 *   request a channel by capability -> prep -> set callback -> submit ->
 *   issue_pending -> callback in tasklet context -> verify -> release
 *
 * main waits for the callback on a udma_waitq, which also works in sim
 * mode (UDMA_SIM_SEED=<n>: docs/simulation.md), where a pthread condition
 * variable would stop the simulation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/kbase.h>
#include <udmaengine/soft.h>

struct copy_job {
	const char *what;
	size_t len;
	unsigned char *src, *dst;
	struct udma_waitq wait;	/* done is written and read under its lock */
	int done;
	pthread_t callback_thread;
};

/* Runs in the channel's tasklet context, not on main's thread. */
static void copy_done(void *param, const struct dmaengine_result *result)
{
	struct copy_job *job = param;

	udma_waitq_lock(&job->wait);
	job->done = result->result == DMA_TRANS_NOERROR ? 1 : -1;
	job->callback_thread = pthread_self();
	udma_waitq_wake(&job->wait);
	udma_waitq_unlock(&job->wait);
}

static int run_job(struct dma_chan *chan, struct copy_job *job)
{
	struct dma_async_tx_descriptor *tx;
	struct dma_tx_state state;
	dma_addr_t src, dst;
	dma_cookie_t cookie;

	for (size_t i = 0; i < job->len; i++)
		job->src[i] = (unsigned char)(i * 7 + 3);
	memset(job->dst, 0, job->len);

	src = dma_map_single(chan->device->dev, job->src, job->len, DMA_TO_DEVICE);
	dst = dma_map_single(chan->device->dev, job->dst, job->len, DMA_FROM_DEVICE);
	tx = dmaengine_prep_dma_memcpy(chan, dst, src, job->len, DMA_PREP_INTERRUPT);
	if (!tx)
		return -1;
	tx->callback_result = copy_done;
	tx->callback_param = job;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie))
		return -1;

	printf("  %-8s submitted cookie %d; status before issue_pending: %s\n", job->what,
	       cookie, dmaengine_tx_status(chan, cookie, &state) == DMA_IN_PROGRESS
	       ? "in progress (queued)" : "?");
	dma_async_issue_pending(chan);

	udma_waitq_lock(&job->wait);
	while (!job->done)
		udma_waitq_wait(&job->wait, UINT64_MAX);
	udma_waitq_unlock(&job->wait);

	dma_unmap_single(chan->device->dev, src, job->len, DMA_TO_DEVICE);
	dma_unmap_single(chan->device->dev, dst, job->len, DMA_FROM_DEVICE);
	printf("  %-8s %zu bytes: callback %s on %s thread, status %s, data %s\n", job->what,
	       job->len, job->done > 0 ? "ok" : "error",
	       pthread_equal(job->callback_thread, pthread_self()) ? "the caller's" : "a tasklet",
	       dmaengine_tx_status(chan, cookie, &state) == DMA_COMPLETE ? "complete" : "?",
	       memcmp(job->src, job->dst, job->len) ? "MISMATCH" : "verified");
	return memcmp(job->src, job->dst, job->len) ? -1 : 0;
}

int main(void)
{
	static const struct { const char *what; size_t len; } sizes[] = {
		{ "small", 64 }, { "page", 4096 }, { "large", 4 << 20 },
	};
	struct dma_device *soft = udma_soft_create(NULL);
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	int failures = 0;

	if (IS_ERR(soft)) {
		fprintf(stderr, "udma_soft_create: %ld\n", PTR_ERR(soft));
		return 1;
	}
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	if (!chan) {
		fprintf(stderr, "no DMA_MEMCPY channel\n");
		return 1;
	}
	printf("udmaengine memcpy client: channel %s on controller %s\n",
	       dma_chan_name(chan), dev_name(chan->device->dev));

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct copy_job job = { .what = sizes[i].what, .len = sizes[i].len };

		job.src = malloc(job.len);
		job.dst = malloc(job.len);
		udma_waitq_init(&job.wait);
		if (!job.src || !job.dst || run_job(chan, &job))
			failures++;
		free(job.src);
		free(job.dst);
	}

	dma_release_channel(chan);
	udma_soft_destroy(soft);
	printf("%s\n", failures ? "FAILED" : "all copies verified");
	return failures ? 1 : 0;
}

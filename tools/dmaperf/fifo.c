/* SPDX-License-Identifier: MIT */
/*
 * dmaperf --fifo: the most a slave channel moves through a simulated
 * peripheral. A TX FIFO with no rate (hand-driven) is drained by a thread
 * popping as fast as it can while the channel streams slave_sg transfers
 * into it; reported beside memcpy of the same bytes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#include "dmaperf.h"

struct drain {
	struct udma_fifo *fifo;
	size_t want, got;
	unsigned char *sink;
};

static void *drainer(void *arg)
{
	struct drain *d = arg;

	while (d->got < d->want) {
		size_t n = udma_fifo_pop(d->fifo, d->sink, 65536);

		d->got += n;
		if (!n)
			sched_yield();
	}
	return NULL;
}

int dmaperf_fifo(struct dma_chan *chan, size_t fifo_depth, size_t total)
{
	struct udma_fifo_config fc = { "dmaperf-tx", DMA_MEM_TO_DEV, fifo_depth,
				       DMA_SLAVE_BUSWIDTH_8_BYTES, 0, NULL, NULL, NULL };
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV,
					.dst_addr_width = DMA_SLAVE_BUSWIDTH_8_BYTES,
					.dst_maxburst = 256 };	/* the soft controller's most */
	unsigned char *buf = aligned_alloc(4096, total), *copy = aligned_alloc(4096, total);
	struct drain d = { fifo, total, 0, malloc(65536) };
	struct dma_async_tx_descriptor *tx;
	pthread_t tid;
	uint64_t t0, t1, t2;

	if (IS_ERR(fifo) || !buf || !copy || !d.sink)
		return -1;
	memset(buf, 7, total);
	memset(copy, 0, total);	/* fault the pages in before timing */
	cfg.dst_addr = udma_fifo_addr(fifo);
	if (dmaengine_slave_config(chan, &cfg))
		return -1;
	tx = dmaengine_prep_slave_single(chan, (dma_addr_t)(uintptr_t)buf, total, DMA_MEM_TO_DEV, 0);
	if (!tx)
		return -1;
	pthread_create(&tid, NULL, drainer, &d);
	t0 = now_ns();
	if (dma_sync_wait(chan, dmaengine_submit(tx)) != DMA_COMPLETE)
		return -1;
	pthread_join(tid, NULL);
	t1 = now_ns();
	memcpy(copy, buf, total);
	t2 = now_ns();
	printf("slave_sg to a hand-driven FIFO (depth %zu, 8-byte register, bursts of %zu bytes): "
	       "%.2f GB/s; memcpy of the same %zu MiB: %.2f GB/s (%.2fx)\n",
	       fifo_depth, (size_t)256 * 8, (double)total / (double)(t1 - t0), total >> 20,
	       (double)total / (double)(t2 - t1),
	       ((double)total / (double)(t1 - t0)) / ((double)total / (double)(t2 - t1)));
	udma_fifo_destroy(fifo);
	free(buf);
	free(copy);
	free(d.sink);
	return 0;
}

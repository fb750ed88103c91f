/* SPDX-License-Identifier: MIT */
/*
 * fifo-provision MAXBURST: a TX FIFO device playing at RATE, fed by one DMA
 * transfer in bursts of MAXBURST words. In sim mode the DMA's speed is the
 * model's: each burst costs UDMA_SIM_BURST_NS plus its bytes at
 * UDMA_SIM_BW_MBPS. With bursts big enough the DMA keeps ahead of the
 * device and nothing underruns; with bursts too small for the rate it
 * cannot keep up, and the device underruns by the same bytes in every run
 * of a seed, on any machine, loaded or not.
 *
 * Prints what the device played and its underruns while the DMA still had
 * data to send (the last FIFO's worth excluded: after the buffer's end
 * the device runs dry however fast the DMA is); exits 1 if the bytes played
 * are not the buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/kbase.h>
#include <udmaengine/sim.h>
#include <udmaengine/soft.h>

#define RATE 4000000u	/* bytes/s */
#define LEN (64u << 10)

#define DEPTH 4096u

struct line {
	struct udma_waitq wait;	/* everything below is under its lock */
	size_t played;
	size_t bad;
	const unsigned char *want;
	struct udma_fifo *fifo;
	uint64_t underruns;	/* while the DMA had data to send */
};

static void sink(void *arg, const void *data, size_t len)
{
	struct line *l = arg;
	const unsigned char *p = data;

	udma_waitq_lock(&l->wait);
	for (size_t i = 0; i < len; i++)
		l->bad += l->played + i >= LEN || p[i] != l->want[l->played + i];
	l->played += len;
	if (l->played <= LEN - DEPTH) {
		struct udma_fifo_stats st;

		udma_fifo_stats(l->fifo, &st);
		l->underruns = st.underruns;
	}
	udma_waitq_wake(&l->wait);
	udma_waitq_unlock(&l->wait);
}

int main(int argc, char **argv)
{
	unsigned int maxburst = argc > 1 ? (unsigned int)atoi(argv[1]) : 16;
	static struct line l;
	struct udma_fifo_config fc = {
		.name = "dac0", .dir = DMA_MEM_TO_DEV, .depth = DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_4_BYTES, .rate = RATE, .sink = sink, .arg = &l,
	};
	struct dma_slave_config sc = { .direction = DMA_MEM_TO_DEV,
				       .dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES,
				       .dst_maxburst = maxburst };
	unsigned char *buf = malloc(LEN);
	struct dma_async_tx_descriptor *tx;
	struct dma_device *soft;
	struct udma_fifo *fifo;
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	uint64_t deadline;

	if (!buf || maxburst < 1)
		return 2;
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	udma_waitq_init(&l.wait);
	l.want = buf;
	soft = udma_soft_create(NULL);
	fifo = udma_fifo_create(&fc);
	if (IS_ERR(soft) || IS_ERR(fifo))
		return 2;
	udma_waitq_lock(&l.wait);
	l.fifo = fifo;
	udma_waitq_unlock(&l.wait);
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	chan = dma_request_channel(mask, udma_soft_filter, fifo);
	sc.dst_addr = udma_fifo_addr(fifo);
	if (!chan || dmaengine_slave_config(chan, &sc))
		return 2;
	tx = dmaengine_prep_slave_single(chan, (dma_addr_t)(uintptr_t)buf, LEN, DMA_MEM_TO_DEV, 0);
	if (!tx || dma_submit_error(dmaengine_submit(tx)))
		return 2;
	dma_async_issue_pending(chan);

	/* until the last byte has played: then the underruns are the DMA's */
	deadline = udma_clock_ns() + 10000000000ull;
	udma_waitq_lock(&l.wait);
	while (l.played < LEN && udma_waitq_wait(&l.wait, deadline))
		;
	printf("maxburst %u: %zu of %u bytes played, %zu wrong, %llu bytes of underrun\n", maxburst,
	       l.played, LEN, l.bad, (unsigned long long)l.underruns);
	udma_waitq_unlock(&l.wait);

	dmaengine_terminate_sync(chan);
	dma_release_channel(chan);
	udma_fifo_destroy(fifo);
	udma_soft_destroy(soft);
	free(buf);
	return l.played == LEN && !l.bad ? 0 : 1;
}

/* SPDX-License-Identifier: MIT */
/* slave_sg from a hand-driven RX FIFO: the bytes pushed land in the sg entries exactly, in order, at widths 1, 2 and 4. */
#include "helpers.h"

#define NSEG 7
#define GUARD 16

static const unsigned int seg_words[NSEG] = { 250, 1, 3, 17, 64, 5, 2 };

static void run(struct dma_chan *chan, struct udma_fifo *fifo, size_t depth,
		enum dma_slave_buswidth width, uint32_t maxburst, unsigned int seed)
{
	struct dma_slave_config cfg = {
		.direction = DMA_DEV_TO_MEM,
		.src_addr = udma_fifo_addr(fifo),
		.src_addr_width = width,
		.src_maxburst = maxburst,
	};
	struct scatterlist sgl[NSEG];
	unsigned char *seg[NSEG], *line;
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	struct t_counter done;
	size_t total = 0, sent = 0, off = 0;
	dma_cookie_t cookie;
	unsigned int step = 0;
	uint64_t deadline;

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	for (int i = 0; i < NSEG; i++)
		total += seg_words[i] * (size_t)width;
	line = t_alloc(total);
	t_fill(line, total, seed);
	sg_init_table(sgl, NSEG);
	for (int i = 0; i < NSEG; i++) {
		size_t len = seg_words[i] * (size_t)width;

		seg[i] = t_alloc(len + 2 * GUARD);
		memset(seg[i], 0x5a, len + 2 * GUARD);
		sg_set_buf(&sgl[i], seg[i] + GUARD, (unsigned int)len);
	}
	CHECK_EQ(dma_map_sg(chan->device->dev, sgl, NSEG, DMA_FROM_DEVICE), NSEG);

	t_counter_init(&done);
	tx = dmaengine_prep_slave_sg(chan, sgl, NSEG, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	cookie = t_submit_counted(tx, &done);
	dma_async_issue_pending(chan);

	/*
	 * The line delivers bytes at uneven sizes, never more than the FIFO
	 * has room for (the DMA only makes room, so the room seen is there).
	 */
	deadline = t_now_ns() + 10000000000ull;
	while (sent < total) {
		size_t n = 1 + (step++ * 11) % 29, room;

		udma_fifo_stats(fifo, &st);
		room = depth - st.level;
		if (n > room)
			n = room;
		if (n > total - sent)
			n = total - sent;
		if (!n) {
			CHECK(t_now_ns() < deadline);
			t_sleep_us(20);
			continue;
		}
		CHECK_EQ(udma_fifo_push(fifo, line + sent, n), n);
		sent += n;
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.level, 0);
	CHECK_EQ(st.overruns, 0);
	CHECK_EQ(st.bytes, total);

	dma_unmap_sg(chan->device->dev, sgl, NSEG, DMA_FROM_DEVICE);
	for (int i = 0; i < NSEG; i++) {
		size_t len = seg_words[i] * (size_t)width;

		CHECK(memcmp(seg[i] + GUARD, line + off, len) == 0);
		off += len;
		for (size_t k = 0; k < GUARD; k++) {
			CHECK_EQ(seg[i][k], 0x5a);
			CHECK_EQ(seg[i][GUARD + len + k], 0x5a);
		}
		free(seg[i]);
	}
	free(line);
}

/*
 * Two RX transfers queued, bytes for the first only: its callback comes and
 * it reads DMA_COMPLETE while the second still waits for data. (A UART
 * driver's ring of buffers relies on this: a full buffer is handed up at
 * once, not when the line next sends enough to fill another.)
 */
static void first_completes_while_second_waits(struct dma_chan *chan)
{
	struct udma_fifo_config fc = {
		.name = "uart1-rx", .dir = DMA_DEV_TO_MEM, .depth = 64, .width = 1,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_DEV_TO_MEM, .src_maxburst = 8 };
	unsigned char line[128], a[64], b[64];
	struct dma_async_tx_descriptor *tx;
	struct t_counter done_a, done_b;
	struct dma_tx_state st;
	dma_cookie_t ca, cb;

	CHECK(!IS_ERR(fifo));
	cfg.src_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(line, sizeof(line), 5);
	t_counter_init(&done_a);
	t_counter_init(&done_b);
	tx = dmaengine_prep_slave_single(chan, t_addr(a), sizeof(a), DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = &done_a;
	ca = dmaengine_submit(tx);
	tx = dmaengine_prep_slave_single(chan, t_addr(b), sizeof(b), DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = &done_b;
	cb = dmaengine_submit(tx);
	dma_async_issue_pending(chan);

	CHECK_EQ(udma_fifo_push(fifo, line, 64), 64);
	CHECK(t_counter_wait(&done_a, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, ca, NULL), DMA_COMPLETE);
	CHECK(memcmp(a, line, 64) == 0);
	CHECK_EQ(dmaengine_tx_status(chan, cb, &st), DMA_IN_PROGRESS);
	CHECK_EQ(st.residue, 64);
	CHECK_EQ(t_counter_get(&done_b), 0);

	CHECK_EQ(udma_fifo_push(fifo, line + 64, 64), 64);
	CHECK(t_counter_wait(&done_b, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cb, NULL), DMA_COMPLETE);
	CHECK(memcmp(b, line + 64, 64) == 0);
	CHECK_EQ(t_counter_get(&done_a), 1);

	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
}

int main(void)
{
	static const struct {
		enum dma_slave_buswidth width;
		uint32_t maxburst;
		size_t depth;
	} cases[] = {
		{ DMA_SLAVE_BUSWIDTH_1_BYTE, 1, 16 },
		{ DMA_SLAVE_BUSWIDTH_1_BYTE, 16, 16 },	/* burst == depth */
		{ DMA_SLAVE_BUSWIDTH_2_BYTES, 4, 32 },
		{ DMA_SLAVE_BUSWIDTH_2_BYTES, 0, 8 },	/* maxburst 0: one word */
		{ DMA_SLAVE_BUSWIDTH_4_BYTES, 4, 64 },
		{ DMA_SLAVE_BUSWIDTH_4_BYTES, 16, 1024 },
	};
	enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
	struct udma_fifo *fifo[NCASES];
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_SLAVE);
	for (int i = 0; i < NCASES; i++) {
		struct udma_fifo_config fc = {
			.name = "uart1-rx",
			.dir = DMA_DEV_TO_MEM,
			.depth = cases[i].depth,
			.width = cases[i].width,
		};

		fifo[i] = udma_fifo_create(&fc);
		CHECK(!IS_ERR(fifo[i]));
		run(chan, fifo[i], cases[i].depth, cases[i].width, cases[i].maxburst,
		    7u + (unsigned int)i);
	}
	first_completes_while_second_waits(chan);
	dma_release_channel(chan);
	for (int i = 0; i < NCASES; i++)
		udma_fifo_destroy(fifo[i]);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-sg-rx: %d widths/bursts, %d sg entries each, every byte exact, guards intact; "
	       "a full transfer completes while the next waits\n",
	       NCASES, NSEG);
	return 0;
}

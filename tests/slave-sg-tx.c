/* SPDX-License-Identifier: MIT */
/* slave_sg to a hand-driven TX FIFO: every byte of every sg entry reaches the device, in order, at widths 1, 2 and 4. */
#include "helpers.h"

#define NSEG 7
#define GUARD 16

/* Segment lengths in words: odd ones, one word, and more than a FIFO's worth. */
static const unsigned int seg_words[NSEG] = { 1, 3, 17, 64, 5, 250, 2 };

static void run(struct dma_chan *chan, struct udma_fifo *fifo, enum dma_slave_buswidth width,
		uint32_t maxburst, unsigned int seed)
{
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV,
		.dst_addr = udma_fifo_addr(fifo),
		.dst_addr_width = width,
		.dst_maxburst = maxburst,
	};
	struct scatterlist sgl[NSEG];
	unsigned char *seg[NSEG], *want, *got;
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	struct t_counter done;
	size_t total = 0, have = 0, off = 0;
	dma_cookie_t cookie;
	unsigned int step = 0;
	uint64_t deadline;

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	for (int i = 0; i < NSEG; i++)
		total += seg_words[i] * (size_t)width;
	want = t_alloc(total);
	got = t_alloc(total);
	sg_init_table(sgl, NSEG);
	for (int i = 0; i < NSEG; i++) {
		size_t len = seg_words[i] * (size_t)width;

		/* each segment in its own allocation, with guards around it */
		seg[i] = t_alloc(len + 2 * GUARD);
		memset(seg[i], 0x5a, len + 2 * GUARD);
		t_fill(seg[i] + GUARD, len, seed + (unsigned int)i);
		memcpy(want + off, seg[i] + GUARD, len);
		off += len;
		sg_set_buf(&sgl[i], seg[i] + GUARD, (unsigned int)len);
	}
	CHECK_EQ(dma_map_sg(chan->device->dev, sgl, NSEG, DMA_TO_DEVICE), NSEG);

	t_counter_init(&done);
	tx = dmaengine_prep_slave_sg(chan, sgl, NSEG, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
	cookie = t_submit_counted(tx, &done);

	/* R3: nothing reaches the FIFO before issue_pending */
	t_sleep_us(10000);
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.level, 0);
	dma_async_issue_pending(chan);

	/* The device takes bytes at uneven sizes, as a line would. */
	deadline = t_now_ns() + 10000000000ull;
	while (have < total) {
		size_t want_n = 1 + (step++ * 7) % 41;
		size_t n = udma_fifo_pop(fifo, got + have, want_n < total - have ? want_n : total - have);

		have += n;
		if (!n) {
			CHECK(t_now_ns() < deadline);
			t_sleep_us(20);
		}
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(got, want, total) == 0);

	/* nothing more than the transfer reached the device */
	t_sleep_us(5000);
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.level, 0);
	CHECK_EQ(st.bytes, total);
	CHECK_EQ(st.overruns, 0);
	CHECK_EQ(t_counter_get(&done), 1);

	dma_unmap_sg(chan->device->dev, sgl, NSEG, DMA_TO_DEVICE);
	for (int i = 0; i < NSEG; i++) {
		size_t len = seg_words[i] * (size_t)width;

		/* the controller only read: the buffers and their guards are unchanged */
		for (size_t k = 0; k < GUARD; k++) {
			CHECK_EQ(seg[i][k], 0x5a);
			CHECK_EQ(seg[i][GUARD + len + k], 0x5a);
		}
		free(seg[i]);
	}
	free(want);
	free(got);
}

int main(void)
{
	static const struct {
		enum dma_slave_buswidth width;
		uint32_t maxburst;
		size_t depth;
	} cases[] = {
		{ DMA_SLAVE_BUSWIDTH_1_BYTE, 1, 16 },
		{ DMA_SLAVE_BUSWIDTH_1_BYTE, 8, 64 },
		{ DMA_SLAVE_BUSWIDTH_2_BYTES, 4, 32 },
		{ DMA_SLAVE_BUSWIDTH_2_BYTES, 16, 256 },
		{ DMA_SLAVE_BUSWIDTH_4_BYTES, 4, 64 },
		{ DMA_SLAVE_BUSWIDTH_4_BYTES, 8, 40 },	/* depth not a multiple of the burst */
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
			.name = "spi0-tx",
			.dir = DMA_MEM_TO_DEV,
			.depth = cases[i].depth,
			.width = cases[i].width,
		};

		fifo[i] = udma_fifo_create(&fc);
		CHECK(!IS_ERR(fifo[i]));
		/* the same channel, reconfigured for each FIFO */
		run(chan, fifo[i], cases[i].width, cases[i].maxburst, 100u * (unsigned int)i);
	}
	dma_release_channel(chan);
	for (int i = 0; i < NCASES; i++)
		udma_fifo_destroy(fifo[i]);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	/* no refused call, no FIFO reference left behind by the channel */
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-sg-tx: %d widths/bursts, %d sg entries each, every byte in order\n",
	       NCASES, NSEG);
	return 0;
}

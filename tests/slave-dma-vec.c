/* SPDX-License-Identifier: MIT */
/*
 * dmaengine_prep_peripheral_dma_vec: pieces of memory given as (addr, len)
 * reach a TX FIFO in order and fill from an RX FIFO in order, as slave_sg
 * does; bad vectors are refused with their diagnostic; a device without the
 * op gets NULL, as in the kernel.
 */
#include "helpers.h"

#define NVEC 5

static const size_t vec_len[NVEC] = { 4, 60, 8, 256, 12 };

static struct udma_fifo *fifo_new(const char *name, enum dma_transfer_direction dir)
{
	struct udma_fifo_config fc = { .name = name, .dir = dir, .depth = 64,
				       .width = DMA_SLAVE_BUSWIDTH_4_BYTES };
	struct udma_fifo *fifo = udma_fifo_create(&fc);

	CHECK(!IS_ERR(fifo));
	return fifo;
}

static void to_device(struct dma_chan *chan)
{
	struct udma_fifo *fifo = fifo_new("vec-tx", DMA_MEM_TO_DEV);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(fifo),
					.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES, .dst_maxburst = 2 };
	unsigned char *buf = t_alloc(1024), want[512], got[512];
	struct dma_vec vecs[NVEC];
	struct t_counter done;
	dma_cookie_t cookie;
	size_t total = 0, have = 0, off = 0;

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(buf, 1024, 5);
	for (int i = 0; i < NVEC; i++) {	/* every other 300 bytes: pieces apart */
		vecs[i] = (struct dma_vec){ t_addr(buf + off), vec_len[i] };
		memcpy(want + total, buf + off, vec_len[i]);
		total += vec_len[i];
		off += vec_len[i] + 40;
	}
	t_counter_init(&done);
	cookie = t_submit_counted(dmaengine_prep_peripheral_dma_vec(chan, vecs, NVEC, DMA_MEM_TO_DEV,
								     DMA_PREP_INTERRUPT), &done);
	dma_async_issue_pending(chan);
	for (int i = 0; have < total; i++) {
		size_t n = udma_fifo_pop(fifo, got + have, total - have);

		have += n;
		if (!n) {
			CHECK(i < 1000000);
			t_sleep_us(20);
		}
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(got, want, total) == 0);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
	free(buf);
}

static void from_device(struct dma_chan *chan)
{
	struct udma_fifo *fifo = fifo_new("vec-rx", DMA_DEV_TO_MEM);
	struct dma_slave_config cfg = { .direction = DMA_DEV_TO_MEM, .src_addr = udma_fifo_addr(fifo),
					.src_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES, .src_maxburst = 2 };
	unsigned char *buf = t_alloc(1024), sent[512];
	struct dma_vec vecs[NVEC];
	struct t_counter done;
	size_t total = 0, pushed = 0, off = 0;

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	memset(buf, 0xee, 1024);
	for (int i = 0; i < NVEC; i++) {
		vecs[i] = (struct dma_vec){ t_addr(buf + off), vec_len[i] };
		total += vec_len[i];
		off += vec_len[i] + 40;
	}
	t_fill(sent, total, 6);
	t_counter_init(&done);
	t_submit_counted(dmaengine_prep_peripheral_dma_vec(chan, vecs, NVEC, DMA_DEV_TO_MEM,
							   DMA_PREP_INTERRUPT), &done);
	dma_async_issue_pending(chan);
	for (int i = 0; pushed < total; i++) {
		struct udma_fifo_stats st;
		size_t room, n;

		udma_fifo_stats(fifo, &st);
		room = 64 - st.level;
		n = udma_fifo_push(fifo, sent + pushed, room < total - pushed ? room : total - pushed);
		pushed += n;
		if (!n) {
			CHECK(i < 1000000);
			t_sleep_us(20);
		}
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	off = 0;
	total = 0;
	for (int i = 0; i < NVEC; i++) {
		CHECK(memcmp(buf + off, sent + total, vec_len[i]) == 0);
		for (int g = 0; g < 40; g++)	/* the gaps between pieces untouched */
			CHECK_EQ(buf[off + vec_len[i] + (size_t)g], 0xee);
		total += vec_len[i];
		off += vec_len[i] + 40;
	}
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
	free(buf);
}

static void refusals(struct dma_chan *chan)
{
	static unsigned char buf[64];
	struct dma_vec vecs[2] = { { t_addr(buf), 16 }, { t_addr(buf + 32), 0 } };
	struct udma_fifo *fifo = fifo_new("vec-bad", DMA_MEM_TO_DEV);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(fifo),
					.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES };
	const char *f = "dmaengine_prep_peripheral_dma_vec";

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_diag_reset();
	CHECK(!dmaengine_prep_peripheral_dma_vec(chan, NULL, 1, DMA_MEM_TO_DEV, 0));
	CHECK_DIAG("vecs is NULL");
	CHECK(!dmaengine_prep_peripheral_dma_vec(chan, vecs, 0, DMA_MEM_TO_DEV, 0));
	CHECK_DIAG("nents 0");
	CHECK(!dmaengine_prep_peripheral_dma_vec(chan, vecs, 2, DMA_MEM_TO_DEV, 0));
	CHECK_DIAG("vecs[1].len 0");
	vecs[1].len = 6;	/* not a multiple of the FIFO's 4-byte width */
	CHECK(!dmaengine_prep_peripheral_dma_vec(chan, vecs, 2, DMA_MEM_TO_DEV, 0));
	CHECK_DIAG(f);	/* the soft controller's refusal names the call made */
	CHECK(!dmaengine_prep_peripheral_dma_vec(chan, vecs, 1, DMA_MEM_TO_MEM, 0));
	CHECK_DIAG("direction");
	CHECK_EQ(t_diag_count(), 5);
	/* the channel still works */
	vecs[1].len = 8;
	CHECK(dmaengine_prep_peripheral_dma_vec(chan, vecs, 2, DMA_MEM_TO_DEV, 0) != NULL);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_SLAVE);
	to_device(chan);
	from_device(chan);
	refusals(chan);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("slave-dma-vec: %d pieces to a TX FIFO and from an RX FIFO in order, gaps untouched, "
	       "5 refusals\n", NVEC);
	return 0;
}

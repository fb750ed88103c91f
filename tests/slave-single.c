/* SPDX-License-Identifier: MIT */
/* prep_slave_single both ways through rate-driven FIFOs: the device sink gets the buffer, the buffer gets the device source, exactly. */
#include "helpers.h"

#define LEN	(64 * 1024)
#define RATE	2000000		/* bytes/s: 64 KiB in about 33 ms */

struct line {
	pthread_mutex_t lock;
	unsigned char *data;
	size_t len, pos;	/* sink: bytes received; source: bytes produced */
	bool go;		/* source: produces only once the DMA is set up */
};

/* The lines outlive the FIFOs whose device threads use them. */
static struct line out_line = { PTHREAD_MUTEX_INITIALIZER, NULL, LEN, 0, false };
static struct line in_line = { PTHREAD_MUTEX_INITIALIZER, NULL, LEN, 0, false };

static void sink(void *arg, const void *data, size_t len)
{
	struct line *l = arg;

	pthread_mutex_lock(&l->lock);
	if (l->pos + len <= l->len)
		memcpy(l->data + l->pos, data, len);
	l->pos += len;	/* more than len: caught below */
	pthread_mutex_unlock(&l->lock);
}

/* A finite message: LEN bytes, then the line is idle. */
static size_t source(void *arg, void *data, size_t len)
{
	struct line *l = arg;
	size_t n = 0;

	pthread_mutex_lock(&l->lock);
	if (l->go) {
		n = l->len - l->pos < len ? l->len - l->pos : len;
		memcpy(data, l->data + l->pos, n);
		l->pos += n;
	}
	pthread_mutex_unlock(&l->lock);
	return n;
}

static size_t line_pos(struct line *l)
{
	size_t n;

	pthread_mutex_lock(&l->lock);
	n = l->pos;
	pthread_mutex_unlock(&l->lock);
	return n;
}

static struct udma_fifo *tx_single(struct dma_chan *chan)
{
	struct line *l = &out_line;
	struct udma_fifo_config fc = {
		.name = "uart0-tx", .dir = DMA_MEM_TO_DEV, .depth = 256,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE, .rate = RATE, .sink = sink, .arg = l,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_maxburst = 16 };
	unsigned char *buf = t_alloc(LEN);
	struct udma_fifo_stats st;
	dma_addr_t addr;
	uint64_t deadline;

	CHECK(!IS_ERR(fifo));
	cfg.dst_addr = udma_fifo_addr(fifo);	/* width left UNDEFINED: the FIFO's */
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(buf, LEN, 1);
	addr = dma_map_single(chan->device->dev, buf, LEN, DMA_TO_DEVICE);
	CHECK(!dma_mapping_error(chan->device->dev, addr));

	t_run(chan, dmaengine_prep_slave_single(chan, addr, LEN, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT));
	dma_unmap_single(chan->device->dev, addr, LEN, DMA_TO_DEVICE);

	/* the callback came when the last byte entered the FIFO; the line drains the rest */
	deadline = t_now_ns() + 10000000000ull;
	while (line_pos(l) < LEN) {
		CHECK(t_now_ns() < deadline);
		t_sleep_us(1000);
	}
	t_sleep_us(5000);
	CHECK_EQ(line_pos(l), LEN);
	CHECK(memcmp(l->data, buf, LEN) == 0);
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.bytes, LEN);
	CHECK_EQ(st.level, 0);

	free(buf);
	return fifo;
}

static struct udma_fifo *rx_single(struct dma_chan *chan)
{
	struct line *l = &in_line;
	/*
	 * Deep enough for the whole message: the test checks bytes, and no
	 * scheduling delay of the DMA thread can overrun it.
	 */
	struct udma_fifo_config fc = {
		.name = "uart0-rx", .dir = DMA_DEV_TO_MEM, .depth = LEN,
		.width = DMA_SLAVE_BUSWIDTH_4_BYTES, .rate = RATE, .source = source, .arg = l,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = {
		.direction = DMA_DEV_TO_MEM, .src_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES,
		.src_maxburst = 8,
	};
	unsigned char *buf = t_alloc(LEN + 8);
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	struct t_counter done;
	dma_cookie_t cookie;
	dma_addr_t addr;

	CHECK(!IS_ERR(fifo));
	cfg.src_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(l->data, LEN, 2);
	memset(buf, 0xee, LEN + 8);
	addr = dma_map_single(chan->device->dev, buf + 4, LEN, DMA_FROM_DEVICE);
	CHECK(!dma_mapping_error(chan->device->dev, addr));

	t_counter_init(&done);
	tx = dmaengine_prep_slave_single(chan, addr, LEN, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	cookie = t_submit_counted(tx, &done);
	dma_async_issue_pending(chan);
	pthread_mutex_lock(&l->lock);
	l->go = true;
	pthread_mutex_unlock(&l->lock);

	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	dma_unmap_single(chan->device->dev, addr, LEN, DMA_FROM_DEVICE);
	CHECK(memcmp(buf + 4, l->data, LEN) == 0);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(buf[i], 0xee);
		CHECK_EQ(buf[LEN + 4 + i], 0xee);
	}
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.bytes, LEN);
	CHECK_EQ(st.overruns, 0);
	CHECK_EQ(st.level, 0);

	free(buf);
	return fifo;
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *tx_chan, *rx_chan;
	struct udma_fifo *txf, *rxf;

	t_diag_capture();
	dev = t_soft_create(NULL);
	tx_chan = t_request(DMA_SLAVE);
	rx_chan = t_request(DMA_SLAVE);
	CHECK(tx_chan != rx_chan);
	out_line.data = t_alloc(LEN);
	in_line.data = t_alloc(LEN);
	txf = tx_single(tx_chan);
	rxf = rx_single(rx_chan);
	dma_release_channel(tx_chan);
	dma_release_channel(rx_chan);
	udma_fifo_destroy(txf);
	udma_fifo_destroy(rxf);
	free(out_line.data);
	free(in_line.data);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-single: %d bytes each way through rate-driven FIFOs, byte-exact\n", LEN);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* A client too slow: a rate-driven TX FIFO left unfed counts underruns, an RX FIFO nobody reads counts overruns and keeps the oldest bytes. */
#include "helpers.h"

#define RATE	1000000		/* bytes/s */

struct line {
	pthread_mutex_t lock;
	uint64_t pos;		/* bytes through sink or source */
	uint64_t bad;		/* sink: bytes that are not the buffer */
	const unsigned char *want;
	size_t want_len;
};

static unsigned char stream_byte(uint64_t i)
{
	return (unsigned char)((i * 0x9E3779B97F4A7C15ull) >> 56);
}

static void sink(void *arg, const void *data, size_t len)
{
	struct line *l = arg;
	const unsigned char *p = data;

	pthread_mutex_lock(&l->lock);
	for (size_t j = 0; j < len; j++)
		l->bad += l->pos + j >= l->want_len || p[j] != l->want[l->pos + j];
	l->pos += len;
	pthread_mutex_unlock(&l->lock);
}

/* A finite line: want_len bytes of the stream, then idle. */
static size_t source(void *arg, void *data, size_t len)
{
	struct line *l = arg;
	unsigned char *p = data;

	pthread_mutex_lock(&l->lock);
	if (len > l->want_len - l->pos)
		len = l->want_len - l->pos;
	for (size_t j = 0; j < len; j++)
		p[j] = stream_byte(l->pos + j);
	l->pos += len;
	pthread_mutex_unlock(&l->lock);
	return len;
}

static struct udma_fifo_stats stats(struct udma_fifo *f)
{
	struct udma_fifo_stats st;

	udma_fifo_stats(f, &st);
	return st;
}

static uint64_t line_pos(struct line *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->lock);
	n = l->pos;
	pthread_mutex_unlock(&l->lock);
	return n;
}

/*
 * TX: the client sends one buffer and nothing after it. The device plays
 * it, then finds the FIFO empty at every tick: underruns grow, and the sink
 * got exactly the buffer. Before any data the device has not started, so an
 * idle FIFO counts nothing.
 */
static void underrun(struct dma_chan *chan)
{
	enum { LEN = 4096 };
	static struct line l = { PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL, 0 };
	unsigned char *buf = t_alloc(LEN);
	struct udma_fifo_config fc = {
		.name = "spi2-tx", .dir = DMA_MEM_TO_DEV, .depth = 512,
		.width = DMA_SLAVE_BUSWIDTH_2_BYTES, .rate = RATE, .sink = sink, .arg = &l,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_maxburst = 16 };
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st, st2;
	dma_cookie_t cookie;

	CHECK(!IS_ERR(fifo));
	t_fill(buf, LEN, 61);
	l.want = buf;
	l.want_len = LEN;
	cfg.dst_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);

	/* 20 ms idle before any data: not an underrun */
	t_sleep_us(20000);
	st = stats(fifo);
	CHECK_EQ(st.underruns, 0);
	CHECK_EQ(st.bytes, 0);

	tx = dmaengine_prep_slave_single(chan, t_addr(buf), LEN, DMA_MEM_TO_DEV, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);

	/* 4096 bytes play in about 4 ms; then the line starves */
	for (int i = 0; stats(fifo).underruns == 0; i++) {
		CHECK(i < 10000);
		t_sleep_us(1000);
	}
	/* and it goes on counting: every tick without data is an underrun */
	st = stats(fifo);
	for (int i = 0; (st2 = stats(fifo)).underruns == st.underruns; i++) {
		CHECK(i < 10000);
		t_sleep_us(1000);
	}
	CHECK_EQ(st2.underruns % 2, 0);		/* in whole words */
	CHECK_EQ(st2.bytes, LEN);
	CHECK_EQ(st2.level, 0);
	CHECK_EQ(st2.overruns, 0);
	CHECK_EQ(line_pos(&l), LEN);
	pthread_mutex_lock(&l.lock);
	CHECK_EQ(l.bad, 0);
	pthread_mutex_unlock(&l.lock);

	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
	free(buf);
}

/*
 * RX: nobody reads. The line sends a finite message of LINE bytes; the
 * FIFO keeps the first DEPTH and drops every later byte, counting it: so
 * bytes + overruns == LINE exactly, whatever the timing. A late DMA read
 * then gets the oldest bytes: the first DEPTH of the message.
 */
static void overrun(struct dma_chan *chan)
{
	enum { DEPTH = 256, LINE = 8192 };
	static struct line l = { PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL, LINE };
	struct udma_fifo_config fc = {
		.name = "uart4-rx", .dir = DMA_DEV_TO_MEM, .depth = DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE, .rate = RATE, .source = source, .arg = &l,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_DEV_TO_MEM, .src_maxburst = 32 };
	unsigned char buf[DEPTH];
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	dma_cookie_t cookie;

	CHECK(!IS_ERR(fifo));
	/* 8 KiB arrive in about 8 ms */
	for (int i = 0; ; i++) {
		st = stats(fifo);
		if (st.bytes + st.overruns >= LINE)
			break;
		CHECK(i < 10000);
		t_sleep_us(1000);
	}
	t_sleep_us(10000);	/* the line is idle now: nothing more is counted */
	st = stats(fifo);
	CHECK_EQ(line_pos(&l), LINE);
	CHECK_EQ(st.level, DEPTH);
	CHECK_EQ(st.bytes, DEPTH);
	CHECK_EQ(st.overruns, LINE - DEPTH);
	CHECK_EQ(st.underruns, 0);

	/* the client finally reads: the oldest bytes were kept */
	cfg.src_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	tx = dmaengine_prep_slave_single(chan, t_addr(buf), DEPTH, DMA_DEV_TO_MEM, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	for (size_t j = 0; j < DEPTH; j++)
		CHECK_EQ(buf[j], stream_byte(j));
	st = stats(fifo);
	CHECK_EQ(st.level, 0);
	CHECK_EQ(st.overruns, LINE - DEPTH);

	/* a finished descriptor holds its FIFO until freed after its callback */
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
	underrun(chan);
	overrun(chan);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-underrun-overrun: starved TX counts underruns, unread RX counts overruns and keeps the oldest bytes\n");
	return 0;
}

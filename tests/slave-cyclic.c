/* SPDX-License-Identifier: MIT */
/* Cyclic TX and RX at 48 kHz stereo 16-bit: a callback every period, no under/overrun, the stream intact, terminate_async from the callback stops it. */
#include "helpers.h"

#define RATE	192000		/* 48 kHz x 2 channels x 2 bytes */
#define WIDTH	4		/* one stereo frame per word */
#define BURST	8		/* words */
#define PERIOD	480		/* bytes: 120 frames, 2.5 ms */
/*
 * Margins for a loaded 2-core machine (and ThreadSanitizer), where a thread
 * may wait 100 ms or more for a CPU. The FIFO holds 64 KiB, 340 ms of
 * audio: the DMA thread (and the device's own thread) may be that late
 * before the DAC underruns or the ADC overruns. The ring is larger than the
 * FIFO by 55 periods: the DMA fills the FIFO at memory speed at the start,
 * 136 periods ahead of the DAC, and must not lap the ring before the
 * callbacks catch up; after that a callback may be ~470 ms late.
 */
#define DEPTH	65536
#define NPER	192		/* periods in the ring */
#define BUF	(PERIOD * NPER)
#define TARGET	340		/* periods before the callback stops: 136 of FIFO fill,
				   then 204 at 2.5 ms (0.5 s) in steady state */

/* The stream: byte i of the audio, never periodic within the test. */
static unsigned char stream_byte(uint64_t i)
{
	return (unsigned char)((i * 0x9E3779B97F4A7C15ull) >> 56);
}

struct cyc {
	struct dma_chan *chan;
	struct udma_fifo *fifo;
	unsigned char *ring;
	dma_cookie_t cookie;
	/* touched by the callback only, read by main after stop */
	unsigned int slot;		/* next ring slot to refill or read */
	uint64_t next;			/* TX: global period for that slot; RX: expected */
	int callbacks, errors, bad_residue;
	struct udma_fifo_stats at_stop;
	int terminate_ret;
	/* atomics */
	int stopped;			/* terminate_async called */
	int late;			/* callbacks after terminate_async */
	struct t_counter stop;
	/* device side (rate thread) */
	pthread_mutex_t lock;
	uint64_t dev_pos;		/* bytes through sink or source */
	uint64_t dev_bad;		/* sink: bytes not the stream */
	bool go;			/* source: the line starts */
};

static void fill_period(unsigned char *p, uint64_t global)
{
	for (size_t j = 0; j < PERIOD; j++)
		p[j] = stream_byte(global * PERIOD + j);
}

/* Periods completed since the last look, from the residue (as ALSA's pointer does). */
static unsigned int new_periods(struct cyc *c)
{
	struct dma_tx_state st;
	enum dma_status s = dmaengine_tx_status(c->chan, c->cookie, &st);
	unsigned int pos;

	if (s != DMA_IN_PROGRESS || st.residue > BUF) {
		c->errors++;
		return 0;
	}
	pos = (unsigned int)((BUF - st.residue) / PERIOD) % NPER;
	/* The tasklet may run once for several periods, and again for periods
	 * this look already saw: 0 is fine. */
	return (pos - c->slot + NPER) % NPER;
}

static bool stop_now(struct cyc *c, uint64_t periods_done)
{
	/* on a loaded machine one callback may cover several periods: run
	 * until both counts are reached */
	if (periods_done < TARGET || c->callbacks < 100)
		return false;
	/* the device side as the DMA leaves it: after this, a TX FIFO drains
	 * empty and counts underruns, an RX FIFO fills and counts overruns */
	udma_fifo_stats(c->fifo, &c->at_stop);
	__atomic_store_n(&c->stopped, 1, __ATOMIC_RELEASE);
	c->terminate_ret = dmaengine_terminate_async(c->chan);
	t_counter_bump(&c->stop);
	return true;
}

static void tx_period(void *arg)
{
	struct cyc *c = arg;
	unsigned int n;

	if (__atomic_load_n(&c->stopped, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&c->late, 1, __ATOMIC_RELAXED);
		return;
	}
	c->callbacks++;
	/* refill what the DMA has taken with the stream NPER periods later */
	for (n = new_periods(c); n; n--) {
		fill_period(c->ring + c->slot * PERIOD, c->next++);
		c->slot = (c->slot + 1) % NPER;
	}
	stop_now(c, c->next - NPER);
}

static void rx_period(void *arg, const struct dmaengine_result *res)
{
	struct cyc *c = arg;
	unsigned int n;

	if (__atomic_load_n(&c->stopped, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&c->late, 1, __ATOMIC_RELAXED);
		return;
	}
	c->callbacks++;
	if (res->result != DMA_TRANS_NOERROR || res->residue % PERIOD)
		c->bad_residue++;	/* a period callback reports a period boundary */
	for (n = new_periods(c); n; n--) {
		const unsigned char *p = c->ring + c->slot * PERIOD;

		for (size_t j = 0; j < PERIOD; j++)
			c->errors += p[j] != stream_byte(c->next * PERIOD + j);
		c->next++;
		c->slot = (c->slot + 1) % NPER;
	}
	stop_now(c, c->next);
}

static void sink(void *arg, const void *data, size_t len)
{
	struct cyc *c = arg;
	const unsigned char *p = data;

	pthread_mutex_lock(&c->lock);
	for (size_t j = 0; j < len; j++)
		c->dev_bad += p[j] != stream_byte(c->dev_pos + j);
	c->dev_pos += len;
	pthread_mutex_unlock(&c->lock);
}

static size_t source(void *arg, void *data, size_t len)
{
	struct cyc *c = arg;
	unsigned char *p = data;

	pthread_mutex_lock(&c->lock);
	if (!c->go)
		len = 0;
	for (size_t j = 0; j < len; j++)
		p[j] = stream_byte(c->dev_pos + j);
	c->dev_pos += len;
	pthread_mutex_unlock(&c->lock);
	return len;
}

static void run(struct dma_chan *chan, enum dma_transfer_direction dir)
{
	bool tx = dir == DMA_MEM_TO_DEV;
	struct cyc *c = calloc(1, sizeof(*c));
	struct udma_fifo_config fc = {
		.name = tx ? "i2s1-dac" : "i2s1-adc", .dir = dir, .depth = DEPTH, .width = WIDTH,
		.rate = RATE, .sink = tx ? sink : NULL, .source = tx ? NULL : source, .arg = c,
	};
	struct dma_slave_config cfg = { .direction = dir };
	struct dma_async_tx_descriptor *desc;
	struct udma_fifo_stats st;
	uint64_t dev_pos, dev_bad, startup_underruns = 0;
	int after_sync;

	CHECK(c);
	c->chan = chan;
	pthread_mutex_init(&c->lock, NULL);
	t_counter_init(&c->stop);
	c->fifo = udma_fifo_create(&fc);
	CHECK(!IS_ERR(c->fifo));
	if (tx) {
		cfg.dst_addr = udma_fifo_addr(c->fifo);
		cfg.dst_addr_width = WIDTH;
		cfg.dst_maxburst = BURST;
	} else {
		cfg.src_addr = udma_fifo_addr(c->fifo);
		cfg.src_addr_width = WIDTH;
		cfg.src_maxburst = BURST;
	}
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);

	c->ring = t_alloc(BUF);
	if (tx) {
		for (unsigned int i = 0; i < NPER; i++)
			fill_period(c->ring + i * PERIOD, i);
		c->next = NPER;
	} else {
		memset(c->ring, 0, BUF);
	}
	desc = dmaengine_prep_dma_cyclic(chan, t_addr(c->ring), BUF, PERIOD, dir,
					 DMA_PREP_INTERRUPT);
	CHECK(desc);
	if (tx)
		desc->callback = tx_period;
	else
		desc->callback_result = rx_period;
	desc->callback_param = c;
	c->cookie = dmaengine_submit(desc);
	CHECK(c->cookie >= DMA_MIN_COOKIE);
	dma_async_issue_pending(chan);
	if (!tx) {
		pthread_mutex_lock(&c->lock);
		c->go = true;
		pthread_mutex_unlock(&c->lock);
	} else {
		/*
		 * The DAC starts with the first burst the DMA writes, and the DMA
		 * needs a moment to get ahead of it: on a loaded machine that
		 * start may underrun. What this test checks is the steady state:
		 * no underrun once the FIFO is full.
		 */
		for (int i = 0; ; i++) {
			udma_fifo_stats(c->fifo, &st);
			if (st.level >= DEPTH - 1024)
				break;
			CHECK(i < 100000);
			t_sleep_us(100);
		}
		startup_underruns = st.underruns;
	}

	/* TARGET periods take under 1 s; the limit is only against a hang */
	CHECK(t_counter_wait(&c->stop, 1, 30000));
	dmaengine_synchronize(chan);
	after_sync = c->callbacks + __atomic_load_n(&c->late, __ATOMIC_RELAXED);
	t_sleep_us(20000);
	CHECK_EQ(c->callbacks + __atomic_load_n(&c->late, __ATOMIC_RELAXED), after_sync);
	/* R5: nothing after the terminating callback */
	CHECK_EQ(__atomic_load_n(&c->late, __ATOMIC_RELAXED), 0);
	CHECK_EQ(c->terminate_ret, 0);
	/* R6: the controller is done with the ring */
	memset(c->ring, 0xcc, BUF);
	free(c->ring);

	CHECK(c->callbacks >= 100);
	CHECK_EQ(c->errors, 0);
	CHECK_EQ(c->bad_residue, 0);
	if (tx) {
		/* what the DMA put in the FIFO drains to the DAC; then it idles */
		for (int i = 0; ; i++) {
			udma_fifo_stats(c->fifo, &st);
			if (!st.level)
				break;
			CHECK(i < 5000);
			t_sleep_us(1000);
		}
		CHECK_EQ(c->at_stop.underruns, startup_underruns);
	} else {
		CHECK_EQ(c->at_stop.overruns, 0);
	}
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);	/* lets go of the FIFO */
	udma_fifo_destroy(c->fifo);	/* and stops its device thread */
	pthread_mutex_lock(&c->lock);
	dev_pos = c->dev_pos;
	dev_bad = c->dev_bad;
	pthread_mutex_unlock(&c->lock);
	if (tx) {
		/* the DAC played the stream, in order, at least every period refilled */
		CHECK_EQ(dev_bad, 0);
		CHECK_EQ(dev_pos, st.bytes);
		CHECK(dev_pos >= (uint64_t)TARGET * PERIOD);
	} else {
		CHECK(dev_pos >= (uint64_t)TARGET * PERIOD);
	}
	printf("  %s: %d callbacks, %llu periods checked, %llu bytes through the device, "
	       "%llu %s while running (%llu at the start)\n",
	       tx ? "playback" : "capture", c->callbacks,
	       (unsigned long long)(tx ? c->next - NPER : c->next),
	       (unsigned long long)dev_pos,
	       (unsigned long long)(tx ? c->at_stop.underruns - startup_underruns : c->at_stop.overruns),
	       tx ? "underruns" : "overruns", (unsigned long long)startup_underruns);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_CYCLIC);
	run(chan, DMA_MEM_TO_DEV);
	run(chan, DMA_DEV_TO_MEM);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-cyclic: playback and capture at %d B/s, >= 100 period callbacks each, "
	       "stream intact, stopped from the callback\n", RATE);
	return 0;
}

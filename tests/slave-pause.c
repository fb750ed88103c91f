/* SPDX-License-Identifier: MIT */
/* Pause of RX and TX slave transfers: DMA_PAUSED, residue frozen while the device goes on, every byte kept after resume (R7). */
#include "helpers.h"

#define DEPTH	256

static struct udma_fifo *fifo_new(const char *name, enum dma_transfer_direction dir,
				  enum dma_slave_buswidth width)
{
	struct udma_fifo_config fc = { .name = name, .dir = dir, .depth = DEPTH, .width = width };
	struct udma_fifo *f = udma_fifo_create(&fc);

	CHECK(!IS_ERR(f));
	return f;
}

static struct udma_fifo_stats stats(struct udma_fifo *f)
{
	struct udma_fifo_stats st;

	udma_fifo_stats(f, &st);
	return st;
}

/*
 * Checks that the residue comes to @want and stays there (the DMA stores
 * its progress just after a burst, and may be preempted in between).
 */
static void check_settled(struct dma_chan *chan, dma_cookie_t cookie, uint32_t want)
{
	struct dma_tx_state st;

	for (int i = 0; ; i++) {
		CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), DMA_IN_PROGRESS);
		if (st.residue == want)
			break;
		if (i >= 5000)
			CHECK_EQ(st.residue, want);
		t_sleep_us(2000);
	}
	for (int i = 0; i < 3; i++) {
		t_sleep_us(2000);
		CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), DMA_IN_PROGRESS);
		CHECK_EQ(st.residue, want);
	}
}

static uint32_t residue(struct dma_chan *chan, dma_cookie_t cookie, enum dma_status want)
{
	struct dma_tx_state st;

	CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), want);
	return st.residue;
}

static void wait_level(struct udma_fifo *f, size_t level)
{
	for (int i = 0; stats(f).level != level; i++) {
		CHECK(i < 10000);
		t_sleep_us(1000);
	}
}

/* The line delivers @n bytes, never more than the FIFO has room for. */
static void push_room(struct udma_fifo *f, const unsigned char *data, size_t n)
{
	for (int i = 0; n; i++) {
		size_t room = DEPTH - stats(f).level, k = n < room ? n : room;

		CHECK(i < 1000000);
		if (k > 100)
			k = 100;
		if (!k) {
			t_sleep_us(50);
			continue;
		}
		CHECK_EQ(udma_fifo_push(f, data, k), k);
		data += k;
		n -= k;
	}
}

static dma_cookie_t start(struct dma_chan *chan, void *buf, size_t len,
			  enum dma_transfer_direction dir, struct t_counter *done)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	tx = dmaengine_prep_slave_single(chan, t_addr(buf), len, dir, DMA_PREP_INTERRUPT);
	cookie = t_submit_counted(tx, done);
	dma_async_issue_pending(chan);
	return cookie;
}

/*
 * RX, stepwise: pause with a partial burst in the FIFO, the line keeps
 * delivering until the FIFO is full and overruns; residue stays. After
 * resume the buffer holds exactly the bytes the FIFO accepted, in order:
 * what an uninterrupted transfer of that line gives.
 */
static void rx_steps(struct dma_chan *chan)
{
	enum { LEN = 4096, BURST = 16 };
	struct udma_fifo *fifo = fifo_new("uart3-rx", DMA_DEV_TO_MEM, DMA_SLAVE_BUSWIDTH_4_BYTES);
	struct dma_slave_config cfg = {
		.direction = DMA_DEV_TO_MEM, .src_addr = udma_fifo_addr(fifo),
		.src_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES, .src_maxburst = BURST / 4,
	};
	unsigned char *line = t_alloc(2 * LEN), *accepted = t_alloc(LEN), *buf = t_alloc(LEN);
	size_t sent = 0, kept = 0, in;
	struct t_counter done;
	dma_cookie_t cookie;

	t_fill(line, 2 * LEN, 41);
	memset(buf, 0, LEN);
	t_counter_init(&done);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	cookie = start(chan, buf, LEN, DMA_DEV_TO_MEM, &done);

	/* 1000 bytes: 62 bursts move, 8 bytes wait for two more words */
	push_room(fifo, line, 1000);
	memcpy(accepted, line, 1000);
	sent = kept = 1000;
	wait_level(fifo, 8);
	check_settled(chan, cookie, LEN - 992);

	CHECK_EQ(dmaengine_pause(chan), 0);
	CHECK_EQ(residue(chan, cookie, DMA_PAUSED), LEN - 992);

	/* the line goes on: the FIFO fills, the rest is dropped and counted */
	in = udma_fifo_push(fifo, line + sent, 600);
	CHECK_EQ(in, DEPTH - 8);
	memcpy(accepted + kept, line + sent, in);
	sent += 600;
	kept += in;
	CHECK_EQ(stats(fifo).overruns, 600 - in);
	for (int i = 0; i < 10; i++) {
		t_sleep_us(2000);
		CHECK_EQ(residue(chan, cookie, DMA_PAUSED), LEN - 992);
		CHECK_EQ(stats(fifo).level, DEPTH);
	}
	/* a second pause is harmless; resume of a running channel is not */
	CHECK_EQ(dmaengine_pause(chan), 0);
	CHECK_EQ(dmaengine_resume(chan), 0);
	CHECK_EQ(dmaengine_resume(chan), -EINVAL);
	CHECK_DIAG("not paused");

	/* resumed: the DMA drains the full FIFO */
	wait_level(fifo, 0);
	check_settled(chan, cookie, LEN - 992 - DEPTH);

	/* the rest of the line, within the room the FIFO has */
	push_room(fifo, line + sent, LEN - kept);
	memcpy(accepted + kept, line + sent, LEN - kept);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(buf, accepted, LEN) == 0);
	CHECK_EQ(stats(fifo).overruns, 600 - (DEPTH - 8));
	CHECK_EQ(stats(fifo).level, 0);

	free(line);
	free(accepted);
	free(buf);
	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);	/* lets go of the FIFO */
	udma_fifo_destroy(fifo);
}

/*
 * TX, stepwise: paused, the device empties the FIFO and the DMA does not
 * refill it; after resume the device has received the buffer exactly.
 */
static void tx_steps(struct dma_chan *chan)
{
	enum { LEN = 4096, BURST = 16 };
	struct udma_fifo *fifo = fifo_new("spi1-tx", DMA_MEM_TO_DEV, DMA_SLAVE_BUSWIDTH_2_BYTES);
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(fifo),
		.dst_addr_width = DMA_SLAVE_BUSWIDTH_2_BYTES, .dst_maxburst = BURST / 2,
	};
	unsigned char *buf = t_alloc(LEN), *got = t_alloc(LEN);
	size_t have = 0;
	struct t_counter done;
	dma_cookie_t cookie;

	t_fill(buf, LEN, 42);
	t_counter_init(&done);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	cookie = start(chan, buf, LEN, DMA_MEM_TO_DEV, &done);

	wait_level(fifo, DEPTH);
	check_settled(chan, cookie, LEN - DEPTH);
	/* the device takes 100: room for 6 bursts, 4 bytes stay free */
	CHECK_EQ(udma_fifo_pop(fifo, got, 100), 100);
	have = 100;
	wait_level(fifo, DEPTH - 4);
	check_settled(chan, cookie, LEN - DEPTH - 96);

	CHECK_EQ(dmaengine_pause(chan), 0);
	CHECK_EQ(residue(chan, cookie, DMA_PAUSED), LEN - DEPTH - 96);
	/* the device drains everything; the paused DMA leaves the FIFO empty */
	CHECK_EQ(udma_fifo_pop(fifo, got + have, LEN), DEPTH - 4);
	have += DEPTH - 4;
	for (int i = 0; i < 10; i++) {
		t_sleep_us(2000);
		CHECK_EQ(residue(chan, cookie, DMA_PAUSED), LEN - DEPTH - 96);
		CHECK_EQ(stats(fifo).level, 0);
		CHECK_EQ(udma_fifo_pop(fifo, got + have, LEN - have), 0);
	}
	CHECK_EQ(dmaengine_resume(chan), 0);
	wait_level(fifo, DEPTH);
	check_settled(chan, cookie, LEN - 2 * DEPTH - 96);

	while (have < LEN) {
		size_t n = udma_fifo_pop(fifo, got + have, 77 < LEN - have ? 77 : LEN - have);

		have += n;
		if (!n)
			t_sleep_us(50);
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(got, buf, LEN) == 0);
	CHECK_EQ(stats(fifo).bytes, LEN);

	free(buf);
	free(got);
	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
}

/* ---- pause and resume at arbitrary points while the device streams ---- */

struct device_side {
	struct udma_fifo *fifo;
	unsigned char *data;	/* RX: the line to push; TX: where popped bytes go */
	size_t len, done;	/* done: atomic */
	int stop;		/* atomic */
	int pauses;		/* atomic: pauses checked by the main thread */
};

/*
 * Halfway, the device waits for the first pause to have been checked: on a
 * loaded machine the main thread may oversleep, and the transfer must not
 * be over before it pauses at all.
 */
static void halfway(struct device_side *d, size_t at)
{
	if (at < d->len / 2)
		return;
	while (!__atomic_load_n(&d->pauses, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
		t_sleep_us(100);
}

static void *pusher(void *arg)
{
	struct device_side *d = arg;
	size_t sent = 0;
	unsigned int step = 0;

	while (sent < d->len && !__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		/* never more than the room: this line must not lose bytes */
		size_t room = DEPTH - stats(d->fifo).level, n = 1 + (step++ * 13) % 97;

		if (n > room)
			n = room;
		if (n > d->len - sent)
			n = d->len - sent;
		if (!n) {
			t_sleep_us(20);
			continue;
		}
		halfway(d, sent);
		CHECK_EQ(udma_fifo_push(d->fifo, d->data + sent, n), n);
		sent += n;
		__atomic_store_n(&d->done, sent, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *popper(void *arg)
{
	struct device_side *d = arg;
	size_t have = 0;
	unsigned int step = 0;

	while (have < d->len && !__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		size_t n = 1 + (step++ * 13) % 97;

		if (n > d->len - have)
			n = d->len - have;
		halfway(d, have);
		n = udma_fifo_pop(d->fifo, d->data + have, n);
		if (!n)
			t_sleep_us(20);
		have += n;
		__atomic_store_n(&d->done, have, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * While a device thread streams through the FIFO, pause and resume 30 times
 * at uneven moments. Each time: DMA_PAUSED, a residue that does not move
 * over 2 ms, and a whole number of bursts done (nothing cut mid-burst).
 * At the end the bytes are exactly the stream.
 */
static void streaming(struct dma_chan *chan, enum dma_transfer_direction dir)
{
	enum { LEN = 512 * 1024, BURST = 64, PAUSES = 30 };
	bool rx = dir == DMA_DEV_TO_MEM;
	struct udma_fifo *fifo = fifo_new(rx ? "i2s0-rx" : "i2s0-tx", dir, DMA_SLAVE_BUSWIDTH_4_BYTES);
	struct dma_slave_config cfg = { .direction = dir };
	unsigned char *line = t_alloc(LEN), *buf = t_alloc(LEN);
	struct device_side side = { fifo, rx ? line : buf, LEN, 0, 0, 0 };
	struct t_counter done;
	dma_cookie_t cookie;
	pthread_t thread;
	int paused_mid = 0, pauses = 0;

	if (rx) {
		cfg.src_addr = udma_fifo_addr(fifo);
		cfg.src_maxburst = BURST / 4;
		t_fill(line, LEN, 43);
		memset(buf, 0, LEN);
	} else {
		cfg.dst_addr = udma_fifo_addr(fifo);
		cfg.dst_maxburst = BURST / 4;
		t_fill(line, LEN, 44);
		memset(buf, 0, LEN);
	}
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_counter_init(&done);
	cookie = start(chan, rx ? buf : line, LEN, dir, &done);
	CHECK_EQ(pthread_create(&thread, NULL, rx ? pusher : popper, &side), 0);

	for (int i = 0; i < PAUSES && !t_counter_get(&done); i++) {
		uint32_t r1, r2;
		size_t dev1, dev2;

		t_sleep_us(200 + (unsigned int)(i * 337) % 1500);
		CHECK_EQ(dmaengine_pause(chan), 0);
		if (t_counter_get(&done))
			break;	/* finished before the pause */
		pauses++;
		r1 = residue(chan, cookie, DMA_PAUSED);
		dev1 = __atomic_load_n(&side.done, __ATOMIC_ACQUIRE);
		t_sleep_us(2000);
		r2 = residue(chan, cookie, DMA_PAUSED);
		dev2 = __atomic_load_n(&side.done, __ATOMIC_ACQUIRE);
		CHECK_EQ(r1, r2);
		CHECK_EQ((LEN - r1) % BURST, 0);
		if (r1 && dev2 > dev1)
			paused_mid++;	/* the device moved while the DMA was paused */
		CHECK_EQ(dmaengine_resume(chan), 0);
		__atomic_store_n(&side.pauses, pauses, __ATOMIC_RELEASE);
	}
	CHECK(t_counter_wait(&done, 1, 30000));
	pthread_join(thread, NULL);
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	CHECK_EQ(__atomic_load_n(&side.done, __ATOMIC_ACQUIRE), LEN);
	CHECK(memcmp(buf, line, LEN) == 0);
	CHECK_EQ(stats(fifo).overruns, 0);
	CHECK_EQ(stats(fifo).level, 0);
	CHECK(pauses > 0);
	printf("  %s: %d pauses mid-transfer, %d saw the device move while the residue stood still\n",
	       rx ? "rx" : "tx", pauses, paused_mid);

	free(line);
	free(buf);
	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
}

int main(void)
{
	struct udma_soft_config nopause = { .name = "nopause", .flags = UDMA_SOFT_NO_PAUSE,
					    .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev, *dev2;
	struct dma_chan *chan;
	int diags;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_SLAVE);
	CHECK(chan->device == dev);
	rx_steps(chan);
	tx_steps(chan);
	streaming(chan, DMA_DEV_TO_MEM);
	streaming(chan, DMA_MEM_TO_DEV);
	dma_release_channel(chan);

	/* a device without pause says so */
	diags = t_diag_count();
	dev2 = t_soft_create(&nopause);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	chan = t_request(DMA_SLAVE);
	CHECK(chan->device == dev2);
	CHECK_EQ(dmaengine_pause(chan), -ENOSYS);
	CHECK_DIAG("pause");
	CHECK_EQ(dmaengine_resume(chan), -ENOSYS);
	CHECK_EQ(t_diag_count(), diags + 2);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev2), 0);
	printf("slave-pause: RX and TX paused mid-transfer, residue frozen, overruns counted, every byte kept\n");
	return 0;
}

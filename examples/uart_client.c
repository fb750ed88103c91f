/* SPDX-License-Identifier: MIT */
/*
 * uart_client: a UART driver's DMA, the way Linux serial drivers do it.
 *
 * RX: a ring of four 256-byte buffers, each queued as a one-entry slave_sg.
 * Each completion hands its buffer to the "tty" and queues it again. A line
 * rarely ends on a buffer boundary, so when no callback has come for 20 ms
 * the driver pauses the channel, reads how far the current buffer got from
 * the residue, terminates, and reads the few bytes still in the FIFO (less
 * than a burst, which the DMA never asked for) with the CPU.
 *
 * TX: the received message is echoed with prep_slave_single to the TX FIFO,
 * whose line (the sink) collects what it sends.
 *
 * The simulated line runs at 921600 baud (10 bits a byte), sends one
 * message and goes quiet. Exits 1 if what came in or went out differs.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#define BAUD		921600
#define RATE		(BAUD / 10)	/* bytes/s */
#define NBUF		4
#define BUFSZ		256
#define BURST		16		/* bytes: maxburst 16 of a 1-byte register */
#define IDLE_NS		20000000ull	/* 20 ms without a callback: flush */
#define MSG_MAX		8192
/*
 * A 16550 has 16 bytes, modern UARTs 64-256; this one has 16 KiB (180 ms
 * of line) so that a loaded machine scheduling the DMA thread late does not
 * overrun it: the example is about the driver logic, not about latency.
 */
#define FIFO_DEPTH	16384

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { 0, (long)us * 1000 };

	nanosleep(&ts, NULL);
}

/* ---- the far end of the line (the simulated peripheral's outside) ---- */

struct line {
	pthread_mutex_t lock;
	char data[MSG_MAX];
	size_t len, pos;
	bool done;		/* RX source: the message is all out */
};

static struct line rx_line = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct line tx_line = { .lock = PTHREAD_MUTEX_INITIALIZER };

static size_t line_source(void *arg, void *data, size_t len)
{
	struct line *l = arg;
	size_t n;

	pthread_mutex_lock(&l->lock);
	n = l->len - l->pos < len ? l->len - l->pos : len;
	memcpy(data, l->data + l->pos, n);
	l->pos += n;
	if (!n)
		l->done = true;	/* asked again after the last byte went out */
	pthread_mutex_unlock(&l->lock);
	return n;
}

static void line_sink(void *arg, const void *data, size_t len)
{
	struct line *l = arg;

	pthread_mutex_lock(&l->lock);
	if (l->len + len <= MSG_MAX)
		memcpy(l->data + l->len, data, len);
	l->len += len;
	pthread_mutex_unlock(&l->lock);
}

/* ---- the driver ---- */

struct uart;

struct rx_slot {
	struct uart *u;
	int idx;
	char buf[BUFSZ];
	struct scatterlist sg;
	dma_cookie_t cookie;
};

struct uart {
	struct device dev;
	struct dma_chan *rx, *tx;
	struct udma_fifo *rx_fifo, *tx_fifo;
	struct rx_slot slot[NBUF];

	pthread_mutex_t lock;		/* everything below */
	int queue[NBUF];		/* slots queued on the channel, oldest first */
	int queued;
	bool stopping;			/* a flush runs: callbacks leave the data alone */
	uint64_t last_activity;
	char got[MSG_MAX];		/* what the tty got */
	size_t got_len;
	int callbacks, flushes, order_errors, dma_errors;
	uint32_t last_residue;		/* residue seen at the last flush */
	size_t last_by_residue, last_popped;
};

static void rx_callback(void *param);

/* Queues @s on the RX channel; u->lock held. */
static int queue_slot(struct uart *u, struct rx_slot *s)
{
	struct dma_async_tx_descriptor *d;

	d = dmaengine_prep_slave_sg(u->rx, &s->sg, 1, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	if (!d)
		return -1;
	d->callback = rx_callback;
	d->callback_param = s;
	s->cookie = dmaengine_submit(d);
	if (dma_submit_error(s->cookie))
		return -1;
	u->queue[u->queued++] = s->idx;
	return 0;
}

static void rx_take(struct uart *u, const char *data, size_t n)
{
	if (u->got_len + n <= MSG_MAX)
		memcpy(u->got + u->got_len, data, n);
	u->got_len += n;
}

/* A buffer is full: to the tty, and back on the channel. */
static void rx_callback(void *param)
{
	struct rx_slot *s = param;
	struct uart *u = s->u;

	pthread_mutex_lock(&u->lock);
	u->callbacks++;
	u->last_activity = now_ns();
	if (u->stopping) {
		/* the flush reads every queued buffer's status itself */
		pthread_mutex_unlock(&u->lock);
		return;
	}
	if (!u->queued || u->queue[0] != s->idx)
		u->order_errors++;	/* completions come in submission order */
	rx_take(u, s->buf, BUFSZ);
	memmove(u->queue, u->queue + 1, sizeof(u->queue[0]) * (size_t)--u->queued);
	/* a callback may prep, submit and issue on its own channel */
	if (queue_slot(u, s))
		u->dma_errors++;
	else
		dma_async_issue_pending(u->rx);
	pthread_mutex_unlock(&u->lock);
}

static void rx_start(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	u->queued = 0;
	u->stopping = false;
	for (int i = 0; i < NBUF; i++)
		if (queue_slot(u, &u->slot[i]))
			u->dma_errors++;
	u->last_activity = now_ns();
	pthread_mutex_unlock(&u->lock);
	dma_async_issue_pending(u->rx);
}

/*
 * The line went quiet: collect what the channel holds. Pause first so the
 * residue stands still while it is read, then terminate; the bytes the DMA
 * left in the FIFO (less than a burst) are read by the CPU.
 */
static void rx_flush(struct uart *u)
{
	char rest[FIFO_DEPTH];
	struct dma_tx_state st;
	size_t n;

	pthread_mutex_lock(&u->lock);
	u->stopping = true;
	pthread_mutex_unlock(&u->lock);
	if (dmaengine_pause(u->rx))
		u->dma_errors++;

	pthread_mutex_lock(&u->lock);
	for (int i = 0; i < u->queued; i++) {
		struct rx_slot *s = &u->slot[u->queue[i]];
		enum dma_status status = dmaengine_tx_status(u->rx, s->cookie, &st);

		if (status == DMA_COMPLETE) {
			/* done before the pause, its callback came too late */
			rx_take(u, s->buf, BUFSZ);
			continue;
		}
		if (status != DMA_PAUSED)
			u->dma_errors++;
		n = BUFSZ - st.residue;
		rx_take(u, s->buf, n);
		u->last_residue = st.residue;
		u->last_by_residue = n;
		if (n < BUFSZ)
			break;	/* the buffers after this one got nothing */
	}
	u->queued = 0;
	pthread_mutex_unlock(&u->lock);

	/* no callback runs after this, and the channel lets go of the buffers */
	if (dmaengine_terminate_sync(u->rx))
		u->dma_errors++;
	n = udma_fifo_pop(u->rx_fifo, rest, sizeof(rest));
	pthread_mutex_lock(&u->lock);
	rx_take(u, rest, n);
	u->last_popped = n;
	u->flushes++;
	u->last_activity = now_ns();
	pthread_mutex_unlock(&u->lock);
}

static bool line_done(struct line *l)
{
	bool done;

	pthread_mutex_lock(&l->lock);
	done = l->done;
	pthread_mutex_unlock(&l->lock);
	return done;
}

static int uart_echo(struct uart *u, const char *msg, size_t len)
{
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(u->tx_fifo),
		.dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE, .dst_maxburst = BURST,
	};
	struct dma_async_tx_descriptor *d;
	dma_cookie_t cookie;
	dma_addr_t addr;

	if (dmaengine_slave_config(u->tx, &cfg))
		return -1;
	addr = dma_map_single(u->tx->device->dev, (void *)msg, len, DMA_TO_DEVICE);
	if (dma_mapping_error(u->tx->device->dev, addr))
		return -1;
	d = dmaengine_prep_slave_single(u->tx, addr, len, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
	if (!d)
		return -1;
	cookie = dmaengine_submit(d);
	if (dma_submit_error(cookie))
		return -1;
	/* dma_sync_wait: issue and poll; a driver would sleep on the callback */
	if (dma_sync_wait(u->tx, cookie) != DMA_COMPLETE)
		return -1;
	dma_unmap_single(u->tx->device->dev, addr, len, DMA_TO_DEVICE);
	/* the DMA is done when the FIFO has the last byte; the line drains it */
	for (int i = 0; i < 10000; i++) {
		size_t sent;

		pthread_mutex_lock(&tx_line.lock);
		sent = tx_line.len;
		pthread_mutex_unlock(&tx_line.lock);
		if (sent >= len)
			return 0;
		sleep_us(1000);
	}
	return -1;
}

int main(void)
{
	static struct uart uart;
	struct uart *u = &uart;
	struct udma_fifo_config rxc = {
		.name = "ttyS0-rx", .dir = DMA_DEV_TO_MEM, .depth = FIFO_DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE, .rate = RATE, .source = line_source,
		.arg = &rx_line,
	};
	struct udma_fifo_config txc = {
		.name = "ttyS0-tx", .dir = DMA_MEM_TO_DEV, .depth = 64,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE, .rate = RATE, .sink = line_sink,
		.arg = &tx_line,
	};
	struct dma_slave_config cfg = {
		.direction = DMA_DEV_TO_MEM, .src_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.src_maxburst = BURST,
	};
	struct dma_slave_map map[2];
	struct udma_fifo_stats rs, ts;
	struct dma_device *dma;
	uint64_t t0, deadline;
	bool rx_ok, tx_ok;
	int lines = 0;

	/* the message: text lines, 3001 bytes, so it ends mid-buffer and mid-burst */
	while (rx_line.len < 3001) {
		char l[64];
		int n = snprintf(l, sizeof(l), "%04d the quick brown fox jumps over the lazy dog\r\n", lines++);
		size_t k = (size_t)n < 3001 - rx_line.len ? (size_t)n : 3001 - rx_line.len;

		memcpy(rx_line.data + rx_line.len, l, k);
		rx_line.len += k;
	}

	dma = udma_soft_create(NULL);
	if (IS_ERR(dma))
		return 1;
	u->dev.name = "ttyS0";
	pthread_mutex_init(&u->lock, NULL);
	/* the line starts sending as soon as the UART exists: the driver must be quick */
	u->rx_fifo = udma_fifo_create(&rxc);
	u->tx_fifo = udma_fifo_create(&txc);
	if (IS_ERR(u->rx_fifo) || IS_ERR(u->tx_fifo))
		return 1;
	map[0] = (struct dma_slave_map){ "ttyS0", "rx", u->rx_fifo };
	map[1] = (struct dma_slave_map){ "ttyS0", "tx", u->tx_fifo };
	dma->filter.map = map;
	dma->filter.mapcnt = 2;

	u->rx = dma_request_chan(&u->dev, "rx");
	u->tx = dma_request_chan(&u->dev, "tx");
	if (IS_ERR(u->rx) || IS_ERR(u->tx))
		return 1;
	cfg.src_addr = udma_fifo_addr(u->rx_fifo);
	if (dmaengine_slave_config(u->rx, &cfg))
		return 1;
	for (int i = 0; i < NBUF; i++) {
		struct rx_slot *s = &u->slot[i];

		s->u = u;
		s->idx = i;
		sg_init_one(&s->sg, s->buf, BUFSZ);
		if (dma_map_sg(u->rx->device->dev, &s->sg, 1, DMA_FROM_DEVICE) != 1)
			return 1;
	}

	t0 = now_ns();
	rx_start(u);
	deadline = t0 + 10000000000ull;
	for (;;) {
		uint64_t idle;
		bool done = line_done(&rx_line);	/* before the flush: all bytes are in */

		sleep_us(1000);
		pthread_mutex_lock(&u->lock);
		idle = now_ns() - u->last_activity;
		pthread_mutex_unlock(&u->lock);
		if (idle < IDLE_NS && now_ns() < deadline)
			continue;
		rx_flush(u);
		if (done || now_ns() >= deadline)
			break;
		rx_start(u);	/* a pause in the middle of the message: go on */
	}
	for (int i = 0; i < NBUF; i++)
		dma_unmap_sg(u->rx->device->dev, &u->slot[i].sg, 1, DMA_FROM_DEVICE);
	udma_fifo_stats(u->rx_fifo, &rs);

	rx_ok = u->got_len == rx_line.len && !memcmp(u->got, rx_line.data, rx_line.len);
	printf("uart_client: line at %d baud (%d B/s), message of %zu bytes in %.1f ms\n",
	       BAUD, RATE, rx_line.len, (double)(now_ns() - t0) / 1e6);
	printf("rx: %d buffer callbacks, %d idle flush(es); last flush: residue %u of %d -> %zu bytes "
	       "by DMA, %zu bytes popped from the FIFO\n",
	       u->callbacks, u->flushes, u->last_residue, BUFSZ, u->last_by_residue, u->last_popped);
	printf("rx: received %zu of %zu bytes: %s; FIFO: %llu bytes, %llu overruns, level %zu\n",
	       u->got_len, rx_line.len, rx_ok ? "match" : "DIFFERENT",
	       (unsigned long long)rs.bytes, (unsigned long long)rs.overruns, rs.level);

	tx_ok = rx_ok && uart_echo(u, u->got, u->got_len) == 0;
	udma_fifo_stats(u->tx_fifo, &ts);
	pthread_mutex_lock(&tx_line.lock);
	tx_ok = tx_ok && tx_line.len == u->got_len && !memcmp(tx_line.data, u->got, u->got_len);
	printf("tx: echoed %zu bytes, the line sent %zu: %s; FIFO: %llu bytes, %llu underruns "
	       "(counted while the line idles after the message)\n",
	       u->got_len, tx_line.len, tx_ok ? "match" : "DIFFERENT",
	       (unsigned long long)ts.bytes, (unsigned long long)ts.underruns);
	pthread_mutex_unlock(&tx_line.lock);
	if (u->order_errors || u->dma_errors)
		printf("errors: %d out-of-order completions, %d DMA calls failed\n",
		       u->order_errors, u->dma_errors);

	dma_release_channel(u->rx);
	dma_release_channel(u->tx);
	udma_fifo_destroy(u->rx_fifo);
	udma_fifo_destroy(u->tx_fifo);
	udma_soft_destroy(dma);
	return rx_ok && tx_ok && !u->order_errors && !u->dma_errors ? 0 : 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * The slave test (udmaengine's; the kernel's dmatest has none): a loopback
 * through two simulated peripherals, as a UART with its TX wired to its RX.
 * The channel writes the source into a small TX FIFO (so the request line
 * throttles it, burst by burst), the test thread plays the wire and moves
 * each byte into the RX FIFO, and the channel reads the RX FIFO into the
 * destination. The RX FIFO holds a whole buffer: the channel runs the RX
 * descriptor only after the TX one, so every byte waits there meanwhile.
 *
 * The FIFOs are driven by hand (rate 0), so they need a software
 * controller's channel: on any other, dmaengine_slave_config refuses them
 * and the channel gets no slave threads.
 */
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include "dmatest.h"

#define TX_DEPTH	256	/* small: the channel must wait for room */
#define MAXBURST	16	/* words of one byte */

int dmatest_slave_setup(struct dmatest_chan *dtc, unsigned int buf_size)
{
	const char *chan = dma_chan_name(dtc->chan);
	char tx_name[32], rx_name[32];
	struct udma_fifo_config tx = {
		.name = tx_name, .dir = DMA_MEM_TO_DEV, .depth = TX_DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct udma_fifo_config rx = {
		.name = rx_name, .dir = DMA_DEV_TO_MEM,
		.depth = buf_size > TX_DEPTH ? buf_size : TX_DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV,
		.src_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.src_maxburst = MAXBURST,
		.dst_maxburst = MAXBURST,
	};
	struct udma_fifo *f;
	int ret;

	snprintf(tx_name, sizeof(tx_name), "%.24s-tx", chan);
	snprintf(rx_name, sizeof(rx_name), "%.24s-rx", chan);
	f = udma_fifo_create(&tx);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	dtc->tx_fifo = f;
	f = udma_fifo_create(&rx);
	if (IS_ERR(f)) {
		dmatest_slave_teardown(dtc);
		return (int)PTR_ERR(f);
	}
	dtc->rx_fifo = f;
	cfg.dst_addr = udma_fifo_addr(dtc->tx_fifo);
	cfg.src_addr = udma_fifo_addr(dtc->rx_fifo);
	ret = dmaengine_slave_config(dtc->chan, &cfg);
	if (ret)
		dmatest_slave_teardown(dtc);
	return ret;
}

/* After the channel is released: it no longer holds the FIFOs. */
void dmatest_slave_teardown(struct dmatest_chan *dtc)
{
	if (dtc->tx_fifo)
		udma_fifo_destroy(dtc->tx_fifo);
	if (dtc->rx_fifo)
		udma_fifo_destroy(dtc->rx_fifo);
	dtc->tx_fifo = dtc->rx_fifo = NULL;
}

/* A wire that finds nothing to carry waits politely, not on a spinning CPU. */
static void idle(unsigned int *spins)
{
	if (++*spins < 64) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 20000 };

		nanosleep(&ts, NULL);
	}
}

bool dmatest_slave_wire(struct dmatest_chan *dtc, size_t len, uint64_t deadline_ns)
{
	unsigned char buf[TX_DEPTH];
	size_t moved = 0;
	unsigned int spins = 0;

	while (moved < len) {
		size_t want = len - moved < sizeof(buf) ? len - moved : sizeof(buf);
		size_t n = udma_fifo_pop(dtc->tx_fifo, buf, want);

		if (n) {
			/* Fits: the RX FIFO is as deep as a buffer and starts empty. */
			udma_fifo_push(dtc->rx_fifo, buf, n);
			moved += n;
			spins = 0;
			continue;
		}
		if (deadline_ns ? dmatest_now_ns() >= deadline_ns : dmatest_stopping())
			return false;
		idle(&spins);
	}
	return true;
}

/* After a failed test the channel is stopped: whatever is left is junk. */
void dmatest_slave_drain(struct dmatest_chan *dtc)
{
	unsigned char buf[256];

	while (udma_fifo_pop(dtc->tx_fifo, buf, sizeof(buf)))
		;
	while (udma_fifo_pop(dtc->rx_fifo, buf, sizeof(buf)))
		;
}

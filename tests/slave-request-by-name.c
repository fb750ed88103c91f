/* SPDX-License-Identifier: MIT */
/* Platform-style dma_slave_map: dma_request_chan(&uart, "rx"/"tx") gives channels bound to those FIFOs, which work end to end. */
#include "helpers.h"

#define DEPTH	64

static struct device uart0 = { .name = "uart0" };
static struct device spi0 = { .name = "spi0" };

static struct udma_fifo *fifo_new(const char *name, enum dma_transfer_direction dir)
{
	struct udma_fifo_config fc = {
		.name = name, .dir = dir, .depth = DEPTH, .width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct udma_fifo *f = udma_fifo_create(&fc);

	CHECK(!IS_ERR(f));
	return f;
}

/* The driver's view: config from its own FIFO, then a transfer each way. */
static void uart_rx(struct dma_chan *rx, struct udma_fifo *fifo)
{
	struct dma_slave_config cfg = {
		.direction = DMA_DEV_TO_MEM, .src_addr = udma_fifo_addr(fifo), .src_maxburst = 8,
	};
	unsigned char line[1000], buf[1000];
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	dma_cookie_t cookie;
	size_t sent = 0;

	CHECK_EQ(dmaengine_slave_config(rx, &cfg), 0);
	t_fill(line, sizeof(line), 91);
	memset(buf, 0, sizeof(buf));
	tx = dmaengine_prep_slave_single(rx, t_addr(buf), sizeof(buf), DMA_DEV_TO_MEM,
					 DMA_PREP_INTERRUPT);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(rx);
	for (int i = 0; sent < sizeof(line); i++) {
		size_t room, n;

		udma_fifo_stats(fifo, &st);
		room = DEPTH - st.level;
		n = sizeof(line) - sent < room ? sizeof(line) - sent : room;
		if (n > 40)
			n = 40;
		if (!n) {
			CHECK(i < 500000);
			t_sleep_us(20);
			continue;
		}
		CHECK_EQ(udma_fifo_push(fifo, line + sent, n), n);
		sent += n;
	}
	CHECK_EQ(dma_sync_wait(rx, cookie), DMA_COMPLETE);
	CHECK(memcmp(buf, line, sizeof(buf)) == 0);
}

static void uart_tx(struct dma_chan *txc, struct udma_fifo *fifo)
{
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(fifo), .dst_maxburst = 16,
	};
	unsigned char msg[1000], got[1000];
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	size_t have = 0;

	CHECK_EQ(dmaengine_slave_config(txc, &cfg), 0);
	t_fill(msg, sizeof(msg), 92);
	tx = dmaengine_prep_slave_single(txc, t_addr(msg), sizeof(msg), DMA_MEM_TO_DEV,
					 DMA_PREP_INTERRUPT);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(txc);
	for (int i = 0; have < sizeof(got); i++) {
		size_t n = udma_fifo_pop(fifo, got + have, 33 < sizeof(got) - have ? 33 : sizeof(got) - have);

		have += n;
		if (!n) {
			CHECK(i < 500000);
			t_sleep_us(20);
		}
	}
	CHECK_EQ(dma_sync_wait(txc, cookie), DMA_COMPLETE);
	CHECK(memcmp(got, msg, sizeof(msg)) == 0);
}

int main(void)
{
	struct udma_soft_config sc = { .name = "dma-uart", .nr_channels = 2,
				       .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct udma_fifo *rx_fifo, *tx_fifo, *spi_fifo;
	struct dma_slave_map map[3];
	struct dma_slave_config cfg;
	struct dma_device *dev;
	struct dma_chan *rx, *tx, *c;
	int diags;

	t_diag_capture();
	dev = t_soft_create(&sc);
	rx_fifo = fifo_new("uart0-rx", DMA_DEV_TO_MEM);
	tx_fifo = fifo_new("uart0-tx", DMA_MEM_TO_DEV);
	spi_fifo = fifo_new("spi0-tx", DMA_MEM_TO_DEV);

	/* what board code does: name each peripheral's request lines */
	map[0] = (struct dma_slave_map){ "uart0", "rx", rx_fifo };
	map[1] = (struct dma_slave_map){ "uart0", "tx", tx_fifo };
	map[2] = (struct dma_slave_map){ "spi0", "tx", spi_fifo };
	dev->filter.map = map;
	dev->filter.mapcnt = 3;

	rx = dma_request_chan(&uart0, "rx");
	CHECK(!IS_ERR(rx));
	CHECK(rx->device == dev);
	CHECK(rx->slave == &uart0);
	CHECK(rx->name && strcmp(rx->name, "dma:rx") == 0);
	tx = dma_request_chan(&uart0, "tx");
	CHECK(!IS_ERR(tx));
	CHECK(tx != rx && tx->device == dev);

	/* both channels held: a third request finds the map entry, no channel */
	diags = t_diag_count();
	c = dma_request_chan(&spi0, "tx");
	CHECK(IS_ERR(c) && PTR_ERR(c) == -EBUSY);
	CHECK_EQ(t_diag_count(), diags + 1);
	CHECK_DIAG("no free channel");
	/* names with no map entry */
	c = dma_request_chan(&uart0, "cts");
	CHECK(IS_ERR(c) && PTR_ERR(c) == -ENODEV);
	CHECK_DIAG("no slave map entry");
	c = dma_request_chan(&spi0, "rx");
	CHECK(IS_ERR(c) && PTR_ERR(c) == -ENODEV);

	/* each channel's request line is its map entry's FIFO */
	memset(&cfg, 0, sizeof(cfg));
	cfg.src_addr = udma_fifo_addr(rx_fifo);
	diags = t_diag_count();
	CHECK_EQ(dmaengine_slave_config(tx, &cfg), -EINVAL);
	CHECK_DIAG("request line is FIFO uart0-tx's");
	memset(&cfg, 0, sizeof(cfg));
	cfg.dst_addr = udma_fifo_addr(spi_fifo);
	CHECK_EQ(dmaengine_slave_config(tx, &cfg), -EINVAL);
	CHECK_DIAG("request line");
	CHECK_EQ(t_diag_count(), diags + 2);

	uart_rx(rx, rx_fifo);
	uart_tx(tx, tx_fifo);

	/* released, the channel is free for another entry: spi0 gets it, bound to its FIFO */
	dma_release_channel(tx);
	c = dma_request_chan(&spi0, "tx");
	CHECK(!IS_ERR(c));
	CHECK(c->slave == &spi0);
	uart_tx(c, spi_fifo);
	dma_release_channel(c);
	dma_release_channel(rx);

	udma_fifo_destroy(rx_fifo);
	udma_fifo_destroy(tx_fifo);
	udma_fifo_destroy(spi_fifo);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("slave-request-by-name: uart0 rx/tx found through the slave map, bound to their FIFOs, "
	       "bytes exact; -EBUSY, -ENODEV as expected\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* dma_request_chan finds channels through dma_slave_map: found, -ENODEV, -EBUSY, -EINVAL. */
#include "helpers.h"

static struct udma_fifo *make_fifo(const char *name, enum dma_transfer_direction dir)
{
	struct udma_fifo_config fc = {
		.name = name, .dir = dir, .depth = 64, .width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct udma_fifo *f = udma_fifo_create(&fc);

	CHECK(!IS_ERR_OR_NULL(f));
	return f;
}

/* TX through the channel bound to @fifo: bytes come out of the FIFO in order. */
static void tx_through(struct dma_chan *chan, struct udma_fifo *fifo)
{
	struct dma_slave_config cfg = {
		.direction = DMA_MEM_TO_DEV,
		.dst_addr = udma_fifo_addr(fifo),
		.dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.dst_maxburst = 4,
	};
	unsigned char src[200], out[200];
	struct dma_async_tx_descriptor *tx;
	struct t_counter done;
	size_t got = 0;
	uint64_t deadline = t_now_ns() + 10000000000ull;

	t_counter_init(&done);
	t_fill(src, sizeof(src), 42);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	tx = dmaengine_prep_slave_single(chan, t_addr(src), sizeof(src), DMA_MEM_TO_DEV,
					 DMA_PREP_INTERRUPT);
	t_submit_counted(tx, &done);
	dma_async_issue_pending(chan);
	while (got < sizeof(out)) {
		got += udma_fifo_pop(fifo, out + got, sizeof(out) - got);
		CHECK(t_now_ns() < deadline);
		if (got < sizeof(out))
			t_sleep_us(100);
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK(memcmp(src, out, sizeof(src)) == 0);
}

int main(void)
{
	struct udma_soft_config cfg = { .name = "named", .nr_channels = 2,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct device uart = { .name = "uart0" }, spi = { .name = "spi0" };
	struct device noname = { .name = NULL }, nobody = { .name = "i2c7" };
	struct udma_fifo *utx, *urx, *other;
	struct dma_slave_config bad;
	struct dma_chan *tx, *rx, *s, *e;
	struct dma_device *dev;

	dev = t_soft_create(&cfg);
	CHECK(dev->filter.fn == udma_soft_filter);
	utx = make_fifo("uart0-tx", DMA_MEM_TO_DEV);
	urx = make_fifo("uart0-rx", DMA_DEV_TO_MEM);
	other = make_fifo("other-tx", DMA_MEM_TO_DEV);

	const struct dma_slave_map map[] = {
		{ "uart0", "tx", utx },
		{ "uart0", "rx", urx },
		{ "spi0", "tx", NULL },
	};

	t_diag_capture();

	/* Before the platform code sets the map, no name is known. */
	t_diag_reset();
	e = dma_request_chan(&uart, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -ENODEV);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("no slave map entry");

	dev->filter.map = map;
	dev->filter.mapcnt = 3;

	/* Found: the channel carries the client and the slave name. */
	tx = dma_request_chan(&uart, "tx");
	CHECK(!IS_ERR_OR_NULL(tx));
	CHECK(tx->device == dev);
	CHECK(tx->slave == &uart);
	CHECK(tx->name && strcmp(tx->name, "dma:tx") == 0);
	CHECK_EQ(tx->client_count, 1);

	/* It is bound to uart0-tx's request line: another TX FIFO is refused ... */
	memset(&bad, 0, sizeof(bad));
	bad.direction = DMA_MEM_TO_DEV;
	bad.dst_addr = udma_fifo_addr(other);
	bad.dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE;
	t_diag_reset();
	CHECK(dmaengine_slave_config(tx, &bad) < 0);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("request line");
	/* ... and its own moves data. */
	tx_through(tx, utx);

	/* Unknown slave name, unknown device: -ENODEV with a diagnostic. */
	t_diag_reset();
	e = dma_request_chan(&uart, "cts");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -ENODEV);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("cts");
	t_diag_reset();
	e = dma_request_chan(&nobody, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -ENODEV);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("i2c7");

	/* Already held: the same name cannot be taken twice ... */
	rx = dma_request_chan(&uart, "rx");
	CHECK(!IS_ERR_OR_NULL(rx));
	CHECK(rx != tx);
	CHECK(strcmp(rx->name, "dma:rx") == 0);

	/* ... and with both channels held, mapped names get -EBUSY. */
	t_diag_reset();
	e = dma_request_chan(&uart, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -EBUSY);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("no free channel");
	t_diag_reset();
	e = dma_request_chan(&spi, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -EBUSY);
	CHECK_EQ(t_diag_count(), 1);

	/* Bad arguments: -EINVAL with a diagnostic naming them. */
	t_diag_reset();
	e = dma_request_chan(NULL, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("dev");
	t_diag_reset();
	e = dma_request_chan(&noname, "tx");
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("dev");
	t_diag_reset();
	e = dma_request_chan(&uart, NULL);
	CHECK(IS_ERR(e));
	CHECK_EQ(PTR_ERR(e), -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("name is NULL");

	/* Released: the name is free again, and the held channels were not disturbed. */
	dma_release_channel(tx);
	CHECK(tx->slave == NULL && tx->name == NULL);
	s = dma_request_chan(&spi, "tx");	/* param NULL: any request line */
	CHECK(!IS_ERR_OR_NULL(s));
	CHECK(s == tx);
	CHECK(s->slave == &spi);
	bad.dst_addr = udma_fifo_addr(other);
	CHECK_EQ(dmaengine_slave_config(s, &bad), 0);	/* unbound: any TX FIFO */
	tx_through(s, other);
	dma_release_channel(s);

	tx = dma_request_chan(&uart, "tx");
	CHECK(!IS_ERR_OR_NULL(tx));
	tx_through(tx, utx);
	CHECK(rx->client_count == 1 && strcmp(rx->name, "dma:rx") == 0);

	dma_release_channel(tx);
	dma_release_channel(rx);
	udma_set_diag_handler(NULL, NULL);
	udma_fifo_destroy(utx);
	udma_fifo_destroy(urx);
	udma_fifo_destroy(other);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-request-by-name: slave map lookups found, -ENODEV, -EBUSY, -EINVAL as specified\n");
	return 0;
}

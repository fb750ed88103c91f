/* SPDX-License-Identifier: MIT */
/* Every bad slave config, slave prep and FIFO call is refused with one diagnostic naming the argument, and the channel stays usable (R2, R11). */
#include "helpers.h"

/* @call returns @want, with exactly one new diagnostic that names @needle. */
#define REFUSED(call, want, needle)						\
	do {									\
		int before_ = t_diag_count();					\
		CHECK_EQ((long long)(call), (long long)(want));		\
		CHECK_EQ(t_diag_count(), before_ + 1);				\
		CHECK_DIAG(needle);						\
	} while (0)

#define REFUSED_NULL(call, needle)						\
	do {									\
		int before_ = t_diag_count();					\
		CHECK((call) == NULL);						\
		CHECK_EQ(t_diag_count(), before_ + 1);				\
		CHECK_DIAG(needle);						\
	} while (0)

static struct udma_fifo *tx_fifo, *rx_fifo, *other_rx;
static unsigned char mem[4096];

static struct udma_fifo *fifo_new(const char *name, enum dma_transfer_direction dir,
				  size_t depth, enum dma_slave_buswidth width)
{
	struct udma_fifo_config fc = { .name = name, .dir = dir, .depth = depth, .width = width };
	struct udma_fifo *f = udma_fifo_create(&fc);

	CHECK(!IS_ERR(f));
	return f;
}

/* A good transfer each way: the channel works (and kept its good config). */
static void good_transfers(struct dma_chan *chan, bool tx, bool rx)
{
	unsigned char out[256], in[256], got[256];
	struct dma_async_tx_descriptor *d;
	dma_cookie_t cookie;
	size_t have = 0;

	if (tx) {
		t_fill(out, sizeof(out), 81);
		d = dmaengine_prep_slave_single(chan, t_addr(out), sizeof(out), DMA_MEM_TO_DEV, 0);
		CHECK(d);
		cookie = dmaengine_submit(d);
		CHECK(cookie >= DMA_MIN_COOKIE);
		dma_async_issue_pending(chan);
		for (int i = 0; have < sizeof(got); i++) {
			size_t n = udma_fifo_pop(tx_fifo, got + have, sizeof(got) - have);

			have += n;
			if (!n) {
				CHECK(i < 200000);
				t_sleep_us(20);
			}
		}
		CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
		CHECK(memcmp(got, out, sizeof(out)) == 0);
	}
	if (rx) {
		t_fill(got, sizeof(got), 82);
		memset(in, 0, sizeof(in));
		d = dmaengine_prep_slave_single(chan, t_addr(in), sizeof(in), DMA_DEV_TO_MEM, 0);
		CHECK(d);
		cookie = dmaengine_submit(d);
		dma_async_issue_pending(chan);
		for (have = 0; have < sizeof(got); have += 32) {
			/* a burst is the whole 32-byte FIFO: fill it once it is empty */
			for (int i = 0; ; i++) {
				struct udma_fifo_stats st;

				udma_fifo_stats(rx_fifo, &st);
				if (st.level == 0)
					break;
				CHECK(i < 200000);
				t_sleep_us(20);
			}
			CHECK_EQ(udma_fifo_push(rx_fifo, got + have, 32), 32);
		}
		CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
		CHECK(memcmp(in, got, sizeof(in)) == 0);
	}
}

static void bad_configs(struct dma_chan *chan, struct dma_chan *bound)
{
	struct dma_slave_config good = {
		.direction = DMA_MEM_TO_DEV,
		.dst_addr = udma_fifo_addr(tx_fifo), .dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES,
		.dst_maxburst = 8,
		.src_addr = udma_fifo_addr(rx_fifo), .src_addr_width = DMA_SLAVE_BUSWIDTH_2_BYTES,
		.src_maxburst = 16,
	};
	struct dma_slave_config c;
	struct udma_fifo *gone = fifo_new("gone", DMA_MEM_TO_DEV, 16, DMA_SLAVE_BUSWIDTH_1_BYTE);
	dma_addr_t gone_addr = udma_fifo_addr(gone);

	udma_fifo_destroy(gone);
	CHECK_EQ(dmaengine_slave_config(chan, &good), 0);

	c = good;
	c.dst_addr = t_addr(mem);
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_addr");
	CHECK_DIAG("not a FIFO");
	c = good;
	c.src_addr = t_addr(mem) + 8;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "src_addr");
	c = good;
	c.dst_addr = gone_addr;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "not a FIFO");
	c = good;
	c.src_addr = udma_fifo_addr(tx_fifo);
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "src_addr is FIFO spi9-tx, which is a TX FIFO");
	c = good;
	c.dst_addr = udma_fifo_addr(rx_fifo);
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_addr is FIFO uart9-rx, which is an RX FIFO");
	c = good;
	c.dst_addr_width = DMA_SLAVE_BUSWIDTH_2_BYTES;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_addr_width 2 does not match");
	c = good;
	c.src_addr_width = DMA_SLAVE_BUSWIDTH_8_BYTES;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "src_addr_width 8 does not match");
	c = good;
	c.dst_addr_width = DMA_SLAVE_BUSWIDTH_3_BYTES;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_addr_width 3");
	c = good;
	c.src_addr_width = DMA_SLAVE_BUSWIDTH_16_BYTES;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "src_addr_width 16");
	c = good;
	c.dst_addr_width = (enum dma_slave_buswidth)64;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_addr_width 64");
	/* the TX FIFO is 32 bytes: 16 words of 4 bytes do not fit */
	c = good;
	c.dst_maxburst = 16;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_maxburst 16");
	CHECK_DIAG("exceed FIFO spi9-tx's depth 32");
	c = good;
	c.src_maxburst = 17;	/* the device's max_burst is 16 */
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "src_maxburst 17");
	CHECK_DIAG("1..16");
	c = good;
	c.dst_maxburst = 1000;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_maxburst 1000");
	c = good;
	c.direction = (enum dma_transfer_direction)7;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "direction 7");
	REFUSED(dmaengine_slave_config(chan, NULL), -EINVAL, "config is NULL");

	/* what a FIFO's single data register cannot honour: refused, not ignored */
	c = good;
	c.src_port_window_size = 4;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL,
		"src_port_window_size is set: the soft controller does not support it");
	c = good;
	c.dst_port_window_size = 1;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "dst_port_window_size is set");
	c = good;
	c.device_fc = true;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "device_fc is set");
	c = good;
	c.peripheral_config = &c;
	c.peripheral_size = sizeof(c);
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "peripheral_config is set");
	c = good;
	c.peripheral_size = 8;
	REFUSED(dmaengine_slave_config(chan, &c), -EINVAL, "peripheral_size is set");
	CHECK_DIAG("dmaengine_slave_config");

	/* the request line: a channel bound to other_rx takes no other FIFO */
	c = good;
	c.dst_addr = 0;
	REFUSED(dmaengine_slave_config(bound, &c), -EINVAL, "request line");
	CHECK_DIAG("uart8-rx");
	memset(&c, 0, sizeof(c));
	c.src_addr = udma_fifo_addr(other_rx);
	CHECK_EQ(dmaengine_slave_config(bound, &c), 0);

	/* none of the refused configs replaced the good one */
	good_transfers(chan, true, true);
}

static void bad_preps(struct dma_chan *chan, struct dma_chan *fresh)
{
	struct scatterlist sg[3];
	struct dma_interleaved_template *xt = calloc(1, sizeof(*xt) + 2 * sizeof(struct data_chunk));
	dma_addr_t a = t_addr(mem);

	CHECK(xt);
	/* no slave config at all */
	sg_init_one(sg, mem, 64);
	CHECK_EQ(dma_map_sg(fresh->device->dev, sg, 1, DMA_TO_DEVICE), 1);
	REFUSED_NULL(dmaengine_prep_slave_sg(fresh, sg, 1, DMA_MEM_TO_DEV, 0), "no FIFO configured");
	CHECK_DIAG("dst_addr");
	REFUSED_NULL(dmaengine_prep_slave_sg(fresh, sg, 1, DMA_DEV_TO_MEM, 0), "src_addr");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(fresh, a, 256, 64, DMA_MEM_TO_DEV, 0), "no FIFO configured");
	REFUSED_NULL(dmaengine_prep_slave_single(fresh, a, 64, DMA_DEV_TO_MEM, 0), "no FIFO configured");
	CHECK_DIAG("dmaengine_prep_slave_single: ");	/* the call made, not the op serving it */

	/* scatterlists */
	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], mem, 64);
	sg_set_buf(&sg[1], mem + 100, 6);	/* the TX FIFO is 4 bytes wide */
	sg_set_buf(&sg[2], mem + 200, 64);
	CHECK_EQ(dma_map_sg(chan->device->dev, sg, 3, DMA_TO_DEVICE), 3);
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 3, DMA_MEM_TO_DEV, 0), "not a multiple of the bus width");
	CHECK_DIAG("length 6");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 0, DMA_MEM_TO_DEV, 0), "sg_len 0");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, NULL, 3, DMA_MEM_TO_DEV, 0), "sgl is NULL");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 4, DMA_MEM_TO_DEV, 0), "sg_len is 4");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 1, DMA_MEM_TO_MEM, 0), "direction 0");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 1, DMA_DEV_TO_DEV, 0), "direction 3");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 1, (enum dma_transfer_direction)42, 0), "direction 42");
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 1, DMA_MEM_TO_DEV, 1UL << 20), "flags");
	dma_unmap_sg(chan->device->dev, sg, 3, DMA_TO_DEVICE);
	sg_init_table(sg, 1);
	sg_set_buf(&sg[0], mem, 64);	/* not mapped: no dma length */
	REFUSED_NULL(dmaengine_prep_slave_sg(chan, sg, 1, DMA_MEM_TO_DEV, 0), "dma length 0");

	/* slave_single */
	REFUSED_NULL(dmaengine_prep_slave_single(chan, a, 0, DMA_MEM_TO_DEV, 0), "dmaengine_prep_slave_single: len 0");
	REFUSED_NULL(dmaengine_prep_slave_single(chan, a, 6, DMA_MEM_TO_DEV, 0), "length 6");
	CHECK_DIAG("dmaengine_prep_slave_single: ");
	REFUSED_NULL(dmaengine_prep_slave_single(chan, a, 3, DMA_DEV_TO_MEM, 0), "length 3");
	REFUSED_NULL(dmaengine_prep_slave_single(chan, 0, 64, DMA_MEM_TO_DEV, 0), "address is 0");
	REFUSED_NULL(dmaengine_prep_slave_single(chan, DMA_MAPPING_ERROR, 64, DMA_MEM_TO_DEV, 0),
		     "DMA_MAPPING_ERROR");
	REFUSED_NULL(dmaengine_prep_slave_single(chan, a, 64, DMA_MEM_TO_MEM, 0), "direction 0");

	/* cyclic */
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 1000, 64, DMA_MEM_TO_DEV, 0),
		     "buf_len 1000 is not a multiple of period_len 64");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 1024, 0, DMA_MEM_TO_DEV, 0), "period_len 0");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 0, 64, DMA_MEM_TO_DEV, 0), "buf_len 0");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 60, 6, DMA_MEM_TO_DEV, 0), "period length 6");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 1024, 64, DMA_MEM_TO_MEM, 0), "direction 0");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, 1024, 64, DMA_DEV_TO_DEV, 0), "direction 3");
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, 0, 1024, 64, DMA_MEM_TO_DEV, 0), "buf_addr");
	/* 2^28 periods of 4 bytes: a chain no engine holds (the fuzzer asked
	 * for one; it used to be allocated) */
	REFUSED_NULL(dmaengine_prep_dma_cyclic(chan, a, (size_t)1 << 30, 4, DMA_MEM_TO_DEV, 0),
		     "periods: more than the controller's");

	/* interleaved */
	xt->dir = DMA_MEM_TO_MEM;
	xt->src_start = t_addr(mem);
	xt->dst_start = t_addr(mem + 2048);
	xt->src_inc = xt->dst_inc = true;
	xt->numf = 4;
	xt->frame_size = 2;
	xt->sgl[0].size = 16;
	xt->sgl[1].size = 8;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, NULL, 0), "xt is NULL");
	xt->numf = 0;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "numf 0");
	xt->numf = (size_t)1 << 20;	/* x 2 chunks */
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "chunks: more than the controller's");
	xt->numf = 4;
	xt->frame_size = 0;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "frame_size 0");
	xt->frame_size = 2;
	xt->sgl[1].size = 0;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "sgl[1].size 0");
	xt->sgl[1].size = 8;
	xt->dir = DMA_DEV_TO_MEM;	/* a FIFO's data register does not increment */
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "device to memory needs !src_inc and dst_inc");
	xt->dir = DMA_DEV_TO_DEV;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "DMA_DEV_TO_DEV is not supported");
	xt->dir = (enum dma_transfer_direction)9;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "direction 9");
	xt->dir = DMA_MEM_TO_MEM;
	xt->dst_inc = false;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "src_inc and dst_inc");
	xt->dir = DMA_MEM_TO_DEV;	/* a FIFO's data register does not increment */
	xt->dst_inc = true;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "!dst_inc");
	xt->dst_inc = false;
	xt->sgl[1].size = 6;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(chan, xt, 0), "chunk length 6");
	xt->sgl[1].size = 8;
	REFUSED_NULL(dmaengine_prep_interleaved_dma(fresh, xt, 0), "no FIFO configured");
	free(xt);

	/* after all that, both channels still work */
	good_transfers(chan, true, true);
}

static void bad_fifos(void)
{
	static const struct {
		struct udma_fifo_config c;
		const char *needle;
	} bad[] = {
		{ { .name = NULL, .dir = DMA_MEM_TO_DEV, .depth = 16, .width = 1 }, "name" },
		{ { .name = "", .dir = DMA_MEM_TO_DEV, .depth = 16, .width = 1 }, "name" },
		{ { .name = "a-name-that-is-thirty-two-chars!", .dir = DMA_MEM_TO_DEV, .depth = 16,
		    .width = 1 }, "longer than 31" },
		{ { .name = "f", .dir = DMA_MEM_TO_MEM, .depth = 16, .width = 1 }, "dir" },
		{ { .name = "f", .dir = DMA_DEV_TO_DEV, .depth = 16, .width = 1 }, "dir" },
		{ { .name = "f", .dir = (enum dma_transfer_direction)-1, .depth = 16, .width = 1 }, "dir" },
		{ { .name = "f", .dir = DMA_MEM_TO_DEV, .depth = 16, .width = 0 }, "width" },
		{ { .name = "f", .dir = DMA_MEM_TO_DEV, .depth = 16, .width = 3 }, "width" },
		{ { .name = "f", .dir = DMA_DEV_TO_MEM, .depth = 32, .width = 16 }, "width" },
		{ { .name = "f", .dir = DMA_DEV_TO_MEM, .depth = 0, .width = 1 }, "depth" },
		{ { .name = "f", .dir = DMA_DEV_TO_MEM, .depth = 6, .width = 4 }, "depth" },
		{ { .name = "f", .dir = DMA_DEV_TO_MEM, .depth = (32u << 20), .width = 4 }, "depth" },
		{ { .name = "f", .dir = DMA_MEM_TO_DEV, .depth = 16, .width = 1, .rate = 1000 }, "sink" },
		{ { .name = "f", .dir = DMA_DEV_TO_MEM, .depth = 16, .width = 1, .rate = 1000 }, "source" },
	};
	struct udma_fifo_stats st;
	unsigned char b[8] = { 0 };
	struct udma_fifo *f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int before = t_diag_count();

		f = udma_fifo_create(&bad[i].c);
		if (!IS_ERR(f) || PTR_ERR(f) != -EINVAL) {
			fprintf(stderr, "bad fifo config %zu (%s) accepted\n", i, bad[i].needle);
			exit(1);
		}
		CHECK_EQ(t_diag_count(), before + 1);
		CHECK_DIAG(bad[i].needle);
	}
	f = udma_fifo_create(NULL);
	CHECK(IS_ERR(f) && PTR_ERR(f) == -EINVAL);
	CHECK_DIAG("cfg is NULL");

	REFUSED(udma_fifo_push(NULL, b, 4), 0, "fifo is NULL");
	REFUSED(udma_fifo_push(ERR_PTR(-EINVAL), b, 4), 0, "error pointer");
	REFUSED(udma_fifo_push(rx_fifo, NULL, 4), 0, "buf is NULL");
	REFUSED(udma_fifo_pop(NULL, b, 4), 0, "fifo is NULL");
	REFUSED(udma_fifo_pop(tx_fifo, NULL, 4), 0, "buf is NULL");
	REFUSED(udma_fifo_addr(NULL), 0, "fifo is NULL");
	{
		int before = t_diag_count();

		udma_fifo_stats(NULL, &st);
		CHECK_EQ(t_diag_count(), before + 1);
		CHECK_DIAG("fifo is NULL");
		udma_fifo_stats(rx_fifo, NULL);
		CHECK_EQ(t_diag_count(), before + 2);
		CHECK_DIAG("st is NULL");
		udma_fifo_destroy(NULL);
		CHECK_EQ(t_diag_count(), before + 3);
		CHECK_DIAG("fifo is NULL");
	}
	/* the refused calls moved nothing */
	udma_fifo_stats(rx_fifo, &st);
	CHECK_EQ(st.level, 0);
	CHECK_EQ(st.overruns, 0);
}

int main(void)
{
	struct udma_soft_config sc = { .name = "dmabad", .max_burst = 16,
				       .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_device *dev;
	struct dma_chan *chan, *bound, *fresh;
	dma_cap_mask_t mask;
	int diags;

	t_diag_capture();
	dev = t_soft_create(&sc);
	tx_fifo = fifo_new("spi9-tx", DMA_MEM_TO_DEV, 32, DMA_SLAVE_BUSWIDTH_4_BYTES);
	rx_fifo = fifo_new("uart9-rx", DMA_DEV_TO_MEM, 32, DMA_SLAVE_BUSWIDTH_2_BYTES);
	other_rx = fifo_new("uart8-rx", DMA_DEV_TO_MEM, 16, DMA_SLAVE_BUSWIDTH_1_BYTE);
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	{
		/* the filter refuses each of the 4 free channels: one line */
		static int not_a_fifo;

		CHECK(!dma_request_channel(mask, udma_soft_filter, &not_a_fifo));
		CHECK_EQ(t_diag_count(), 1);
		CHECK_DIAG("udma_soft_filter: fifo is not a live FIFO");
		CHECK(!dma_request_channel(mask, udma_soft_filter, &not_a_fifo));
		CHECK_EQ(t_diag_count(), 2);	/* the next request says it again */
	}
	chan = t_request(DMA_SLAVE);
	bound = dma_request_channel(mask, udma_soft_filter, other_rx);
	fresh = t_request(DMA_SLAVE);
	CHECK(bound && chan != bound && fresh != bound && fresh != chan);

	bad_configs(chan, bound);
	bad_preps(chan, fresh);
	bad_fifos();
	good_transfers(chan, true, true);

	/* a FIFO destroyed while a channel's config holds it: one line, and
	 * freed when the channel lets go of it (a leak shows under ASan) */
	{
		struct udma_fifo *held = fifo_new("spi7-tx", DMA_MEM_TO_DEV, 16,
						  DMA_SLAVE_BUSWIDTH_1_BYTE);
		struct dma_slave_config c = { .direction = DMA_MEM_TO_DEV,
					      .dst_addr = udma_fifo_addr(held),
					      .dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
					      .dst_maxburst = 4 };
		int before = t_diag_count();

		CHECK_EQ(dmaengine_slave_config(fresh, &c), 0);
		udma_fifo_destroy(held);
		CHECK_EQ(t_diag_count(), before + 1);
		CHECK_DIAG("spi7-tx: still in use");
	}

	/* the refused calls took no FIFO reference: destroying after release is quiet */
	diags = t_diag_count();
	dma_release_channel(chan);
	dma_release_channel(bound);
	dma_release_channel(fresh);
	udma_fifo_destroy(tx_fifo);
	udma_fifo_destroy(rx_fifo);
	udma_fifo_destroy(other_rx);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), diags);
	printf("slave-bad-config: %d refused calls, one diagnostic each, channels usable after\n", diags);
	return 0;
}

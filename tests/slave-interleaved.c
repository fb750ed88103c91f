/* SPDX-License-Identifier: MIT */
/* Interleaved templates: memory-to-memory frames with gaps land byte-exact with the gaps untouched; memory-to-device packs into a TX FIFO; device-to-memory scatters an RX FIFO's stream. */
#include "helpers.h"

static struct dma_interleaved_template *xt_alloc(size_t frame_size)
{
	struct dma_interleaved_template *xt =
		calloc(1, sizeof(*xt) + frame_size * sizeof(struct data_chunk));

	CHECK(xt);
	xt->frame_size = frame_size;
	return xt;
}

static void run_xt(struct dma_chan *chan, struct dma_interleaved_template *xt)
{
	t_run(chan, dmaengine_prep_interleaved_dma(chan, xt, DMA_PREP_INTERRUPT));
}

/*
 * A 2D blit: a W x H rectangle at (X, Y) of a SW-wide source image into a
 * DW-wide destination at (DX, DY). One chunk per frame (row); src_icg and
 * dst_icg are the two strides' gaps. Every destination byte outside the
 * rectangle keeps its old value.
 */
static void blit(struct dma_chan *chan)
{
	enum { SW = 97, SH = 40, DW = 64, DH = 30, W = 23, H = 17, X = 11, Y = 5, DX = 30, DY = 9 };
	unsigned char *src = t_alloc(SW * SH), *dst = t_alloc(DW * DH);
	struct dma_interleaved_template *xt = xt_alloc(1);

	t_fill(src, SW * SH, 71);
	memset(dst, 0xa5, DW * DH);
	xt->dir = DMA_MEM_TO_MEM;
	xt->src_start = t_addr(src + Y * SW + X);
	xt->dst_start = t_addr(dst + DY * DW + DX);
	xt->src_inc = xt->dst_inc = true;
	xt->src_sgl = xt->dst_sgl = true;
	xt->numf = H;
	xt->sgl[0].size = W;
	xt->sgl[0].src_icg = SW - W;
	xt->sgl[0].dst_icg = DW - W;
	run_xt(chan, xt);

	for (int r = 0; r < DH; r++) {
		for (int col = 0; col < DW; col++) {
			bool in = r >= DY && r < DY + H && col >= DX && col < DX + W;
			int want = in ? src[(r - DY + Y) * SW + (col - DX + X)] : 0xa5;

			CHECK_EQ(dst[r * DW + col], want);
		}
	}
	free(src);
	free(dst);
	free(xt);
}

/*
 * The generic rules, as the kernel's dmaengine_get_{src,dst}_icg: a side
 * with *_sgl uses the chunk's icg unless its own *_icg is set; without
 * *_sgl it is contiguous (its *_icg still counts if set).
 */
static size_t side_gap(bool sgl, const struct data_chunk *c, size_t side_icg)
{
	if (side_icg)
		return side_icg;
	return sgl ? c->icg : 0;
}

static void reference(const struct dma_interleaved_template *xt, unsigned char *dst0,
		      const unsigned char *src0, unsigned char *want)
{
	size_t s = 0, d = 0;

	(void)dst0;
	for (size_t f = 0; f < xt->numf; f++) {
		for (size_t j = 0; j < xt->frame_size; j++) {
			const struct data_chunk *c = &xt->sgl[j];

			memcpy(want + d, src0 + s, c->size);
			s += c->size + side_gap(xt->src_sgl, c, c->src_icg);
			d += c->size + side_gap(xt->dst_sgl, c, c->dst_icg);
		}
	}
}

/* Several chunks per frame, mixing icg, src_icg, dst_icg, gather and scatter. */
static void frames(struct dma_chan *chan, bool src_sgl, bool dst_sgl)
{
	enum { SZ = 8192, NUMF = 6 };
	static const struct data_chunk chunks[] = {
		{ .size = 7, .icg = 5 },
		{ .size = 16, .icg = 3, .src_icg = 9 },
		{ .size = 1, .icg = 0, .dst_icg = 12 },
		{ .size = 33, .icg = 2, .src_icg = 4, .dst_icg = 6 },
		{ .size = 5 },
	};
	const size_t fs = sizeof(chunks) / sizeof(chunks[0]);
	unsigned char *src = t_alloc(SZ), *dst = t_alloc(SZ), *want = t_alloc(SZ);
	struct dma_interleaved_template *xt = xt_alloc(fs);

	t_fill(src, SZ, 72 + src_sgl * 2 + dst_sgl);
	memset(dst, 0x3c, SZ);
	memcpy(want, dst, SZ);
	xt->dir = DMA_MEM_TO_MEM;
	xt->src_start = t_addr(src + 3);
	xt->dst_start = t_addr(dst + 5);
	xt->src_inc = xt->dst_inc = true;
	xt->src_sgl = src_sgl;
	xt->dst_sgl = dst_sgl;
	xt->numf = NUMF;
	memcpy(xt->sgl, chunks, sizeof(chunks));
	reference(xt, dst, src + 3, want + 5);
	run_xt(chan, xt);
	CHECK(memcmp(dst, want, SZ) == 0);

	/* spot checks that do not go through reference(): frame 0, chunk 0 and 1 */
	CHECK(memcmp(dst + 5, src + 3, 7) == 0);
	if (src_sgl && dst_sgl) {
		CHECK_EQ(dst[5 + 7], 0x3c);	/* the 5-byte gap after chunk 0 */
		CHECK(memcmp(dst + 5 + 7 + 5, src + 3 + 7 + 5, 16) == 0);
	}
	if (!src_sgl && !dst_sgl) {
		/* both contiguous except explicit src_icg/dst_icg */
		CHECK(memcmp(dst + 5 + 7, src + 3 + 7, 16) == 0);
	}
	free(src);
	free(dst);
	free(want);
	free(xt);
}

/*
 * @rows frames between memory at @mem and a FIFO's data register, each
 * 40-byte row in memory 8 bytes, a 4-byte gap, 16 bytes, a 12-byte gap;
 * the FIFO side packed.
 */
static void fifo_rows(struct dma_interleaved_template *xt, enum dma_transfer_direction dir,
		      dma_addr_t mem, dma_addr_t fifo, size_t rows)
{
	bool tx = dir == DMA_MEM_TO_DEV;

	xt->dir = dir;
	xt->src_start = tx ? mem : fifo;
	xt->dst_start = tx ? fifo : mem;
	xt->src_inc = xt->src_sgl = tx;
	xt->dst_inc = xt->dst_sgl = !tx;
	xt->numf = rows;
	xt->sgl[0] = (struct data_chunk){ .size = 8, .icg = 4 };
	xt->sgl[1] = (struct data_chunk){ .size = 16, .icg = 12 };
}

/*
 * Memory to device: frames gathered from a strided buffer into a TX FIFO.
 * The device receives the chunks packed, in order.
 */
static void to_fifo(struct dma_chan *chan)
{
	enum { STRIDE = 40, ROW = 24, ROWS = 50, DEPTH = 64 };
	struct udma_fifo_config fc = {
		.name = "lcd0-tx", .dir = DMA_MEM_TO_DEV, .depth = DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_4_BYTES,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_maxburst = 4 };
	unsigned char *src = t_alloc(STRIDE * ROWS), *got = t_alloc(ROW * ROWS);
	struct dma_interleaved_template *xt = xt_alloc(2);
	struct dma_async_tx_descriptor *tx;
	struct udma_fifo_stats st;
	struct t_counter done;
	dma_cookie_t cookie;
	size_t have = 0;

	CHECK(!IS_ERR(fifo));
	cfg.dst_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(src, STRIDE * ROWS, 73);

	fifo_rows(xt, DMA_MEM_TO_DEV, t_addr(src), udma_fifo_addr(fifo), ROWS);

	t_counter_init(&done);
	tx = dmaengine_prep_interleaved_dma(chan, xt, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = &done;
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(chan);
	for (int i = 0; have < ROW * ROWS; i++) {
		size_t n = udma_fifo_pop(fifo, got + have, ROW * ROWS - have);

		have += n;
		if (!n) {
			CHECK(i < 1000000);
			t_sleep_us(20);
		}
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	for (int r = 0; r < ROWS; r++) {
		CHECK(memcmp(got + r * ROW, src + r * STRIDE, 8) == 0);
		CHECK(memcmp(got + r * ROW + 8, src + r * STRIDE + 12, 16) == 0);
	}
	udma_fifo_stats(fifo, &st);
	CHECK_EQ(st.bytes, ROW * ROWS);
	CHECK_EQ(st.level, 0);

	/* a finished descriptor holds its FIFO until freed after its callback */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
	free(src);
	free(got);
	free(xt);
}

/*
 * Device to memory: an RX FIFO's stream scattered into frames with gaps
 * (a camera's lines into a wider buffer). The gaps keep their bytes.
 */
static void from_fifo(struct dma_chan *chan)
{
	enum { STRIDE = 40, ROW = 24, ROWS = 50, DEPTH = 64 };
	struct udma_fifo_config fc = {
		.name = "cam0-rx", .dir = DMA_DEV_TO_MEM, .depth = DEPTH,
		.width = DMA_SLAVE_BUSWIDTH_4_BYTES,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_DEV_TO_MEM, .src_maxburst = 4 };
	unsigned char *dst = t_alloc(STRIDE * ROWS), *sent = t_alloc(ROW * ROWS);
	struct dma_interleaved_template *xt = xt_alloc(2);
	struct dma_async_tx_descriptor *tx;
	struct t_counter done;
	dma_cookie_t cookie;
	size_t pushed = 0;

	CHECK(!IS_ERR(fifo));
	cfg.src_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(sent, ROW * ROWS, 79);
	memset(dst, 0x5c, STRIDE * ROWS);

	fifo_rows(xt, DMA_DEV_TO_MEM, t_addr(dst), udma_fifo_addr(fifo), ROWS);

	t_counter_init(&done);
	tx = dmaengine_prep_interleaved_dma(chan, xt, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = &done;
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(chan);
	for (int i = 0; pushed < ROW * ROWS; i++) {
		size_t room = DEPTH, n;
		struct udma_fifo_stats st;

		udma_fifo_stats(fifo, &st);
		room -= st.level;
		n = udma_fifo_push(fifo, sent + pushed, room < ROW * ROWS - pushed ? room : ROW * ROWS - pushed);
		pushed += n;
		if (!n) {
			CHECK(i < 1000000);
			t_sleep_us(20);
		}
	}
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	for (int r = 0; r < ROWS; r++) {
		CHECK(memcmp(dst + r * STRIDE, sent + r * ROW, 8) == 0);
		CHECK(memcmp(dst + r * STRIDE + 12, sent + r * ROW + 8, 16) == 0);
		for (int g = 8; g < 12; g++)
			CHECK_EQ(dst[r * STRIDE + g], 0x5c);
		for (int g = 28; g < STRIDE; g++)
			CHECK_EQ(dst[r * STRIDE + g], 0x5c);
	}
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	udma_fifo_destroy(fifo);
	free(dst);
	free(sent);
	free(xt);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);
	chan = t_request(DMA_INTERLEAVE);
	blit(chan);
	frames(chan, true, true);
	frames(chan, true, false);
	frames(chan, false, true);
	frames(chan, false, false);
	to_fifo(chan);
	from_fifo(chan);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-interleaved: 2D blit and 4 gather/scatter layouts byte-exact with gaps untouched, "
	       "strided rows packed into a TX FIFO and scattered from an RX FIFO\n");
	return 0;
}

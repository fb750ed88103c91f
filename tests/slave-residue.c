/* SPDX-License-Identifier: MIT */
/* tx_status residue of a partly done RX transfer at DESCRIPTOR (0), SEGMENT (whole segments) and BURST (whole bursts) granularity. */
#include "helpers.h"

#define WIDTH	4
#define BURST	16		/* maxburst 4 words of 4 bytes */
#define DEPTH	64

/* Segments of 40, 64, 24 and 128 bytes: 40 and 24 end in a short burst. */
static const unsigned int seg_len[] = { 40, 64, 24, 128 };
#define NSEG	(sizeof(seg_len) / sizeof(seg_len[0]))
#define TOTAL	256

struct rig {
	struct dma_device *dev;
	struct dma_chan *chan;
	struct udma_fifo *fifo;
	enum dma_residue_granularity gran;
	unsigned char *line;	/* what the device sends */
	size_t pushed;
};

static size_t fifo_level(struct udma_fifo *fifo)
{
	struct udma_fifo_stats st;

	udma_fifo_stats(fifo, &st);
	return st.level;
}

/* Pushes @n more bytes of the line and waits until the DMA took what it can. */
static void push(struct rig *r, size_t n, size_t level_after)
{
	CHECK_EQ(udma_fifo_push(r->fifo, r->line + r->pushed, n), n);
	r->pushed += n;
	for (int i = 0; fifo_level(r->fifo) != level_after; i++) {
		CHECK(i < 10000);	/* 10 s: the DMA never took the bytes */
		t_sleep_us(1000);
	}
}

/* Pushes @n bytes, never more than the FIFO has room for; waits until it is empty. */
static void push_all(struct rig *r, size_t n)
{
	for (int i = 0; n; i++) {
		size_t room = DEPTH - fifo_level(r->fifo), k = n < room ? n : room;

		CHECK(i < 1000000);
		if (!k) {
			t_sleep_us(50);
			continue;
		}
		CHECK_EQ(udma_fifo_push(r->fifo, r->line + r->pushed, k), k);
		r->pushed += k;
		n -= k;
	}
	push(r, 0, 0);
}

/*
 * Checks that the residue of @cookie comes to @want and stays there. The
 * DMA stores its progress just after it moves a burst out of the FIFO, so
 * it may trail the FIFO level for as long as that thread is preempted: wait
 * for the value (10 s at most), then make sure it does not move past it.
 */
static void check_residue(struct rig *r, dma_cookie_t cookie, enum dma_status status,
			  uint32_t want)
{
	struct dma_tx_state st;

	for (int i = 0; ; i++) {
		memset(&st, 0xff, sizeof(st));
		CHECK_EQ(dmaengine_tx_status(r->chan, cookie, &st), status);
		CHECK(st.used >= cookie);	/* the last cookie assigned */
		if (st.residue == want)
			break;
		if (i >= 5000)
			CHECK_EQ(st.residue, want);
		t_sleep_us(2000);
	}
	for (int i = 0; i < 3; i++) {
		t_sleep_us(2000);
		CHECK_EQ(dmaengine_tx_status(r->chan, cookie, &st), status);
		CHECK_EQ(st.residue, want);
	}
}

static size_t segs_done(size_t bytes)
{
	size_t done = 0;

	for (size_t i = 0; i < NSEG && done + seg_len[i] <= bytes; i++)
		done += seg_len[i];
	return done;
}

/* The residue the device must report after the DMA moved @moved bytes. */
static uint32_t expect(const struct rig *r, size_t total, size_t moved)
{
	switch (r->gran) {
	case DMA_RESIDUE_GRANULARITY_DESCRIPTOR:
		return 0;
	case DMA_RESIDUE_GRANULARITY_SEGMENT:
		return (uint32_t)(total - segs_done(moved));
	case DMA_RESIDUE_GRANULARITY_BURST:
		return (uint32_t)(total - moved);
	}
	return UINT32_MAX;
}

static void rig_up(struct rig *r, enum dma_residue_granularity gran)
{
	struct udma_soft_config sc = { .name = "dmares", .residue_granularity = gran };
	struct udma_fifo_config fc = {
		.name = "uart2-rx", .dir = DMA_DEV_TO_MEM, .depth = DEPTH, .width = WIDTH,
	};
	struct dma_slave_caps caps;
	struct dma_slave_config cfg = { .direction = DMA_DEV_TO_MEM, .src_maxburst = BURST / WIDTH };

	memset(r, 0, sizeof(*r));
	r->gran = gran;
	r->dev = t_soft_create(&sc);
	r->fifo = udma_fifo_create(&fc);
	CHECK(!IS_ERR(r->fifo));
	r->chan = dma_request_channel(r->dev->cap_mask, udma_soft_filter, r->fifo);
	CHECK(r->chan && r->chan->device == r->dev);
	CHECK_EQ(dma_get_slave_caps(r->chan, &caps), 0);
	CHECK_EQ(caps.residue_granularity, gran);
	cfg.src_addr = udma_fifo_addr(r->fifo);
	CHECK_EQ(dmaengine_slave_config(r->chan, &cfg), 0);
	r->line = t_alloc(4 * TOTAL);
	t_fill(r->line, 4 * TOTAL, 3);
}

static void rig_down(struct rig *r)
{
	dma_release_channel(r->chan);
	udma_fifo_destroy(r->fifo);
	CHECK_EQ(udma_soft_destroy(r->dev), 0);
	free(r->line);
}

static dma_cookie_t submit_sg(struct rig *r, unsigned char *buf, struct scatterlist *sgl,
			      struct t_counter *done)
{
	struct dma_async_tx_descriptor *tx;
	size_t off = 0;

	sg_init_table(sgl, NSEG);
	for (size_t i = 0; i < NSEG; i++) {
		sg_set_buf(&sgl[i], buf + off, seg_len[i]);
		off += seg_len[i];
	}
	CHECK_EQ(dma_map_sg(r->chan->device->dev, sgl, NSEG, DMA_FROM_DEVICE), (int)NSEG);
	tx = dmaengine_prep_slave_sg(r->chan, sgl, NSEG, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback = t_count_callback;
	tx->callback_param = done;
	return dmaengine_submit(tx);
}

/*
 * One transfer of four segments, fed in exact amounts. After each step the
 * FIFO holds less than a burst, so the DMA is waiting and the residue is
 * exact: @moved is what the DMA must have taken.
 */
static void partial(enum dma_residue_granularity gran)
{
	static const struct {
		size_t push, level, moved;
	} steps[] = {
		{ 4, 4, 0 },		/* less than a burst: nothing moves */
		{ 8, 12, 0 },
		{ 20, 0, 32 },		/* two bursts of seg 0 */
		{ 7, 7, 32 },		/* 7 bytes, the short 8-byte tail of seg 0 waits */
		{ 1, 0, 40 },		/* seg 0 done by its short burst */
		{ 50, 2, 88 },		/* three bursts into seg 1 */
		{ 14, 0, 104 },		/* seg 1 done */
		{ 30, 6, 128 },		/* seg 2: 16 + short 8 */
		{ 10, 0, 144 },
	};
	struct scatterlist sgl[NSEG];
	unsigned char *buf = t_alloc(TOTAL);
	struct t_counter done;
	struct rig r;
	dma_cookie_t cookie;

	rig_up(&r, gran);
	t_counter_init(&done);
	memset(buf, 0, TOTAL);
	cookie = submit_sg(&r, buf, sgl, &done);
	CHECK(cookie >= DMA_MIN_COOKIE);

	/* submitted, not issued: nothing done (DESCRIPTOR: 0 anyway) */
	check_residue(&r, cookie, DMA_IN_PROGRESS, expect(&r, TOTAL, 0));
	dma_async_issue_pending(r.chan);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		push(&r, steps[i].push, steps[i].level);
		check_residue(&r, cookie, DMA_IN_PROGRESS, expect(&r, TOTAL, steps[i].moved));
		CHECK(memcmp(buf, r.line, steps[i].moved) == 0);
	}
	CHECK_EQ(t_counter_get(&done), 0);
	push_all(&r, TOTAL - r.pushed);
	CHECK(t_counter_wait(&done, 1, 10000));
	CHECK_EQ(dmaengine_tx_status(r.chan, cookie, NULL), DMA_COMPLETE);
	CHECK(memcmp(buf, r.line, TOTAL) == 0);
	dma_unmap_sg(r.chan->device->dev, sgl, NSEG, DMA_FROM_DEVICE);
	rig_down(&r);
	free(buf);
}

/*
 * A transfer queued behind a running one has done nothing: its residue is
 * its whole length, even when its descriptor memory held an earlier
 * transfer (the controller recycles descriptors).
 */
static void queued_behind(enum dma_residue_granularity gran)
{
	struct scatterlist sgl[3][NSEG];
	unsigned char *buf[3];
	struct t_counter done;
	dma_cookie_t c[3];
	struct rig r;

	rig_up(&r, gran);
	t_counter_init(&done);
	for (int i = 0; i < 3; i++)
		buf[i] = t_alloc(TOTAL);

	/* a first transfer completes: its descriptor goes back to the cache */
	c[0] = submit_sg(&r, buf[0], sgl[0], &done);
	dma_async_issue_pending(r.chan);
	push_all(&r, TOTAL);
	CHECK(t_counter_wait(&done, 1, 10000));

	/* two more: the first runs partly, the second waits behind it */
	c[1] = submit_sg(&r, buf[1], sgl[1], &done);
	c[2] = submit_sg(&r, buf[2], sgl[2], &done);
	dma_async_issue_pending(r.chan);
	push(&r, 60, 4);	/* seg 0 (16 + 16 + 8) and one burst of seg 1 */
	check_residue(&r, c[1], DMA_IN_PROGRESS, expect(&r, TOTAL, 56));
	check_residue(&r, c[2], DMA_IN_PROGRESS, expect(&r, TOTAL, 0));

	push_all(&r, 2 * TOTAL - 60);
	CHECK(t_counter_wait(&done, 3, 10000));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(dmaengine_tx_status(r.chan, c[i], NULL), DMA_COMPLETE);
		CHECK(memcmp(buf[i], r.line + i * TOTAL, TOTAL) == 0);
		dma_unmap_sg(r.chan->device->dev, sgl[i], NSEG, DMA_FROM_DEVICE);
		free(buf[i]);
	}
	rig_down(&r);
}

int main(void)
{
	static const enum dma_residue_granularity grans[] = {
		DMA_RESIDUE_GRANULARITY_DESCRIPTOR,
		DMA_RESIDUE_GRANULARITY_SEGMENT,
		DMA_RESIDUE_GRANULARITY_BURST,
	};

	t_diag_capture();
	for (int i = 0; i < 3; i++) {
		partial(grans[i]);
		queued_behind(grans[i]);
	}
	CHECK_EQ(t_diag_count(), 0);
	printf("slave-residue: DESCRIPTOR, SEGMENT and BURST residues exact at 10 points, queued transfers whole\n");
	return 0;
}

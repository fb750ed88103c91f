/* SPDX-License-Identifier: MIT */
/*
 * The soft controller holds back the callbacks of short transfers for a
 * moment while it is busy, to wake the tasklet once for several. Held back
 * must never mean lost or late behind something slow: callbacks of what is
 * complete come while a long transfer runs, while the channel is paused,
 * and while the engine waits on a FIFO that has no data.
 */
#include "helpers.h"

#define SMALL	24		/* short copies ahead of the slow part */
#define SLEN	256
#define BIG	(64u << 20)	/* milliseconds of copying, even on a fast machine */

struct smalls {
	unsigned char *src, *dst;
	struct t_counter done;
};

static void queue_smalls(struct dma_chan *chan, struct smalls *s)
{
	s->src = t_alloc(SMALL * SLEN);
	s->dst = t_alloc(SMALL * SLEN);
	t_counter_init(&s->done);
	t_fill(s->src, SMALL * SLEN, 5);
	memset(s->dst, 0, SMALL * SLEN);
	for (int i = 0; i < SMALL; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			chan, t_addr(s->dst + i * SLEN), t_addr(s->src + i * SLEN), SLEN,
			DMA_PREP_INTERRUPT);

		t_submit_counted(tx, &s->done);
	}
}

static void smalls_done(struct smalls *s)
{
	CHECK(memcmp(s->src, s->dst, SMALL * SLEN) == 0);
	free(s->src);
	free(s->dst);
}

/* A long copy behind the short ones; paused once it runs: still, every
 * short one calls back, and the long one is neither done nor lost. */
static void behind_long_and_paused(struct dma_chan *chan)
{
	unsigned char *src = t_alloc(BIG), *dst = t_alloc(BIG);
	struct dma_async_tx_descriptor *tx;
	struct t_counter big_done;
	struct dma_tx_state st;
	struct smalls s;
	dma_cookie_t big;

	t_counter_init(&big_done);
	t_fill(src, BIG, 9);
	memset(dst, 0, BIG);
	queue_smalls(chan, &s);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), BIG, DMA_PREP_INTERRUPT);
	big = t_submit_counted(tx, &big_done);
	dma_async_issue_pending(chan);

	/* pause as soon as the long copy moves: the short ones are done by
	 * then, and their callbacks must come while it stands still */
	while (dmaengine_tx_status(chan, big, &st) == DMA_IN_PROGRESS && st.residue == BIG)
		;
	CHECK_EQ(dmaengine_pause(chan), 0);
	CHECK(t_counter_wait(&s.done, SMALL, 10000));
	if (dmaengine_tx_status(chan, big, &st) != DMA_COMPLETE) {
		/* paused mid-copy: it does not call back until resume */
		t_sleep_us(20000);
		CHECK_EQ(t_counter_get(&big_done), 0);
	}
	CHECK_EQ(dmaengine_resume(chan), 0);
	CHECK(t_counter_wait(&big_done, 1, 60000));
	CHECK(memcmp(src, dst, BIG) == 0);
	smalls_done(&s);
	free(src);
	free(dst);
}

/* The short ones, then a transfer into a FIFO nobody drains: the engine
 * waits on the request line, and the short ones call back meanwhile. */
static struct udma_fifo *behind_fifo_wait(struct dma_chan *chan)
{
	struct udma_fifo_config fc = {
		.name = "stuck-tx", .dir = DMA_MEM_TO_DEV, .depth = 64,
		.width = DMA_SLAVE_BUSWIDTH_4_BYTES,
	};
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_maxburst = 4 };
	unsigned char *buf = t_alloc(4096), out[4096];
	struct dma_async_tx_descriptor *tx;
	struct t_counter fifo_done;
	struct smalls s;
	size_t got = 0;

	CHECK(!IS_ERR(fifo));
	cfg.dst_addr = udma_fifo_addr(fifo);
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_counter_init(&fifo_done);
	t_fill(buf, 4096, 3);
	queue_smalls(chan, &s);
	tx = dmaengine_prep_slave_single(chan, t_addr(buf), 4096, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
	t_submit_counted(tx, &fifo_done);
	dma_async_issue_pending(chan);

	CHECK(t_counter_wait(&s.done, SMALL, 10000));
	CHECK_EQ(t_counter_get(&fifo_done), 0);	/* 64 bytes fit, 4096 do not */
	while (got < sizeof(out)) {		/* now the line takes data */
		got += udma_fifo_pop(fifo, out + got, sizeof(out) - got);
		t_sleep_us(100);
	}
	CHECK(t_counter_wait(&fifo_done, 1, 10000));
	CHECK(memcmp(out, buf, sizeof(out)) == 0);
	smalls_done(&s);
	free(buf);
	return fifo;
}

int main(void)
{
	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *chan = t_request(DMA_SLAVE);
	struct udma_fifo *fifo;

	behind_long_and_paused(chan);
	fifo = behind_fifo_wait(chan);
	dma_release_channel(chan);
	udma_fifo_destroy(fifo);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("soft-moderation: %d short callbacks each time while a 64 MiB copy ran and was "
	       "paused, and while the engine waited on a full FIFO\n", SMALL);
	return 0;
}

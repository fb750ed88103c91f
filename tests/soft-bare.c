/* SPDX-License-Identifier: MIT */
/*
 * A batch copy with no callback has no descriptor on the soft controller:
 * its submit ring entry is all of it (a bare entry). Everything that looks
 * at the queue still accounts for it: tx_status reports it queued with its
 * whole length as residue, then complete; terminate drops it while the
 * hardware holds it (nothing more moves, the channel goes on); unplug
 * aborts what is queued around it; a ring grown many times over keeps
 * them in order with the ones that have callbacks; and while a fault is injected batch
 * copies take descriptors again, so the fault reaches every one of them
 * (a bare one batched before the fault was set is not hit).
 */
#include "helpers.h"

#define BARE 16			/* bare copies behind the long one */
#define BARE_LEN 200		/* bytes each */
#define LONG_LEN (32u << 20)	/* long enough to pause it midway */

static unsigned char *src, *dst;
static unsigned char *long_src, *long_dst;

struct result_seen {
	struct t_counter calls;
	enum dmaengine_tx_result result;
};

static void result_callback(void *param, const struct dmaengine_result *r)
{
	struct result_seen *seen = param;

	seen->result = r->result;
	t_counter_bump(&seen->calls);
}

static struct udma_copy bare_copy(int i)
{
	return (struct udma_copy){ .dst = t_addr(dst + (size_t)i * BARE_LEN),
				   .src = t_addr(src + (size_t)i * BARE_LEN), .len = BARE_LEN };
}

static void check_untouched(int from, int to)
{
	for (size_t i = (size_t)from * BARE_LEN; i < (size_t)to * BARE_LEN; i++)
		CHECK_EQ(dst[i], 0xa5);
}

static void check_copied(int from, int to)
{
	size_t at = (size_t)from * BARE_LEN;

	CHECK(memcmp(dst + at, src + at, (size_t)(to - from) * BARE_LEN) == 0);
}

static void reset(void)
{
	memset(dst, 0xa5, (size_t)(BARE + 1) * BARE_LEN);
}

/* Queued and not issued: in progress, the whole length left; then complete. */
static void status_of_queued(struct dma_chan *chan)
{
	struct udma_copy c[BARE];
	struct dma_tx_state state;
	dma_cookie_t last = 0;

	reset();
	for (int i = 0; i < BARE; i++)
		c[i] = bare_copy(i);
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE, 0, &last), BARE);
	for (int i = 0; i < BARE; i++) {
		memset(&state, 0xff, sizeof(state));
		CHECK_EQ(dmaengine_tx_status(chan, last - (BARE - 1) + i, &state), DMA_IN_PROGRESS);
		CHECK_EQ(state.residue, BARE_LEN);
	}
	check_untouched(0, BARE);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	for (int i = 0; i < BARE; i++) {
		CHECK_EQ(dmaengine_tx_status(chan, last - (BARE - 1) + i, &state), DMA_COMPLETE);
		CHECK_EQ(state.residue, 0);
	}
	check_copied(0, BARE);
	printf("soft-bare: %d queued bare copies: in progress with %d bytes left each, "
	       "then complete and copied\n", BARE, BARE_LEN);
}

/*
 * One batch: a long copy, BARE bare copies, one with a callback. The
 * hardware takes them all at once and is paused inside the long one, so
 * it holds the bare ones. False if the long copy ended before the pause
 * came (a slow client): then everything has completed.
 */
static bool try_hold(struct dma_chan *chan, struct result_seen *seen, dma_cookie_t *last)
{
	struct udma_copy c[BARE + 2];
	struct dma_tx_state state;
	enum dma_status st;

	reset();
	t_counter_init(&seen->calls);
	seen->result = DMA_TRANS_NOERROR;
	c[0] = (struct udma_copy){ .dst = t_addr(long_dst), .src = t_addr(long_src), .len = LONG_LEN };
	for (int i = 0; i < BARE; i++)
		c[1 + i] = bare_copy(i);
	c[BARE + 1] = bare_copy(BARE);
	c[BARE + 1].callback_result = result_callback;
	c[BARE + 1].callback_param = seen;
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE + 2, 0, last), BARE + 2);
	dma_async_issue_pending(chan);
	do	/* until started: the hardware has taken the batch */
		st = dmaengine_tx_status(chan, *last - (BARE + 1), &state);
	while (st == DMA_IN_PROGRESS && state.residue == LONG_LEN);
	if (st == DMA_IN_PROGRESS) {
		CHECK_EQ(dmaengine_pause(chan), 0);
		st = dmaengine_tx_status(chan, *last - (BARE + 1), &state);
		if (st == DMA_PAUSED) {
			CHECK(state.residue > 0);	/* paused inside it */
			CHECK_EQ(dmaengine_tx_status(chan, *last - 1, &state), DMA_PAUSED);
			CHECK_EQ(state.residue, BARE_LEN);	/* held, not moved */
			return true;
		}
		CHECK_EQ(dmaengine_resume(chan), 0);
	}
	CHECK_EQ(dma_sync_wait(chan, *last), DMA_COMPLETE);
	CHECK(t_counter_wait(&seen->calls, 1, 10000));
	return false;
}

static dma_cookie_t hold_bare(struct dma_chan *chan, struct result_seen *seen)
{
	dma_cookie_t last = 0;

	for (int tries = 0; tries < 50; tries++)
		if (try_hold(chan, seen, &last))
			return last;
	fprintf(stderr, "soft-bare: the long copy always ended before it could be paused\n");
	exit(1);
}

/* Terminated while the hardware holds bare copies: none moves, none
 * calls back, and the channel goes on. */
static void terminated_while_held(struct dma_chan *chan)
{
	struct result_seen seen;
	struct udma_copy c[BARE];
	dma_cookie_t last;

	hold_bare(chan, &seen);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	t_sleep_us(20000);
	check_untouched(0, BARE + 1);
	CHECK_EQ(t_counter_get(&seen.calls), 0);

	reset();
	for (int i = 0; i < BARE; i++)
		c[i] = bare_copy(i);
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE, 0, &last), BARE);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	check_copied(0, BARE);
	printf("soft-bare: terminate while the hardware holds %d bare copies: none moved, "
	       "no callback, the next batch runs\n", BARE);
}

/* A fault set before the batch reaches every copy in it, callback or not. */
static void fault_reaches_all(struct dma_chan *chan)
{
	struct udma_soft_fault fault = { .kind = UDMA_FAULT_READ, .one_in = 1, .seed = 1, .at = 0 };
	struct udma_copy c[BARE + 1];
	struct result_seen seen;
	uint64_t hits = udma_soft_fault_hits(chan);
	dma_cookie_t last;

	/* batched before the fault was set: bare, so not hit */
	reset();
	for (int i = 0; i < BARE; i++)
		c[i] = bare_copy(i);
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE, 0, &last), BARE);
	CHECK_EQ(udma_soft_inject(chan, &fault), 0);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	check_copied(0, BARE);
	CHECK_EQ(udma_soft_fault_hits(chan), hits);

	reset();
	t_counter_init(&seen.calls);
	for (int i = 0; i <= BARE; i++)
		c[i] = bare_copy(i);
	c[BARE].callback_result = result_callback;
	c[BARE].callback_param = &seen;
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE + 1, 0, &last), BARE + 1);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&seen.calls, 1, 10000));
	CHECK_EQ(seen.result, DMA_TRANS_READ_FAILED);
	CHECK_EQ(udma_soft_fault_hits(chan) - hits, BARE + 1);
	check_untouched(0, BARE + 1);	/* read failed at byte 0 */

	/* cleared: bare again, and copied */
	CHECK_EQ(udma_soft_inject(chan, NULL), 0);
	reset();
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, BARE, 0, &last), BARE);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	check_copied(0, BARE);
	CHECK_EQ(udma_soft_fault_hits(chan) - hits, BARE + 1);
	printf("soft-bare: a READ fault set before the batch hits all %d copies, not only the "
	       "one with a callback; bare copies batched before it are not hit\n", BARE + 1);
}

/*
 * 70000 copies, none issued: the submit ring (1024 entries at first)
 * doubles seven times while bare entries and copies with callbacks fill
 * it. Both report their residue; issued, all run in submit order.
 */
#define FLOOD 70000
#define FLOOD_LEN 16
#define FLOOD_MARK 5000		/* every this many, a copy with a callback */

static void overflow_keeps_order(struct dma_chan *chan)
{
	struct udma_copy *c = calloc(FLOOD, sizeof(*c));
	unsigned char *s = t_alloc((size_t)FLOOD * FLOOD_LEN), *d = t_alloc((size_t)FLOOD * FLOOD_LEN);
	struct t_order_arg marks[FLOOD / FLOOD_MARK];
	struct t_order_log log = { .lock = PTHREAD_MUTEX_INITIALIZER,
				   .seen = calloc(FLOOD / FLOOD_MARK, sizeof(int)) };
	struct dma_tx_state state;
	dma_cookie_t first = 0, last = 0;

	CHECK(c && log.seen);
	t_counter_init(&log.done);
	t_fill(s, (size_t)FLOOD * FLOOD_LEN, 9);
	memset(d, 0, (size_t)FLOOD * FLOOD_LEN);
	for (int i = 0; i < FLOOD; i++) {
		c[i] = (struct udma_copy){ .dst = t_addr(d + (size_t)i * FLOOD_LEN),
					   .src = t_addr(s + (size_t)i * FLOOD_LEN), .len = FLOOD_LEN };
		if (i % FLOOD_MARK == FLOOD_MARK - 1) {
			marks[i / FLOOD_MARK] = (struct t_order_arg){ &log, i / FLOOD_MARK };
			c[i].callback = t_order_callback;
			c[i].callback_param = &marks[i / FLOOD_MARK];
		}
	}
	for (int i = 0; i < FLOOD; i += 1000) {
		CHECK_EQ(udma_submit_memcpy_batch(chan, c + i, 1000, 0, &last), 1000);
		if (i == 0)
			first = last - 999;
	}
	CHECK_EQ(last - first, FLOOD - 1);
	CHECK_EQ(dmaengine_tx_status(chan, first, &state), DMA_IN_PROGRESS);	/* bare, in the ring */
	CHECK_EQ(state.residue, FLOOD_LEN);
	CHECK_EQ(dmaengine_tx_status(chan, last, &state), DMA_IN_PROGRESS);	/* on desc_submitted */
	CHECK_EQ(state.residue, FLOOD_LEN);
	dma_async_issue_pending(chan);
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	CHECK(t_counter_wait(&log.done, FLOOD / FLOOD_MARK, 10000));
	for (int k = 0; k < FLOOD / FLOOD_MARK; k++)
		CHECK_EQ(log.seen[k], k);
	CHECK(memcmp(s, d, (size_t)FLOOD * FLOOD_LEN) == 0);
	free(c);
	free(s);
	free(d);
	free(log.seen);
	printf("soft-bare: %d copies queued before issue (past the ring: the rest on "
	       "desc_submitted): residue reported, all copied, callbacks in order\n", FLOOD);
}

/* Unplugged while the hardware holds bare copies and more wait in the
 * ring: unplug returns, the copy with a callback reports ABORTED once. */
static void unplugged_while_held(struct dma_device *dev, struct dma_chan *chan)
{
	struct result_seen seen;
	struct udma_copy more[BARE];
	dma_cookie_t last;

	hold_bare(chan, &seen);
	for (int i = 0; i < BARE; i++)
		more[i] = bare_copy(i);
	CHECK_EQ(udma_submit_memcpy_batch(chan, more, BARE, 0, &last), BARE);
	dma_async_issue_pending(chan);
	CHECK_EQ(udma_soft_unplug(dev), 0);
	CHECK(t_counter_wait(&seen.calls, 1, 10000));
	CHECK_EQ(seen.result, DMA_TRANS_ABORTED);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&seen.calls), 1);
	check_untouched(0, BARE + 1);
	printf("soft-bare: unplug while bare copies are held and queued: the copy with a "
	       "callback aborted once, nothing else moved\n");
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	t_diag_capture();
	dev = t_soft_create(NULL);	/* burst granularity */
	chan = t_request(DMA_MEMCPY);
	src = t_alloc((size_t)(BARE + 1) * BARE_LEN);
	dst = t_alloc((size_t)(BARE + 1) * BARE_LEN);
	long_src = t_alloc(LONG_LEN);
	long_dst = t_alloc(LONG_LEN);
	t_fill(src, (size_t)(BARE + 1) * BARE_LEN, 3);
	memset(long_src, 1, LONG_LEN);

	status_of_queued(chan);
	terminated_while_held(chan);
	fault_reaches_all(chan);
	overflow_keeps_order(chan);
	unplugged_while_held(dev, chan);

	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	free(long_src);
	free(long_dst);
	printf("soft-bare: ok\n");
	return 0;
}

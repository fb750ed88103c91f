/* SPDX-License-Identifier: MIT */
/* R4: callbacks run in tasklet context, off the issuing thread, one at a time per channel, in order; they may resubmit. */
#include <udmaengine/provider.h>

#include "helpers.h"

/* ---- where callbacks run, and never two at once ---- */

/* Set on every thread that submits or issues: a thread id could be reused
 * by a later thread, a thread-local flag cannot. */
static _Thread_local bool is_issuer;

#define SUBMITTERS 2
#define PER_SUBMITTER 100

struct ctx_state {
	int in_flight;			/* atomic */
	int max_in_flight;		/* atomic */
	int on_issuer;			/* atomic: callbacks that ran on an issuing thread */
	int outside_tasklet;		/* atomic: callbacks with !udma_in_tasklet() */
	int out_of_order;		/* atomic */
	pthread_mutex_t lock;
	int last_idx[SUBMITTERS];	/* under lock */
	struct t_counter done;
};

struct ctx_arg {
	struct ctx_state *st;
	int submitter;
	int idx;
};

static void ctx_callback(void *param)
{
	struct ctx_arg *a = param;
	struct ctx_state *st = a->st;
	int now = __atomic_add_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
	int max = __atomic_load_n(&st->max_in_flight, __ATOMIC_SEQ_CST);

	while (now > max && !__atomic_compare_exchange_n(&st->max_in_flight, &max, now, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	if (!udma_in_tasklet())
		__atomic_fetch_add(&st->outside_tasklet, 1, __ATOMIC_SEQ_CST);
	if (is_issuer)
		__atomic_fetch_add(&st->on_issuer, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&st->lock);
	if (a->idx <= st->last_idx[a->submitter])
		__atomic_fetch_add(&st->out_of_order, 1, __ATOMIC_SEQ_CST);
	st->last_idx[a->submitter] = a->idx;
	pthread_mutex_unlock(&st->lock);

	t_sleep_us(100);
	__atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
	t_counter_bump(&st->done);
}

struct submitter {
	struct ctx_state *st;
	struct dma_chan *chan;
	int id;
	unsigned char *src, *dst;	/* PER_SUBMITTER x 512 bytes */
	struct ctx_arg args[PER_SUBMITTER];
};

static void *submit_thread(void *p)
{
	struct submitter *s = p;

	is_issuer = true;
	for (int i = 0; i < PER_SUBMITTER; i++) {
		struct dma_async_tx_descriptor *tx;

		tx = dmaengine_prep_dma_memcpy(s->chan, t_addr(s->dst + i * 512),
					       t_addr(s->src + i * 512), 512, DMA_PREP_INTERRUPT);
		CHECK(tx);
		s->args[i] = (struct ctx_arg){ s->st, s->id, i };
		tx->callback = ctx_callback;
		tx->callback_param = &s->args[i];
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
		if (i % 7 == 6)
			dma_async_issue_pending(s->chan);
	}
	dma_async_issue_pending(s->chan);
	return NULL;
}

static void context_and_serial(struct dma_chan *chan)
{
	struct ctx_state st = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct submitter subs[SUBMITTERS];
	pthread_t tids[SUBMITTERS];

	t_counter_init(&st.done);
	for (int i = 0; i < SUBMITTERS; i++)
		st.last_idx[i] = -1;
	CHECK(!udma_in_tasklet());
	for (int i = 0; i < SUBMITTERS; i++) {
		subs[i].st = &st;
		subs[i].chan = chan;
		subs[i].id = i;
		subs[i].src = t_alloc(PER_SUBMITTER * 512);
		subs[i].dst = t_alloc(PER_SUBMITTER * 512);
		t_fill(subs[i].src, PER_SUBMITTER * 512, (unsigned int)i + 5);
		memset(subs[i].dst, 0, PER_SUBMITTER * 512);
		CHECK(pthread_create(&tids[i], NULL, submit_thread, &subs[i]) == 0);
	}
	for (int i = 0; i < SUBMITTERS; i++)
		pthread_join(tids[i], NULL);
	CHECK(t_counter_wait(&st.done, SUBMITTERS * PER_SUBMITTER, 30000));

	CHECK_EQ(__atomic_load_n(&st.max_in_flight, __ATOMIC_SEQ_CST), 1);
	CHECK_EQ(__atomic_load_n(&st.outside_tasklet, __ATOMIC_SEQ_CST), 0);
	CHECK_EQ(__atomic_load_n(&st.on_issuer, __ATOMIC_SEQ_CST), 0);
	CHECK_EQ(__atomic_load_n(&st.out_of_order, __ATOMIC_SEQ_CST), 0);
	for (int i = 0; i < SUBMITTERS; i++) {
		CHECK_EQ(st.last_idx[i], PER_SUBMITTER - 1);
		CHECK(memcmp(subs[i].src, subs[i].dst, PER_SUBMITTER * 512) == 0);
		free(subs[i].src);
		free(subs[i].dst);
	}
}

/* ---- the main thread issues; callbacks must not run inside issue_pending ---- */

struct issuer_check {
	int on_main;	/* atomic */
	struct t_counter done;
};

static void issuer_callback(void *param)
{
	struct issuer_check *ic = param;

	if (is_issuer || !udma_in_tasklet())
		__atomic_fetch_add(&ic->on_main, 1, __ATOMIC_SEQ_CST);
	t_counter_bump(&ic->done);
}

static void not_in_issue_pending(struct dma_chan *chan)
{
	struct issuer_check ic = { 0 };
	unsigned char src[64], dst[64];

	is_issuer = true;	/* main issues here */
	t_counter_init(&ic.done);
	t_fill(src, sizeof(src), 3);
	for (int round = 0; round < 200; round++) {
		struct dma_async_tx_descriptor *tx;

		memset(dst, 0, sizeof(dst));
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), sizeof(src),
					       DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = issuer_callback;
		tx->callback_param = &ic;
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&ic.done, round + 1, 10000));
		CHECK(memcmp(src, dst, sizeof(src)) == 0);
	}
	CHECK_EQ(__atomic_load_n(&ic.on_main, __ATOMIC_SEQ_CST), 0);
}

/* ---- a chain of copies, each launched from the previous one's callback ---- */

#define CHAIN 100
#define CHUNK 1000

struct chain {
	struct dma_chan *chan;
	unsigned char *src, *dst;
	int launched;		/* only touched in callbacks and before the first issue */
	int bad;		/* atomic */
	int last_done;		/* chunk whose callback ran last */
	struct t_counter done;
};

static void chain_callback(void *param);

static void chain_launch(struct chain *c)
{
	struct dma_async_tx_descriptor *tx;
	int i = c->launched++;

	tx = dmaengine_prep_dma_memcpy(c->chan, t_addr(c->dst + i * CHUNK),
				       t_addr(c->src + i * CHUNK), CHUNK, DMA_PREP_INTERRUPT);
	if (!tx || (tx->callback = chain_callback, tx->callback_param = c,
		    dmaengine_submit(tx) < DMA_MIN_COOKIE)) {
		__atomic_fetch_add(&c->bad, 1, __ATOMIC_SEQ_CST);
		return;
	}
	dma_async_issue_pending(c->chan);
}

static void chain_callback(void *param)
{
	struct chain *c = param;
	int i = c->launched - 1;
	bool more = c->launched < CHAIN;

	/* the chunk this callback reports is complete, and only it is */
	if (!udma_in_tasklet() || memcmp(c->src + i * CHUNK, c->dst + i * CHUNK, CHUNK) ||
	    c->last_done != i - 1)
		__atomic_fetch_add(&c->bad, 1, __ATOMIC_SEQ_CST);
	c->last_done = i;
	/* after the last bump the waiter returns and *c is gone: decide first */
	t_counter_bump(&c->done);
	if (more)
		chain_launch(c);
}

static void chain_from_callbacks(struct dma_chan *chan)
{
	struct chain c = { .chan = chan, .last_done = -1 };

	t_counter_init(&c.done);
	c.src = t_alloc(CHAIN * CHUNK);
	c.dst = t_alloc(CHAIN * CHUNK);
	t_fill(c.src, CHAIN * CHUNK, 77);
	memset(c.dst, 0, CHAIN * CHUNK);
	chain_launch(&c);
	CHECK(t_counter_wait(&c.done, CHAIN, 30000));
	t_sleep_us(20000);	/* the point: no 101st callback */
	CHECK_EQ(t_counter_get(&c.done), CHAIN);
	CHECK_EQ(__atomic_load_n(&c.bad, __ATOMIC_SEQ_CST), 0);
	CHECK(memcmp(c.src, c.dst, CHAIN * CHUNK) == 0);
	free(c.src);
	free(c.dst);
}

/* ---- callback_result wins over callback ---- */

struct result_check {
	struct t_counter plain, with_result;
	int result, residue;	/* atomic, last seen */
};

static void plain_callback(void *param)
{
	struct result_check *rc = param;

	t_counter_bump(&rc->plain);
}

static void result_callback(void *param, const struct dmaengine_result *res)
{
	struct result_check *rc = param;

	__atomic_store_n(&rc->result, res ? (int)res->result : -1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&rc->residue, res ? (int)res->residue : -1, __ATOMIC_SEQ_CST);
	t_counter_bump(&rc->with_result);
}

static void result_wins(struct dma_chan *chan)
{
	struct result_check rc = { .result = -2, .residue = -2 };
	size_t len = 300000;
	unsigned char *src = t_alloc(len), *dst = t_alloc(len);

	t_counter_init(&rc.plain);
	t_counter_init(&rc.with_result);
	t_fill(src, len, 9);
	memset(dst, 0, len);
	for (int i = 0; i < 5; i++) {
		struct dma_async_tx_descriptor *tx;

		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), len, DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = plain_callback;
		tx->callback_result = result_callback;
		tx->callback_param = &rc;
		CHECK(dmaengine_submit(tx) >= DMA_MIN_COOKIE);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&rc.with_result, 5, 10000));
	t_sleep_us(10000);	/* the point: the plain callback never comes */
	CHECK_EQ(t_counter_get(&rc.plain), 0);
	CHECK_EQ(t_counter_get(&rc.with_result), 5);
	CHECK_EQ(__atomic_load_n(&rc.result, __ATOMIC_SEQ_CST), DMA_TRANS_NOERROR);
	CHECK_EQ(__atomic_load_n(&rc.residue, __ATOMIC_SEQ_CST), 0);
	CHECK(memcmp(src, dst, len) == 0);
	free(src);
	free(dst);
}

int main(void)
{
	struct dma_device *dev;
	struct dma_chan *chan;

	/* Several pool threads, so two callbacks of one channel could overlap
	 * if the library let them (the default here may be a single thread). */
	setenv("UDMA_TASKLET_THREADS", "4", 1);
	dev = t_soft_create(NULL);
	chan = t_request(DMA_MEMCPY);

	context_and_serial(chan);
	not_in_issue_pending(chan);
	chain_from_callbacks(chan);
	result_wins(chan);
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	printf("core-callback-context: %d callbacks in tasklet context, never on the issuer, "
	       "one at a time, in order; a %d-copy chain from callbacks; callback_result wins\n",
	       SUBMITTERS * PER_SUBMITTER + 200, CHAIN);
	return 0;
}

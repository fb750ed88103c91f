/* SPDX-License-Identifier: MIT */
/*
 * Fault injection in the soft controller: read/write/abort failures stop a
 * transfer after exactly `at` bytes and report it through callback_result
 * with the right residue; corruption flips exactly one bit; a stall holds
 * the channel until terminate; one_in + seed choose the victims repeatably.
 */
#include "helpers.h"

struct outcome {
	struct t_counter done;
	struct dmaengine_result res;
};

static void on_result(void *param, const struct dmaengine_result *r)
{
	struct outcome *o = param;

	o->res = *r;
	t_counter_bump(&o->done);
}

static struct outcome run_copy(struct dma_chan *chan, unsigned char *dst, unsigned char *src,
			       size_t len)
{
	struct outcome o = { .res = { DMA_TRANS_NOERROR, 12345 } };
	struct dma_async_tx_descriptor *tx;

	t_counter_init(&o.done);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), len, DMA_PREP_INTERRUPT);
	CHECK(tx);
	tx->callback_result = on_result;
	tx->callback_param = &o;
	CHECK(dmaengine_submit(tx) > 0);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&o.done, 1, 10000));
	return o;
}

static size_t bits_differing(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t bits = 0;

	for (size_t i = 0; i < len; i++)
		bits += (size_t)__builtin_popcount(a[i] ^ b[i]);
	return bits;
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
					.burst_bytes = 4096 };
	struct dma_device *dev = t_soft_create(&cfg);
	struct dma_chan *chan = t_request(DMA_MEMCPY);
	enum { LEN = 100000, AT = 10000 };
	unsigned char *src = t_alloc(LEN), *dst = t_alloc(LEN);
	static const struct { enum udma_soft_fault_kind kind; enum dmaengine_tx_result result; } fails[] = {
		{ UDMA_FAULT_READ, DMA_TRANS_READ_FAILED },
		{ UDMA_FAULT_WRITE, DMA_TRANS_WRITE_FAILED },
		{ UDMA_FAULT_ABORT, DMA_TRANS_ABORTED },
	};
	struct outcome o;

	t_diag_capture();
	t_fill(src, LEN, 5);

	/* failures: exactly AT bytes land, residue says the rest */
	for (size_t i = 0; i < 3; i++) {
		struct udma_soft_fault f = { .kind = fails[i].kind, .one_in = 1, .at = AT };

		CHECK_EQ(udma_soft_inject(chan, &f), 0);
		memset(dst, 0, LEN);
		o = run_copy(chan, dst, src, LEN);
		CHECK_EQ(o.res.result, fails[i].result);
		CHECK_EQ(o.res.residue, LEN - AT);
		CHECK(memcmp(dst, src, AT) == 0);
		CHECK_EQ(dst[AT], 0);
		CHECK_EQ(dst[LEN - 1], 0);
	}

	/* silent corruption: one bit */
	{
		struct udma_soft_fault f = { .kind = UDMA_FAULT_CORRUPT, .one_in = 1, .seed = 42 };

		CHECK_EQ(udma_soft_inject(chan, &f), 0);
		o = run_copy(chan, dst, src, LEN);
		CHECK_EQ(o.res.result, DMA_TRANS_NOERROR);
		CHECK_EQ(bits_differing(dst, src, LEN), 1);
	}

	/* one_in with a seed: the same descriptors are hit in every run */
	{
		struct udma_soft_fault f = { .kind = UDMA_FAULT_ABORT, .one_in = 3, .seed = 7, .at = 0 };
		int pattern[2][30];

		for (int run = 0; run < 2; run++) {
			CHECK_EQ(udma_soft_inject(chan, &f), 0);
			for (int k = 0; k < 30; k++)
				pattern[run][k] = run_copy(chan, dst, src, 256).res.result != DMA_TRANS_NOERROR;
		}
		CHECK(memcmp(pattern[0], pattern[1], sizeof(pattern[0])) == 0);
		{
			int hits = 0;

			for (int k = 0; k < 30; k++)
				hits += pattern[0][k];
			CHECK(hits > 0 && hits < 30);
		}
	}

	/* stall: the residue stops at AT, terminate ends it, the channel recovers */
	{
		struct udma_soft_fault f = { .kind = UDMA_FAULT_STALL, .one_in = 1, .at = AT };
		struct dma_async_tx_descriptor *tx;
		struct dma_tx_state st;
		dma_cookie_t cookie;

		CHECK_EQ(udma_soft_inject(chan, &f), 0);
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), LEN, 0);
		cookie = dmaengine_submit(tx);
		dma_async_issue_pending(chan);
		for (int k = 0; k < 1000; k++) {
			dmaengine_tx_status(chan, cookie, &st);
			if (st.residue == LEN - AT)
				break;
			t_sleep_us(1000);
		}
		CHECK_EQ(st.residue, LEN - AT);
		CHECK_EQ(dmaengine_pause(chan), 0);	/* a stalled engine still pauses */
		CHECK_EQ(dmaengine_terminate_sync(chan), 0);

		/* a copy within one burst (one the engine could run from its
		 * submit entry alone) shows its stall in its residue too */
		f.at = 1000;
		CHECK_EQ(udma_soft_inject(chan, &f), 0);
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 4000, 0);
		cookie = dmaengine_submit(tx);
		dma_async_issue_pending(chan);
		for (int k = 0; k < 1000; k++) {
			dmaengine_tx_status(chan, cookie, &st);
			if (st.residue == 3000)
				break;
			t_sleep_us(1000);
		}
		CHECK_EQ(st.residue, 3000);
		CHECK_EQ(dmaengine_terminate_sync(chan), 0);
		CHECK_EQ(udma_soft_inject(chan, NULL), 0);
		memset(dst, 0, LEN);
		o = run_copy(chan, dst, src, LEN);
		CHECK_EQ(o.res.result, DMA_TRANS_NOERROR);
		CHECK(memcmp(dst, src, LEN) == 0);
	}

	/* slow still delivers */
	{
		struct udma_soft_fault f = { .kind = UDMA_FAULT_SLOW, .one_in = 1, .delay_us = 200 };

		CHECK_EQ(udma_soft_inject(chan, &f), 0);
		memset(dst, 0, LEN);
		o = run_copy(chan, dst, src, LEN);
		CHECK_EQ(o.res.result, DMA_TRANS_NOERROR);
		CHECK(memcmp(dst, src, LEN) == 0);
		CHECK(udma_soft_fault_hits(chan) > 0);
	}

	/* bad arguments */
	{
		struct udma_soft_fault f = { .kind = UDMA_FAULT_READ, .one_in = 0 };

		CHECK_EQ(udma_soft_inject(chan, &f), -EINVAL);
		CHECK_DIAG("one_in");
		f.kind = (enum udma_soft_fault_kind)99;
		f.one_in = 1;
		CHECK_EQ(udma_soft_inject(chan, &f), -EINVAL);
		CHECK_DIAG("kind");
		CHECK_EQ(udma_soft_inject(NULL, &f), -EINVAL);
	}

	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("soft-fault: read/write/abort stop at exactly %d bytes with the right residue, "
	       "corrupt flips one bit, stall ends with terminate, seeded hits repeat\n", AT);
	return 0;
}

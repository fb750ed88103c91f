/* SPDX-License-Identifier: MIT */
/*
 * CUDA channels, memcpy: host->device, device->device and device->host in
 * one submission, byte-exact with guard bytes on both sides; callbacks in
 * order with NOERROR and residue 0; a long stream refilling the launch
 * window; descriptor reuse; udma_submit_memcpy_batch through the core's
 * one-by-one path; two channels driven from two threads; and the
 * addresses a copy engine cannot reach are refused at prep.
 */
#include "cuda-test.h"

#define GUARD 64

/* host -> dev A -> dev B -> host, three descriptors, one issue */
static void roundtrip(struct dma_chan *chan, size_t len, size_t off)
{
	size_t tot = len + 2 * GUARD;
	unsigned char *src = t_alloc(tot), *dst = t_alloc(tot), *want = t_alloc(tot);
	unsigned char *da = t_dev_alloc(tot), *db = t_dev_alloc(tot), *chk = t_alloc(tot);
	struct t_counter done;
	struct t_res r[3];
	dma_cookie_t c[3];
	dma_addr_t s, d;
	int order = 0;

	t_counter_init(&done);
	for (int i = 0; i < 3; i++)
		t_res_init(&r[i], &done, &order);
	t_fill(src, tot, (unsigned int)len);
	memset(dst, 0xa5, tot);
	t_dev_fill(da, 0x5a, tot);
	t_dev_fill(db, 0x5b, tot);
	s = t_map(chan, src, tot, DMA_TO_DEVICE);
	d = t_map(chan, dst, tot, DMA_FROM_DEVICE);

	c[0] = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(da) + off, s + off, len,
						  DMA_PREP_INTERRUPT), &r[0]);
	c[1] = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(db) + off, t_dptr(da) + off, len,
						  DMA_PREP_INTERRUPT), &r[1]);
	c[2] = t_submit(dmaengine_prep_dma_memcpy(chan, d + off, t_dptr(db) + off, len,
						  DMA_PREP_INTERRUPT), &r[2]);
	CHECK_EQ(c[1], c[0] + 1);
	CHECK_EQ(c[2], c[1] + 1);
	/* R3: nothing moves before issue_pending */
	t_sleep_us(2000);
	CHECK_EQ(dmaengine_tx_status(chan, c[0], NULL), DMA_IN_PROGRESS);
	CHECK_EQ(t_counter_get(&done), 0);
	t_from_dev(chk, da, tot);
	for (size_t i = 0; i < tot; i++)
		CHECK_EQ(chk[i], 0x5a);

	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 3, 10000));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(r[i].calls, 1);
		CHECK_EQ(r[i].seq, i);		/* completion order = submission order */
		CHECK_EQ(r[i].result, DMA_TRANS_NOERROR);
		CHECK_EQ(r[i].residue, 0);
		CHECK_EQ(dmaengine_tx_status(chan, c[i], NULL), DMA_COMPLETE);
	}
	memset(want, 0xa5, tot);
	memcpy(want + off, src + off, len);
	CHECK(memcmp(dst, want, tot) == 0);
	t_from_dev(chk, db, tot);	/* device guards untouched */
	for (size_t i = 0; i < tot; i++)
		CHECK_EQ(chk[i], i >= off && i < off + len ? src[i] : 0x5b);

	t_unmap(chan, s, tot, DMA_TO_DEVICE);
	t_unmap(chan, d, tot, DMA_FROM_DEVICE);
	t_dev_free(da);
	t_dev_free(db);
	free(src);
	free(dst);
	free(want);
	free(chk);
}

/* 300 copies of 4 KiB with callbacks: the window refills, order holds. */
static void stream(struct dma_chan *chan, unsigned int n)
{
	size_t len = 4096;
	unsigned char *src = t_dev_alloc(len * n), *dst = t_dev_alloc(len * n);
	unsigned char *host = t_alloc(len * n), *back = t_alloc(len * n);
	struct t_res *r = calloc(n, sizeof(*r));
	struct t_counter done;
	dma_cookie_t last = 0;
	int order = 0;

	CHECK(r);
	t_counter_init(&done);
	t_fill(host, len * n, n);
	t_to_dev(src, host, len * n);
	for (unsigned int i = 0; i < n; i++) {
		t_res_init(&r[i], &done, &order);
		last = t_submit(dmaengine_prep_dma_memcpy(chan, t_dptr(dst + i * len),
							  t_dptr(src + i * len), len,
							  DMA_PREP_INTERRUPT), &r[i]);
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, (int)n, 20000));
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	for (unsigned int i = 0; i < n; i++) {
		CHECK_EQ(r[i].seq, (int)i);
		CHECK_EQ(r[i].result, DMA_TRANS_NOERROR);
	}
	t_from_dev(back, dst, len * n);
	CHECK(memcmp(back, host, len * n) == 0);
	t_dev_free(src);
	t_dev_free(dst);
	free(host);
	free(back);
	free(r);
}

/* R9: a reusable descriptor runs three times, then dmaengine_desc_free. */
static void reuse(struct dma_chan *chan)
{
	size_t len = 1000;
	unsigned char *a = t_dev_alloc(len), *b = t_dev_alloc(len), *h = t_alloc(len), *back = t_alloc(len);
	struct dma_async_tx_descriptor *tx;
	struct t_counter done;
	struct t_res r;

	t_counter_init(&done);
	t_res_init(&r, &done, NULL);
	tx = dmaengine_prep_dma_memcpy(chan, t_dptr(b), t_dptr(a), len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_REUSE);
	CHECK(tx);
	tx->callback_result = t_res_callback;
	tx->callback_param = &r;
	for (int round = 0; round < 3; round++) {
		dma_cookie_t cookie;

		t_fill(h, len, 100u + (unsigned int)round);
		t_to_dev(a, h, len);
		/* handed back before its callback ran (R9): submittable again now */
		cookie = dmaengine_submit(tx);
		CHECK(cookie >= DMA_MIN_COOKIE);
		dma_async_issue_pending(chan);
		CHECK(t_counter_wait(&done, round + 1, 10000));
		t_from_dev(back, b, len);
		CHECK(memcmp(back, h, len) == 0);
	}
	CHECK_EQ(r.calls, 3);
	CHECK_EQ(dmaengine_desc_free(tx), 0);
	t_dev_free(a);
	t_dev_free(b);
	free(h);
	free(back);
}

/*
 * udma_submit_memcpy_batch on a provider without a batch op: the core's
 * prep and submit calls one by one, with their cookies, order, callbacks
 * and refusals.
 */
static void batch(struct dma_chan *chan)
{
	enum { N = 200, B = 50, LEN = 1000 };
	unsigned char *src = t_dev_alloc(N * LEN), *dst = t_dev_alloc(N * LEN);
	unsigned char *host = t_alloc(N * LEN), *back = t_alloc(N * LEN);
	struct udma_copy c[N];
	struct t_res r[N];
	struct t_counter done;
	dma_cookie_t last = 0, prev = 0;
	int order = 0;

	t_counter_init(&done);
	t_fill(host, N * LEN, 77);
	t_to_dev(src, host, N * LEN);
	for (int i = 0; i < N; i++) {
		t_res_init(&r[i], &done, &order);
		c[i] = (struct udma_copy){ .dst = t_dptr(dst + i * LEN), .src = t_dptr(src + i * LEN),
					   .len = LEN, .callback_result = t_res_callback,
					   .callback_param = &r[i] };
	}
	for (int i = 0; i < N; i += B) {
		CHECK_EQ(udma_submit_memcpy_batch(chan, &c[i], B, 0, &last), B);
		if (prev)
			CHECK_EQ(last, prev + B);
		prev = last;
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, N, 20000));
	CHECK_EQ(dmaengine_tx_status(chan, last, NULL), DMA_COMPLETE);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(r[i].calls, 1);
		CHECK_EQ(r[i].seq, i);
		CHECK_EQ(r[i].result, DMA_TRANS_NOERROR);
	}
	t_from_dev(back, dst, N * LEN);
	CHECK(memcmp(back, host, N * LEN) == 0);

	/* a copy the provider refuses stops the batch there, with its line */
	c[3].dst = c[3].src + 10;
	t_diag_reset();
	CHECK_EQ(udma_submit_memcpy_batch(chan, c, 10, 0, &last), 3);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("overlap");
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, N + 3, 10000));
	CHECK_EQ(dmaengine_tx_status(chan, last, NULL), DMA_COMPLETE);
	t_dev_free(src);
	t_dev_free(dst);
	free(host);
	free(back);
}

/* Bad addresses: refused with a diagnostic naming them, channel still usable. */
static void refusals(struct dma_chan *chan)
{
	unsigned char *pageable = t_alloc(4096), *dev = t_dev_alloc(4 * 4096);
	/* three pages of our own, only the first one mapped below */
	unsigned char *page = aligned_alloc(4096, 3 * 4096);
	unsigned char *dev3 = t_dev_alloc(3 * 4096);
	dma_addr_t mapped;

	t_diag_reset();
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_dptr(dev), t_addr(pageable), 4096, 0));
	CHECK_DIAG("dma_map_single");
	CHECK_DIAG("src");
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_addr(pageable), t_dptr(dev), 4096, 0));
	CHECK_DIAG("dest");
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_dptr(dev) + 100, t_dptr(dev), 4096, 0));
	CHECK_DIAG("overlap");
	CHECK(!dmaengine_prep_dma_memcpy(chan, 0, t_dptr(dev), 16, 0));
	CHECK_DIAG("dest is 0");
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_dptr(dev), t_dptr(dev) + 4096, 5ull << 30, 0));
	CHECK_DIAG("32-bit");
	/* the last byte counts too: a length that runs past the mapped page */
	CHECK(page);
	mapped = t_map(chan, page, 4096, DMA_TO_DEVICE);
	CHECK(!dmaengine_prep_dma_memcpy(chan, t_dptr(dev3), mapped, 3 * 4096, 0));
	CHECK_DIAG("its last byte");
	t_unmap(chan, mapped, 4096, DMA_TO_DEVICE);
	t_dev_free(dev3);
	free(page);
	free(pageable);
	t_dev_free(dev);
}

struct worker {
	struct dma_device *dev;
	unsigned int rounds;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dma_chan *chan = t_cuda_chan(w->dev);

	for (unsigned int i = 0; i < w->rounds; i++)
		roundtrip(chan, 3000 + i * 17, i % 7);
	dma_release_channel(chan);
	return NULL;
}

int main(void)
{
	static const size_t sizes[] = { 1, 7, 64, 4095, 4096, 65537, 1 << 20, (3 << 20) + 5 };
	struct dma_device *dev;
	struct dma_chan *chan;
	struct worker w;
	pthread_t th[2];

	t_cuda_start("cuda-memcpy");
	dev = t_cuda_create(NULL);
	chan = t_cuda_chan(dev);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		roundtrip(chan, sizes[i], i % 5);
	stream(chan, 300);
	reuse(chan);
	batch(chan);
	refusals(chan);
	roundtrip(chan, 12345, 3);	/* still usable after the refusals */
	dma_release_channel(chan);

	/* R11: two channels, two threads, at once */
	w.dev = dev;
	w.rounds = 20;
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&th[i], NULL, worker_main, &w) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
#if T_DOUBLE
	{
		struct cudart_double_stats st;

		cudart_double_get_stats(&st);
		CHECK_EQ(st.pageable_async, 0);		/* only pinned or device memory reached the GPU */
		CHECK_EQ(st.live_registrations, 0);	/* every map was unmapped */
		CHECK(st.ops_run > 300);
	}
#endif
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	printf("cuda-memcpy: %zu sizes H2D+D2D+D2H byte-exact, 300-copy stream in order, reuse x3, "
	       "200 copies in batches, refusals, two channels in parallel\n", sizeof(sizes) / sizeof(sizes[0]));
	return 0;
}

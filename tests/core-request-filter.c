/* SPDX-License-Identifier: MIT */
/* R1: dma_request_channel offers each free capable channel to the filter exactly once; held channels are exclusive. */
#include "helpers.h"

#define MAX_SEEN 64

struct filter_log {
	int calls;
	struct dma_chan *seen[MAX_SEEN];
	void *param_seen;
	struct dma_chan *accept;	/* the filter takes this one only */
};

static bool log_filter(struct dma_chan *chan, void *param)
{
	struct filter_log *log = param;

	CHECK(log->calls < MAX_SEEN);
	log->seen[log->calls++] = chan;
	log->param_seen = param;
	return chan == log->accept;
}

static void log_reset(struct filter_log *log, struct dma_chan *accept)
{
	memset(log, 0, sizeof(*log));
	log->accept = accept;
}

static int times_seen(const struct filter_log *log, const struct dma_chan *chan)
{
	int n = 0;

	for (int i = 0; i < log->calls; i++)
		n += log->seen[i] == chan;
	return n;
}

/* The channels of @dev in list order. */
static int chans_of(struct dma_device *dev, struct dma_chan **out, int max)
{
	struct dma_chan *chan;
	int n = 0;

	list_for_each_entry(chan, &dev->channels, struct dma_chan, device_node) {
		CHECK(n < max);
		out[n++] = chan;
	}
	return n;
}

static void verified_copy(struct dma_chan *chan)
{
	unsigned char src[4096], dst[4096];
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	t_fill(src, sizeof(src), 7);
	memset(dst, 0, sizeof(dst));
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), sizeof(src), 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(src, dst, sizeof(src)) == 0);
}

int main(void)
{
	struct udma_soft_config ca = { .name = "fa", .nr_channels = 2,
				       .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct udma_soft_config cb = { .name = "fb", .nr_channels = 3,
				       .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST };
	struct dma_chan *a[2], *b[3], *got, *held[5];
	struct dma_device *da, *db;
	struct filter_log log;
	dma_cap_mask_t mask;

	dma_cap_zero(ca.cap_mask);
	dma_cap_set(DMA_MEMCPY, ca.cap_mask);
	dma_cap_set(DMA_PRIVATE, ca.cap_mask);
	dma_cap_zero(cb.cap_mask);
	dma_cap_set(DMA_MEMCPY, cb.cap_mask);
	dma_cap_set(DMA_MEMSET, cb.cap_mask);
	dma_cap_set(DMA_PRIVATE, cb.cap_mask);
	da = t_soft_create(&ca);
	db = t_soft_create(&cb);
	CHECK_EQ(chans_of(da, a, 2), 2);
	CHECK_EQ(chans_of(db, b, 3), 3);

	/* MEMSET: only fb has it; a filter refusing all sees each fb channel once. */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMSET, mask);
	log_reset(&log, NULL);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 3);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(times_seen(&log, b[i]), 1);
	CHECK(log.param_seen == &log);

	/* MEMCPY: both devices; five free channels, each offered once. */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	log_reset(&log, NULL);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 5);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(times_seen(&log, a[i]), 1);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(times_seen(&log, b[i]), 1);

	/* MEMCPY + MEMSET together: only fb has both. */
	dma_cap_set(DMA_MEMSET, mask);
	log_reset(&log, NULL);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 3);
	CHECK_EQ(times_seen(&log, a[0]) + times_seen(&log, a[1]), 0);

	/* Unsatisfiable masks: no channel, no filter call. */
	dma_cap_zero(mask);
	dma_cap_set(DMA_INTERLEAVE, mask);
	log_reset(&log, b[0]);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK(dma_request_channel(mask, NULL, NULL) == NULL);
	CHECK_EQ(log.calls, 0);
	dma_cap_set(DMA_MEMCPY, mask);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 0);

	/* The filter picks fb's channel 1: that one is returned. */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMSET, mask);
	log_reset(&log, b[1]);
	got = dma_request_channel(mask, log_filter, &log);
	CHECK(got == b[1]);
	CHECK(got->device == db);
	CHECK_EQ(got->client_count, 1);
	CHECK_EQ(times_seen(&log, b[1]), 1);
	CHECK_EQ(log.calls, 2);	/* b[0] refused, b[1] taken: no more offers */
	CHECK(log.seen[0] == b[0]);

	/* A held channel is never offered again. */
	for (int round = 0; round < 3; round++) {
		log_reset(&log, b[1]);
		CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
		CHECK_EQ(log.calls, 2);
		CHECK_EQ(times_seen(&log, b[0]), 1);
		CHECK_EQ(times_seen(&log, b[2]), 1);
		CHECK_EQ(times_seen(&log, b[1]), 0);
	}

	/* NULL filter: the first free capable channel, in registration order. */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	held[0] = dma_request_channel(mask, NULL, NULL);
	held[1] = dma_request_channel(mask, NULL, NULL);
	held[2] = dma_request_channel(mask, NULL, NULL);
	held[3] = dma_request_channel(mask, NULL, NULL);
	CHECK(held[0] == a[0]);
	CHECK(held[1] == a[1]);
	CHECK(held[2] == b[0]);
	CHECK(held[3] == b[2]);	/* b[1] is held */
	CHECK(dma_request_channel(mask, NULL, NULL) == NULL);
	CHECK_EQ(PTR_ERR(dma_request_chan_by_mask(&mask)), -ENODEV);	/* its way of saying so */
	log_reset(&log, NULL);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 0);	/* every channel is held: nothing to offer */

	/* Each held channel works, independently. */
	for (int i = 0; i < 4; i++)
		verified_copy(held[i]);
	verified_copy(got);

	/* Released: offered again, and the NULL filter gives it back. */
	dma_release_channel(got);
	CHECK_EQ(got->client_count, 0);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMSET, mask);
	log_reset(&log, NULL);
	CHECK(dma_request_channel(mask, log_filter, &log) == NULL);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(times_seen(&log, b[1]), 1);
	got = dma_request_chan_by_mask(&mask);	/* the same, by mask */
	CHECK(got == b[1]);
	verified_copy(got);

	/* Release one of fa's: MEMCPY finds it first again. */
	dma_release_channel(held[1]);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	held[1] = dma_request_channel(mask, NULL, NULL);
	CHECK(held[1] == a[1]);
	verified_copy(held[1]);

	dma_release_channel(got);
	for (int i = 0; i < 4; i++)
		dma_release_channel(held[i]);
	CHECK_EQ(udma_soft_destroy(da), 0);
	CHECK_EQ(udma_soft_destroy(db), 0);
	printf("core-request-filter: filter called once per free capable channel, "
	       "held channels exclusive, NULL filter takes the first\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * udma_chan_get_stats and udma_dmaengine_summary: exact counts per kind and
 * bytes after a known workload, completed after completion, terminated for
 * a queued or paused backlog, errors from an injected fault, in_use with
 * request and release, the kernel's summary format, counters read while a
 * channel runs, and the refusals with their diagnostics.
 */
#include "helpers.h"

#define FIFO_DEPTH 64

static struct device uart0 = { .name = "uart0" };

static struct udma_chan_stats stats(struct dma_chan *chan)
{
	struct udma_chan_stats st;

	memset(&st, 0xa5, sizeof(st));
	CHECK_EQ(udma_chan_get_stats(chan, &st), 0);
	/* the identities that hold at any time */
	CHECK_EQ(st.completed + st.terminated + st.in_flight, st.submitted);
	CHECK_EQ(st.memcpy_count + st.memset_count + st.slave_count + st.interleave_count,
		 st.submitted);
	return st;
}

/* The counters that moved since @a, checked against the expected deltas. */
struct delta {
	uint64_t memcpy, memset, slave, interleave, bytes, submitted, completed, errors, terminated;
};

static void check_delta(const struct udma_chan_stats *a, const struct udma_chan_stats *b,
			struct delta d)
{
	CHECK_EQ(b->memcpy_count - a->memcpy_count, d.memcpy);
	CHECK_EQ(b->memset_count - a->memset_count, d.memset);
	CHECK_EQ(b->slave_count - a->slave_count, d.slave);
	CHECK_EQ(b->interleave_count - a->interleave_count, d.interleave);
	CHECK_EQ(b->bytes_transferred - a->bytes_transferred, d.bytes);
	CHECK_EQ(b->submitted - a->submitted, d.submitted);
	CHECK_EQ(b->completed - a->completed, d.completed);
	CHECK_EQ(b->errors - a->errors, d.errors);
	CHECK_EQ(b->terminated - a->terminated, d.terminated);
}

static void refusals(void)
{
	struct udma_chan_stats st;
	struct dma_chan *stray = t_alloc(sizeof(*stray));

	memset(stray, 0, sizeof(*stray));	/* never registered */
	t_diag_reset();
	CHECK_EQ(udma_chan_get_stats(NULL, &st), -EINVAL);
	CHECK_DIAG("udma_chan_get_stats: chan is NULL");
	CHECK_EQ(udma_chan_get_stats(ERR_PTR(-ENODEV), &st), -EINVAL);
	CHECK_DIAG("udma_chan_get_stats: chan is an error pointer");
	CHECK_EQ(udma_chan_get_stats(stray, &st), -EINVAL);
	CHECK_DIAG("not a channel of a registered device");
	CHECK_EQ(t_diag_count(), 3);
	free(stray);
}

/* memcpy through prep and submit, @n copies of 100 + 37 i bytes; returns
 * the bytes. Waits for every callback. */
static uint64_t copies(struct dma_chan *chan, unsigned char *dst, unsigned char *src, int n)
{
	struct t_counter done;
	uint64_t bytes = 0;

	t_counter_init(&done);
	for (int i = 0; i < n; i++) {
		size_t len = 100 + 37 * (size_t)i;

		t_submit_counted(dmaengine_prep_dma_memcpy(chan, t_addr(dst + 4096 * i),
							   t_addr(src + 4096 * i), len,
							   DMA_PREP_INTERRUPT), &done);
		bytes += len;
	}
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, n, 10000));
	return bytes;
}

static void memory_kinds(struct dma_chan *chan, unsigned char *dst, unsigned char *src)
{
	struct udma_chan_stats a = stats(chan), b;
	struct udma_copy batch[40];
	struct t_counter done;
	uint64_t bytes, bbytes = 0;
	dma_cookie_t last = 0;

	/* prep + submit */
	bytes = copies(chan, dst, src, 10);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 10, .bytes = bytes, .submitted = 10,
					    .completed = 10 });
	CHECK_EQ(b.in_flight, 0);

	/* the batch call: bare copies and copies with a callback */
	t_counter_init(&done);
	for (int i = 0; i < 40; i++) {
		batch[i] = (struct udma_copy){ .dst = t_addr(dst + 1000 * i), .src = t_addr(src + 1000 * i),
					       .len = 64 + (size_t)i };
		if (i % 8 == 7) {
			batch[i].callback = t_count_callback;
			batch[i].callback_param = &done;
		}
		bbytes += batch[i].len;
	}
	a = b;
	CHECK_EQ(udma_submit_memcpy_batch(chan, batch, 40, 0, &last), 40);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 40, .bytes = bbytes, .submitted = 40 });
	CHECK_EQ(b.in_flight, 40);	/* nothing moves before issue (R3) */
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	CHECK(t_counter_wait(&done, 5, 10000));
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 40, .bytes = bbytes, .submitted = 40,
					    .completed = 40 });

	/* memset */
	a = b;
	t_counter_init(&done);
	for (int i = 0; i < 3; i++)
		t_submit_counted(dmaengine_prep_dma_memset(chan, t_addr(dst + 8192 * i), 0x5a,
							   1000 + (size_t)i, DMA_PREP_INTERRUPT), &done);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&done, 3, 10000));
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memset = 3, .bytes = 3003, .submitted = 3,
					    .completed = 3 });

	/* interleaved, memory to memory: 4 frames of 16 + 48 bytes */
	{
		struct dma_interleaved_template *xt = calloc(1, sizeof(*xt) + 2 * sizeof(struct data_chunk));

		CHECK(xt);
		*xt = (struct dma_interleaved_template){ .src_start = t_addr(src), .dst_start = t_addr(dst),
							 .dir = DMA_MEM_TO_MEM, .src_inc = true,
							 .dst_inc = true, .src_sgl = true, .dst_sgl = true,
							 .numf = 4, .frame_size = 2 };
		xt->sgl[0] = (struct data_chunk){ .size = 16, .icg = 8 };
		xt->sgl[1] = (struct data_chunk){ .size = 48, .icg = 8 };
		a = b;
		t_run(chan, dmaengine_prep_interleaved_dma(chan, xt, DMA_PREP_INTERRUPT));
		b = stats(chan);
		check_delta(&a, &b, (struct delta){ .interleave = 1, .bytes = 256, .submitted = 1,
						    .completed = 1 });
		free(xt);
	}
}

/* A backlog never issued, then one issued to a paused channel: every
 * transfer of both is terminated, none completed; the channel goes on. */
static void backlog(struct dma_chan *chan, unsigned char *dst, unsigned char *src)
{
	struct udma_chan_stats a = stats(chan), b;
	struct t_counter done;

	t_counter_init(&done);
	for (int i = 0; i < 5; i++)
		t_submit_counted(dmaengine_prep_dma_memcpy(chan, t_addr(dst + 256 * i),
							   t_addr(src + 256 * i), 256, 0), &done);
	b = stats(chan);
	CHECK_EQ(b.in_flight, 5);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 5, .bytes = 1280, .submitted = 5,
					    .terminated = 5 });
	CHECK_EQ(b.in_flight, 0);
	/* a second terminate finds nothing more: those cookies were counted */
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	b = stats(chan);
	CHECK_EQ(b.terminated - a.terminated, 5);

	/* paused: issued, and really pending */
	a = b;
	CHECK_EQ(dmaengine_pause(chan), 0);
	for (int i = 0; i < 3; i++)
		t_submit_counted(dmaengine_prep_dma_memcpy(chan, t_addr(dst + 512 * i),
							   t_addr(src + 512 * i), 512, 0), &done);
	dma_async_issue_pending(chan);
	t_sleep_us(20000);
	b = stats(chan);
	CHECK_EQ(b.in_flight, 3);
	CHECK_EQ(b.completed, a.completed);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 3, .bytes = 1536, .submitted = 3,
					    .terminated = 3 });
	CHECK_EQ(t_counter_get(&done), 0);	/* R5 */

	/* after it, completions count again, past the dropped cookies */
	a = b;
	copies(chan, dst, src, 2);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 2, .bytes = 100 + 137, .submitted = 2,
					    .completed = 2 });
	CHECK_EQ(b.in_flight, 0);
}

struct outcome {
	struct t_counter done;
	enum dmaengine_tx_result result;
};

static void on_result(void *param, const struct dmaengine_result *r)
{
	struct outcome *o = param;

	o->result = r->result;
	t_counter_bump(&o->done);
}

static void errors(struct dma_chan *chan, unsigned char *dst, unsigned char *src)
{
	struct udma_soft_fault f = { .kind = UDMA_FAULT_READ, .one_in = 1, .at = 100 };
	struct udma_chan_stats a = stats(chan), b;
	struct dma_async_tx_descriptor *tx;
	struct outcome o = { .result = DMA_TRANS_NOERROR };
	dma_cookie_t cookie;

	t_counter_init(&o.done);
	CHECK_EQ(udma_soft_inject(chan, &f), 0);
	for (int i = 0; i < 2; i++) {
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst + 4096 * i), t_addr(src + 4096 * i),
					       1000, DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback_result = on_result;
		tx->callback_param = &o;
		CHECK(dmaengine_submit(tx) > 0);
	}
	/* one with no callback: it fails too, but no one is told */
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst + 8192), t_addr(src + 8192), 1000, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK(cookie > 0);
	dma_async_issue_pending(chan);
	CHECK(t_counter_wait(&o.done, 2, 10000));
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK_EQ(o.result, DMA_TRANS_READ_FAILED);
	b = stats(chan);
	/* failed transfers complete: their cookies do */
	check_delta(&a, &b, (struct delta){ .memcpy = 3, .bytes = 3000, .submitted = 3,
					    .completed = 3, .errors = 2 });
	CHECK_EQ(udma_soft_inject(chan, NULL), 0);
}

/* slave_single through a FIFO the test drains by hand, then a cyclic
 * transfer, which only a terminate ends. */
static void slave(struct dma_chan *chan, struct udma_fifo *fifo)
{
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV,
					.dst_addr = udma_fifo_addr(fifo), .dst_maxburst = 8 };
	unsigned char buf[300], got[300];
	struct udma_chan_stats a = stats(chan), b;
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	size_t have = 0;

	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	t_fill(buf, sizeof(buf), 3);
	tx = dmaengine_prep_slave_single(chan, t_addr(buf), sizeof(buf), DMA_MEM_TO_DEV, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK(cookie > 0);
	dma_async_issue_pending(chan);
	for (int i = 0; have < sizeof(got); i++) {
		size_t n = udma_fifo_pop(fifo, got + have, sizeof(got) - have);

		have += n;
		if (!n) {
			CHECK(i < 1000000);
			t_sleep_us(20);
		}
	}
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(got, buf, sizeof(buf)) == 0);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .slave = 1, .bytes = 300, .submitted = 1,
					    .completed = 1 });

	a = b;
	tx = dmaengine_prep_dma_cyclic(chan, t_addr(buf), 256, 64, DMA_MEM_TO_DEV, 0);
	CHECK(tx);
	CHECK(dmaengine_submit(tx) > 0);
	dma_async_issue_pending(chan);
	b = stats(chan);
	CHECK_EQ(b.in_flight, 1);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .slave = 1, .bytes = 256, .submitted = 1,
					    .terminated = 1 });
}

/* The summary as text, one line per element of *lines (modified in place). */
static char *summary(char **lines, int max, int *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f);
	udma_dmaengine_summary(f);
	CHECK_EQ(fclose(f), 0);
	CHECK(buf);
	*n = 0;
	/* empty lines kept: the blank line between devices matters */
	for (char *p = buf; p && *n < max;) {
		char *nl = strchr(p, '\n');

		lines[(*n)++] = p;
		if (nl)
			*nl = 0;
		p = nl ? nl + 1 : NULL;
	}
	return buf;
}

static bool has_line(char **lines, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(lines[i], want))
			return true;
	return false;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int find_prefix(char **lines, int n, const char *prefix)
{
	for (int i = 0; i < n; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			return i;
	return -1;
}

static void check_summary(struct dma_chan *held, struct dma_chan *by_name)
{
	char *lines[64], *text, want[512];
	struct udma_chan_stats st = stats(held);
	int n, dev1, blank, counters, i;

	text = summary(lines, 64, &n);
	if (getenv("T_VERBOSE"))
		for (i = 0; i < n; i++)
			fprintf(stderr, "[summary] %s\n", lines[i]);
	/* the kernel's part: devices in registration order, held channels,
	 * a blank line between devices */
	CHECK_EQ(strcmp(lines[0], "dma0 (dma0): number of channels: 2"), 0);
	CHECK(has_line(lines, n, " dma0chan0    | in-use"));
	CHECK(has_line(lines, n, " dma0chan1    | uart0:tx"));
	CHECK_EQ(strcmp(dma_chan_name(held), "dma0chan0"), 0);
	CHECK_EQ(strcmp(dma_chan_name(by_name), "dma0chan1"), 0);
	dev1 = find_prefix(lines, n, "dma1 (dma1): number of channels: 1");
	CHECK(dev1 > 0);
	CHECK_EQ(strcmp(lines[dev1 - 1], ""), 0);
	/* then, after a blank line, the counters of every channel: dma1chan0,
	 * not held, is not in the kernel's part */
	counters = find_prefix(lines, n, "udmaengine counters:");
	CHECK_EQ(counters, dev1 + 2);
	blank = counters - 1;
	CHECK_EQ(strcmp(lines[blank], ""), 0);
	snprintf(want, sizeof(want), " dma0chan0    | in-use memcpy=%llu memset=%llu slave=%llu "
		 "interleave=%llu bytes=%llu submitted=%llu completed=%llu errors=%llu "
		 "terminated=%llu in_flight=0",
		 (unsigned long long)st.memcpy_count, (unsigned long long)st.memset_count,
		 (unsigned long long)st.slave_count, (unsigned long long)st.interleave_count,
		 (unsigned long long)st.bytes_transferred, (unsigned long long)st.submitted,
		 (unsigned long long)st.completed, (unsigned long long)st.errors,
		 (unsigned long long)st.terminated);
	CHECK_EQ(strcmp(lines[counters + 1], want), 0);
	CHECK(starts_with(lines[counters + 2], " dma0chan1    | in-use memcpy=0 memset=0 slave=2 "));
	CHECK(starts_with(lines[counters + 3], " dma1chan0    | free memcpy=0 memset=0 slave=0 "));
	CHECK_EQ(strcmp(lines[counters + 4], ""), 0);	/* the text ends with a newline */
	CHECK_EQ(n, counters + 5);
	free(text);
}

/* Counters read on another thread while copies run: TSan checks the
 * reads, and every read is consistent and no counter goes back. */
struct reader {
	struct dma_chan *chan;
	int stop;
	unsigned long reads;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	struct udma_chan_stats last = stats(r->chan), st;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		st = stats(r->chan);
		CHECK(st.submitted >= last.submitted);
		CHECK(st.completed >= last.completed);
		CHECK(st.bytes_transferred >= last.bytes_transferred);
		CHECK(st.memcpy_count <= st.submitted);
		last = st;
		__atomic_fetch_add(&r->reads, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void concurrent(struct dma_chan *chan, unsigned char *dst, unsigned char *src)
{
	struct udma_chan_stats a = stats(chan), b;
	struct reader r = { .chan = chan };
	struct udma_copy batch[32];
	dma_cookie_t last = 0;
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, read_loop, &r), 0);
	for (int round = 0; round < 200; round++) {
		/* the reader reads between the rounds, however the threads run */
		for (int i = 0; __atomic_load_n(&r.reads, __ATOMIC_ACQUIRE) <= (unsigned long)round / 8; i++) {
			CHECK(i < 1000000);
			t_sleep_us(10);
		}
		for (int i = 0; i < 32; i++)
			batch[i] = (struct udma_copy){ .dst = t_addr(dst + 128 * i),
						       .src = t_addr(src + 128 * i), .len = 64 };
		CHECK_EQ(udma_submit_memcpy_batch(chan, batch, 32, 0, &last), 32);
		dma_async_issue_pending(chan);
		if (round % 16 == 15)
			CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	}
	CHECK_EQ(dma_sync_wait(chan, last), DMA_COMPLETE);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	CHECK_EQ(pthread_join(t, NULL), 0);
	b = stats(chan);
	check_delta(&a, &b, (struct delta){ .memcpy = 6400, .bytes = 6400 * 64, .submitted = 6400,
					    .completed = 6400 });
}

int main(void)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
					.nr_channels = 2 };
	struct udma_soft_config cfg1 = { .name = "dma1", .nr_channels = 1 };
	struct dma_device *dev, *dev1;
	struct dma_chan *chan, *by_name, *free_chan = NULL, *c;
	struct udma_fifo_config fc = { .name = "uart0-tx", .dir = DMA_MEM_TO_DEV,
				       .depth = FIFO_DEPTH, .width = DMA_SLAVE_BUSWIDTH_1_BYTE };
	struct udma_fifo *fifo;
	struct dma_slave_map map[1];
	unsigned char *src = t_alloc(1 << 20), *dst = t_alloc(1 << 20);
	struct udma_chan_stats st;

	t_diag_capture();
	t_fill(src, 1 << 20, 1);
	dev = t_soft_create(&cfg);
	dev1 = t_soft_create(&cfg1);
	refusals();

	/* a fresh channel: nothing counted; held or not, it answers */
	chan = t_request(DMA_MEMCPY);
	list_for_each_entry(c, &dev->channels, struct dma_chan, device_node)
		if (c != chan)
			free_chan = c;
	CHECK(free_chan);
	st = stats(chan);
	CHECK(st.in_use);
	CHECK_EQ(st.submitted, 0);
	CHECK_EQ(st.bytes_transferred, 0);
	st = stats(free_chan);
	CHECK(!st.in_use);
	CHECK_EQ(st.submitted, 0);

	t_diag_reset();
	CHECK_EQ(udma_chan_get_stats(chan, NULL), -EINVAL);
	CHECK_DIAG("dma0chan0: udma_chan_get_stats: st is NULL");

	memory_kinds(chan, dst, src);
	backlog(chan, dst, src);
	errors(chan, dst, src);

	/* by name, through a slave map: the kernel names the client */
	fifo = udma_fifo_create(&fc);
	CHECK(!IS_ERR(fifo));
	map[0] = (struct dma_slave_map){ "uart0", "tx", fifo };
	dev->filter.map = map;
	dev->filter.mapcnt = 1;
	by_name = dma_request_chan(&uart0, "tx");
	CHECK(!IS_ERR(by_name));
	CHECK(by_name == free_chan);
	slave(by_name, fifo);

	check_summary(chan, by_name);

	/* in_use follows request and release; the counts stay with the channel */
	st = stats(chan);
	dma_release_channel(chan);
	{
		struct udma_chan_stats after = stats(chan);

		CHECK(!after.in_use);
		check_delta(&st, &after, (struct delta){ 0 });
	}
	CHECK(t_request(DMA_MEMCPY) == chan);
	CHECK(stats(chan).in_use);
	CHECK_EQ(stats(chan).submitted, st.submitted);

	concurrent(chan, dst, src);

	/* release with work queued: release terminates it, and counts it */
	st = stats(chan);
	{
		struct t_counter never;

		t_counter_init(&never);
		t_submit_counted(dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 64, 0),
				 &never);
		dma_release_channel(chan);
		CHECK_EQ(t_counter_get(&never), 0);
	}
	{
		struct udma_chan_stats after = stats(chan);

		check_delta(&st, &after, (struct delta){ .memcpy = 1, .bytes = 64, .submitted = 1,
							 .terminated = 1 });
	}

	dma_release_channel(by_name);
	dev->filter.map = NULL;
	dev->filter.mapcnt = 0;
	udma_fifo_destroy(fifo);
	CHECK_EQ(udma_soft_destroy(dev1), 0);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(src);
	free(dst);
	printf("core-stats: counts per kind, bytes, completed, terminated, errors, in_use, "
	       "summary and refusals as expected\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * udma_trace_start/stop around a workload on the soft controller: memcpy
 * with and without callbacks, a batch, a slave transfer through a FIFO,
 * queued work terminated behind a stalled one. With a path argument, the
 * trace goes there and what the workload did is printed as one JSON line
 * for tests/trace-check.py, which parses the trace and checks it; without
 * one, to a temporary file, checked only for its frame.
 */
#define _GNU_SOURCE	/* pthread_getname_np: the client track's name */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include <udmaengine/trace.h>

#include "helpers.h"

#define COPIES 24
#define BATCH 64
#define STALLED 5
#define SLAVE_LEN 2048

static void sink(void *arg, const void *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
}

/* The manifest: cookies by what the trace must show of them. */
static char manifest[16384];
static size_t mlen;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mlen += (size_t)vsnprintf(manifest + mlen, sizeof(manifest) - mlen, fmt, ap);
	va_end(ap);
	CHECK(mlen < sizeof(manifest));
}

static void list(const char *key, const char *chan, const dma_cookie_t *c, int n, bool comma)
{
	out("\"%s\":{\"channel\":\"%s\",\"cookies\":[", key, chan);
	for (int i = 0; i < n; i++)
		out("%s%d", i ? "," : "", c[i]);
	out("]}%s", comma ? "," : "");
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/udma-trace-XXXXXX";
	const char *path = argc > 1 ? argv[1] : tmp;
	struct t_counter done, batch_done, slave_done;
	dma_cookie_t cb_cookies[COPIES], plain_cookies[COPIES], batch_cb[BATCH], stalled[STALLED];
	dma_cookie_t slave_cookie, last;
	int ncb = 0, nplain = 0, nbatch_cb = 0;
	struct udma_copy copies[BATCH];
	unsigned char *src = t_alloc(BATCH * 64), *dst = t_alloc(BATCH * 64);
	unsigned char *sbuf = t_alloc(SLAVE_LEN);

	if (argc == 1) {
		int fd = mkstemp(tmp);

		CHECK(fd >= 0);
		close(fd);
	}
	t_diag_capture();
	CHECK_EQ(udma_trace_start(NULL), -EINVAL);
	CHECK_DIAG("path is NULL");
	CHECK_EQ(udma_trace_stop(), -EINVAL);
	CHECK_EQ(udma_trace_start(path), 0);
	CHECK_EQ(udma_trace_start(path), -EBUSY);
	CHECK_DIAG("tracing already");

	struct dma_device *dev = t_soft_create(NULL);
	struct dma_chan *mc = t_request(DMA_MEMCPY);
	struct dma_chan *stall = t_request(DMA_MEMCPY);
	char mc_name[32], stall_name[32], sc_name[32];	/* the manifest's, after release */

	snprintf(mc_name, sizeof(mc_name), "%s", dma_chan_name(mc));
	snprintf(stall_name, sizeof(stall_name), "%s", dma_chan_name(stall));

	t_counter_init(&done);
	t_counter_init(&batch_done);
	t_counter_init(&slave_done);
	t_fill(src, BATCH * 64, 1);

	/* memcpy, every other copy with a callback */
	for (int i = 0; i < COPIES; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(
			mc, t_addr(dst + 64 * i), t_addr(src + 64 * i), 64, DMA_PREP_INTERRUPT);

		CHECK(tx);
		if (i % 2 == 0) {
			cb_cookies[ncb++] = t_submit_counted(tx, &done);
		} else {
			plain_cookies[nplain] = dmaengine_submit(tx);
			CHECK(plain_cookies[nplain++] > 0);
		}
	}
	dma_async_issue_pending(mc);
	CHECK(t_counter_wait(&done, ncb, 10000));
	CHECK_EQ(dma_sync_wait(mc, plain_cookies[nplain - 1]), DMA_COMPLETE);

	/* a batch: every eighth copy calls back, the rest are bare */
	for (int i = 0; i < BATCH; i++)
		copies[i] = (struct udma_copy){ .dst = t_addr(dst + 64 * i), .src = t_addr(src + 64 * i),
						.len = 64,
						.callback = i % 8 == 7 ? t_count_callback : NULL,
						.callback_param = &batch_done };
	CHECK_EQ(udma_submit_memcpy_batch(mc, copies, BATCH, 0, &last), BATCH);
	for (int i = 0; i < BATCH; i++)
		if (i % 8 == 7)
			batch_cb[nbatch_cb++] = last - BATCH + 1 + i;
	dma_async_issue_pending(mc);
	CHECK(t_counter_wait(&batch_done, nbatch_cb, 10000));
	CHECK_EQ(dma_sync_wait(mc, last), DMA_COMPLETE);
	CHECK(memcmp(dst, src, BATCH * 64) == 0);

	/* slave: memory to a rate-driven TX FIFO, in bursts its request line asks for */
	struct udma_fifo_config fc = { .name = "trace-tx", .dir = DMA_MEM_TO_DEV, .depth = 256,
				       .width = DMA_SLAVE_BUSWIDTH_4_BYTES, .rate = 4000000,
				       .sink = sink };
	struct udma_fifo *fifo = udma_fifo_create(&fc);

	dma_cap_mask_t mask;

	CHECK(!IS_ERR(fifo));
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	struct dma_chan *sc = dma_request_channel(mask, udma_soft_filter, fifo);
	CHECK(sc);
	snprintf(sc_name, sizeof(sc_name), "%s", dma_chan_name(sc));
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV, .dst_addr = udma_fifo_addr(fifo),
					.dst_maxburst = 16 };
	CHECK_EQ(dmaengine_slave_config(sc, &cfg), 0);
	slave_cookie = t_submit_counted(dmaengine_prep_slave_single(sc, t_addr(sbuf), SLAVE_LEN,
								    DMA_MEM_TO_DEV,
								    DMA_PREP_INTERRUPT),
					&slave_done);
	dma_async_issue_pending(sc);
	CHECK(t_counter_wait(&slave_done, 1, 10000));

	/* terminate: work queued behind a stalled transfer never completes */
	struct udma_soft_fault stall_all = { .kind = UDMA_FAULT_STALL, .one_in = 1, .at = 0 };
	struct t_counter never;

	t_counter_init(&never);
	CHECK_EQ(udma_soft_inject(stall, &stall_all), 0);
	for (int i = 0; i < STALLED; i++)
		stalled[i] = t_submit_counted(dmaengine_prep_dma_memcpy(stall, t_addr(dst), t_addr(src),
									64, DMA_PREP_INTERRUPT),
					      &never);
	dma_async_issue_pending(stall);
	t_sleep_us(20000);
	CHECK_EQ(dmaengine_terminate_async(stall), 0);
	dmaengine_synchronize(stall);
	CHECK_EQ(udma_soft_inject(stall, NULL), 0);
	t_sleep_us(5000);
	CHECK_EQ(t_counter_get(&never), 0);

	dma_release_channel(sc);
	udma_fifo_destroy(fifo);
	dma_release_channel(stall);
	dma_release_channel(mc);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(udma_trace_stop(), 0);
	CHECK_EQ(udma_trace_stop(), -EINVAL);
	free(src);
	free(dst);
	free(sbuf);

	if (argc > 1) {	/* what the trace must show, for trace-check.py */
		char name[16] = "";

		pthread_getname_np(pthread_self(), name, sizeof(name));
		out("{\"client\":\"%s\",\"fifo\":\"trace-tx\",", name);
		list("callbacks", mc_name, cb_cookies, ncb, true);
		list("no_callbacks", mc_name, plain_cookies, nplain, true);
		list("batch_callbacks", mc_name, batch_cb, nbatch_cb, true);
		out("\"batch_last\":%d,\"batch_count\":%d,", last, BATCH);
		list("slave", sc_name, &slave_cookie, 1, true);
		list("terminated", stall_name, stalled, STALLED, false);
		out("}\n");
		fputs(manifest, stdout);
		return 0;
	}

	/* alone: the frame of the file */
	FILE *f = fopen(path, "r");
	char head[256] = "", tail[8] = "";
	long size;

	CHECK(f);
	CHECK(fgets(head, sizeof(head), f));
	CHECK(strstr(head, "\"traceEvents\":[") && strstr(head, "\"displayTimeUnit\":\"ns\""));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	CHECK(size > 1000);
	fseek(f, -4, SEEK_END);
	CHECK(fread(tail, 1, 4, f) == 4);
	CHECK(memcmp(tail, "\n]}\n", 4) == 0);
	fclose(f);
	unlink(path);
	printf("trace-check: %ld bytes of trace, framed\n", size);
	return 0;
}

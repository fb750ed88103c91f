/* SPDX-License-Identifier: MIT */
/*
 * One dmatest thread: the kernel's dmatest_func. It repeats one test until
 * it has done `iterations` (or is stopped): pick a length and offsets, fill
 * both buffers with the patterns, have the channel copy (or fill, or loop
 * through a FIFO pair), wait for the completion, verify every byte of both
 * buffers, and print a result line for each failure. At the end it prints
 * the kernel's summary line, with iops and KB/s computed the kernel's way
 * (fill and verify time left out).
 */
#define _GNU_SOURCE	/* pthread_setname_np: threads show up named, as kthreads do */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmatest.h"

uint64_t dmatest_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* splitmix64: any seed, zero included, gives a good stream. */
static uint64_t dmatest_random(struct dmatest_thread *t)
{
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The kernel's fixed-point rate: @val events in @runtime_us, times 256.
 * Kept exactly so the summary's numbers match the kernel's for the same
 * counts and time, truncation included.
 */
#define FIXPT_SHIFT	8
static unsigned long long dmatest_persec(int64_t runtime_us, unsigned int val)
{
	unsigned long long per_sec = 1000000;

	if (runtime_us <= 0)
		return 0;
	while (runtime_us > UINT_MAX) {		/* the kernel divides by 32 bits */
		runtime_us >>= 1;
		per_sec <<= 1;
	}
	per_sec *= val;
	per_sec <<= FIXPT_SHIFT;
	return per_sec / (unsigned long long)runtime_us;
}

static void result(struct dmatest_thread *t, const char *err, unsigned int n,
		   unsigned int src_off, unsigned int dst_off, unsigned int len, long long data)
{
	dmatest_log("%s: result #%u: '%s' with src_off=0x%x dst_off=0x%x len=0x%x (%lld)",
		    t->name, n, err, src_off, dst_off, len, data);
}

/* ---- waiting for the completion ---- */

static void dmatest_callback(void *param, const struct dmaengine_result *res)
{
	struct dmatest_thread *t = param;

	pthread_mutex_lock(&t->lock);
	t->res = *res;
	t->done = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static void arm(struct dmatest_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->done = false;
	t->res.result = DMA_TRANS_NOERROR;
	t->res.residue = 0;
	pthread_mutex_unlock(&t->lock);
}

/*
 * Waits for the callback until @deadline_ns (0: no limit). A run that is
 * being stopped gives up an unlimited wait, so SIGINT always ends it.
 */
static bool wait_done(struct dmatest_thread *t, uint64_t deadline_ns)
{
	bool done;

	pthread_mutex_lock(&t->lock);
	while (!t->done) {
		uint64_t now = dmatest_now_ns(), until = now + 100000000u;	/* 100 ms slices */
		struct timespec ts;

		if (deadline_ns && now >= deadline_ns)
			break;
		if (!deadline_ns && dmatest_stopping())
			break;
		if (deadline_ns && deadline_ns < until)
			until = deadline_ns;
		ts.tv_sec = (time_t)(until / 1000000000u);
		ts.tv_nsec = (long)(until % 1000000000u);
		pthread_cond_timedwait(&t->cond, &t->lock, &ts);
	}
	done = t->done;
	pthread_mutex_unlock(&t->lock);
	return done;
}

static uint64_t deadline_after(const struct dmatest_params *p)
{
	return p->timeout < 0 ? 0 : dmatest_now_ns() + (uint64_t)p->timeout * 1000000u;
}

/* One transfer's outcome: NULL and data 0 when it completed well. */
struct outcome {
	const char *err;
	long long data;
};

/*
 * After the transfer was issued: its completion, the kernel's way. Polled:
 * dma_sync_wait (which has its own 5 s limit, as in the kernel); otherwise
 * the callback within `timeout`. A transfer that did not complete is
 * terminated at once, so the channel is usable for the next test.
 */
static struct outcome complete(struct dmatest_thread *t, dma_cookie_t cookie, uint64_t deadline)
{
	const struct dmatest_params *p = t->params;
	struct dma_chan *chan = t->dtc->chan;
	enum dma_status status;
	bool done;

	if (p->polled) {
		status = dma_sync_wait(chan, cookie);
		done = status == DMA_COMPLETE;
	} else {
		done = wait_done(t, deadline);
		status = dma_async_is_tx_complete(chan, cookie, NULL, NULL);
	}
	if (!done) {
		dmaengine_terminate_sync(chan);
		return (struct outcome){ "test timed out", 0 };
	}
	if (status != DMA_COMPLETE) {
		dmaengine_terminate_sync(chan);
		return (struct outcome){ status == DMA_ERROR ? "completion error status"
							     : "completion busy status", 0 };
	}
	/* The engine said it failed (callback_result): the kernel's DMA_ERROR. */
	if (t->res.result != DMA_TRANS_NOERROR)
		return (struct outcome){ "completion error status", t->res.result };
	return (struct outcome){ NULL, 0 };
}

static struct outcome submit_one(struct dmatest_thread *t, struct dma_async_tx_descriptor *tx,
				 dma_cookie_t *cookie)
{
	if (!tx) {
		sleep_ms(100);	/* as the kernel: a failing engine is not hammered */
		return (struct outcome){ "prep error", 0 };
	}
	if (!t->params->polled) {
		tx->callback_result = dmatest_callback;
		tx->callback_param = t;
	}
	*cookie = dmaengine_submit(tx);
	if (dma_submit_error(*cookie)) {
		sleep_ms(100);
		return (struct outcome){ "submit error", *cookie };
	}
	return (struct outcome){ NULL, 0 };
}

static struct outcome run_mem(struct dmatest_thread *t, uint8_t *src, uint8_t *dst,
			      unsigned int src_off, unsigned int dst_off, unsigned int len,
			      unsigned long flags)
{
	struct dma_chan *chan = t->dtc->chan;
	struct device *dev = chan->device->dev;
	size_t size = t->params->buf_size;
	/* Whole buffers mapped, as the kernel maps whole pages. */
	dma_addr_t s = dma_map_single(dev, src, size, DMA_TO_DEVICE);
	dma_addr_t d = dma_map_single(dev, dst, size, DMA_BIDIRECTIONAL);
	struct dma_async_tx_descriptor *tx;
	struct outcome o;
	dma_cookie_t cookie = 0;

	if (dma_mapping_error(dev, s) || dma_mapping_error(dev, d)) {
		o = (struct outcome){ dma_mapping_error(dev, s) ? "src mapping error"
								: "dst mapping error", -ENOMEM };
		goto unmap;
	}
	arm(t);
	if (t->op == OP_MEMSET)	/* the fill value is the source byte at src_off */
		tx = dmaengine_prep_dma_memset(chan, d + dst_off, src[src_off], len, flags);
	else
		tx = dmaengine_prep_dma_memcpy(chan, d + dst_off, s + src_off, len, flags);
	o = submit_one(t, tx, &cookie);
	if (!o.err) {
		uint64_t deadline = deadline_after(t->params);

		if (!t->params->polled)
			dma_async_issue_pending(chan);
		o = complete(t, cookie, deadline);
	}
unmap:
	if (!dma_mapping_error(dev, s))
		dma_unmap_single(dev, s, size, DMA_TO_DEVICE);
	if (!dma_mapping_error(dev, d))
		dma_unmap_single(dev, d, size, DMA_BIDIRECTIONAL);
	return o;
}

/*
 * Slave: memory -> TX FIFO -> (this thread, the wire) -> RX FIFO -> memory,
 * two descriptors on the one channel. The callback is on the RX one: when
 * it runs, the bytes are in the destination. Threads of one channel take
 * turns, as they share its FIFO pair.
 */
static struct outcome run_slave(struct dmatest_thread *t, uint8_t *src, uint8_t *dst,
				unsigned int src_off, unsigned int dst_off, unsigned int len,
				unsigned long flags)
{
	struct dmatest_chan *dtc = t->dtc;
	struct dma_chan *chan = dtc->chan;
	struct device *dev = chan->device->dev;
	dma_addr_t s = dma_map_single(dev, src + src_off, len, DMA_TO_DEVICE);
	dma_addr_t d = dma_map_single(dev, dst + dst_off, len, DMA_FROM_DEVICE);
	struct dma_async_tx_descriptor *txd = NULL, *rxd = NULL;
	struct outcome o = { NULL, 0 };
	dma_cookie_t cookie;
	uint64_t deadline;

	if (dma_mapping_error(dev, s) || dma_mapping_error(dev, d)) {
		o = (struct outcome){ dma_mapping_error(dev, s) ? "src mapping error"
								: "dst mapping error", -ENOMEM };
		goto unmap;
	}
	pthread_mutex_lock(&dtc->slave_lock);
	arm(t);
	/*
	 * A TX descriptor prepared but left unsubmitted (RX prep failed) stays
	 * the client's until the channel is released, which frees it.
	 */
	txd = dmaengine_prep_slave_single(chan, s, len, DMA_MEM_TO_DEV, DMA_CTRL_ACK);
	if (txd)
		rxd = dmaengine_prep_slave_single(chan, d, len, DMA_DEV_TO_MEM, flags);
	if (!txd || !rxd) {
		o = submit_one(t, NULL, &cookie);
		goto unlock;
	}
	cookie = dmaengine_submit(txd);
	if (dma_submit_error(cookie)) {
		sleep_ms(100);
		o = (struct outcome){ "submit error", cookie };
		goto unlock;
	}
	o = submit_one(t, rxd, &cookie);
	if (o.err) {
		dmaengine_terminate_sync(chan);		/* the queued TX half */
		goto unlock;
	}
	deadline = deadline_after(t->params);
	dma_async_issue_pending(chan);
	if (!dmatest_slave_wire(dtc, len, deadline)) {
		dmaengine_terminate_sync(chan);
		o = (struct outcome){ "test timed out", 0 };
	} else {
		o = complete(t, cookie, deadline);
	}
	if (o.err)
		dmatest_slave_drain(dtc);	/* the next test starts with empty FIFOs */
unlock:
	pthread_mutex_unlock(&dtc->slave_lock);
unmap:
	if (!dma_mapping_error(dev, s))
		dma_unmap_single(dev, s, len, DMA_TO_DEVICE);
	if (!dma_mapping_error(dev, d))
		dma_unmap_single(dev, d, len, DMA_FROM_DEVICE);
	return o;
}

static unsigned int align_of(const struct dmatest_thread *t)
{
	const struct dmatest_params *p = t->params;
	const struct dma_device *dev = t->dtc->chan->device;

	if (p->alignment >= 0)
		return (unsigned int)p->alignment;
	switch (t->op) {
	case OP_MEMSET:
		return dev->fill_align;
	case OP_MEMCPY:
		return dev->copy_align;
	default:
		return 0;	/* slave: the FIFOs' one-byte data registers take any length */
	}
}

static void *alloc_buf(size_t size, unsigned int align)
{
	void *p = NULL;
	size_t a = (size_t)1 << align;

	if (a < 64)
		a = 64;
	if (posix_memalign(&p, a, size))
		return NULL;
	memset(p, 0, size);	/* noverify never fills it: still defined bytes */
	return p;
}

void *dmatest_func(void *arg)
{
	struct dmatest_thread *t = arg;
	const struct dmatest_params *p = t->params;
	bool is_memset = t->op == OP_MEMSET;
	unsigned int buf_size = p->buf_size, align, total_tests = 0, failed_tests = 0;
	unsigned long flags = p->polled ? DMA_CTRL_ACK : DMA_CTRL_ACK | DMA_PREP_INTERRUPT;
	uint64_t t0 = 0, filltime = 0, comparetime = 0, total_len = 0;
	int64_t runtime_us = 0;
	uint8_t *src = NULL, *dst = NULL;
	unsigned long long iops;

#ifdef __GLIBC__
	{
		char comm[16];	/* the kernel's TASK_COMM_LEN */
		size_t n = strlen(t->name) < sizeof(comm) ? strlen(t->name) : sizeof(comm) - 1;

		memcpy(comm, t->name, n);
		comm[n] = '\0';
		pthread_setname_np(pthread_self(), comm);
	}
#endif
	dmatest_wait_start();
	t->ret = -ENOMEM;
	align = align_of(t);
	if ((1ull << align) > buf_size) {
		dmatest_log("%u-byte buffer too small for %llu-byte alignment", buf_size,
			    1ull << align);
		t->ret = -EINVAL;
		goto summary;
	}
	src = alloc_buf(buf_size, align);
	dst = alloc_buf(buf_size, align);
	if (!src || !dst)
		goto summary;

	t0 = dmatest_now_ns();
	while (!dmatest_stopping() && !(p->iterations && total_tests >= p->iterations)) {
		unsigned int len, src_off, dst_off, errors;
		struct outcome o;
		uint64_t start;

		total_tests++;
		__atomic_store_n(&t->total_tests, total_tests, __ATOMIC_RELAXED);

		if (p->transfer_size)
			len = p->transfer_size;	/* taken as given, even unaligned */
		else if (p->norandom)
			len = buf_size;
		else
			len = (unsigned int)(dmatest_random(t) % buf_size) + 1;
		if (!p->transfer_size) {
			len = (len >> align) << align;
			if (!len)
				len = 1u << align;
		}
		total_len += len;

		if (p->norandom) {
			src_off = dst_off = 0;
		} else {
			src_off = (unsigned int)(dmatest_random(t) % (buf_size - len + 1));
			dst_off = (unsigned int)(dmatest_random(t) % (buf_size - len + 1));
			src_off = (src_off >> align) << align;
			dst_off = (dst_off >> align) << align;
		}

		if (!p->noverify) {
			start = dmatest_now_ns();
			dmatest_init_src(src, src_off, len, buf_size, is_memset);
			dmatest_init_dst(dst, dst_off, len, buf_size, is_memset);
			filltime += dmatest_now_ns() - start;
		}

		if (t->op == OP_SLAVE)
			o = run_slave(t, src, dst, src_off, dst_off, len, flags);
		else
			o = run_mem(t, src, dst, src_off, dst_off, len, flags);
		if (o.err) {
			result(t, o.err, total_tests, src_off, dst_off, len, o.data);
			goto failed;
		}

		if (p->noverify) {
			if (p->verbose)
				result(t, "test passed", total_tests, src_off, dst_off, len, 0);
			continue;
		}

		start = dmatest_now_ns();
		/* the source: untouched everywhere */
		errors = dmatest_verify(t->name, src, 0, src_off, 0, PATTERN_SRC, true, is_memset);
		errors += dmatest_verify(t->name, src, src_off, src_off + len, src_off,
					 PATTERN_SRC | PATTERN_COPY, true, is_memset);
		errors += dmatest_verify(t->name, src, src_off + len, buf_size, src_off + len,
					 PATTERN_SRC, true, is_memset);
		/* the destination: untouched around the transfer, the source's bytes in it */
		errors += dmatest_verify(t->name, dst, 0, dst_off, 0, PATTERN_DST, false, is_memset);
		errors += dmatest_verify(t->name, dst, dst_off, dst_off + len, src_off,
					 PATTERN_SRC | PATTERN_COPY, false, is_memset);
		errors += dmatest_verify(t->name, dst, dst_off + len, buf_size, dst_off + len,
					 PATTERN_DST, false, is_memset);
		comparetime += dmatest_now_ns() - start;

		if (!errors) {
			if (p->verbose)
				result(t, "test passed", total_tests, src_off, dst_off, len, 0);
			continue;
		}
		result(t, "data error", total_tests, src_off, dst_off, len, errors);
failed:
		failed_tests++;
		__atomic_store_n(&t->failed_tests, failed_tests, __ATOMIC_RELAXED);
	}
	runtime_us = (int64_t)((dmatest_now_ns() - t0 - filltime - comparetime) / 1000u);
	t->ret = 0;

summary:
	free(src);
	free(dst);
	iops = dmatest_persec(runtime_us, total_tests);
	dmatest_log("%s: summary %u tests, %u failures %llu.%02llu iops %llu KB/s (%d)",
		    t->name, total_tests, failed_tests, iops >> FIXPT_SHIFT,
		    ((iops & 0xff) * 100) >> FIXPT_SHIFT,
		    dmatest_persec(runtime_us, (unsigned int)(total_len >> 10)) >> FIXPT_SHIFT,
		    t->ret);
	dmatest_thread_finished(t);
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * udma_submit_memcpy_batch: many memcpy preps and submits in one call.
 *
 * The provider's batch op takes the copies it can; whatever it leaves (all
 * of them on a provider without the op; from a copy it would refuse on)
 * goes through the kernel calls one by one, so every check, diagnostic and
 * misuse report is theirs and a batch behaves exactly as its calls would.
 */
#include "internal.h"
#include <udma/trace-hooks.h>

/* The first copies (up to @n) the core's memcpy checks pass. */
static unsigned int fine_prefix(const struct dma_chan *chan, const struct udma_copy *copies,
				unsigned int n, unsigned long flags)
{
	const struct dma_device *dev = chan->device;
	unsigned int i = 0;

	if (!udma_memcpy_flags_fine(dev, flags))
		return 0;
	while (i < n && udma_memcpy_addrs_fine(dev, copies[i].dst, copies[i].src, copies[i].len))
		i++;
	return i;
}

/* One copy through the kernel calls; its cookie, or < 0 if refused. */
static dma_cookie_t submit_one(struct dma_chan *chan, const struct udma_copy *c,
			       unsigned long flags)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_dma_memcpy(chan, c->dst, c->src, c->len, udma_copy_flags(c, flags));
	if (!tx)
		return -EINVAL;
	tx->callback = c->callback;
	tx->callback_result = c->callback_result;
	tx->callback_param = c->callback_param;
	return dmaengine_submit(tx);
}

static inline __attribute__((always_inline)) int
batch(struct dma_chan *chan, const struct udma_copy *copies, unsigned int n, unsigned long flags,
      dma_cookie_t *last_cookie)
{
	const struct dma_device *dev;
	dma_cookie_t cookie = 0;
	unsigned int done = 0;
	int err = udma_chan_check(chan, "udma_submit_memcpy_batch");

	if (err)
		return err;
	if (n && !copies) {
		udma_chan_diag(chan, "udma_submit_memcpy_batch", "copies is NULL (n %u)", n);
		return -EINVAL;
	}
	if (flags & DMA_CTRL_REUSE) {
		udma_chan_diag(chan, "udma_submit_memcpy_batch", "flags: DMA_CTRL_REUSE, but a batch gives no "
			       "descriptor back to submit again");
		return -EINVAL;
	}
	dev = chan->device;
	if (dev->udma_submit_memcpy_batch)
		done = dev->udma_submit_memcpy_batch(chan, copies, fine_prefix(chan, copies, n, flags),
						     flags, &cookie);
	for (; done < n; done++) {
		dma_cookie_t c = submit_one(chan, &copies[done], flags);

		if (c < 0) {
			err = c;
			break;
		}
		cookie = c;
	}
	if (!done)
		return n ? err : 0;
	if (last_cookie)
		*last_cookie = cookie;
	return (int)done;
}

/* The batch slice: its copies with callbacks start their flows in it. */
static __attribute__((noinline, cold)) int
batch_traced(struct dma_chan *chan, const struct udma_copy *copies, unsigned int n,
	     unsigned long flags, dma_cookie_t *last_cookie)
{
	uint64_t t0 = udma_trace_now();
	dma_cookie_t last = 0;
	int ret = batch(chan, copies, n, flags, &last);

	if (ret > 0) {
		udma_trace_slice(UT_BATCH, chan, t0, last, (uint64_t)ret);
		if (last_cookie)
			*last_cookie = last;
	}
	return ret;
}

int udma_submit_memcpy_batch(struct dma_chan *chan, const struct udma_copy *copies,
			     unsigned int n, unsigned long flags, dma_cookie_t *last_cookie)
{
	if (udma_trace_on())
		return batch_traced(chan, copies, n, flags, last_cookie);
	return batch(chan, copies, n, flags, last_cookie);
}

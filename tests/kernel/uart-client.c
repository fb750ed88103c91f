/* SPDX-License-Identifier: MIT */
/*
 * The DMA half of a serial driver for UART0 of the kdma SoC, and a memcpy
 * user of a spare channel of the same controller.
 *
 * Receive runs as serial drivers run it: a ring of buffers, each a slave_sg
 * descriptor; the DMA callback queues a finished buffer for the driver's
 * tasklet, which syncs it for the CPU, hands the bytes on, syncs it back for
 * the device and queues it again. An idle line ends a partial buffer: pause,
 * read the residue, take what arrived, terminate, then read what the DMA
 * left in the FIFO by PIO. A receive error stops the ring from the callback
 * (dmaengine_terminate_async); process context synchronizes and restarts.
 *
 * Every step is checked byte for byte; module_init fails with -EINVAL and a
 * line naming the first check that did not hold.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "kdma.h"

#define UART_RX_BLOCKS		4
#define UART_RX_BLOCK_SIZE	32
#define UART_RX_SPLIT		20	/* each buffer is two sg entries */
#define UART_RX_STREAM		(8 * UART_RX_BLOCK_SIZE)
#define UART_RX_BURST		4
#define UART_TX_SIZE		200
#define UART_TX_BURST		8
#define UART_COPY_SIZE		4096
#define UART_TIMEOUT_MS		5000

#define uc_check(cond)							\
	do {								\
		if (!(cond)) {						\
			pr_err("uart-client: %s: check failed: %s\n",	\
			       __func__, #cond);			\
			return -EINVAL;					\
		}							\
	} while (0)

struct uart_dma;

struct uart_rx_buf {
	struct list_head node;		/* on uart_dma.rx_done once filled */
	struct uart_dma *up;
	unsigned int index;
	u8 *buf;
	dma_addr_t dma;			/* streaming mapping, for the buffer's life */
	struct scatterlist sg[2];
	struct dma_async_tx_descriptor *desc;
	dma_cookie_t cookie;
	bool client_meta;		/* DESC_METADATA_CLIENT, else _ENGINE */
	/* set by the completion callback */
	struct dmaengine_result res;
	struct kdma_rx_meta meta;
	bool meta_bad;
	unsigned int callbacks;
};

struct uart_copy {
	struct dmaengine_result res;
	unsigned int order;
	unsigned int *seq;
	struct completion *done;
};

struct uart_dma {
	struct device *dma_dev;
	struct dma_chan *rx;
	struct dma_chan *tx;
	struct dma_chan *mc;
	struct uart_rx_buf bufs[UART_RX_BLOCKS];

	spinlock_t lock;		/* protects everything below */
	struct list_head rx_done;	/* filled buffers for the tasklet */
	unsigned int rx_armed;		/* descriptors queued in this run */
	unsigned int rx_limit;		/* how many this run queues in all */
	size_t rx_target;		/* bytes the run is complete at */
	u8 tty[UART_RX_STREAM];		/* what the tty layer got */
	size_t tty_len;
	struct kdma_rx_meta frames[UART_RX_STREAM / UART_RX_BLOCK_SIZE];
	unsigned int nframes;
	int rx_fail;			/* first failure the tasklet saw */
	unsigned int rx_errors;
	unsigned int idle_callbacks;
	enum dmaengine_tx_result idle_result;

	struct tasklet_struct rx_task;
	struct completion rx_run_done;
	struct completion rx_error;
	struct completion tx_done;
	struct completion copy_done;
	/* the memcpy test's: callbacks and the engine use them after submit */
	struct uart_copy copies[3];
	unsigned int copy_seq;
	struct kdma_copy_check good, bad;
};

static struct uart_dma uart0;

static struct device uart_dev = {
	.init_name = "uart0",
};

/* The bytes the line carries: position-dependent, so shifts show up. */
static u8 uart_line_byte(size_t pos)
{
	return (u8)(pos * 7 + (pos >> 8) + 1);
}

static void uart_line_fill(u8 *buf, size_t pos, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = uart_line_byte(pos + i);
}

/* ---- receive ---- */

static void uart_rx_dma_done(void *param, const struct dmaengine_result *result);

/* Queues @rb for reception: a two-entry sg list over its mapping. */
static int uart_rx_arm(struct uart_dma *up, struct uart_rx_buf *rb)
{
	struct dma_async_tx_descriptor *desc;
	int ret;

	sg_init_table(rb->sg, 2);
	sg_dma_address(&rb->sg[0]) = rb->dma;
	sg_dma_len(&rb->sg[0]) = UART_RX_SPLIT;
	sg_dma_address(&rb->sg[1]) = rb->dma + UART_RX_SPLIT;
	sg_dma_len(&rb->sg[1]) = UART_RX_BLOCK_SIZE - UART_RX_SPLIT;

	desc = dmaengine_prep_slave_sg(up->rx, rb->sg, 2, DMA_DEV_TO_MEM,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!desc)
		return -EBUSY;
	if (rb->client_meta) {
		ret = dmaengine_desc_attach_metadata(desc, &rb->meta, sizeof(rb->meta));
		if (ret)
			return ret;
	}
	desc->callback_result = uart_rx_dma_done;
	desc->callback_param = rb;
	rb->desc = desc;
	rb->cookie = dmaengine_submit(desc);
	if (dma_submit_error(rb->cookie))
		return rb->cookie;
	dma_async_issue_pending(up->rx);
	return 0;
}

/* DMA callback: tasklet context of the DMA channel. */
static void uart_rx_dma_done(void *param, const struct dmaengine_result *result)
{
	struct uart_rx_buf *rb = param;
	struct uart_dma *up = rb->up;
	unsigned long flags;

	rb->res = *result;
	rb->callbacks++;
	if (!rb->client_meta) {
		size_t payload, max;
		void *md;

		/* the engine's buffer lives as long as the descriptor: read it now */
		md = dmaengine_desc_get_metadata_ptr(rb->desc, &payload, &max);
		if (IS_ERR(md) || payload != sizeof(rb->meta) || max < payload)
			rb->meta_bad = true;
		else
			memcpy(&rb->meta, md, sizeof(rb->meta));
	}

	if (result->result != DMA_TRANS_NOERROR) {
		/* the line broke: drop every buffer queued behind this one */
		dmaengine_terminate_async(up->rx);
		spin_lock_irqsave(&up->lock, flags);
		up->rx_errors++;
		spin_unlock_irqrestore(&up->lock, flags);
		complete(&up->rx_error);
		return;
	}

	spin_lock_irqsave(&up->lock, flags);
	list_add_tail(&rb->node, &up->rx_done);
	spin_unlock_irqrestore(&up->lock, flags);
	tasklet_schedule(&up->rx_task);
}

/* The driver's receive tasklet: hands filled buffers on and requeues them. */
static void uart_rx_work(struct tasklet_struct *t)
{
	struct uart_dma *up = from_tasklet(up, t, rx_task);
	struct uart_rx_buf *rb, *next;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&up->lock, flags);
	list_splice_tail_init(&up->rx_done, &done);
	spin_unlock_irqrestore(&up->lock, flags);

	list_for_each_entry_safe(rb, next, &done, node) {
		size_t len = UART_RX_BLOCK_SIZE - rb->res.residue;
		bool rearm, finished;
		int err = 0;

		list_del(&rb->node);
		dma_sync_single_for_cpu(up->dma_dev, rb->dma, UART_RX_BLOCK_SIZE,
					DMA_FROM_DEVICE);

		spin_lock_irqsave(&up->lock, flags);
		if (rb->meta_bad || up->tty_len + len > sizeof(up->tty) ||
		    up->nframes == ARRAY_SIZE(up->frames)) {
			err = -EPROTO;
		} else {
			memcpy(up->tty + up->tty_len, rb->buf, len);
			up->tty_len += len;
			up->frames[up->nframes++] = rb->meta;
		}
		rearm = !err && up->rx_armed < up->rx_limit;
		if (rearm)
			up->rx_armed++;
		finished = up->tty_len >= up->rx_target;
		spin_unlock_irqrestore(&up->lock, flags);

		memset(rb->buf, 0, UART_RX_BLOCK_SIZE);
		dma_sync_single_for_device(up->dma_dev, rb->dma, UART_RX_BLOCK_SIZE,
					   DMA_FROM_DEVICE);
		if (rearm)
			err = uart_rx_arm(up, rb);
		if (err) {
			spin_lock_irqsave(&up->lock, flags);
			if (!up->rx_fail)
				up->rx_fail = err;
			spin_unlock_irqrestore(&up->lock, flags);
			complete(&up->rx_run_done);
		} else if (finished) {
			complete(&up->rx_run_done);
		}
	}
}

/* Starts a receive run: @limit descriptors in all, complete at @target bytes. */
static int uart_rx_start(struct uart_dma *up, unsigned int first, unsigned int nbufs,
			 unsigned int limit, size_t target)
{
	unsigned long flags;
	unsigned int i;
	int ret;

	spin_lock_irqsave(&up->lock, flags);
	up->tty_len = 0;
	up->nframes = 0;
	up->rx_fail = 0;
	up->rx_armed = nbufs;
	up->rx_limit = limit;
	up->rx_target = target;
	spin_unlock_irqrestore(&up->lock, flags);
	reinit_completion(&up->rx_run_done);
	reinit_completion(&up->rx_error);

	for (i = first; i < first + nbufs; i++) {
		up->bufs[i].callbacks = 0;
		up->bufs[i].meta_bad = false;
		ret = uart_rx_arm(up, &up->bufs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The line delivers @len bytes from @pos, as fast as the FIFO takes them. */
static int uart_line_send(size_t pos, size_t len)
{
	static const size_t chunks[] = { 7, 13, 29, 64, 1, 40 };
	unsigned int i = 0, idle = 0;
	u8 buf[KDMA_UART_FIFO_SIZE];
	size_t sent = 0;

	while (sent < len) {
		size_t n = min_t(size_t, chunks[i++ % ARRAY_SIZE(chunks)], len - sent);

		n = min_t(size_t, n, kdma_uart_rx_room());
		if (!n) {
			/* the FIFO is full until the driver requeues a buffer */
			if (++idle > UART_TIMEOUT_MS)
				return -ETIMEDOUT;
			msleep(1);
			continue;
		}
		idle = 0;
		uart_line_fill(buf, pos + sent, n);
		uc_check(kdma_uart_rx_push(buf, n) == n);
		sent += n;
	}
	return 0;
}

static int uart_check_frames(struct uart_dma *up, size_t pos, unsigned int nframes)
{
	unsigned int i;
	size_t k;

	uc_check(up->rx_fail == 0);
	uc_check(up->tty_len == nframes * UART_RX_BLOCK_SIZE);
	for (k = 0; k < up->tty_len; k++)
		uc_check(up->tty[k] == uart_line_byte(pos + k));
	uc_check(up->nframes == nframes);
	for (i = 0; i < nframes; i++) {
		uc_check(up->frames[i].len == UART_RX_BLOCK_SIZE);
		uc_check(up->frames[i].seq == up->frames[0].seq + i);
		uc_check(up->frames[i].pos == up->frames[0].pos + i * UART_RX_BLOCK_SIZE);
	}
	return 0;
}

/* A stream of eight buffers through the four-buffer ring. */
static int uart_test_stream(struct uart_dma *up, size_t *line_pos)
{
	unsigned int i;
	int ret;

	ret = uart_rx_start(up, 0, UART_RX_BLOCKS, UART_RX_STREAM / UART_RX_BLOCK_SIZE,
			    UART_RX_STREAM);
	uc_check(ret == 0);
	ret = uart_line_send(*line_pos, UART_RX_STREAM);
	uc_check(ret == 0);
	uc_check(wait_for_completion_timeout(&up->rx_run_done,
					     msecs_to_jiffies(UART_TIMEOUT_MS)));
	ret = uart_check_frames(up, *line_pos, UART_RX_STREAM / UART_RX_BLOCK_SIZE);
	if (ret)
		return ret;
	for (i = 0; i < UART_RX_BLOCKS; i++) {
		uc_check(up->bufs[i].callbacks == 2);
		uc_check(up->bufs[i].res.result == DMA_TRANS_NOERROR);
		uc_check(up->bufs[i].res.residue == 0);
	}
	uc_check(dmaengine_tx_status(up->rx, up->bufs[3].cookie, NULL) == DMA_COMPLETE);
	*line_pos += UART_RX_STREAM;
	return 0;
}

static void uart_idle_dma_done(void *param, const struct dmaengine_result *result)
{
	struct uart_dma *up = param;
	unsigned long flags;

	spin_lock_irqsave(&up->lock, flags);
	up->idle_callbacks++;
	up->idle_result = result->result;
	spin_unlock_irqrestore(&up->lock, flags);
}

/*
 * The line goes idle part-way into a buffer: the bytes the DMA moved are
 * found from the residue while the channel is paused, the rest are still in
 * the FIFO (less than a burst, plus what arrived while paused).
 */
static int uart_test_idle(struct uart_dma *up, size_t *line_pos)
{
	const size_t len = 64, first = 21, late = 10;
	size_t moved = first / UART_RX_BURST * UART_RX_BURST;
	struct dma_async_tx_descriptor *desc;
	struct scatterlist sg[2];
	struct dma_tx_state state;
	u8 buf[KDMA_UART_FIFO_SIZE];
	dma_cookie_t cookie;
	dma_addr_t dma;
	unsigned long flags;
	unsigned int calls;
	size_t k, n;
	u8 *mem;

	mem = dma_alloc_coherent(up->dma_dev, len, &dma, GFP_KERNEL);
	uc_check(mem);
	sg_init_table(sg, 2);
	sg_dma_address(&sg[0]) = dma;
	sg_dma_len(&sg[0]) = 40;
	sg_dma_address(&sg[1]) = dma + 40;
	sg_dma_len(&sg[1]) = len - 40;

	desc = dmaengine_prep_slave_sg(up->rx, sg, 2, DMA_DEV_TO_MEM, DMA_PREP_INTERRUPT);
	uc_check(desc);
	desc->callback_result = uart_idle_dma_done;
	desc->callback_param = up;
	cookie = dmaengine_submit(desc);
	uc_check(!dma_submit_error(cookie));
	dma_async_issue_pending(up->rx);
	uc_check(dmaengine_tx_status(up->rx, cookie, &state) == DMA_IN_PROGRESS);
	uc_check(state.residue == len);

	uart_line_fill(buf, *line_pos, first);
	uc_check(kdma_uart_rx_push(buf, first) == first);
	uc_check(dmaengine_tx_status(up->rx, cookie, &state) == DMA_IN_PROGRESS);
	uc_check(state.residue == len - moved);

	/* idle timeout */
	uc_check(dmaengine_pause(up->rx) == 0);
	uc_check(dmaengine_tx_status(up->rx, cookie, &state) == DMA_PAUSED);
	uc_check(state.residue == len - moved);
	uart_line_fill(buf, *line_pos + first, late);
	uc_check(kdma_uart_rx_push(buf, late) == late);
	uc_check(dmaengine_tx_status(up->rx, cookie, &state) == DMA_PAUSED);
	uc_check(state.residue == len - moved);

	n = len - state.residue;
	for (k = 0; k < n; k++)
		uc_check(mem[k] == uart_line_byte(*line_pos + k));
	uc_check(dmaengine_terminate_sync(up->rx) == 0);

	/* what the DMA left behind comes out of the data register */
	n = kdma_uart_rx_pio(buf, sizeof(buf));
	uc_check(n == first + late - moved);
	for (k = 0; k < n; k++)
		uc_check(buf[k] == uart_line_byte(*line_pos + moved + k));

	spin_lock_irqsave(&up->lock, flags);
	calls = up->idle_callbacks;
	spin_unlock_irqrestore(&up->lock, flags);
	uc_check(calls == 0);
	dma_free_coherent(up->dma_dev, len, mem, dma);
	*line_pos += first + late;
	return 0;
}

/*
 * Bytes lost in the FIFO while the channel was paused: the first buffer
 * fails, its callback stops the ring, process context synchronizes,
 * drains the FIFO and restarts.
 */
static int uart_test_error(struct uart_dma *up, size_t *line_pos)
{
	u8 buf[2 * KDMA_UART_FIFO_SIZE];
	unsigned long flags;
	unsigned int errors;
	size_t k, n;
	int ret;

	uc_check(dmaengine_pause(up->rx) == 0);
	ret = uart_rx_start(up, 0, 3, 3, 3 * UART_RX_BLOCK_SIZE);
	uc_check(ret == 0);
	uart_line_fill(buf, *line_pos, sizeof(buf));
	uc_check(kdma_uart_rx_push(buf, sizeof(buf)) == KDMA_UART_FIFO_SIZE);
	uc_check(dmaengine_resume(up->rx) == 0);

	uc_check(wait_for_completion_timeout(&up->rx_error,
					     msecs_to_jiffies(UART_TIMEOUT_MS)));
	dmaengine_synchronize(up->rx);

	spin_lock_irqsave(&up->lock, flags);
	errors = up->rx_errors;
	n = up->tty_len;
	spin_unlock_irqrestore(&up->lock, flags);
	uc_check(errors == 1);
	uc_check(n == 0);
	uc_check(up->bufs[0].callbacks == 1);
	uc_check(up->bufs[0].res.result == DMA_TRANS_READ_FAILED);
	uc_check(up->bufs[0].res.residue == UART_RX_BLOCK_SIZE);
	uc_check(!up->bufs[0].meta_bad && up->bufs[0].meta.len == 0);
	uc_check(up->bufs[1].callbacks == 0);
	uc_check(up->bufs[2].callbacks == 0);

	/* the FIFO still holds what fitted; the rest was lost */
	n = kdma_uart_rx_pio(buf, sizeof(buf));
	uc_check(n == KDMA_UART_FIFO_SIZE);
	for (k = 0; k < n; k++)
		uc_check(buf[k] == uart_line_byte(*line_pos + k));
	*line_pos += sizeof(buf);

	/* the channel works again after the terminate */
	spin_lock_irqsave(&up->lock, flags);
	up->rx_errors = 0;
	spin_unlock_irqrestore(&up->lock, flags);
	ret = uart_rx_start(up, 3, 1, 1, UART_RX_BLOCK_SIZE);
	uc_check(ret == 0);
	ret = uart_line_send(*line_pos, UART_RX_BLOCK_SIZE);
	uc_check(ret == 0);
	uc_check(wait_for_completion_timeout(&up->rx_run_done,
					     msecs_to_jiffies(UART_TIMEOUT_MS)));
	ret = uart_check_frames(up, *line_pos, 1);
	if (ret)
		return ret;
	uc_check(up->bufs[3].client_meta && up->bufs[3].callbacks == 1);
	*line_pos += UART_RX_BLOCK_SIZE;
	return 0;
}

/* ---- transmit ---- */

static void uart_tx_dma_done(void *param)
{
	struct uart_dma *up = param;

	complete(&up->tx_done);
}

static int uart_test_tx(struct uart_dma *up)
{
	struct dma_async_tx_descriptor *desc;
	struct scatterlist sg[3];
	struct dma_tx_state state;
	u8 wire[UART_TX_SIZE];
	unsigned int idle = 0;
	dma_cookie_t cookie;
	size_t got = 0, k;
	u8 *buf;
	int nents;

	buf = kmalloc(UART_TX_SIZE, GFP_KERNEL);
	uc_check(buf);
	for (k = 0; k < UART_TX_SIZE; k++)
		buf[k] = (u8)(k * 13 + 5);
	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], buf, 50);
	sg_set_buf(&sg[1], buf + 50, 100);
	sg_set_buf(&sg[2], buf + 150, UART_TX_SIZE - 150);
	nents = dma_map_sg(up->dma_dev, sg, 3, DMA_TO_DEVICE);
	uc_check(nents > 0);

	desc = dmaengine_prep_slave_sg(up->tx, sg, nents, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT);
	uc_check(desc);
	desc->callback = uart_tx_dma_done;
	desc->callback_param = up;
	reinit_completion(&up->tx_done);
	cookie = dmaengine_submit(desc);
	uc_check(!dma_submit_error(cookie));
	dma_async_issue_pending(up->tx);

	/* the FIFO filled in whole bursts; the wire has taken nothing yet */
	uc_check(kdma_uart_tx_level() == KDMA_UART_FIFO_SIZE);
	uc_check(dmaengine_tx_status(up->tx, cookie, &state) == DMA_IN_PROGRESS);
	uc_check(state.residue == UART_TX_SIZE - KDMA_UART_FIFO_SIZE);
	got = kdma_uart_tx_pull(wire, 10);
	uc_check(got == 10);
	uc_check(dmaengine_tx_status(up->tx, cookie, &state) == DMA_IN_PROGRESS);
	uc_check(state.residue == UART_TX_SIZE - KDMA_UART_FIFO_SIZE - UART_TX_BURST);

	while (got < UART_TX_SIZE) {
		size_t n = kdma_uart_tx_pull(wire + got, UART_TX_SIZE - got);

		if (!n) {
			uc_check(++idle < UART_TIMEOUT_MS);
			msleep(1);
		}
		got += n;
	}
	uc_check(wait_for_completion_timeout(&up->tx_done, msecs_to_jiffies(UART_TIMEOUT_MS)));
	uc_check(dmaengine_tx_status(up->tx, cookie, NULL) == DMA_COMPLETE);
	dma_unmap_sg(up->dma_dev, sg, 3, DMA_TO_DEVICE);
	uc_check(memcmp(wire, buf, UART_TX_SIZE) == 0);
	uc_check(kdma_uart_tx_level() == 0);
	kfree(buf);
	return 0;
}

/* ---- memcpy on a spare channel ---- */


static void uart_copy_done(void *param, const struct dmaengine_result *result)
{
	struct uart_copy *c = param;

	c->res = *result;
	c->order = (*c->seq)++;		/* one channel's callbacks never overlap */
	complete(c->done);
}

/* Submits @desc with @c's callback: its cookie, or a negative errno. */
static dma_cookie_t uart_copy_submit(struct dma_async_tx_descriptor *desc,
				     struct uart_copy *c)
{
	desc->callback_result = uart_copy_done;
	desc->callback_param = c;
	return dmaengine_submit(desc);
}

static int uart_test_memcpy(struct uart_dma *up)
{
	struct dma_async_tx_descriptor *desc[3];
	struct kdma_copy_check *good = &up->good, *bad = &up->bad;
	struct uart_copy *copies = up->copies;
	struct dma_slave_caps caps;
	dma_addr_t src_dma, dst_dma[3];
	unsigned int i;
	struct device *dev;
	dma_cap_mask_t mask;
	dma_cookie_t cookie;
	size_t len[3] = { UART_COPY_SIZE, UART_COPY_SIZE, 64 };
	u8 *src, *dst[3];
	void *md;
	size_t k, payload, max;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	up->mc = dma_request_channel(mask, NULL, NULL);
	uc_check(up->mc);
	uc_check(up->mc->device == up->rx->device);
	dev = dmaengine_get_dma_device(up->mc);
	uc_check(dev == up->dma_dev);
	uc_check(dma_get_slave_caps(up->mc, &caps) == 0);
	uc_check(caps.directions == (BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_DEV)));

	uc_check(is_dma_copy_aligned(up->mc->device, 0, 0, UART_COPY_SIZE));
	uc_check(!is_dma_copy_aligned(up->mc->device, 1, 0, UART_COPY_SIZE));
	uc_check(!is_dma_copy_aligned(up->mc->device, 0, 0, UART_COPY_SIZE - 2));

	src = kmalloc(UART_COPY_SIZE, GFP_KERNEL);
	uc_check(src);
	for (k = 0; k < UART_COPY_SIZE; k++)
		src[k] = (u8)(k ^ (k >> 7));
	src_dma = dma_map_single(dev, src, UART_COPY_SIZE, DMA_TO_DEVICE);
	uc_check(!dma_mapping_error(dev, src_dma));
	for (i = 0; i < 3; i++) {
		dst[i] = kmalloc(UART_COPY_SIZE, GFP_KERNEL);
		uc_check(dst[i]);
		memset(dst[i], 0xee, UART_COPY_SIZE);
		dst_dma[i] = dma_map_single(dev, dst[i], UART_COPY_SIZE, DMA_FROM_DEVICE);
		uc_check(!dma_mapping_error(dev, dst_dma[i]));
		copies[i].seq = &up->copy_seq;
		copies[i].done = &up->copy_done;
		copies[i].order = ~0u;
	}
	up->copy_seq = 0;
	good->sum = kdma_check_sum(src, UART_COPY_SIZE);
	good->reserved = 0;
	*bad = *good;
	bad->sum++;

	reinit_completion(&up->copy_done);

	/* acked at prep: a client that never chains descriptors */
	desc[0] = dmaengine_prep_dma_memcpy(up->mc, dst_dma[0], src_dma, len[0],
					    DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	uc_check(desc[0]);
	uc_check(async_tx_test_ack(desc[0]));
	uc_check(dmaengine_desc_attach_metadata(desc[0], good, sizeof(*good)) == 0);
	md = dmaengine_desc_get_metadata_ptr(desc[0], &payload, &max);
	uc_check(IS_ERR(md));		/* modes do not mix on a descriptor */
	uc_check(uart_copy_submit(desc[0], &copies[0]) > 0);

	desc[1] = dmaengine_prep_dma_memcpy(up->mc, dst_dma[1], src_dma, len[1],
					    DMA_PREP_INTERRUPT);
	uc_check(desc[1]);
	uc_check(!async_tx_test_ack(desc[1]));
	async_tx_ack(desc[1]);
	uc_check(async_tx_test_ack(desc[1]));
	uc_check(dmaengine_desc_attach_metadata(desc[1], bad, sizeof(*bad)) == 0);
	uc_check(uart_copy_submit(desc[1], &copies[1]) > 0);

	desc[2] = dmaengine_prep_dma_memcpy(up->mc, dst_dma[2], src_dma, len[2],
					    DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	uc_check(desc[2]);
	cookie = uart_copy_submit(desc[2], &copies[2]);
	uc_check(cookie > 0);

	/* nothing moves before the issue */
	uc_check(memchr_inv(dst[0], 0xee, UART_COPY_SIZE) == NULL);
	dma_async_issue_pending(up->mc);
	for (i = 0; i < 3; i++)
		uc_check(wait_for_completion_timeout(&up->copy_done,
						     msecs_to_jiffies(UART_TIMEOUT_MS)));
	uc_check(dmaengine_tx_status(up->mc, cookie, NULL) == DMA_COMPLETE);

	for (i = 0; i < 3; i++) {
		dma_sync_single_for_cpu(dev, dst_dma[i], UART_COPY_SIZE, DMA_FROM_DEVICE);
		uc_check(copies[i].order == i);
	}
	uc_check(copies[0].res.result == DMA_TRANS_NOERROR);
	uc_check(copies[0].res.residue == 0);
	uc_check(memcmp(dst[0], src, len[0]) == 0);
	/* a source that fails its check is not copied */
	uc_check(copies[1].res.result == DMA_TRANS_READ_FAILED);
	uc_check(copies[1].res.residue == len[1]);
	uc_check(memchr_inv(dst[1], 0xee, UART_COPY_SIZE) == NULL);
	uc_check(copies[2].res.result == DMA_TRANS_NOERROR);
	uc_check(memcmp(dst[2], src, len[2]) == 0);
	uc_check(memchr_inv(dst[2] + len[2], 0xee, UART_COPY_SIZE - len[2]) == NULL);

	/* what the engine cannot take, the CPU copies */
	if (!is_dma_copy_aligned(up->mc->device, 1, 3, 13))
		memcpy(dst[2] + 1, src + 3, 13);
	uc_check(memcmp(dst[2] + 1, src + 3, 13) == 0);

	for (i = 0; i < 3; i++) {
		dma_unmap_single(dev, dst_dma[i], UART_COPY_SIZE, DMA_FROM_DEVICE);
		kfree(dst[i]);
	}
	dma_unmap_single(dev, src_dma, UART_COPY_SIZE, DMA_TO_DEVICE);
	kfree(src);
	return 0;
}

/* ---- probe and remove ---- */

static int uart_dma_probe(struct uart_dma *up)
{
	struct dma_slave_config rx_cfg = {
		.direction = DMA_DEV_TO_MEM,
		.src_addr = KDMA_UART0_RXDR,
		.src_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.src_maxburst = UART_RX_BURST,
	};
	struct dma_slave_config tx_cfg = {
		.direction = DMA_MEM_TO_DEV,
		.dst_addr = KDMA_UART0_TXDR,
		.dst_addr_width = DMA_SLAVE_BUSWIDTH_1_BYTE,
		.dst_maxburst = UART_TX_BURST,
	};
	struct dma_slave_caps caps;
	unsigned int i;

	spin_lock_init(&up->lock);
	INIT_LIST_HEAD(&up->rx_done);
	tasklet_setup(&up->rx_task, uart_rx_work);
	init_completion(&up->rx_run_done);
	init_completion(&up->rx_error);
	init_completion(&up->tx_done);
	init_completion(&up->copy_done);

	up->rx = dma_request_chan(&uart_dev, "rx");
	if (IS_ERR(up->rx)) {
		dev_err(&uart_dev, "no rx channel: %ld\n", PTR_ERR(up->rx));
		up->rx = NULL;
		return -EINVAL;
	}
	up->tx = dma_request_chan(&uart_dev, "tx");
	if (IS_ERR(up->tx)) {
		dev_err(&uart_dev, "no tx channel: %ld\n", PTR_ERR(up->tx));
		up->tx = NULL;
		return -EINVAL;
	}
	uc_check(IS_ERR(dma_request_chan(&uart_dev, "cts")));

	uc_check(dma_get_slave_caps(up->rx, &caps) == 0);
	uc_check(caps.directions == BIT(DMA_DEV_TO_MEM));
	uc_check(caps.residue_granularity == DMA_RESIDUE_GRANULARITY_BURST);
	uc_check(caps.cmd_pause && caps.cmd_resume && caps.cmd_terminate);
	uc_check(caps.src_addr_widths & BIT(DMA_SLAVE_BUSWIDTH_1_BYTE));
	uc_check(dma_get_slave_caps(up->tx, &caps) == 0);
	uc_check(caps.directions == BIT(DMA_MEM_TO_DEV));

	uc_check(dmaengine_slave_config(up->rx, &rx_cfg) == 0);
	uc_check(dmaengine_slave_config(up->tx, &tx_cfg) == 0);

	up->dma_dev = dmaengine_get_dma_device(up->rx);
	uc_check(up->dma_dev);
	for (i = 0; i < UART_RX_BLOCKS; i++) {
		struct uart_rx_buf *rb = &up->bufs[i];

		rb->up = up;
		rb->index = i;
		rb->client_meta = i & 1;
		rb->buf = kzalloc(UART_RX_BLOCK_SIZE, GFP_KERNEL);
		uc_check(rb->buf);
		rb->dma = dma_map_single(up->dma_dev, rb->buf, UART_RX_BLOCK_SIZE,
					 DMA_FROM_DEVICE);
		uc_check(!dma_mapping_error(up->dma_dev, rb->dma));
	}
	return 0;
}

static void uart_dma_remove(struct uart_dma *up)
{
	struct dma_chan *chans[] = { up->rx, up->tx, up->mc };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		if (!chans[i])
			continue;
		dmaengine_terminate_async(chans[i]);
		dmaengine_synchronize(chans[i]);
	}
	tasklet_kill(&up->rx_task);
	for (i = 0; i < UART_RX_BLOCKS; i++) {
		struct uart_rx_buf *rb = &up->bufs[i];

		if (!rb->buf)
			continue;
		if (rb->dma && !dma_mapping_error(up->dma_dev, rb->dma))
			dma_unmap_single(up->dma_dev, rb->dma, UART_RX_BLOCK_SIZE,
					 DMA_FROM_DEVICE);
		kfree(rb->buf);
		rb->buf = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(chans); i++)
		if (chans[i])
			dma_release_channel(chans[i]);
	up->rx = NULL;
	up->tx = NULL;
	up->mc = NULL;
}

static int uart_dma_selftest(struct uart_dma *up)
{
	size_t line_pos = 0;
	int ret;

	ret = uart_dma_probe(up);
	if (!ret)
		ret = uart_test_stream(up, &line_pos);
	if (!ret)
		ret = uart_test_idle(up, &line_pos);
	if (!ret)
		ret = uart_test_error(up, &line_pos);
	if (!ret)
		ret = uart_test_stream(up, &line_pos);
	if (!ret)
		ret = uart_test_tx(up);
	if (!ret)
		ret = uart_test_memcpy(up);
	return ret;
}

static int __init uart_client_init(void)
{
	int ret = uart_dma_selftest(&uart0);

	if (ret) {
		uart_dma_remove(&uart0);
		return ret;
	}
	pr_info("uart-client: rx stream, idle, error, tx and memcpy checks passed\n");
	return 0;
}
module_init(uart_client_init);

static void __exit uart_client_exit(void)
{
	uart_dma_remove(&uart0);
}
module_exit(uart_client_exit);

MODULE_DESCRIPTION("UART0 DMA client for kdma");
MODULE_LICENSE("Dual MIT/GPL");

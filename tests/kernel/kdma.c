/* SPDX-License-Identifier: MIT */
/*
 * kdma: driver for the DMA controller of a small simulated SoC.
 *
 * Four channels, each able to copy memory or to serve a peripheral request
 * line (UART0 RX and TX). The "hardware" is modelled in this file: it runs
 * whenever the driver kicks it (issue_pending, resume) or a request line
 * asserts (bytes arrive in the RX FIFO, room appears in the TX FIFO), always
 * under the channel's vc.lock, and moves data in bursts of the configured
 * maxburst words. A channel stops on a peripheral error until it is
 * terminated.
 */
#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dmaengine.h"
#include "virt-dma.h"
#include "kdma.h"

#define KDMA_NR_CHANS	4

enum kdma_request {
	KDMA_REQ_UART0_RX,
	KDMA_REQ_UART0_TX,
	KDMA_NR_REQS,
};

/* A peripheral's FIFO and its DMA request line. */
struct kdma_periph {
	const char *name;
	enum dma_transfer_direction dir;
	dma_addr_t dr;			/* data register bus address */
	spinlock_t lock;		/* protects everything below */
	u8 fifo[KDMA_UART_FIFO_SIZE];
	unsigned int head;		/* oldest byte */
	unsigned int level;		/* bytes in the FIFO */
	bool overrun;			/* bytes were lost since the last check */
	u32 frames;			/* RX descriptors completed on this line */
	u64 pos;			/* bytes taken out of the FIFO, ever */
	struct kdma_chan *chan;		/* channel the line is routed to */
};

struct kdma_sg {
	dma_addr_t addr;
	size_t len;
};

struct kdma_desc {
	struct virt_dma_desc vd;
	enum dma_transfer_direction dir;
	struct kdma_sg *sg;
	unsigned int sg_len;
	size_t total;			/* bytes to move */
	size_t done;			/* bytes moved: residue is total - done */
	unsigned int sg_idx;		/* where the hardware is */
	size_t sg_off;
	/* metadata: a client buffer (CLIENT mode) or the engine's own */
	void *md_client;
	size_t md_client_len;
	struct kdma_rx_meta md_engine;
	size_t md_engine_len;
};

struct kdma_chan {
	struct virt_dma_chan vc;
	/* below: protected by vc.lock */
	struct kdma_periph *req;	/* request line, chosen by the filter */
	struct dma_slave_config cfg;
	struct kdma_desc *desc;		/* running on the hardware */
	bool paused;
	bool halted;			/* stopped on an error until terminated */
};

struct kdma_device {
	struct dma_device ddev;
	struct kdma_chan chans[KDMA_NR_CHANS];
	struct kdma_periph periphs[KDMA_NR_REQS];
};

static struct kdma_device kdma;

static struct device kdma_dev = {
	.init_name = "kdma",
};

static const struct dma_slave_map kdma_slave_map[] = {
	{ "uart0", "rx", &kdma.periphs[KDMA_REQ_UART0_RX] },
	{ "uart0", "tx", &kdma.periphs[KDMA_REQ_UART0_TX] },
};

static inline struct kdma_chan *to_kdma_chan(struct dma_chan *chan)
{
	return container_of(chan, struct kdma_chan, vc.chan);
}

static inline struct kdma_desc *to_kdma_desc(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct kdma_desc, vd.tx);
}

/* The simulated bus: the controller sees host memory at its own addresses. */
static inline void *kdma_bus_to_virt(dma_addr_t addr)
{
	return (void *)(uintptr_t)addr;
}

/* ---- the hardware ---- */

/* Moves @len bytes between @buf and the descriptor's memory side. */
static void kdma_sg_xfer(struct kdma_desc *d, u8 *buf, size_t len, bool to_mem)
{
	while (len) {
		struct kdma_sg *sg = &d->sg[d->sg_idx];
		size_t n = min_t(size_t, len, sg->len - d->sg_off);
		u8 *mem = (u8 *)kdma_bus_to_virt(sg->addr) + d->sg_off;

		if (to_mem)
			memcpy(mem, buf, n);
		else
			memcpy(buf, mem, n);
		buf += n;
		len -= n;
		d->done += n;
		d->sg_off += n;
		if (d->sg_off == sg->len) {
			d->sg_idx++;
			d->sg_off = 0;
		}
	}
}

static void kdma_fifo_get(struct kdma_periph *p, u8 *buf, size_t len)
{
	while (len--) {
		*buf++ = p->fifo[p->head];
		p->head = (p->head + 1) % KDMA_UART_FIFO_SIZE;
		p->level--;
		p->pos++;
	}
}

static void kdma_fifo_put(struct kdma_periph *p, const u8 *buf, size_t len)
{
	while (len--) {
		p->fifo[(p->head + p->level) % KDMA_UART_FIFO_SIZE] = *buf++;
		p->level++;
	}
}

static size_t kdma_burst_bytes(u32 maxburst, enum dma_slave_buswidth width)
{
	return (size_t)(maxburst ? maxburst : 1) * (width ? width : 1);
}

/* The running descriptor is done: hand it to virt-dma. vc.lock held. */
static void kdma_finish(struct kdma_chan *kc, enum dmaengine_tx_result result)
{
	struct kdma_desc *d = kc->desc;

	d->vd.tx_result.result = result;
	d->vd.tx_result.residue = d->total - d->done;
	kc->desc = NULL;
	vchan_cookie_complete(&d->vd);
}

static void kdma_run_copy(struct kdma_chan *kc)
{
	struct kdma_desc *d = kc->desc;
	void *dst = kdma_bus_to_virt(d->sg[0].addr);
	void *src = kdma_bus_to_virt(d->sg[1].addr);
	struct kdma_copy_check *check = d->md_client;

	if (check && check->sum != kdma_check_sum(src, d->total)) {
		kdma_finish(kc, DMA_TRANS_READ_FAILED);
		return;
	}
	memcpy(dst, src, d->total);
	d->done = d->total;
	kdma_finish(kc, DMA_TRANS_NOERROR);
}

/* Moves what the RX FIFO holds; true once the descriptor is finished. */
static bool kdma_run_rx(struct kdma_chan *kc)
{
	struct kdma_desc *d = kc->desc;
	struct kdma_periph *p = kc->req;
	size_t burst = kdma_burst_bytes(kc->cfg.src_maxburst, kc->cfg.src_addr_width);
	enum dmaengine_tx_result result = DMA_TRANS_NOERROR;
	struct kdma_rx_meta meta;
	u8 buf[KDMA_UART_FIFO_SIZE];

	spin_lock(&p->lock);
	if (p->overrun) {
		/* data was lost: the peripheral flags an error on the line */
		p->overrun = false;
		result = DMA_TRANS_READ_FAILED;
		kc->halted = true;
	} else {
		while (d->done < d->total) {
			size_t n = min(burst, d->total - d->done);

			if (p->level < n)
				break;
			kdma_fifo_get(p, buf, n);
			kdma_sg_xfer(d, buf, n, true);
		}
		if (d->done < d->total) {
			spin_unlock(&p->lock);
			return false;
		}
	}
	meta.len = d->done;
	meta.seq = p->frames++;
	meta.pos = p->pos - d->done;
	spin_unlock(&p->lock);

	if (d->md_client) {
		memcpy(d->md_client, &meta, sizeof(meta));
	} else {
		d->md_engine = meta;
		d->md_engine_len = sizeof(meta);
	}
	kdma_finish(kc, result);
	return true;
}

/* Fills the TX FIFO; true once the descriptor is finished. */
static bool kdma_run_tx(struct kdma_chan *kc)
{
	struct kdma_desc *d = kc->desc;
	struct kdma_periph *p = kc->req;
	size_t burst = kdma_burst_bytes(kc->cfg.dst_maxburst, kc->cfg.dst_addr_width);
	u8 buf[KDMA_UART_FIFO_SIZE];

	spin_lock(&p->lock);
	while (d->done < d->total) {
		size_t n = min(burst, d->total - d->done);

		if (KDMA_UART_FIFO_SIZE - p->level < n)
			break;
		kdma_sg_xfer(d, buf, n, false);
		kdma_fifo_put(p, buf, n);
	}
	spin_unlock(&p->lock);
	if (d->done < d->total)
		return false;
	kdma_finish(kc, DMA_TRANS_NOERROR);
	return true;
}

/*
 * The channel's engine: starts the next issued descriptor when idle and
 * moves data until it has to wait for its peripheral. vc.lock held.
 */
static void kdma_run(struct kdma_chan *kc)
{
	for (;;) {
		if (kc->paused || kc->halted)
			return;
		if (!kc->desc) {
			struct virt_dma_desc *vd = vchan_next_desc(&kc->vc);

			if (!vd)
				return;
			list_del(&vd->node);
			kc->desc = to_kdma_desc(&vd->tx);
		}
		switch (kc->desc->dir) {
		case DMA_MEM_TO_MEM:
			kdma_run_copy(kc);
			break;
		case DMA_DEV_TO_MEM:
			if (!kdma_run_rx(kc))
				return;
			break;
		default:
			if (!kdma_run_tx(kc))
				return;
			break;
		}
	}
}

/* A request line asserted: run the channel it is routed to, if any. */
static void kdma_request(struct kdma_periph *p)
{
	struct kdma_chan *kc;
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	kc = p->chan;
	spin_unlock_irqrestore(&p->lock, flags);
	if (!kc)
		return;

	spin_lock_irqsave(&kc->vc.lock, flags);
	if (kc->req == p)
		kdma_run(kc);
	spin_unlock_irqrestore(&kc->vc.lock, flags);
}

/* ---- the board: UART0's line side ---- */

size_t kdma_uart_rx_room(void)
{
	struct kdma_periph *p = &kdma.periphs[KDMA_REQ_UART0_RX];
	unsigned long flags;
	size_t room;

	spin_lock_irqsave(&p->lock, flags);
	room = KDMA_UART_FIFO_SIZE - p->level;
	spin_unlock_irqrestore(&p->lock, flags);
	return room;
}

size_t kdma_uart_rx_push(const void *data, size_t len)
{
	struct kdma_periph *p = &kdma.periphs[KDMA_REQ_UART0_RX];
	unsigned long flags;
	size_t n;

	spin_lock_irqsave(&p->lock, flags);
	n = min_t(size_t, len, KDMA_UART_FIFO_SIZE - p->level);
	kdma_fifo_put(p, data, n);
	if (n < len)
		p->overrun = true;
	spin_unlock_irqrestore(&p->lock, flags);

	kdma_request(p);
	return n;
}

/* Takes up to @len bytes from @p's FIFO under its lock; how many. */
static size_t kdma_fifo_take(struct kdma_periph *p, void *buf, size_t len)
{
	unsigned long flags;
	size_t n;

	spin_lock_irqsave(&p->lock, flags);
	n = min_t(size_t, len, p->level);
	kdma_fifo_get(p, buf, n);
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

size_t kdma_uart_rx_pio(void *buf, size_t len)
{
	return kdma_fifo_take(&kdma.periphs[KDMA_REQ_UART0_RX], buf, len);
}

size_t kdma_uart_tx_pull(void *buf, size_t len)
{
	struct kdma_periph *p = &kdma.periphs[KDMA_REQ_UART0_TX];
	size_t n = kdma_fifo_take(p, buf, len);

	kdma_request(p);
	return n;
}

size_t kdma_uart_tx_level(void)
{
	struct kdma_periph *p = &kdma.periphs[KDMA_REQ_UART0_TX];
	unsigned long flags;
	size_t level;

	spin_lock_irqsave(&p->lock, flags);
	level = p->level;
	spin_unlock_irqrestore(&p->lock, flags);
	return level;
}

/* ---- metadata ---- */

static int kdma_md_attach(struct dma_async_tx_descriptor *tx, void *data, size_t len)
{
	struct kdma_desc *d = to_kdma_desc(tx);

	switch (d->dir) {
	case DMA_MEM_TO_MEM:
		if (len != sizeof(struct kdma_copy_check))
			return -EINVAL;
		break;
	case DMA_DEV_TO_MEM:
		if (len < sizeof(struct kdma_rx_meta))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	d->md_client = data;
	d->md_client_len = len;
	return 0;
}

static void *kdma_md_get_ptr(struct dma_async_tx_descriptor *tx, size_t *payload_len,
			     size_t *max_len)
{
	struct kdma_desc *d = to_kdma_desc(tx);

	if (d->dir != DMA_DEV_TO_MEM)
		return ERR_PTR(-EINVAL);
	*payload_len = d->md_engine_len;
	*max_len = sizeof(d->md_engine);
	return &d->md_engine;
}

static int kdma_md_set_len(struct dma_async_tx_descriptor *tx, size_t payload_len)
{
	struct kdma_desc *d = to_kdma_desc(tx);

	/* receive metadata is the engine's to write; nothing else carries any */
	if (d->dir == DMA_DEV_TO_MEM && payload_len == d->md_engine_len)
		return 0;
	return -EINVAL;
}

static struct dma_descriptor_metadata_ops kdma_metadata_ops = {
	.attach = kdma_md_attach,
	.get_ptr = kdma_md_get_ptr,
	.set_len = kdma_md_set_len,
};

/* ---- dmaengine ops ---- */

static struct kdma_desc *kdma_alloc_desc(unsigned int sg_len)
{
	struct kdma_desc *d = kzalloc(sizeof(*d), GFP_NOWAIT);

	if (!d)
		return NULL;
	d->sg = kcalloc(sg_len, sizeof(*d->sg), GFP_NOWAIT);
	if (!d->sg) {
		kfree(d);
		return NULL;
	}
	d->sg_len = sg_len;
	return d;
}

static void kdma_desc_free(struct virt_dma_desc *vd)
{
	struct kdma_desc *d = to_kdma_desc(&vd->tx);

	kfree(d->sg);
	kfree(d);
}

static struct dma_async_tx_descriptor *
kdma_prep_dma_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		     size_t len, unsigned long flags)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	struct kdma_desc *d;

	d = kdma_alloc_desc(2);
	if (!d)
		return NULL;
	d->dir = DMA_MEM_TO_MEM;
	d->sg[0].addr = dst;
	d->sg[0].len = len;
	d->sg[1].addr = src;
	d->sg[1].len = len;
	d->total = len;
	d->vd.tx.metadata_ops = &kdma_metadata_ops;
	return vchan_tx_prep(&kc->vc, &d->vd, flags);
}

static struct dma_async_tx_descriptor *
kdma_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl,
		   unsigned int sg_len, enum dma_transfer_direction dir,
		   unsigned long flags, void *context)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	struct kdma_periph *p;
	struct scatterlist *sg;
	struct kdma_desc *d;
	unsigned long lflags;
	dma_addr_t dr;
	unsigned int i;

	spin_lock_irqsave(&kc->vc.lock, lflags);
	p = kc->req;
	dr = dir == DMA_DEV_TO_MEM ? kc->cfg.src_addr : kc->cfg.dst_addr;
	spin_unlock_irqrestore(&kc->vc.lock, lflags);
	if (!p || p->dir != dir) {
		dev_err(chan->device->dev, "%s: no request line for this direction\n",
			dma_chan_name(chan));
		return NULL;
	}
	if (dr != p->dr) {
		dev_err(chan->device->dev, "%s: slave address 0x%llx is not %s's data register\n",
			dma_chan_name(chan), (unsigned long long)dr, p->name);
		return NULL;
	}

	d = kdma_alloc_desc(sg_len);
	if (!d)
		return NULL;
	d->dir = dir;
	for_each_sg(sgl, sg, sg_len, i) {
		d->sg[i].addr = sg_dma_address(sg);
		d->sg[i].len = sg_dma_len(sg);
		d->total += sg_dma_len(sg);
	}
	d->vd.tx.metadata_ops = &kdma_metadata_ops;
	return vchan_tx_prep(&kc->vc, &d->vd, flags);
}

static int kdma_config(struct dma_chan *chan, struct dma_slave_config *cfg)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	/* a burst must fit in half a peripheral FIFO */
	if (kdma_burst_bytes(cfg->src_maxburst, cfg->src_addr_width) > KDMA_UART_FIFO_SIZE / 2 ||
	    kdma_burst_bytes(cfg->dst_maxburst, cfg->dst_addr_width) > KDMA_UART_FIFO_SIZE / 2)
		return -EINVAL;

	spin_lock_irqsave(&kc->vc.lock, flags);
	kc->cfg = *cfg;
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	return 0;
}

static void kdma_issue_pending(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&kc->vc.lock, flags);
	if (vchan_issue_pending(&kc->vc))
		kdma_run(kc);
	spin_unlock_irqrestore(&kc->vc.lock, flags);
}

static enum dma_status kdma_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				      struct dma_tx_state *txstate)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	struct virt_dma_desc *vd;
	enum dma_status ret;
	unsigned long flags;
	size_t residue = 0;

	ret = dma_cookie_status(chan, cookie, txstate);
	if (ret == DMA_COMPLETE)
		return ret;

	spin_lock_irqsave(&kc->vc.lock, flags);
	if (kc->desc && kc->desc->vd.tx.cookie == cookie) {
		residue = kc->desc->total - kc->desc->done;
		if (kc->paused)
			ret = DMA_PAUSED;
	} else {
		vd = vchan_find_desc(&kc->vc, cookie);
		if (vd)
			residue = to_kdma_desc(&vd->tx)->total;
	}
	if (kc->halted)
		ret = DMA_ERROR;
	spin_unlock_irqrestore(&kc->vc.lock, flags);

	dma_set_residue(txstate, residue);
	return ret;
}

static int kdma_pause(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&kc->vc.lock, flags);
	kc->paused = true;
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	return 0;
}

static int kdma_resume(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&kc->vc.lock, flags);
	kc->paused = false;
	kdma_run(kc);
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	return 0;
}

static int kdma_terminate_all(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;
	LIST_HEAD(head);

	spin_lock_irqsave(&kc->vc.lock, flags);
	if (kc->desc) {
		vchan_terminate_vdesc(&kc->desc->vd);
		kc->desc = NULL;
	}
	kc->paused = false;
	kc->halted = false;
	vchan_get_all_descriptors(&kc->vc, &head);
	spin_unlock_irqrestore(&kc->vc.lock, flags);

	vchan_dma_desc_free_list(&kc->vc, &head);
	return 0;
}

static void kdma_synchronize(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);

	/* the engine only runs under vc.lock, so it let go at terminate */
	vchan_synchronize(&kc->vc);
}

static void kdma_caps(struct dma_chan *chan, struct dma_slave_caps *caps)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	/* a channel routed to a request line serves that line's direction */
	spin_lock_irqsave(&kc->vc.lock, flags);
	if (kc->req)
		caps->directions = BIT(kc->req->dir);
	spin_unlock_irqrestore(&kc->vc.lock, flags);
}

static bool kdma_filter(struct dma_chan *chan, void *param)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(&kc->vc.lock, flags);
	kc->req = param;
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	return true;
}

static int kdma_alloc_chan_resources(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	struct kdma_periph *p;
	unsigned long flags;

	spin_lock_irqsave(&kc->vc.lock, flags);
	p = kc->req;
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	if (!p)
		return 0;

	spin_lock_irqsave(&p->lock, flags);
	if (p->chan && p->chan != kc) {
		spin_unlock_irqrestore(&p->lock, flags);
		/* the line is someone else's: forget the filter's choice */
		spin_lock_irqsave(&kc->vc.lock, flags);
		kc->req = NULL;
		spin_unlock_irqrestore(&kc->vc.lock, flags);
		return -EBUSY;
	}
	p->chan = kc;
	spin_unlock_irqrestore(&p->lock, flags);
	return 0;
}

static void kdma_free_chan_resources(struct dma_chan *chan)
{
	struct kdma_chan *kc = to_kdma_chan(chan);
	struct kdma_periph *p;
	unsigned long flags;

	vchan_free_chan_resources(&kc->vc);

	spin_lock_irqsave(&kc->vc.lock, flags);
	p = kc->req;
	kc->req = NULL;
	memset(&kc->cfg, 0, sizeof(kc->cfg));
	spin_unlock_irqrestore(&kc->vc.lock, flags);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		if (p->chan == kc)
			p->chan = NULL;
		spin_unlock_irqrestore(&p->lock, flags);
	}
}

static void kdma_init_periph(struct kdma_periph *p, const char *name,
			     enum dma_transfer_direction dir, dma_addr_t dr)
{
	p->name = name;
	p->dir = dir;
	p->dr = dr;
	spin_lock_init(&p->lock);
}

static int __init kdma_init(void)
{
	struct dma_device *dd = &kdma.ddev;
	int i, ret;

	kdma_init_periph(&kdma.periphs[KDMA_REQ_UART0_RX], "uart0-rx", DMA_DEV_TO_MEM,
			 KDMA_UART0_RXDR);
	kdma_init_periph(&kdma.periphs[KDMA_REQ_UART0_TX], "uart0-tx", DMA_MEM_TO_DEV,
			 KDMA_UART0_TXDR);

	INIT_LIST_HEAD(&dd->channels);
	dma_cap_set(DMA_MEMCPY, dd->cap_mask);
	dma_cap_set(DMA_SLAVE, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dd->dev = &kdma_dev;
	dd->copy_align = DMAENGINE_ALIGN_4_BYTES;
	dd->src_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_1_BYTE) |
			      BIT(DMA_SLAVE_BUSWIDTH_2_BYTES) |
			      BIT(DMA_SLAVE_BUSWIDTH_4_BYTES);
	dd->dst_addr_widths = dd->src_addr_widths;
	dd->directions = BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_DEV);
	dd->max_burst = KDMA_UART_FIFO_SIZE / 2;
	dd->residue_granularity = DMA_RESIDUE_GRANULARITY_BURST;
	dd->desc_metadata_modes = DESC_METADATA_CLIENT | DESC_METADATA_ENGINE;
	dd->filter.map = kdma_slave_map;
	dd->filter.mapcnt = ARRAY_SIZE(kdma_slave_map);
	dd->filter.fn = kdma_filter;

	dd->device_alloc_chan_resources = kdma_alloc_chan_resources;
	dd->device_free_chan_resources = kdma_free_chan_resources;
	dd->device_prep_dma_memcpy = kdma_prep_dma_memcpy;
	dd->device_prep_slave_sg = kdma_prep_slave_sg;
	dd->device_config = kdma_config;
	dd->device_pause = kdma_pause;
	dd->device_resume = kdma_resume;
	dd->device_terminate_all = kdma_terminate_all;
	dd->device_synchronize = kdma_synchronize;
	dd->device_tx_status = kdma_tx_status;
	dd->device_issue_pending = kdma_issue_pending;
	dd->device_caps = kdma_caps;

	for (i = 0; i < KDMA_NR_CHANS; i++) {
		struct kdma_chan *kc = &kdma.chans[i];

		kc->vc.desc_free = kdma_desc_free;
		vchan_init(&kc->vc, dd);
	}

	ret = dma_async_device_register(dd);
	if (ret)
		dev_err(&kdma_dev, "cannot register: %d\n", ret);
	return ret;
}
subsys_initcall(kdma_init);

static void __exit kdma_exit(void)
{
	struct kdma_chan *kc, *next;

	dma_async_device_unregister(&kdma.ddev);
	list_for_each_entry_safe(kc, next, &kdma.ddev.channels, vc.chan.device_node) {
		list_del(&kc->vc.chan.device_node);
		tasklet_kill(&kc->vc.task);
	}
}
module_exit(kdma_exit);

MODULE_DESCRIPTION("kdma: DMA controller of the simulated SoC");
MODULE_LICENSE("Dual MIT/GPL");

/* SPDX-License-Identifier: MIT */
/*
 * The software controller: device and channel ops, creation and teardown.
 * Descriptors are built in soft-prep.c and moved by soft-engine.c.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soft-internal.h"
#include <udma/trace-hooks.h>

#define SOFT_MAX_CHANNELS 64

static bool is_soft(const struct dma_device *dev)
{
	return dev && dev->device_prep_dma_memcpy == soft_prep_memcpy;
}

static int soft_alloc_chan_resources(struct dma_chan *chan)
{
	struct soft_chan *sc = to_soft_chan(chan);

	dma_cookie_init(chan);
	soft_stash_open(sc);
	spin_lock(&sc->vc.lock);
	memset(&sc->cfg, 0, sizeof(sc->cfg));
	memset(&sc->fault, 0, sizeof(sc->fault));	/* a new client starts healthy */
	sc->fault_gen++;
	WRITE_ONCE(sc->fault_set, 0);	/* relaxed: as in udma_soft_inject */
	spin_unlock(&sc->vc.lock);
	atomic64_set(&sc->fault_hits, 0);
	return 0;
}

static void drop_fifos(struct soft_chan *sc)
{
	struct udma_fifo *old[2];

	spin_lock(&sc->vc.lock);
	old[0] = sc->cfg_fifo[0];
	old[1] = sc->cfg_fifo[1];
	sc->cfg_fifo[0] = sc->cfg_fifo[1] = NULL;
	spin_unlock(&sc->vc.lock);
	for (int i = 0; i < 2; i++) {
		if (old[i]) {
			soft_fifo_detach(old[i], sc);
			soft_fifo_put(old[i]);
		}
	}
}

static void soft_free_chan_resources(struct dma_chan *chan)
{
	struct soft_chan *sc = to_soft_chan(chan);

	soft_stash_close(sc);	/* stashed descriptors are on desc_allocated: freed next */
	vchan_free_chan_resources(&sc->vc);
	drop_fifos(sc);
	/* relaxed: NULL publishes nothing for config_fifo's acquire to see */
	WRITE_ONCE(sc->request_line, NULL);
	udma_engine_resume(&sc->eng);	/* the next client starts unpaused */
}

/* The FIFO at @reg for @dir, checked against the channel; referenced. */
static struct udma_fifo *config_fifo(struct soft_chan *sc, bool tx, dma_addr_t reg,
				     enum dma_slave_buswidth *width, uint32_t maxburst)
{
	const char *f = "dmaengine_slave_config";
	struct dma_chan *chan = &sc->vc.chan;
	const char *field = tx ? "dst_addr" : "src_addr";
	struct udma_fifo *fifo = soft_fifo_get(reg), *line;
	size_t fw;

	if (!fifo) {
		udma_chan_diag(chan, f, "%s 0x%" PRIx64 " is not a FIFO data register (see udma_fifo_addr)",
			       field, reg);
		return ERR_PTR(-EINVAL);
	}
	fw = soft_fifo_width(fifo);
	/* acquire: pairs with the smp_store_release in udma_soft_filter; the
	 * FIFO's name is read below */
	line = smp_load_acquire(&sc->request_line);
	if (soft_fifo_dir(fifo) != (tx ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM)) {
		udma_chan_diag(chan, f, "%s is FIFO %s, which is %s", field, soft_fifo_name(fifo),
			       tx ? "an RX FIFO (DMA_DEV_TO_MEM)" : "a TX FIFO (DMA_MEM_TO_DEV)");
	} else if (line && line != fifo) {
		udma_chan_diag(chan, f, "%s is FIFO %s, but the channel's request line is FIFO %s's",
			       field, soft_fifo_name(fifo), soft_fifo_name(line));
	} else if (*width != DMA_SLAVE_BUSWIDTH_UNDEFINED && (size_t)*width != fw) {
		udma_chan_diag(chan, f, "%s_width %u does not match FIFO %s's %zu-byte data register",
			       tx ? "dst_addr" : "src_addr", (unsigned int)*width,
			       soft_fifo_name(fifo), fw);
	} else if ((maxburst ? maxburst : 1) * fw > soft_fifo_depth(fifo)) {
		udma_chan_diag(chan, f, "%s %u words of %zu bytes exceed FIFO %s's depth %zu",
			       tx ? "dst_maxburst" : "src_maxburst", maxburst, fw,
			       soft_fifo_name(fifo), soft_fifo_depth(fifo));
	} else {
		*width = (enum dma_slave_buswidth)fw;
		return fifo;
	}
	soft_fifo_put(fifo);
	return ERR_PTR(-EINVAL);
}

static int soft_config(struct dma_chan *chan, struct dma_slave_config *config)
{
	struct soft_chan *sc = to_soft_chan(chan);
	struct dma_slave_config cfg = *config;
	struct udma_fifo *fifo[2] = { NULL, NULL };
	const char *unsupported = cfg.src_port_window_size ? "src_port_window_size"
				  : cfg.dst_port_window_size ? "dst_port_window_size"
				  : cfg.device_fc ? "device_fc"
				  : cfg.peripheral_config ? "peripheral_config"
				  : cfg.peripheral_size ? "peripheral_size" : NULL;

	/* a FIFO has one data register and no flow control of its own */
	if (unsupported) {
		udma_chan_diag(chan, "dmaengine_slave_config", "%s is set: the soft controller "
			       "does not support it", unsupported);
		return -EINVAL;
	}
	if (cfg.dst_addr) {
		fifo[0] = config_fifo(sc, true, cfg.dst_addr, &cfg.dst_addr_width, cfg.dst_maxburst);
		if (IS_ERR(fifo[0]))
			return (int)PTR_ERR(fifo[0]);
	}
	if (cfg.src_addr) {
		fifo[1] = config_fifo(sc, false, cfg.src_addr, &cfg.src_addr_width, cfg.src_maxburst);
		if (IS_ERR(fifo[1])) {
			if (fifo[0])
				soft_fifo_put(fifo[0]);
			return (int)PTR_ERR(fifo[1]);
		}
	}
	drop_fifos(sc);
	spin_lock(&sc->vc.lock);
	sc->cfg = cfg;
	sc->cfg_fifo[0] = fifo[0];
	sc->cfg_fifo[1] = fifo[1];
	spin_unlock(&sc->vc.lock);
	for (int i = 0; i < 2; i++)
		if (fifo[i])
			soft_fifo_attach(fifo[i], sc);
	return 0;
}

static void soft_issue_pending(struct dma_chan *chan)
{
	struct soft_chan *sc = to_soft_chan(chan);
	bool issued;

	/* Without vc.lock: the hardware thread holds it while it takes work. */
	spin_lock(&sc->vc.submit_lock);
	issued = soft_queue_issue(sc);
	spin_unlock(&sc->vc.submit_lock);
	if (issued)
		udma_engine_kick(&sc->eng);
}

/* Returns once the hardware stands still: residue no longer moves (R7). */
static int soft_pause(struct dma_chan *chan)
{
	udma_engine_pause(&to_soft_chan(chan)->eng);
	return 0;
}

static int soft_resume(struct dma_chan *chan)
{
	udma_engine_resume(&to_soft_chan(chan)->eng);
	return 0;
}

static int soft_terminate_all(struct dma_chan *chan)
{
	struct soft_chan *sc = to_soft_chan(chan);
	LIST_HEAD(head);

	spin_lock(&sc->vc.lock);
	udma_engine_stop(&sc->eng);	/* under vc.lock: flushes check it under it */
	soft_queue_terminate(sc, &head);
	sc->vc.cyclic = NULL;
	spin_unlock(&sc->vc.lock);

	vchan_dma_desc_free_list(&sc->vc, &head);
	udma_engine_kick(&sc->eng);	/* out of a wait, to see the stop */
	return 0;
}

/*
 * vchan_synchronize, with the hardware's acknowledgement in the middle:
 * running callbacks end first (one may still terminate), then the
 * terminated descriptors are taken together with the terminate count that
 * covers them, and freed once the hardware has seen that count. A
 * terminate that comes later leaves its descriptors for the next call.
 */
static void soft_synchronize(struct dma_chan *chan)
{
	struct soft_chan *sc = to_soft_chan(chan);
	unsigned int gen;
	LIST_HEAD(head);

	tasklet_kill(&sc->vc.task);
	spin_lock(&sc->vc.lock);
	gen = udma_engine_gen(&sc->eng);
	list_splice_tail_init(&sc->vc.desc_terminated, &head);
	spin_unlock(&sc->vc.lock);

	udma_engine_wait_ack(&sc->eng, gen);
	vchan_dma_desc_free_list(&sc->vc, &head);
}

static uint32_t residue_of(const struct soft_dev *sd, const struct soft_desc *d, bool started)
{
	size_t done = 0;

	switch (sd->dma.residue_granularity) {
	case DMA_RESIDUE_GRANULARITY_DESCRIPTOR:
		return 0;
	/* acquire, both: pair with the smp_store_release()s in run_desc
	 * (soft-engine.c), so that the bytes the residue says moved are seen */
	case DMA_RESIDUE_GRANULARITY_SEGMENT:
		done = started ? smp_load_acquire(&d->moved_segs) : 0;
		break;
	case DMA_RESIDUE_GRANULARITY_BURST:
		done = started ? smp_load_acquire(&d->moved) : 0;
		break;
	}
	return (uint32_t)(d->total - done);
}

static enum dma_status soft_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				      struct dma_tx_state *state)
{
	struct soft_chan *sc = to_soft_chan(chan);
	struct soft_found f;
	enum dma_status status;
	uint32_t residue = 0;

	status = dma_cookie_status(chan, cookie, state);
	if (status == DMA_COMPLETE)
		return status;
	if (!state)	/* no residue wanted: no lock, no search (pollers) */
		return udma_engine_paused(&sc->eng) ? DMA_PAUSED : status;

	spin_lock(&sc->vc.lock);
	status = dma_cookie_status(chan, cookie, state);
	if (status != DMA_COMPLETE) {
		/* a plain copy's progress stays 0 unless a fault made the
		 * engine run it burst by burst; a bare one has none to track */
		if (soft_queue_find(sc, cookie, &f)) {
			if (f.d)
				residue = residue_of(sc->sd, f.d, f.held);
			else if (sc->sd->dma.residue_granularity != DMA_RESIDUE_GRANULARITY_DESCRIPTOR)
				residue = f.len;
		}
		if (udma_engine_paused(&sc->eng))
			status = DMA_PAUSED;
	}
	spin_unlock(&sc->vc.lock);
	dma_set_residue(state, residue);
	return status;
}

int udma_soft_inject(struct dma_chan *chan, const struct udma_soft_fault *fault)
{
	struct udma_soft_fault none = { .kind = UDMA_FAULT_NONE };
	struct soft_chan *sc;

	if (udma_forked_child(__func__))
		return -ENODEV;
	if (!chan || IS_ERR(chan) || !is_soft(chan->device)) {
		udma_diag(__func__, "chan is not a software controller channel");
		return -EINVAL;
	}
	/* acquire: pairs with the smp_store_release()s of udma.registered
	 * (core's registry.c) */
	if (!smp_load_acquire(&chan->device->udma.registered)) {
		udma_chan_diag(chan, __func__, "its device was unregistered (unplugged)");
		return -ENODEV;
	}
	if (!fault)
		fault = &none;
	if ((unsigned int)fault->kind > UDMA_FAULT_STALL ||
	    (fault->kind != UDMA_FAULT_NONE && fault->one_in == 0)) {
		udma_chan_diag(chan, __func__, fault->one_in ? "fault->kind %d is not a fault kind"
							     : "fault->one_in 0: must be >= 1",
			       (int)fault->kind);
		return -EINVAL;
	}
	sc = to_soft_chan(chan);
	spin_lock(&sc->vc.lock);
	sc->fault = *fault;
	sc->fault_gen++;
	/* relaxed: a flag for batch submits (soft-prep.c), publishing nothing;
	 * the hardware reads the fault itself under vc.lock */
	WRITE_ONCE(sc->fault_set, fault->kind != UDMA_FAULT_NONE);
	spin_unlock(&sc->vc.lock);
	if (udma_trace_on())
		udma_trace_instant(UT_INJECT, chan, 0, fault->kind, fault->one_in, 0);
	return 0;
}

uint64_t udma_soft_fault_hits(struct dma_chan *chan)
{
	if (!chan || IS_ERR(chan) || !is_soft(chan->device))
		return 0;
	return (uint64_t)atomic64_read(&to_soft_chan(chan)->fault_hits);
}

bool udma_soft_filter(struct dma_chan *chan, void *fifo)
{
	if (!chan || !is_soft(chan->device))
		return false;
	if (fifo && !soft_fifo_get(udma_fifo_addr(fifo))) {
		udma_diag(__func__, "fifo is not a live FIFO");
		return false;
	}
	if (fifo)
		soft_fifo_put(fifo);
	/* release: pairs with the smp_load_acquire in config_fifo */
	smp_store_release(&to_soft_chan(chan)->request_line, (struct udma_fifo *)fifo);
	return true;
}

static const char *bad_config(const struct udma_soft_config *c)
{
	if (c->nr_channels > SOFT_MAX_CHANNELS)
		return "nr_channels is larger than 64";
	if ((unsigned int)c->residue_granularity > DMA_RESIDUE_GRANULARITY_BURST)
		return "residue_granularity is not a dma_residue_granularity";
	if (c->copy_align > 12)
		return "copy_align is larger than 12 (4 KiB)";
	if (c->burst_bytes && c->burst_bytes < 64)
		return "burst_bytes is smaller than 64";
	if (c->name && strlen(c->name) >= 32)
		return "name is longer than 31 characters";
	if (c->flags & ~(unsigned int)(UDMA_SOFT_NO_PAUSE | UDMA_SOFT_NO_REUSE))
		return "flags has unknown bits";
	/* with these the core would let DMA_PREP_REPEAT / _LOAD_EOT through */
	if (dma_has_cap(DMA_REPEAT, c->cap_mask) || dma_has_cap(DMA_LOAD_EOT, c->cap_mask))
		return "cap_mask has DMA_REPEAT or DMA_LOAD_EOT, which the soft controller "
		       "does not implement";
	return NULL;
}

/* The arrays a channel's queue lives in (udma_soft_create allocates them). */
static void free_queues(struct soft_chan *sc)
{
	free(sc->hwq);
	free(sc->cq);
	free(sc->cq_idle);
	free(sc->sub_ring);
}

static void stop_chan(struct soft_chan *sc)
{
	udma_engine_exit(&sc->eng);
	udma_thread_join(sc->thread, NULL);
	free_queues(sc);
	soft_cache_drain(sc);
	spin_lock_destroy(&sc->free_lock);
	udma_engine_destroy(&sc->eng);
	vchan_exit(&sc->vc);
}

/* Channel @i's thread on the i-th CPU of @mask, round-robin. */
static void pin_thread(pthread_t thread, uint64_t mask, unsigned int i)
{
	int cpus[64], n = 0;
	cpu_set_t set;

	for (int c = 0; c < 64; c++)
		if (mask & (1ull << c))
			cpus[n++] = c;
	if (!n)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpus[i % (unsigned int)n], &set);
	pthread_setaffinity_np(thread, sizeof(set), &set);
}

static void fill_device(struct soft_dev *sd, const struct udma_soft_config *c)
{
	struct dma_device *dd = &sd->dma;

	dd->cap_mask = c->cap_mask;
	if (!dd->cap_mask.bits[0]) {
		dma_cap_set(DMA_MEMCPY, dd->cap_mask);
		dma_cap_set(DMA_MEMSET, dd->cap_mask);
		dma_cap_set(DMA_SLAVE, dd->cap_mask);
		dma_cap_set(DMA_CYCLIC, dd->cap_mask);
		dma_cap_set(DMA_INTERLEAVE, dd->cap_mask);
		dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	}
	dd->copy_align = c->copy_align;
	dd->fill_align = c->copy_align;
	dd->src_addr_widths = dd->dst_addr_widths = (1u << 1) | (1u << 2) | (1u << 4) | (1u << 8);
	dd->directions = (1u << DMA_MEM_TO_MEM) | (1u << DMA_MEM_TO_DEV) | (1u << DMA_DEV_TO_MEM);
	dd->min_burst = 1;
	dd->max_burst = c->max_burst ? c->max_burst : 256;
	dd->max_sg_burst = 0;
	dd->descriptor_reuse = !(c->flags & UDMA_SOFT_NO_REUSE);
	dd->udma.claim_in_submit = true;	/* soft_tx_submit claims under submit_lock */
	dd->residue_granularity = c->residue_granularity;
	dd->dev = &sd->dev;

	dd->device_alloc_chan_resources = soft_alloc_chan_resources;
	dd->device_free_chan_resources = soft_free_chan_resources;
	dd->device_prep_dma_memcpy = soft_prep_memcpy;
	dd->udma_submit_memcpy_batch = soft_submit_memcpy_batch;
	dd->device_prep_dma_memset = soft_prep_memset;
	dd->device_prep_slave_sg = soft_prep_slave_sg;
	dd->device_prep_peripheral_dma_vec = soft_prep_dma_vec;
	dd->device_prep_dma_cyclic = soft_prep_cyclic;
	dd->device_prep_interleaved_dma = soft_prep_interleaved;
	dd->device_config = soft_config;
	if (!(c->flags & UDMA_SOFT_NO_PAUSE)) {
		dd->device_pause = soft_pause;
		dd->device_resume = soft_resume;
	}
	dd->device_terminate_all = soft_terminate_all;
	dd->device_synchronize = soft_synchronize;
	dd->device_tx_status = soft_tx_status;
	dd->device_issue_pending = soft_issue_pending;
	dd->filter.fn = udma_soft_filter;
}

struct dma_device *udma_soft_create(const struct udma_soft_config *cfg)
{
	struct udma_soft_config c = { 0 };
	struct soft_dev *sd;
	const char *bad;
	unsigned int started = 0;
	int ret;

	if (udma_forked_child(__func__))
		return ERR_PTR(-ENODEV);
	if (cfg) {
		c = *cfg;
	} else {
		c.residue_granularity = DMA_RESIDUE_GRANULARITY_BURST;
	}
	bad = bad_config(&c);
	if (bad) {
		udma_diag(__func__, "cfg: %s", bad);
		return ERR_PTR(-EINVAL);
	}
	if (!c.nr_channels)
		c.nr_channels = 4;

	sd = udma_zalloc_aligned(sizeof(*sd) + c.nr_channels * sizeof(sd->chans[0]));
	if (!sd) {
		udma_diag(__func__, "out of memory for the controller");
		return ERR_PTR(-ENOMEM);
	}
	sd->nr = c.nr_channels;
	sd->burst_bytes = c.burst_bytes ? c.burst_bytes : 65536;
	snprintf(sd->name, sizeof(sd->name), "%s", c.name ? c.name : "dma0");
	sd->dev.name = sd->name;
	INIT_LIST_HEAD(&sd->dma.channels);
	fill_device(sd, &c);

	for (unsigned int i = 0; i < sd->nr; i++) {
		struct soft_chan *sc = &sd->chans[i];

		sc->sd = sd;
		vchan_init(&sc->vc, &sd->dma);
		sc->vc.desc_free = soft_desc_free;
		sc->vc.desc_free_begin = soft_free_batch_begin;
		sc->vc.desc_free_end = soft_free_batch_end;
		sc->burst_bytes = sd->burst_bytes;
		sc->sub_room = SOFT_SUB_RING;
		sc->sub_mask = SOFT_SUB_RING - 1;
		sc->sub_ring = aligned_alloc(64, SOFT_SUB_RING * sizeof(*sc->sub_ring));
		tasklet_setup(&sc->vc.task, soft_complete);
		sc->hwq = calloc(SOFT_HWQ, sizeof(*sc->hwq));
		sc->cq = calloc(SOFT_CQ, sizeof(*sc->cq));
		sc->cq_idle = calloc(SOFT_CQ, sizeof(*sc->cq_idle));
		sc->cq_cap = sc->cq_idle_cap = SOFT_CQ;
		if (!sc->hwq || !sc->cq || !sc->cq_idle || !sc->sub_ring) {
			udma_diag(__func__, "out of memory for the queues of channel %u", i);
			ret = -ENOMEM;
			goto fail;
		}
		spin_lock_init(&sc->free_lock);
		udma_engine_init(&sc->eng, soft_hw_before_park);
		char tname[48];

		snprintf(tname, sizeof(tname), "%schan%u", sd->name, i);
		if (udma_sim_thread_create(&sc->thread, NULL, tname, soft_hw_thread, sc)) {
			udma_diag(__func__, "cannot start the thread of channel %u", i);
			ret = -EAGAIN;
			goto fail;
		}
		started++;
		pin_thread(sc->thread, c.cpu_mask, i);
	}
	ret = dma_async_device_register(&sd->dma);
	if (ret == 0) {
		/* unnamed: named like its channels, "dma0" for the first */
		if (!c.name)
			snprintf(sd->name, sizeof(sd->name), "dma%d", sd->dma.dev_id);
		return &sd->dma;
	}
fail:
	for (unsigned int i = 0; i < started; i++)
		stop_chan(&sd->chans[i]);
	for (unsigned int i = started; i < sd->nr; i++)
		free_queues(&sd->chans[i]);
	free(sd);
	return ERR_PTR(ret);
}

/* Completes everything @sc has, running or queued, as aborted. */
static void abort_all(struct soft_chan *sc)
{
	struct soft_desc *d, *n;
	unsigned int gen;
	LIST_HEAD(head);

	/*
	 * First the hardware lets go: it may be inside a burst. Relaxed: no
	 * store-then-load pattern meets it. The vc.lock hold right after
	 * orders it before the new stop generation, which the hardware reads
	 * under vc.lock together with unplugged, and wait_ack's acquire sees
	 * the ack of that generation (see soft_hw_thread).
	 */
	WRITE_ONCE(sc->unplugged, 1);
	spin_lock(&sc->vc.lock);
	gen = udma_engine_stop(&sc->eng);
	spin_unlock(&sc->vc.lock);
	udma_engine_wait_ack(&sc->eng, gen);	/* kicks it out of any wait first */

	/* then every descriptor completes, in cookie order: as aborted, with
	 * what it did not move, unless the engine had moved all of it and
	 * only the report was left (then its own result, as the engine left it) */
	spin_lock(&sc->vc.lock);
	soft_queue_abort(sc, &head);
	list_for_each_entry_safe(d, n, &head, struct soft_desc, vd.node) {
		size_t moved = smp_load_acquire(&d->moved);	/* as in residue_of */

		list_del(&d->vd.node);
		if (d->cyclic || moved < d->total) {
			d->vd.tx_result.result = DMA_TRANS_ABORTED;
			d->vd.tx_result.residue = (uint32_t)(d->total - moved);
		}
		vchan_cookie_complete(&d->vd);
	}
	/* bare copies after the last descriptor are finished too. Release:
	 * pairs with the acquire loads of completed_cookie (dma_cookie_status,
	 * core's stats.c); the cookie, relaxed, is only a number. */
	smp_store_release(&sc->vc.chan.completed_cookie, READ_ONCE(sc->vc.chan.cookie));
	spin_unlock(&sc->vc.lock);
}

int udma_soft_unplug(struct dma_device *dev)
{
	struct soft_dev *sd;

	if (udma_forked_child(__func__))
		return -ENODEV;
	if (!dev || IS_ERR(dev) || !is_soft(dev) ||
	    !smp_load_acquire(&dev->udma.registered)) {	/* as in udma_soft_inject */
		udma_diag(__func__, "dev is not a registered software controller");
		return -EINVAL;
	}
	sd = container_of(dev, struct soft_dev, dma);
	if (udma_trace_on() && sd->nr)
		udma_trace_instant(UT_UNPLUG, &sd->chans[0].vc.chan, 0, 0, 0, 0);
	for (unsigned int i = 0; i < sd->nr; i++) {
		abort_all(&sd->chans[i]);
		if (!udma_in_tasklet())
			tasklet_kill(&sd->chans[i].vc.task);	/* the aborted callbacks ran */
	}
	dma_async_device_unregister(dev);
	return 0;
}

int udma_soft_destroy(struct dma_device *dev)
{
	struct soft_dev *sd;

	if (udma_forked_child(__func__))
		return -ENODEV;	/* its threads are in the parent: nothing to join here */
	if (!dev || IS_ERR(dev) || !is_soft(dev)) {
		udma_diag(__func__, "dev is not a software controller");
		return -EINVAL;
	}
	if (dma_device_busy(dev)) {
		udma_diag(__func__, "%s: a channel is still held; release it first", dev_name(dev->dev));
		return -EBUSY;
	}
	sd = container_of(dev, struct soft_dev, dma);
	/* not unplugged; acquire: as in udma_soft_inject */
	if (smp_load_acquire(&dev->udma.registered))
		dma_async_device_unregister(dev);
	for (unsigned int i = 0; i < sd->nr; i++)
		stop_chan(&sd->chans[i]);
	free(sd);
	return 0;
}

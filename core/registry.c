/* SPDX-License-Identifier: MIT */
/*
 * The device registry: registered controllers, and which of their channels
 * clients hold. Channel request (R1), request by name, release (R10).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <udma/trace-hooks.h>

/*
 * Protects dma_device_list, every device's channel list, the choice of
 * dev_id, each device's privatecnt and each channel's slave and name.
 * Not client_count, which is only ever changed atomically: taking a channel
 * (0 -> 1) and the end of its release (-1 -> 0) happen with this mutex
 * held, but the start of a release (1 -> -1) is a compare-and-swap without
 * it (chan_claim_release), so that of racing releases exactly one wins,
 * and it is read without the mutex too (chan_holders).
 */
static pthread_mutex_t dma_list_mutex = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(dma_device_list);

/* client_count: 0 free, 1 held, -1 being released; changed atomically.
 * Acquire: pairs with the smp_store_release()s of client_count below (a
 * take, the end of a release) and chan_claim_release's fully ordered
 * cmpxchg. */
static int chan_holders(const struct dma_chan *chan)
{
	return smp_load_acquire(&chan->client_count);
}

/* The lowest number no registered device uses, as the kernel's ida gives. */
static int free_dev_id(void)
{
	struct dma_device *d;
	int id = 0;

again:
	list_for_each_entry(d, &dma_device_list, struct dma_device, global_node) {
		if (d->dev_id == id) {
			id++;
			goto again;
		}
	}
	return id;
}

/* Each capability needs the op that prepares it. */
static const char *missing_op(const struct dma_device *d)
{
	if (!d->device_issue_pending)
		return "device_issue_pending";
	if (!d->device_tx_status)
		return "device_tx_status";
	if (dma_has_cap(DMA_MEMCPY, d->cap_mask) && !d->device_prep_dma_memcpy)
		return "device_prep_dma_memcpy (DMA_MEMCPY)";
	if (dma_has_cap(DMA_MEMSET, d->cap_mask) && !d->device_prep_dma_memset)
		return "device_prep_dma_memset (DMA_MEMSET)";
	if (dma_has_cap(DMA_INTERRUPT, d->cap_mask) && !d->device_prep_dma_interrupt)
		return "device_prep_dma_interrupt (DMA_INTERRUPT)";
	if (dma_has_cap(DMA_SLAVE, d->cap_mask) && !d->device_prep_slave_sg)
		return "device_prep_slave_sg (DMA_SLAVE)";
	if (dma_has_cap(DMA_CYCLIC, d->cap_mask) && !d->device_prep_dma_cyclic)
		return "device_prep_dma_cyclic (DMA_CYCLIC)";
	if (dma_has_cap(DMA_INTERLEAVE, d->cap_mask) && !d->device_prep_interleaved_dma)
		return "device_prep_interleaved_dma (DMA_INTERLEAVE)";
	return NULL;
}

int dma_async_device_register(struct dma_device *device)
{
	struct dma_chan *chan;
	const char *op;
	unsigned int n = 0;

	if (udma_forked_child(__func__))
		return -ENODEV;
	if (!device) {
		udma_diag(__func__, "device is NULL");
		return -EINVAL;
	}
	if (!device->dev) {
		/* the kernel's answer too: mapping and names go through it */
		udma_diag(__func__, "device has no dev (struct device)");
		return -EIO;
	}
	if (device->udma.registered) {
		udma_diag(__func__, "device %s is registered already", dev_name(device->dev));
		return -EEXIST;
	}
	op = missing_op(device);
	if (op) {
		udma_diag(__func__, "device %s has no %s", dev_name(device->dev), op);
		return -EIO;
	}
	if (!device->channels.next || list_empty(&device->channels)) {
		udma_diag(__func__, "device %s has no channels", dev_name(device->dev));
		return -ENODEV;
	}

	udma_summary_arm();	/* UDMA_SUMMARY, before any device can unregister */
	udma_trace_arm();	/* UDMA_TRACE */
	udma_telemetry_arm();	/* UDMA_TELEMETRY */
	udma_mutex_lock(&dma_list_mutex);
	device->dev_id = free_dev_id();
	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		chan->device = device;
		chan->chan_id = (int)n++;
		/* release: pairs with chan_holders' acquire */
		smp_store_release(&chan->client_count, 0);
		chan->udma.flags = 0;
		snprintf(chan->udma.name, sizeof(chan->udma.name), "dma%dchan%d",
			 device->dev_id, chan->chan_id);
		udma_stats_reset(chan);	/* counters are per registration */
		/* release: pairs with the smp_load_acquire of udma_telemetry
		 * in telemetry.c's completion path */
		smp_store_release(&chan->udma.telemetry, NULL);
	}
	device->chancnt = n;
	device->privatecnt = 0;
	/* Every udmaengine channel is exclusive to its client (R1). */
	dma_cap_set(DMA_PRIVATE, device->cap_mask);
	list_add_tail(&device->global_node, &dma_device_list);
	/* release: the channels set up above before the flag; pairs with the
	 * smp_load_acquire of udma.registered in udma_chan_check_slow and
	 * udma_chan_get_stats (stats.c) */
	smp_store_release(&device->udma.registered, 1);
	udma_mutex_unlock(&dma_list_mutex);
	udma_fork_watch();	/* its controller's threads will not be in a child */
	return 0;
}

void udma_devices_walk(void (*fn)(struct dma_device *device, void *arg), void *arg)
{
	struct dma_device *d;

	udma_mutex_lock(&dma_list_mutex);
	list_for_each_entry(d, &dma_device_list, struct dma_device, global_node)
		fn(d, arg);
	udma_mutex_unlock(&dma_list_mutex);
}

bool dma_device_busy(struct dma_device *device)
{
	struct dma_chan *chan;
	bool busy = false;

	udma_mutex_lock(&dma_list_mutex);
	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node)
		busy |= chan_holders(chan) != 0;
	udma_mutex_unlock(&dma_list_mutex);
	return busy;
}

/*
 * Stops a held channel's work and frees its resources. The caller won the
 * client_count 1 -> -1 ("releasing") exchange, so nobody else takes or
 * releases it meanwhile; runs without dma_list_mutex, since synchronize
 * waits for callbacks that may themselves request channels.
 */
static void chan_put(struct dma_chan *chan)
{
	struct dma_device *device = chan->device;

	if (device->device_terminate_all) {
		device->device_terminate_all(chan);
		if (device->device_synchronize)
			device->device_synchronize(chan);
	}
	if (device->device_free_chan_resources)
		device->device_free_chan_resources(chan);
	udma_stats_terminated(chan);	/* what release terminated, or let go of */
	/* release: the provider's teardown above before the flags' clearing;
	 * pairs with chan_flags' acquire (internal.h) */
	smp_store_release(&chan->udma.flags, 0);

	udma_mutex_lock(&dma_list_mutex);
	chan->slave = NULL;
	chan->name = NULL;
	device->privatecnt--;
	/* release: the whole release before the channel reads free; pairs
	 * with chan_holders' acquire */
	smp_store_release(&chan->client_count, 0);
	udma_mutex_unlock(&dma_list_mutex);
}

static bool chan_claim_release(struct dma_chan *chan)
{
	int held = 1;

	/*
	 * Fully ordered (it was acquire+release, which the kernel has no name
	 * for): acquire pairs with chan_get's smp_store_release of 1, release
	 * with chan_holders' acquire. A loser only reports the race and reads
	 * nothing the winner wrote, so the failed cmpxchg's relaxed load is
	 * enough.
	 */
	if (!try_cmpxchg(&chan->client_count, &held, -1))
		return false;
	chan_clear(chan, UDMA_CHAN_HELD);
	return true;
}

void dma_async_device_unregister(struct dma_device *device)
{
	struct dma_chan *chan;

	if (udma_forked_child(__func__))
		return;
	if (!device || !device->udma.registered) {
		udma_diag(__func__, "device is not registered");
		return;
	}
	/*
	 * A held channel is not taken from its client: its work is stopped
	 * and every later call but release answers -ENODEV. The provider
	 * keeps its memory until those channels are released.
	 */
	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		if (chan_holders(chan) > 0) {
			udma_chan_diag(chan, __func__, "channel still held by a client: its work is "
				       "terminated, later calls get -ENODEV");
			chan_set(chan, UDMA_CHAN_GONE);
			if (device->device_terminate_all) {
				device->device_terminate_all(chan);
				if (device->device_synchronize && !udma_in_tasklet())
					device->device_synchronize(chan);
				udma_stats_terminated(chan);
			}
		}
	}
	udma_mutex_lock(&dma_list_mutex);
	udma_summary_retire(device);	/* for UDMA_SUMMARY at exit, as it is now */
	list_del(&device->global_node);
	/* release: the channels marked GONE above first; pairs with the
	 * smp_load_acquire()s of udma.registered (stats.c, below) */
	smp_store_release(&device->udma.registered, 0);
	udma_mutex_unlock(&dma_list_mutex);
	udma_telemetry_retire(device);	/* its channels' histograms, for reuse */
	if (device->device_release)
		device->device_release(device);
}

/* Takes a free channel for a client; dma_list_mutex held. 0 or -errno. */
static int chan_get(struct dma_chan *chan)
{
	struct dma_device *device = chan->device;

	if (device->device_alloc_chan_resources) {
		int ret = device->device_alloc_chan_resources(chan);

		if (ret < 0) {
			udma_chan_diag(chan, "dma_request_channel",
				       "device_alloc_chan_resources failed (%d)", ret);
			return ret;
		}
	}
	/* relaxed: the client that gets the channel is this thread; another
	 * one learns of it from that client, or through client_count */
	WRITE_ONCE(chan->udma.flags, UDMA_CHAN_HELD);
	chan->udma.reported = 0;
	chan->udma.unsubmitted = NULL;
	/* release: the channel set up above before it reads held; pairs with
	 * chan_holders' acquire and chan_claim_release's cmpxchg */
	smp_store_release(&chan->client_count, 1);
	device->privatecnt++;
	return 0;
}

struct dma_chan *__dma_request_channel(const dma_cap_mask_t *mask,
				       dma_filter_fn fn, void *fn_param,
				       void *np)
{
	struct dma_device *device;
	struct dma_chan *chan, *found = NULL;

	(void)np;
	if (udma_forked_child("dma_request_channel"))
		return NULL;
	if (!mask) {
		udma_diag("dma_request_channel", "mask is NULL");
		return NULL;
	}
	udma_mutex_lock(&dma_list_mutex);
	udma_diag_once_begin();	/* a filter refusing every channel: one line */
	list_for_each_entry(device, &dma_device_list, struct dma_device, global_node) {
		if (!__dma_cap_subset(mask, &device->cap_mask))
			continue;
		list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
			if (chan_holders(chan))
				continue;
			if (fn && !fn(chan, fn_param))
				continue;
			if (chan_get(chan) == 0) {
				found = chan;
				goto out;
			}
		}
	}
out:
	udma_diag_once_end();
	udma_mutex_unlock(&dma_list_mutex);
	return found;
}

struct dma_chan *dma_request_chan_by_mask(const dma_cap_mask_t *mask)
{
	struct dma_chan *chan;

	if (!mask) {
		udma_diag(__func__, "mask is NULL");
		return ERR_PTR(-EINVAL);
	}
	chan = __dma_request_channel(mask, NULL, NULL, NULL);

	return chan ? chan : ERR_PTR(-ENODEV);
}

/* @device is registered; dma_list_mutex held. */
static bool device_listed(const struct dma_device *device)
{
	const struct dma_device *d;

	list_for_each_entry(d, &dma_device_list, struct dma_device, global_node)
		if (d == device)
			return true;
	return false;
}

/* chan_get for the provider-side lookups, its diagnostic naming @func. */
static int chan_get_for(struct dma_chan *chan, const char *func)
{
	int ret;

	udma_diag_caller = func;
	ret = chan_get(chan);
	udma_diag_caller = NULL;
	return ret;
}

struct dma_chan *dma_get_slave_channel(struct dma_chan *chan)
{
	struct dma_chan *found = NULL;

	if (udma_forked_child(__func__))
		return NULL;
	if (!chan || IS_ERR(chan)) {
		udma_diag(__func__, chan ? "chan is an error pointer (%ld)" : "chan is NULL",
			  PTR_ERR(chan));
		return NULL;
	}
	udma_mutex_lock(&dma_list_mutex);
	if (!chan->device || !device_listed(chan->device)) {
		udma_mutex_unlock(&dma_list_mutex);
		udma_diag(__func__, "chan is not a channel of a registered device");
		return NULL;
	}
	/* a held channel (or one being released) is someone else's: NULL, as
	 * in the kernel, which is an answer, not a misuse */
	if (chan_holders(chan) == 0 && chan_get_for(chan, __func__) == 0)
		found = chan;
	udma_mutex_unlock(&dma_list_mutex);
	return found;
}

struct dma_chan *dma_get_any_slave_channel(struct dma_device *device)
{
	struct dma_chan *chan, *found = NULL;

	if (udma_forked_child(__func__))
		return NULL;
	if (!device || IS_ERR(device)) {
		udma_diag(__func__, device ? "device is an error pointer" : "device is NULL");
		return NULL;
	}
	udma_mutex_lock(&dma_list_mutex);
	if (!device_listed(device)) {
		udma_mutex_unlock(&dma_list_mutex);
		udma_diag(__func__, "device %s is not registered", dev_name(device->dev));
		return NULL;
	}
	if (!dma_has_cap(DMA_SLAVE, device->cap_mask)) {
		udma_mutex_unlock(&dma_list_mutex);
		udma_diag(__func__, "device %s has no DMA_SLAVE capability", dev_name(device->dev));
		return NULL;
	}
	list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
		if (chan_holders(chan) == 0 && chan_get_for(chan, __func__) == 0) {
			found = chan;
			break;
		}
	}
	udma_mutex_unlock(&dma_list_mutex);
	return found;
}

static const struct dma_slave_map *find_map(const struct dma_device *device,
					    const char *devname, const char *name)
{
	for (int i = 0; i < device->filter.mapcnt; i++) {
		const struct dma_slave_map *map = &device->filter.map[i];

		if (map->devname && map->slave && !strcmp(map->devname, devname) &&
		    !strcmp(map->slave, name))
			return map;
	}
	return NULL;
}

struct dma_chan *dma_request_chan(struct device *dev, const char *name)
{
	struct dma_device *device;
	struct dma_chan *chan, *found = NULL;
	bool mapped = false;

	if (udma_forked_child(__func__))
		return ERR_PTR(-ENODEV);
	if (!dev || !dev->name) {
		udma_diag(__func__, "dev (or dev->name) is NULL");
		return ERR_PTR(-EINVAL);
	}
	if (!name) {
		udma_diag(__func__, "name is NULL");
		return ERR_PTR(-EINVAL);
	}
	udma_mutex_lock(&dma_list_mutex);
	udma_diag_once_begin();
	list_for_each_entry(device, &dma_device_list, struct dma_device, global_node) {
		const struct dma_slave_map *map;

		if (!device->filter.map || !device->filter.fn)
			continue;
		map = find_map(device, dev->name, name);
		if (!map)
			continue;
		mapped = true;
		list_for_each_entry(chan, &device->channels, struct dma_chan, device_node) {
			if (chan_holders(chan) || !device->filter.fn(chan, map->param))
				continue;
			if (chan_get(chan) == 0) {
				chan->slave = dev;
				/* the kernel's "dma:<name>"; one that does not
				   fit is cut, as a name only */
				snprintf(chan->udma.slave_name, sizeof(chan->udma.slave_name),
					 "dma:%s", map->slave);
				chan->name = chan->udma.slave_name;
				found = chan;
				goto out;
			}
		}
	}
out:
	udma_diag_once_end();
	udma_mutex_unlock(&dma_list_mutex);
	if (found)
		return found;
	udma_diag(__func__, mapped ? "%s: no free channel for \"%s\""
				   : "%s: no slave map entry for \"%s\"",
		  dev->name, name);
	return ERR_PTR(mapped ? -EBUSY : -ENODEV);
}

void dma_release_channel(struct dma_chan *chan)
{
	bool gone;

	if (udma_forked_child(__func__))
		return;	/* its threads are not here to stop: left as it is */
	/* a channel whose device went away is released like any other */
	gone = chan && !IS_ERR(chan) && chan_holders(chan) > 0 && (chan_flags(chan) & UDMA_CHAN_GONE);
	if (!gone && !udma_chan_usable(chan, __func__))
		return;
	if (udma_in_tasklet()) {
		udma_misuse(chan, __func__, MISUSE_SYNC_IN_CALLBACK,
			    "called from a completion callback: release waits for callbacks to end; refused");
		return;
	}
	if (udma_get_strict() != UDMA_STRICT_OFF && (chan_flags(chan) & UDMA_CHAN_TERMINATING))
		udma_misuse(chan, __func__, MISUSE_RELEASE_UNSYNCED,
			    "dmaengine_terminate_async was not followed by dmaengine_synchronize: "
			    "memory freed before release was still in use (release synchronizes now)");
	if (!chan_claim_release(chan)) {
		udma_chan_diag(chan, __func__, "channel is being released by another thread");
		return;
	}
	chan_put(chan);
}

void *udma_zalloc_aligned(size_t size)
{
	size_t rounded = (size + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, rounded ? rounded : 64);

	if (p)
		memset(p, 0, rounded ? rounded : 64);
	return p;
}

int udma_chan_check_slow(struct dma_chan *chan, const char *func)
{
	if (udma_forked_child(func))
		return -ENODEV;
	if (!chan) {
		udma_diag(func, "chan is NULL");
		return -EINVAL;
	}
	if (IS_ERR(chan)) {
		udma_diag(func, "chan is an error pointer (%ld)", PTR_ERR(chan));
		return -EINVAL;
	}
	if (chan_holders(chan) > 0 && (chan_flags(chan) & UDMA_CHAN_GONE)) {
		udma_chan_diag(chan, func, "its device was unregistered (unplugged); "
			       "only dma_release_channel is left to do");
		return -ENODEV;
	}
	/* acquire: pairs with the smp_store_release()s of udma.registered */
	if (!chan->device || !smp_load_acquire(&chan->device->udma.registered)) {
		udma_diag(func, "chan is not a channel of a registered device");
		return -EINVAL;
	}
	if (chan_holders(chan) <= 0) {
		udma_chan_diag(chan, func, "channel is not held (released, or never requested)");
		return -EINVAL;
	}
	return 0;
}

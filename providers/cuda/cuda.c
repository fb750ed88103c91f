/* SPDX-License-Identifier: MIT */
/*
 * The CUDA controller: device and channel setup, creation and teardown.
 * Descriptors are built in cuda-prep.c, handed to the streams and completed
 * in cuda-engine.c; host memory is pinned in cuda-map.c.
 *
 * A channel is a non-blocking CUDA stream plus a completion thread. The GPU
 * schedules a stream's copies on its copy engines, so one channel per copy
 * engine (the default) lets every engine work at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda-internal.h"

static bool is_cuda(const struct dma_device *dev)
{
	return dev && dev->device_prep_dma_memcpy == cuda_prep_memcpy;
}

int cuda_dev_enter(const struct cuda_dev *cd)
{
	int prev = -1;

	if (cudaGetDevice(&prev) != cudaSuccess) {
		cudaGetLastError();
		prev = -1;
	}
	if (prev != cd->index && cudaSetDevice(cd->index) != cudaSuccess)
		cudaGetLastError();	/* the call that needs it reports the failure */
	return prev;
}

void cuda_dev_leave(const struct cuda_dev *cd, int prev)
{
	if (prev >= 0 && prev != cd->index && cudaSetDevice(prev) != cudaSuccess)
		cudaGetLastError();
}

bool udma_cuda_filter(struct dma_chan *chan, void *dev)
{
	if (!chan || IS_ERR(chan) || !is_cuda(chan->device))
		return false;
	return !dev || dev == (void *)chan->device;
}

static int cuda_alloc_chan_resources(struct dma_chan *chan)
{
	dma_cookie_init(chan);
	udma_engine_resume(&to_cuda_chan(chan)->eng);	/* a new client starts unpaused */
	return 0;
}

static void cuda_free_chan_resources(struct dma_chan *chan)
{
	struct cuda_chan *cc = to_cuda_chan(chan);

	/* release terminated and synchronized first: nothing is on the stream */
	vchan_free_chan_resources(&cc->vc);
	udma_engine_resume(&cc->eng);
}

static const char *bad_config(const struct udma_cuda_config *c)
{
	if (c->device < 0)
		return "device is negative";
	if (c->nr_channels > CUDA_MAX_CHANNELS)
		return "nr_channels is larger than 64";
	if (c->max_inflight > CUDA_MAX_INFLIGHT)
		return "max_inflight is larger than 1024";
	if (c->name && strlen(c->name) >= 32)
		return "name is longer than 31 characters";
	return NULL;
}

static int errno_of(cudaError_t err)
{
	return err == cudaErrorMemoryAllocation ? -ENOMEM : -EIO;
}

/* Reads what the controller needs to know about the GPU; 0 or -ENODEV. */
static int probe(int index, int *engines, size_t *max_pitch)
{
	const char *f = "udma_cuda_create";
	int count = 0, unified = 0, pitch = 0;
	cudaError_t err;

	err = cudaGetDeviceCount(&count);
	if (err != cudaSuccess) {
		cudaGetLastError();
		udma_diag(f, "no CUDA device: cudaGetDeviceCount: %s (%s)",
			  cudaGetErrorName(err), cudaGetErrorString(err));
		return -ENODEV;
	}
	if (count <= 0) {
		udma_diag(f, "no CUDA device: cudaGetDeviceCount found none");
		return -ENODEV;
	}
	if (index >= count) {
		udma_diag(f, "cfg: device %d: there %s only %d CUDA device%s", index,
			  count == 1 ? "is" : "are", count, count == 1 ? "" : "s");
		return -ENODEV;
	}
	err = cudaDeviceGetAttribute(&unified, cudaDevAttrUnifiedAddressing, index);
	if (err == cudaSuccess)
		err = cudaDeviceGetAttribute(engines, cudaDevAttrAsyncEngineCount, index);
	if (err == cudaSuccess)
		err = cudaDeviceGetAttribute(&pitch, cudaDevAttrMaxPitch, index);
	if (err != cudaSuccess) {
		cudaGetLastError();
		udma_diag(f, "CUDA device %d: cudaDeviceGetAttribute: %s", index, cudaGetErrorName(err));
		return -ENODEV;
	}
	/* cudaMemcpyDefault tells host from device pointers by their address */
	if (!unified) {
		udma_diag(f, "CUDA device %d has no unified addressing (cudaDevAttrUnifiedAddressing)",
			  index);
		return -ENODEV;
	}
	*max_pitch = pitch > 0 ? (size_t)pitch : 0;
	return 0;
}

static void fill_device(struct cuda_dev *cd)
{
	struct dma_device *dd = &cd->dma;

	dma_cap_set(DMA_MEMCPY, dd->cap_mask);
	dma_cap_set(DMA_MEMSET, dd->cap_mask);
	dma_cap_set(DMA_INTERLEAVE, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	/* cudaMemcpy/cudaMemset take any byte address and length */
	dd->copy_align = 0;
	dd->fill_align = 0;
	/* no slave side: bus widths and bursts do not apply */
	dd->src_addr_widths = dd->dst_addr_widths = 0;
	dd->directions = 1u << DMA_MEM_TO_MEM;
	dd->min_burst = dd->max_burst = dd->max_sg_burst = 0;
	dd->descriptor_reuse = true;
	/* a stream tells when an event is reached, not how far a copy got */
	dd->residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	dd->dev = &cd->dev;

	dd->device_alloc_chan_resources = cuda_alloc_chan_resources;
	dd->device_free_chan_resources = cuda_free_chan_resources;
	dd->device_prep_dma_memcpy = cuda_prep_memcpy;
	dd->device_prep_dma_memset = cuda_prep_memset;
	dd->device_prep_interleaved_dma = cuda_prep_interleaved;
	dd->device_pause = cuda_pause;
	dd->device_resume = cuda_resume;
	dd->device_terminate_all = cuda_terminate_all;
	dd->device_synchronize = cuda_synchronize;
	dd->device_tx_status = cuda_tx_status;
	dd->device_issue_pending = cuda_issue_pending;
	dd->filter.fn = udma_cuda_filter;

	cd->dev.name = cd->name;
	cd->dev.dma_ops = &cuda_map_ops;
	cd->dev.driver_data = cd;
}

/* Undoes init_chan; the thread, if started, has nothing in flight. */
static void stop_chan(struct cuda_chan *cc)
{
	if (cc->thread_started) {
		udma_engine_exit(&cc->eng);
		pthread_join(cc->thread, NULL);
	}
	cuda_cache_drain(cc);
	if (cc->stream && cudaStreamDestroy(cc->stream) != cudaSuccess)
		cudaGetLastError();	/* a failed context: nothing left to release */
	pthread_mutex_destroy(&cc->launch_lock);
	udma_engine_destroy(&cc->eng);
	spin_lock_destroy(&cc->cache_lock);
	vchan_exit(&cc->vc);
}

static int init_chan(struct cuda_dev *cd, struct cuda_chan *cc, unsigned int i)
{
	cudaError_t err;

	cc->cd = cd;
	vchan_init(&cc->vc, &cd->dma);
	cc->vc.desc_free = cuda_desc_free;
	INIT_LIST_HEAD(&cc->inflight);
	pthread_mutex_init(&cc->launch_lock, NULL);
	udma_engine_init(&cc->eng, NULL);
	spin_lock_init(&cc->cache_lock);

	/* Non-blocking: the legacy default stream of the program must not
	 * serialize with the copy engines' work, nor they with it. */
	err = cudaStreamCreateWithFlags(&cc->stream, cudaStreamNonBlocking);
	if (err != cudaSuccess) {
		cudaGetLastError();
		cc->stream = NULL;
		udma_diag("udma_cuda_create", "channel %u: cudaStreamCreateWithFlags: %s", i,
			  cudaGetErrorName(err));
		return errno_of(err);
	}
	if (pthread_create(&cc->thread, NULL, cuda_chan_thread, cc)) {
		udma_diag("udma_cuda_create", "cannot start the completion thread of channel %u", i);
		return -EAGAIN;
	}
	cc->thread_started = true;
	return 0;
}

struct dma_device *udma_cuda_create(const struct udma_cuda_config *cfg)
{
	struct udma_cuda_config c = { 0 };
	struct cuda_dev *cd;
	const char *bad;
	unsigned int inited = 0;
	size_t max_pitch = 0;
	int engines = 0, ret, prev;

	if (udma_forked_child(__func__))
		return ERR_PTR(-ENODEV);
	if (cfg)
		c = *cfg;
	bad = bad_config(&c);
	if (bad) {
		udma_diag(__func__, "cfg: %s", bad);
		return ERR_PTR(-EINVAL);
	}
	ret = probe(c.device, &engines, &max_pitch);
	if (ret)
		return ERR_PTR(ret);
	if (!c.nr_channels)
		c.nr_channels = engines > 0 ? (unsigned int)engines : 1;
	if (c.nr_channels > CUDA_MAX_CHANNELS)
		c.nr_channels = CUDA_MAX_CHANNELS;

	cd = udma_zalloc_aligned(sizeof(*cd) + c.nr_channels * sizeof(cd->chans[0]));
	if (!cd) {
		udma_diag(__func__, "out of memory for the controller");
		return ERR_PTR(-ENOMEM);
	}
	cd->index = c.device;
	cd->nr = c.nr_channels;
	cd->max_inflight = c.max_inflight ? c.max_inflight : CUDA_DEFAULT_INFLIGHT;
	cd->max_pitch = max_pitch;
	snprintf(cd->name, sizeof(cd->name), "%s", c.name ? c.name : "");
	if (!c.name)
		snprintf(cd->name, sizeof(cd->name), "cuda%d", c.device);
	INIT_LIST_HEAD(&cd->dma.channels);
	cuda_pins_init(&cd->pins);
	fill_device(cd);

	prev = cuda_dev_enter(cd);	/* streams belong to the current device */
	for (unsigned int i = 0; i < cd->nr; i++) {
		ret = init_chan(cd, &cd->chans[i], i);
		inited++;
		if (ret)
			goto fail;
	}
	cuda_dev_leave(cd, prev);
	ret = dma_async_device_register(&cd->dma);
	if (ret == 0)
		return &cd->dma;
	prev = cuda_dev_enter(cd);
fail:
	for (unsigned int i = 0; i < inited; i++)
		stop_chan(&cd->chans[i]);
	cuda_dev_leave(cd, prev);
	pthread_mutex_destroy(&cd->pins.lock);
	free(cd);
	return ERR_PTR(ret);
}

int udma_cuda_destroy(struct dma_device *dev)
{
	struct cuda_dev *cd;
	unsigned long left;
	int prev;

	if (udma_forked_child(__func__))
		return -ENODEV;
	if (!dev || IS_ERR(dev) || !is_cuda(dev)) {
		udma_diag(__func__, "dev is not a CUDA controller");
		return -EINVAL;
	}
	if (dma_device_busy(dev)) {
		udma_diag(__func__, "%s: a channel is still held; release it first", dev_name(dev->dev));
		return -EBUSY;
	}
	cd = container_of(dev, struct cuda_dev, dma);
	dma_async_device_unregister(dev);
	prev = cuda_dev_enter(cd);
	for (unsigned int i = 0; i < cd->nr; i++)
		stop_chan(&cd->chans[i]);
	left = cuda_pins_release(cd);
	cuda_dev_leave(cd, prev);
	if (left)
		udma_diag(__func__, "%s: %lu host mapping%s still mapped (no dma_unmap_*): unpinned now",
			  cd->name, left, left == 1 ? " was" : "s were");
	pthread_mutex_destroy(&cd->pins.lock);
	free(cd);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Stopping a channel (R5, R6, R7). terminate_async only asks the provider to
 * stop; synchronize waits until the hardware and every callback have let go
 * of the terminated descriptors, which is why it cannot run in a callback.
 */
#include "internal.h"
#include <udma/trace-hooks.h>

int dmaengine_terminate_async(struct dma_chan *chan)
{
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (!chan->device->device_terminate_all) {
		/* -EINVAL as in the kernel (pause and resume say -ENOSYS) */
		udma_chan_diag(chan, __func__, "device cannot terminate (no device_terminate_all)");
		return -EINVAL;
	}
	chan_set(chan, UDMA_CHAN_TERMINATING);
	if (udma_sim())
		udma_sim_note_terminate(chan, false);
	ret = chan->device->device_terminate_all(chan);
	if (ret == 0) {
		chan_clear(chan, UDMA_CHAN_PAUSED);	/* a terminated channel is idle, not paused */
		udma_stats_terminated(chan);	/* what was in flight was dropped (stats.c) */
		if (udma_trace_on())
			udma_trace_instant(UT_TERMINATE, chan, 0, 0, 0, 0);
	}
	return ret;
}

void dmaengine_synchronize(struct dma_chan *chan)
{
	if (!udma_chan_usable(chan, __func__))
		return;
	if (udma_in_tasklet()) {
		udma_misuse(chan, __func__, MISUSE_SYNC_IN_CALLBACK,
			    "called from a completion callback: it would wait for the callback itself; refused");
		return;
	}
	if (chan->device->device_synchronize)
		chan->device->device_synchronize(chan);
	chan_clear(chan, UDMA_CHAN_TERMINATING);
	if (udma_sim())
		udma_sim_note_terminate(chan, true);
	if (udma_trace_on())	/* no callback of what was terminated runs after this */
		udma_trace_instant(UT_SYNCHRONIZE, chan, 0, 0, 0, 0);
}

int dmaengine_terminate_sync(struct dma_chan *chan)
{
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (udma_in_tasklet()) {
		udma_misuse(chan, __func__, MISUSE_SYNC_IN_CALLBACK,
			    "called from a completion callback: use dmaengine_terminate_async there, "
			    "and dmaengine_synchronize outside");
		return -EDEADLK;
	}
	ret = dmaengine_terminate_async(chan);
	if (ret)
		return ret;
	dmaengine_synchronize(chan);
	return 0;
}

int dmaengine_terminate_all(struct dma_chan *chan)
{
	return udma_in_tasklet() ? dmaengine_terminate_async(chan)
				 : dmaengine_terminate_sync(chan);
}

int dmaengine_pause(struct dma_chan *chan)
{
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (!chan->device->device_pause) {
		udma_chan_diag(chan, __func__, "device cannot pause (no device_pause)");
		return -ENOSYS;
	}
	ret = chan->device->device_pause(chan);
	if (ret == 0)
		chan_set(chan, UDMA_CHAN_PAUSED);
	if (ret == 0 && udma_trace_on())
		udma_trace_instant(UT_PAUSE, chan, 0, 0, 0, 0);
	return ret;
}

int dmaengine_resume(struct dma_chan *chan)
{
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (!chan->device->device_resume) {
		udma_chan_diag(chan, __func__, "device cannot resume (no device_resume)");
		return -ENOSYS;
	}
	if (!chan_clear(chan, UDMA_CHAN_PAUSED)) {
		udma_misuse(chan, __func__, MISUSE_RESUME_UNPAUSED, "channel is not paused");
		return -EINVAL;
	}
	ret = chan->device->device_resume(chan);
	if (ret)
		chan_set(chan, UDMA_CHAN_PAUSED);
	else if (udma_trace_on())
		udma_trace_instant(UT_RESUME, chan, 0, 0, 0, 0);
	return ret;
}

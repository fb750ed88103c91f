/* SPDX-License-Identifier: MIT */
/* Slave configuration and capabilities (R2). */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

int dma_get_slave_caps(struct dma_chan *chan, struct dma_slave_caps *caps)
{
	struct dma_device *device;
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (!caps) {
		udma_chan_diag(chan, __func__, "caps is NULL");
		return -EINVAL;
	}
	device = chan->device;
	if (!device->directions) {
		udma_chan_diag(chan, __func__, "device declares no directions");
		return -ENXIO;
	}
	memset(caps, 0, sizeof(*caps));
	caps->src_addr_widths = device->src_addr_widths;
	caps->dst_addr_widths = device->dst_addr_widths;
	caps->directions = device->directions;
	caps->min_burst = device->min_burst;
	caps->max_burst = device->max_burst;
	caps->max_sg_burst = device->max_sg_burst;
	caps->residue_granularity = device->residue_granularity;
	caps->descriptor_reuse = device->descriptor_reuse;
	caps->cmd_pause = device->device_pause != NULL;
	caps->cmd_resume = device->device_resume != NULL;
	caps->cmd_terminate = device->device_terminate_all != NULL;
	/* last, as in the kernel: a channel's own caps override the device's */
	if (device->device_caps)
		device->device_caps(chan, caps);
	return 0;
}

static bool width_ok(struct dma_chan *chan, const char *field,
		     enum dma_slave_buswidth width, uint32_t supported)
{
	if (width == DMA_SLAVE_BUSWIDTH_UNDEFINED)
		return true;
	/* widths masks are u32 bit sets, as in the kernel: 32 bytes and up
	 * cannot be declared */
	if ((unsigned int)width >= 32 || !(supported & (1u << width))) {
		udma_chan_diag(chan, "dmaengine_slave_config",
			       "%s %u bytes is not supported by the device (widths mask 0x%x)",
			       field, (unsigned int)width, supported);
		return false;
	}
	return true;
}

static bool burst_ok(struct dma_chan *chan, const char *field, uint32_t burst)
{
	const struct dma_device *d = chan->device;

	if (burst && ((d->max_burst && burst > d->max_burst) || burst < d->min_burst)) {
		udma_chan_diag(chan, "dmaengine_slave_config",
			       "%s %u is outside the device's %u..%u", field, burst,
			       d->min_burst, d->max_burst);
		return false;
	}
	return true;
}

int dmaengine_slave_config(struct dma_chan *chan, struct dma_slave_config *config)
{
	int ret = udma_chan_check(chan, __func__);

	if (ret)
		return ret;
	if (!config) {
		udma_chan_diag(chan, __func__, "config is NULL");
		return -EINVAL;
	}
	if (!chan->device->device_config) {
		udma_chan_diag(chan, __func__, "device takes no slave configuration (no device_config)");
		return -ENOSYS;
	}
	/* direction is deprecated in the kernel, but a bad value is still a bug */
	if ((unsigned int)config->direction > DMA_TRANS_NONE) {
		udma_chan_diag(chan, __func__, "direction %d is not a transfer direction",
			       (int)config->direction);
		return -EINVAL;
	}
	if (!width_ok(chan, "src_addr_width", config->src_addr_width, chan->device->src_addr_widths) ||
	    !width_ok(chan, "dst_addr_width", config->dst_addr_width, chan->device->dst_addr_widths) ||
	    !burst_ok(chan, "src_maxburst", config->src_maxburst) ||
	    !burst_ok(chan, "dst_maxburst", config->dst_maxburst))
		return -EINVAL;
	return chan->device->device_config(chan, config);
}

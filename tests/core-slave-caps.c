/* SPDX-License-Identifier: MIT */
/* dma_get_slave_caps reports the soft controller's configuration, and the channel behaves as its caps say. */
#include "helpers.h"

#define WIDTHS ((1u << 1) | (1u << 2) | (1u << 4) | (1u << 8))
#define DIRS ((1u << DMA_MEM_TO_MEM) | (1u << DMA_MEM_TO_DEV) | (1u << DMA_DEV_TO_MEM))

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

static struct dma_chan *chan_of(struct dma_device *dev)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	chan = dma_request_channel(mask, on_device, dev);
	CHECK(chan && chan->device == dev);
	return chan;
}

static void get_caps(struct dma_chan *chan, struct dma_slave_caps *caps)
{
	memset(caps, 0xa5, sizeof(*caps));	/* every field must be written */
	CHECK_EQ(dma_get_slave_caps(chan, caps), 0);
}

/* What the caps promise holds for dmaengine_slave_config and pause. */
static void caps_hold(struct dma_chan *chan, const struct dma_slave_caps *caps)
{
	struct dma_slave_config cfg;
	int diags;

	for (unsigned int w = 1; w <= 16; w++) {
		int want = (caps->src_addr_widths & (1u << w)) ? 0 : -EINVAL;

		memset(&cfg, 0, sizeof(cfg));
		cfg.src_addr_width = (enum dma_slave_buswidth)w;
		cfg.dst_addr_width = (enum dma_slave_buswidth)w;
		CHECK_EQ(dmaengine_slave_config(chan, &cfg), want);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.src_maxburst = caps->max_burst;
	cfg.dst_maxburst = caps->min_burst;
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), 0);
	cfg.dst_maxburst = caps->max_burst + 1;
	CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL);

	diags = t_diag_count();
	if (caps->cmd_pause) {
		CHECK_EQ(dmaengine_pause(chan), 0);
		CHECK_EQ(dmaengine_resume(chan), 0);
	} else {
		CHECK_EQ(dmaengine_pause(chan), -ENOSYS);
		CHECK_EQ(dmaengine_resume(chan), -ENOSYS);
	}
	CHECK_EQ(t_diag_count() - diags, caps->cmd_pause ? 0 : 2);
	CHECK(caps->cmd_terminate);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
}

int main(void)
{
	struct udma_soft_config seg = { .name = "seg", .nr_channels = 1, .max_burst = 16,
					.residue_granularity = DMA_RESIDUE_GRANULARITY_SEGMENT,
					.flags = UDMA_SOFT_NO_PAUSE | UDMA_SOFT_NO_REUSE };
	struct udma_soft_config desc = { .name = "desc", .nr_channels = 1,
					 .flags = UDMA_SOFT_NO_REUSE };
	struct dma_device *dflt, *dseg, *ddesc;
	struct dma_chan *c;
	struct dma_slave_caps caps;

	dflt = t_soft_create(NULL);
	dseg = t_soft_create(&seg);
	ddesc = t_soft_create(&desc);
	t_diag_capture();

	/* udma_soft_create(NULL): every default */
	c = chan_of(dflt);
	get_caps(c, &caps);
	CHECK_EQ(caps.directions, DIRS);
	CHECK_EQ(caps.src_addr_widths, WIDTHS);
	CHECK_EQ(caps.dst_addr_widths, WIDTHS);
	CHECK_EQ(caps.min_burst, 1);
	CHECK_EQ(caps.max_burst, 256);
	CHECK_EQ(caps.max_sg_burst, 0);
	CHECK_EQ(caps.residue_granularity, DMA_RESIDUE_GRANULARITY_BURST);
	CHECK(caps.descriptor_reuse);
	CHECK(caps.cmd_pause);
	CHECK(caps.cmd_resume);
	CHECK(caps.cmd_terminate);
	CHECK_EQ(caps.max_burst, dflt->max_burst);
	caps_hold(c, &caps);
	dma_release_channel(c);

	/* max_burst 16, SEGMENT residue, no pause, no reuse */
	c = chan_of(dseg);
	get_caps(c, &caps);
	CHECK_EQ(caps.directions, DIRS);
	CHECK_EQ(caps.src_addr_widths, WIDTHS);
	CHECK_EQ(caps.dst_addr_widths, WIDTHS);
	CHECK_EQ(caps.min_burst, 1);
	CHECK_EQ(caps.max_burst, 16);
	CHECK_EQ(caps.residue_granularity, DMA_RESIDUE_GRANULARITY_SEGMENT);
	CHECK(!caps.descriptor_reuse);
	CHECK(!caps.cmd_pause);
	CHECK(!caps.cmd_resume);
	CHECK(caps.cmd_terminate);
	caps_hold(c, &caps);
	dma_release_channel(c);

	/* a zero granularity in the config is DESCRIPTOR; pause stays */
	c = chan_of(ddesc);
	get_caps(c, &caps);
	CHECK_EQ(caps.residue_granularity, DMA_RESIDUE_GRANULARITY_DESCRIPTOR);
	CHECK_EQ(caps.max_burst, 256);
	CHECK(!caps.descriptor_reuse);
	CHECK(caps.cmd_pause);
	CHECK(caps.cmd_resume);
	CHECK(caps.cmd_terminate);
	caps_hold(c, &caps);

	/* refused: no caps struct, or a channel no longer held */
	t_diag_reset();
	CHECK_EQ(dma_get_slave_caps(c, NULL), -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("caps");
	dma_release_channel(c);
	t_diag_reset();
	CHECK_EQ(dma_get_slave_caps(c, &caps), -EINVAL);
	CHECK_EQ(t_diag_count(), 1);
	CHECK_DIAG("not held");

	udma_set_diag_handler(NULL, NULL);
	CHECK_EQ(udma_soft_destroy(dflt), 0);
	CHECK_EQ(udma_soft_destroy(dseg), 0);
	CHECK_EQ(udma_soft_destroy(ddesc), 0);
	printf("core-slave-caps: default, configured and DESCRIPTOR devices report their caps, "
	       "and slave_config and pause honour them\n");
	return 0;
}

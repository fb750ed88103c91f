/* SPDX-License-Identifier: MIT */
/*
 * udma_cuda_create / udma_cuda_destroy: channels per copy engine, the caps
 * the channels declare, refused configurations, and -ENODEV with a
 * diagnostic when there is no GPU. On the real runtime without a GPU this
 * test passes by checking exactly that; with a GPU it creates a controller.
 */
#include "cuda-test.h"

static void check_caps(struct dma_device *dev)
{
	struct dma_chan *chan = t_cuda_chan(dev);
	struct dma_slave_caps caps;
	dma_cap_mask_t mask;

	CHECK(dma_has_cap(DMA_MEMCPY, dev->cap_mask));
	CHECK(dma_has_cap(DMA_MEMSET, dev->cap_mask));
	CHECK(dma_has_cap(DMA_INTERLEAVE, dev->cap_mask));
	CHECK(!dma_has_cap(DMA_SLAVE, dev->cap_mask));
	CHECK(!dma_has_cap(DMA_CYCLIC, dev->cap_mask));
	CHECK_EQ(dma_get_slave_caps(chan, &caps), 0);
	CHECK_EQ(caps.directions, 1u << DMA_MEM_TO_MEM);
	CHECK(caps.cmd_pause && caps.cmd_resume && caps.cmd_terminate);
	CHECK_EQ(caps.residue_granularity, DMA_RESIDUE_GRANULARITY_DESCRIPTOR);
	CHECK(caps.descriptor_reuse);
	CHECK(chan->device->dev && chan->device->dev->dma_ops);	/* host memory is pinned by map */
	dma_release_channel(chan);

	/* no slave channel here, with or without the filter */
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	chan = dma_request_channel(mask, udma_cuda_filter, dev);
	CHECK(chan == NULL);
}

#if T_DOUBLE
static void expect_enodev(const struct udma_cuda_config *cfg, const char *needle)
{
	struct dma_device *d;

	t_diag_reset();
	d = udma_cuda_create(cfg);
	CHECK(IS_ERR(d));
	CHECK_EQ(PTR_ERR(d), -ENODEV);
	CHECK_DIAG(needle);
}

static void double_checks(void)
{
	struct udma_cuda_config cfg = { 0 };
	struct cudart_double_stats st;
	struct dma_device *a, *b, *soft;
	struct dma_chan *chan, *cb;

	/* NULL: GPU 0, one channel per copy engine */
	cudart_double_set_devices(1, 3);
	a = t_cuda_create(NULL);
	CHECK_EQ(a->chancnt, 3);
	CHECK(strcmp(dev_name(a->dev), "cuda0") == 0);
	check_caps(a);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.live_streams, 3);	/* a stream per channel */

	/* explicit channel count and name; the filter tells controllers apart */
	cfg.nr_channels = 5;
	cfg.name = "gpu-dma";
	b = t_cuda_create(&cfg);
	CHECK_EQ(b->chancnt, 5);
	CHECK(strcmp(dev_name(b->dev), "gpu-dma") == 0);
	cb = t_cuda_chan(b);
	CHECK(cb->device == b);

	/* -EBUSY while a channel is held, and nothing changes */
	t_diag_reset();
	CHECK_EQ(udma_cuda_destroy(b), -EBUSY);
	CHECK_DIAG("still held");
	chan = t_cuda_chan(b);	/* still registered and usable */
	dma_release_channel(chan);
	dma_release_channel(cb);
	CHECK_EQ(udma_cuda_destroy(b), 0);
	CHECK_EQ(udma_cuda_destroy(a), 0);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.live_streams, 0);
	CHECK_EQ(st.live_events, 0);	/* descriptor cache drained too */

	/* not a CUDA controller */
	t_diag_reset();
	CHECK_EQ(udma_cuda_destroy(NULL), -EINVAL);
	CHECK_DIAG("not a CUDA controller");
	soft = t_soft_create(NULL);
	CHECK_EQ(udma_cuda_destroy(soft), -EINVAL);
	chan = dma_request_channel(soft->cap_mask, udma_cuda_filter, NULL);
	CHECK(chan == NULL);	/* the filter refuses soft channels */
	CHECK_EQ(udma_soft_destroy(soft), 0);

	/* bad configurations: -EINVAL naming the field */
	memset(&cfg, 0, sizeof(cfg));
	cfg.device = -1;
	CHECK_EQ(PTR_ERR(udma_cuda_create(&cfg)), -EINVAL);
	CHECK_DIAG("device is negative");
	cfg.device = 0;
	cfg.nr_channels = 65;
	CHECK_EQ(PTR_ERR(udma_cuda_create(&cfg)), -EINVAL);
	CHECK_DIAG("nr_channels");
	cfg.nr_channels = 0;
	cfg.max_inflight = 5000;
	CHECK_EQ(PTR_ERR(udma_cuda_create(&cfg)), -EINVAL);
	CHECK_DIAG("max_inflight");

	/* no such GPU: -ENODEV, and the diagnostic says why */
	memset(&cfg, 0, sizeof(cfg));
	cfg.device = 1;
	expect_enodev(&cfg, "only 1 CUDA device");
	cudart_double_set_devices(0, 2);
	expect_enodev(NULL, "cudaErrorNoDevice");
	cudart_double_set_devices(1, 2);
	cudart_double_fail_init(cudaErrorInsufficientDriver);
	expect_enodev(NULL, "cudaErrorInsufficientDriver");
	cudart_double_fail_init(cudaSuccess);
	cudart_double_set_unified(false);
	expect_enodev(NULL, "unified addressing");
	cudart_double_set_unified(true);

	/* zero copy engines reported: still one channel */
	cudart_double_set_devices(1, 0);
	a = t_cuda_create(NULL);
	CHECK_EQ(a->chancnt, 1);
	CHECK_EQ(udma_cuda_destroy(a), 0);
	cudart_double_get_stats(&st);
	CHECK_EQ(st.live_streams, 0);
	printf("cuda-create: channels per copy engine, caps, -EBUSY, -EINVAL, -ENODEV (4 causes) checked\n");
}
#endif

int main(void)
{
#if T_DOUBLE
	t_cuda_start("cuda-create");
	double_checks();
#else
	struct udma_cuda_config cfg = { 0 };
	struct dma_device *dev;
	int n = 0, engines = 0;

	t_diag_capture();
	if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
		/* the real runtime, no GPU: the controller must say so */
		dev = udma_cuda_create(NULL);
		CHECK(IS_ERR(dev));
		CHECK_EQ(PTR_ERR(dev), -ENODEV);
		CHECK_DIAG("no CUDA device");
		printf("cuda-real-create: no GPU here: udma_cuda_create -> -ENODEV, diagnostic: %s\n",
		       t_diag_last());
		return 0;
	}
	dev = t_cuda_create(NULL);
	CHECK_EQ(cudaDeviceGetAttribute(&engines, cudaDevAttrAsyncEngineCount, 0), cudaSuccess);
	CHECK_EQ(dev->chancnt, engines > 0 ? (unsigned int)engines : 1u);
	check_caps(dev);
	CHECK_EQ(udma_cuda_destroy(dev), 0);
	cfg.device = n;
	dev = udma_cuda_create(&cfg);
	CHECK_EQ(PTR_ERR(dev), -ENODEV);
	CHECK_DIAG("CUDA device");
	printf("cuda-real-create: %d GPU(s); %d copy engines -> %d channels; device %d -> -ENODEV\n",
	       n, engines, engines > 0 ? engines : 1, n);
#endif
	return 0;
}

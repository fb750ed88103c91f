/* SPDX-License-Identifier: MIT */
/*
 * The smaller kernel calls, each with the kernel's semantics: buffer
 * ownership syncs (through a device's sync ops, else a fence), masks,
 * coherent memory (identity and mapped), the _attrs mapping forms,
 * provider-side channel lookups (dma_get_slave_channel,
 * dma_get_any_slave_channel) sharing the request path's ownership,
 * dma_request_slave_channel, dmaengine_get_dma_device, the alignment
 * helpers, DMA_CTRL_ACK helpers and the device_caps hook; every refusal
 * with one diagnostic.
 */
#include "helpers.h"

#define REFUSED(stmt, needle)							\
	do {									\
		int before_ = t_diag_count();					\
		stmt;								\
		CHECK_EQ(t_diag_count(), before_ + 1);				\
		CHECK_DIAG(needle);						\
	} while (0)

#define QUIET(stmt)								\
	do {									\
		int before_ = t_diag_count();					\
		stmt;								\
		CHECK_EQ(t_diag_count(), before_);				\
	} while (0)

/* ---- a device with mapping ops that translate and record syncs ---- */

#define IOVA_OFFSET 0x100000000000ull

struct sync_log {
	int cpu, device, maps, unmaps;
	dma_addr_t addr;
	size_t size;
	enum dma_data_direction dir;
	bool fail_map;
};
static struct sync_log lg;

static dma_addr_t rec_map(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	(void)dev;
	lg.maps++;
	lg.size = size;
	lg.dir = dir;
	return lg.fail_map ? DMA_MAPPING_ERROR : (dma_addr_t)(uintptr_t)ptr + IOVA_OFFSET;
}

static void rec_unmap(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	(void)dev;
	lg.unmaps++;
	lg.addr = addr;
	lg.size = size;
	lg.dir = dir;
}

static void rec_sync(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir,
		     int *count)
{
	(void)dev;
	(*count)++;
	lg.addr = addr;
	lg.size = size;
	lg.dir = dir;
}

static void rec_sync_cpu(struct device *dev, dma_addr_t addr, size_t size,
			 enum dma_data_direction dir)
{
	rec_sync(dev, addr, size, dir, &lg.cpu);
}

static void rec_sync_device(struct device *dev, dma_addr_t addr, size_t size,
			    enum dma_data_direction dir)
{
	rec_sync(dev, addr, size, dir, &lg.device);
}

static const struct dma_map_ops sync_ops = {
	.map = rec_map, .unmap = rec_unmap,
	.sync_for_cpu = rec_sync_cpu, .sync_for_device = rec_sync_device,
};
static const struct dma_map_ops nosync_ops = { .map = rec_map, .unmap = rec_unmap };
static struct device syncdev = { .name = "syncdev", .dma_ops = &sync_ops };
static struct device nosyncdev = { .name = "nosyncdev", .dma_ops = &nosync_ops };

static void syncs(void)
{
	static unsigned char buf[3][64];
	struct scatterlist sg[3];
	dma_addr_t a;

	/* identity device: a fence, nothing to see but no diagnostic */
	QUIET(dma_sync_single_for_cpu(NULL, t_addr(buf), 64, DMA_FROM_DEVICE));
	QUIET(dma_sync_single_for_device(NULL, t_addr(buf), 64, DMA_TO_DEVICE));

	/* the device's ops, with the caller's arguments */
	memset(&lg, 0, sizeof(lg));
	a = dma_map_single_attrs(&syncdev, buf[0], 64, DMA_BIDIRECTIONAL, 0);
	CHECK_EQ(a, t_addr(buf[0]) + IOVA_OFFSET);
	dma_sync_single_for_cpu(&syncdev, a, 64, DMA_BIDIRECTIONAL);
	CHECK(lg.cpu == 1 && lg.device == 0 && lg.addr == a && lg.size == 64 &&
	      lg.dir == DMA_BIDIRECTIONAL);
	dma_sync_single_for_device(&syncdev, a, 32, DMA_TO_DEVICE);
	CHECK(lg.cpu == 1 && lg.device == 1 && lg.addr == a && lg.size == 32 &&
	      lg.dir == DMA_TO_DEVICE);
	dma_sync_single_range_for_cpu(&syncdev, a, 16, 8, DMA_FROM_DEVICE);
	CHECK(lg.cpu == 2 && lg.addr == a + 16 && lg.size == 8);
	dma_sync_single_range_for_device(&syncdev, a, 8, 4, DMA_TO_DEVICE);
	CHECK(lg.device == 2 && lg.addr == a + 8 && lg.size == 4);
	dma_unmap_single_attrs(&syncdev, a, 64, DMA_BIDIRECTIONAL, 0);
	CHECK_EQ(lg.unmaps, 1);

	/* a scatterlist: each entry by its dma address and length */
	sg_init_table(sg, 3);
	for (int i = 0; i < 3; i++)
		sg_set_buf(&sg[i], buf[i], 16u * (unsigned int)(i + 1));
	CHECK_EQ(dma_map_sg_attrs(&syncdev, sg, 3, DMA_FROM_DEVICE, 0), 3);
	memset(&lg, 0, sizeof(lg));
	dma_sync_sg_for_cpu(&syncdev, sg, 3, DMA_FROM_DEVICE);
	CHECK(lg.cpu == 3 && lg.addr == t_addr(buf[2]) + IOVA_OFFSET && lg.size == 48);
	dma_sync_sg_for_device(&syncdev, sg, 2, DMA_FROM_DEVICE);
	CHECK(lg.device == 2 && lg.addr == t_addr(buf[1]) + IOVA_OFFSET && lg.size == 32);
	dma_unmap_sg_attrs(&syncdev, sg, 3, DMA_FROM_DEVICE, 0);
	CHECK_EQ(lg.unmaps, 3);

	/* ops without sync ops: the fence, the map ops untouched */
	memset(&lg, 0, sizeof(lg));
	QUIET(dma_sync_single_for_cpu(&nosyncdev, 0x1000, 64, DMA_FROM_DEVICE));
	CHECK(lg.cpu == 0 && lg.maps == 0 && lg.unmaps == 0);

	/* refusals: nothing synced */
	memset(&lg, 0, sizeof(lg));
	REFUSED(dma_sync_single_for_cpu(&syncdev, 0x1000, 64, DMA_NONE), "dir 3");
	CHECK_DIAG("dma_sync_single_for_cpu");
	REFUSED(dma_sync_single_for_device(&syncdev, 0x1000, 64, (enum dma_data_direction)-1),
		"dir -1");
	REFUSED(dma_sync_single_for_cpu(&syncdev, DMA_MAPPING_ERROR, 64, DMA_FROM_DEVICE),
		"addr is DMA_MAPPING_ERROR");
	REFUSED(dma_sync_sg_for_cpu(&syncdev, NULL, 1, DMA_FROM_DEVICE), "sg is NULL");
	REFUSED(dma_sync_sg_for_device(&syncdev, sg, 0, DMA_TO_DEVICE), "nelems 0");
	REFUSED(dma_sync_sg_for_cpu(&syncdev, sg, 1, DMA_NONE), "dir 3");
	sg_dma_address(&sg[1]) = DMA_MAPPING_ERROR;
	REFUSED(dma_sync_sg_for_cpu(&syncdev, sg, 3, DMA_FROM_DEVICE), "sg[1]");
	sg_dma_address(&sg[1]) = t_addr(buf[1]);
	REFUSED(dma_sync_sg_for_cpu(&syncdev, sg, 4, DMA_FROM_DEVICE), "sg ends after 3 entries");
	CHECK(lg.cpu == 0 && lg.device == 0);
}

static void masks(void)
{
	CHECK_EQ(DMA_BIT_MASK(64), UINT64_MAX);
	CHECK_EQ(DMA_BIT_MASK(32), 0xffffffffull);
	CHECK_EQ(DMA_BIT_MASK(1), 1);
	CHECK_EQ(DMA_BIT_MASK(0), 0);
	QUIET(CHECK_EQ(dma_set_mask(&syncdev, DMA_BIT_MASK(32)), 0));
	QUIET(CHECK_EQ(dma_set_coherent_mask(&syncdev, DMA_BIT_MASK(40)), 0));
	QUIET(CHECK_EQ(dma_set_mask_and_coherent(&syncdev, DMA_BIT_MASK(64)), 0));
	REFUSED(CHECK_EQ(dma_set_mask(NULL, DMA_BIT_MASK(32)), -EINVAL), "dma_set_mask: dev is NULL");
	REFUSED(CHECK_EQ(dma_set_coherent_mask(NULL, 0), -EINVAL), "dev is NULL");
	REFUSED(CHECK_EQ(dma_set_mask_and_coherent(NULL, 0), -EINVAL), "dev is NULL");
}

/* Coherent memory; @soft's channel copies between two such buffers. */
static void coherent(struct dma_device *soft)
{
	struct dma_chan *chan;
	struct dma_async_tx_descriptor *tx;
	dma_addr_t ha, hb, h;
	unsigned char *a, *b, *p;
	gfp_t gfp = 0;

	a = dma_alloc_coherent(soft->dev, 5000, &ha, gfp);
	b = dma_alloc_coherent(soft->dev, 5000, &hb, gfp);
	CHECK(a && b);
	CHECK_EQ((uintptr_t)a % 4096, 0);
	CHECK_EQ(ha, t_addr(a));	/* identity: the host address */
	for (int i = 0; i < 8192; i++)	/* zeroed, the whole rounded size */
		CHECK_EQ(a[i] | b[i], 0);
	t_fill(a, 5000, 31);
	chan = t_request(DMA_MEMCPY);
	CHECK(chan->device == soft);
	dma_sync_single_for_device(soft->dev, ha, 5000, DMA_TO_DEVICE);
	tx = dmaengine_prep_dma_memcpy(chan, hb, ha, 5000, 0);
	CHECK(tx);
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
	dma_sync_single_for_cpu(soft->dev, hb, 5000, DMA_FROM_DEVICE);
	CHECK(memcmp(a, b, 5000) == 0);
	dma_release_channel(chan);
	dma_free_coherent(soft->dev, 5000, a, ha);
	dma_free_coherent(soft->dev, 5000, b, hb);
	QUIET(dma_free_coherent(soft->dev, 5000, NULL, 0));

	/* a device with map ops: allocated, then mapped both ways; unmapped on free */
	memset(&lg, 0, sizeof(lg));
	p = dma_alloc_coherent(&syncdev, 100, &h, gfp);
	CHECK(p);
	CHECK(lg.maps == 1 && lg.size == 100 && lg.dir == DMA_BIDIRECTIONAL);
	CHECK_EQ(h, t_addr(p) + IOVA_OFFSET);
	dma_free_coherent(&syncdev, 100, p, h);
	CHECK(lg.unmaps == 1 && lg.addr == h && lg.size == 100 && lg.dir == DMA_BIDIRECTIONAL);

	/* refusals */
	lg.fail_map = true;
	REFUSED(CHECK(!dma_alloc_coherent(&syncdev, 100, &h, gfp)), "syncdev: could not map");
	lg.fail_map = false;
	REFUSED(CHECK(!dma_alloc_coherent(NULL, 0, &h, gfp)), "size 0");
	REFUSED(CHECK(!dma_alloc_coherent(NULL, SIZE_MAX - 10, &h, gfp)), "too large");
	REFUSED(CHECK(!dma_alloc_coherent(NULL, 64, NULL, gfp)), "dma_handle is NULL");
}

/* ---- channels ---- */

static struct dma_slave_caps seen_caps;	/* what device_caps was given */
static int caps_calls;

static void chan_caps(struct dma_chan *chan, struct dma_slave_caps *caps)
{
	seen_caps = *caps;	/* filled by the core first */
	caps_calls++;
	if (chan->chan_id == 1)
		caps->max_burst = 8;
}

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

static void copy_works(struct dma_chan *chan)
{
	unsigned char src[256], dst[256];
	struct dma_async_tx_descriptor *tx;

	t_fill(src, sizeof(src), (unsigned int)chan->chan_id + 40);
	memset(dst, 0, sizeof(dst));
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), sizeof(src), 0);
	CHECK(tx);
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
	CHECK(memcmp(src, dst, sizeof(src)) == 0);
}

static void slave_channels(void)
{
	struct udma_soft_config three = { .name = "three", .nr_channels = 3 };
	struct udma_soft_config cponly = { .name = "cponly", .nr_channels = 1 };
	static struct dma_device unregistered;
	static struct dma_chan stray;
	struct dma_device *dev, *dcp;
	struct dma_chan *c[3], *chan, *got;
	dma_cap_mask_t mask;
	int i = 0;

	dev = t_soft_create(&three);
	dma_cap_zero(cponly.cap_mask);
	dma_cap_set(DMA_MEMCPY, cponly.cap_mask);
	dcp = t_soft_create(&cponly);
	list_for_each_entry(chan, &dev->channels, struct dma_chan, device_node)
		c[i++] = chan;
	CHECK_EQ(i, 3);

	/* a specific channel: taken once, NULL (no diagnostic) while held */
	QUIET(got = dma_get_slave_channel(c[1]));
	CHECK(got == c[1]);
	QUIET(CHECK(dma_get_slave_channel(c[1]) == NULL));
	copy_works(got);
	CHECK(dmaengine_get_dma_device(got) == dev->dev);

	/* the request path skips it, and what it takes is not free either */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, on_device, dev);
	CHECK(chan == c[0]);
	QUIET(CHECK(dma_get_slave_channel(c[0]) == NULL));

	/* any free one of the device: the last, then none */
	QUIET(got = dma_get_any_slave_channel(dev));
	CHECK(got == c[2]);
	copy_works(got);
	QUIET(CHECK(dma_get_any_slave_channel(dev) == NULL));
	CHECK(!dma_request_channel(mask, on_device, dev));
	CHECK_EQ(udma_soft_destroy(dev), -EBUSY);

	/* released the usual way; then free for every path */
	dma_release_channel(c[1]);
	dma_release_channel(c[2]);
	dma_release_channel(chan);
	QUIET(CHECK(dma_get_any_slave_channel(dev) == c[0]));
	dma_release_channel(c[0]);
	CHECK(dma_request_channel(mask, on_device, dev) == c[0]);
	dma_release_channel(c[0]);

	/* device_caps, called after the generic caps are filled */
	dev->device_caps = chan_caps;
	got = dma_get_slave_channel(c[1]);
	CHECK(got);
	{
		struct dma_slave_caps caps;

		CHECK_EQ(dma_get_slave_caps(got, &caps), 0);
		CHECK_EQ(caps_calls, 1);
		CHECK_EQ(seen_caps.directions, dev->directions);
		CHECK_EQ(seen_caps.max_burst, 256);
		CHECK(seen_caps.cmd_terminate);
		CHECK_EQ(caps.max_burst, 8);
		dma_release_channel(got);
		got = dma_get_slave_channel(c[0]);
		CHECK_EQ(dma_get_slave_caps(got, &caps), 0);
		CHECK_EQ(caps_calls, 2);
		CHECK_EQ(caps.max_burst, 256);
		dma_release_channel(got);
	}
	dev->device_caps = NULL;

	/* refusals */
	REFUSED(CHECK(!dma_get_slave_channel(NULL)), "dma_get_slave_channel: chan is NULL");
	REFUSED(CHECK(!dma_get_slave_channel(ERR_PTR(-ENODEV))), "error pointer");
	stray.device = &unregistered;
	REFUSED(CHECK(!dma_get_slave_channel(&stray)), "not a channel of a registered device");
	REFUSED(CHECK(!dma_get_any_slave_channel(NULL)), "device is NULL");
	REFUSED(CHECK(!dma_get_any_slave_channel(&unregistered)), "is not registered");
	REFUSED(CHECK(!dma_get_any_slave_channel(dcp)), "cponly has no DMA_SLAVE capability");
	/* a memcpy-only device's channel is still taken by dma_get_slave_channel,
	 * which, as in the kernel, looks at no capability */
	chan = list_first_entry(&dcp->channels, struct dma_chan, device_node);
	QUIET(got = dma_get_slave_channel(chan));
	CHECK(got == chan);
	copy_works(got);
	dma_release_channel(got);

	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(udma_soft_destroy(dcp), 0);
}

/* dma_request_slave_channel: dma_request_chan, NULL for every error. */
static void deprecated_request(void)
{
	struct udma_fifo_config fc = { .name = "uart5-rx", .dir = DMA_DEV_TO_MEM, .depth = 64,
				       .width = DMA_SLAVE_BUSWIDTH_1_BYTE };
	struct udma_fifo *fifo = udma_fifo_create(&fc);
	struct dma_slave_map map[] = { { "uart5", "rx", NULL } };
	struct device client = { .name = "uart5" };
	struct dma_device *dev = t_soft_create(&(struct udma_soft_config){ .name = "named",
								     .nr_channels = 1 });
	struct dma_chan *chan;

	CHECK(!IS_ERR(fifo));
	map[0].param = fifo;
	dev->filter.map = map;
	dev->filter.mapcnt = 1;
	chan = dma_request_slave_channel(&client, "rx");
	CHECK(chan && chan->device == dev);
	REFUSED(CHECK(dma_request_slave_channel(&client, "rx") == NULL), "no free channel");
	REFUSED(CHECK(dma_request_slave_channel(&client, "tx") == NULL), "no slave map entry");
	REFUSED(CHECK(dma_request_slave_channel(NULL, "rx") == NULL), "dev");
	dma_release_channel(chan);
	/* and the by-mask request */
	{
		dma_cap_mask_t mask;

		dma_cap_zero(mask);
		dma_cap_set(DMA_CYCLIC, mask);
		chan = dma_request_chan_by_mask(&mask);
		CHECK(!IS_ERR(chan) && chan->device == dev);
		CHECK(PTR_ERR(dma_request_chan_by_mask(&mask)) == -ENODEV);
		dma_release_channel(chan);
	}
	dev->filter.map = NULL;
	dev->filter.mapcnt = 0;
	CHECK_EQ(udma_soft_destroy(dev), 0);
	udma_fifo_destroy(fifo);
}

static void alignment_and_ack(void)
{
	struct udma_soft_config al = { .name = "al8", .nr_channels = 1, .copy_align = 3 };
	struct dma_device *dev = t_soft_create(&al);
	struct dma_async_tx_descriptor *tx;
	struct dma_chan *chan;
	static unsigned char src[64], dst[64];

	CHECK(dmaengine_check_align(DMAENGINE_ALIGN_1_BYTE, 1, 3, 7));
	CHECK(dmaengine_check_align(DMAENGINE_ALIGN_4_BYTES, 4, 8, 12));
	CHECK(!dmaengine_check_align(DMAENGINE_ALIGN_4_BYTES, 4, 8, 14));
	CHECK(!dmaengine_check_align(DMAENGINE_ALIGN_256_BYTES, 256, 128, 256));
	CHECK(is_dma_copy_aligned(dev, 8, 16, 24));
	CHECK(!is_dma_copy_aligned(dev, 8, 16, 25));
	CHECK(!is_dma_copy_aligned(dev, 4, 16, 24));
	CHECK(is_dma_fill_aligned(dev, 0, 0, 64));
	CHECK(!is_dma_fill_aligned(dev, 0, 0, 63));

	/* what the helpers say aligned, the prep takes */
	chan = dma_request_channel(((dma_cap_mask_t){ { 1UL << DMA_MEMCPY } }), on_device, dev);
	CHECK(chan);
	CHECK(is_dma_copy_aligned(chan->device, t_addr(dst) + 8, t_addr(src) + 8, 16));
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst) + 8, t_addr(src) + 8, 16, 0);
	CHECK(tx);
	CHECK(!async_tx_test_ack(tx));
	async_tx_ack(tx);
	CHECK(async_tx_test_ack(tx));
	CHECK(tx->flags & DMA_CTRL_ACK);
	async_tx_clear_ack(tx);
	CHECK(!async_tx_test_ack(tx));
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst), t_addr(src), 16, DMA_CTRL_ACK);
	CHECK(tx && async_tx_test_ack(tx));
	CHECK_EQ(dma_sync_wait(chan, dmaengine_submit(tx)), DMA_COMPLETE);
	CHECK(!is_dma_copy_aligned(chan->device, t_addr(dst) + 4, t_addr(src), 16));
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, t_addr(dst) + 4, t_addr(src), 16, 0)),
		"not aligned to 8 bytes");
	dma_release_channel(chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
}

int main(void)
{
	struct dma_device *soft = t_soft_create(&(struct udma_soft_config){ .name = "co",
								      .nr_channels = 1 });

	t_diag_capture();
	syncs();
	masks();
	coherent(soft);
	CHECK_EQ(udma_soft_destroy(soft), 0);
	slave_channels();
	deprecated_request();
	alignment_and_ack();
	udma_set_diag_handler(NULL, NULL);
	printf("core-kernel-calls: syncs, masks, coherent memory, _attrs mappings, slave channel "
	       "lookups, device_caps, alignment and ack helpers; %d refusals, one line each\n",
	       t_diag_count());
	return 0;
}

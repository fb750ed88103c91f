/* SPDX-License-Identifier: MIT */
/* R2/R11: every entry point refuses bad input with an error and exactly one diagnostic naming it; channels stay usable. */
#include <fcntl.h>
#include <unistd.h>

#include "helpers.h"

/*
 * Runs @stmt (which CHECKs the return value) and checks that it reported
 * exactly one diagnostic, through the installed handler, naming @needle.
 */
#define REFUSED(stmt, needle)							\
	do {									\
		unsigned long before_ = udma_diag_count();			\
		t_diag_reset();							\
		stmt;								\
		if (t_diag_count() != 1 || udma_diag_count() - before_ != 1) {	\
			fprintf(stderr, "%s:%d: %s: %d diagnostics (want 1); last \"%s\"\n", \
				__FILE__, __LINE__, #stmt, t_diag_count(), t_diag_last()); \
			exit(1);						\
		}								\
		CHECK_DIAG(needle);						\
	} while (0)

static unsigned char *g_src, *g_dst;	/* 64-aligned, 8 KiB each */
#define GLEN 8192

static bool on_device(struct dma_chan *chan, void *dev)
{
	return chan->device == dev;
}

static struct dma_chan *chan_of(struct dma_device *dev)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, on_device, dev);
	CHECK(chan && chan->device == dev);
	return chan;
}

static void still_works(struct dma_chan *chan)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	t_fill(g_src, GLEN, 99);
	memset(g_dst, 0, GLEN);
	tx = dmaengine_prep_dma_memcpy(chan, t_addr(g_dst), t_addr(g_src), GLEN, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	CHECK_EQ(dma_sync_wait(chan, cookie), DMA_COMPLETE);
	CHECK(memcmp(g_src, g_dst, GLEN) == 0);
}

/* ---- every channel entry point with a channel that is not usable ---- */

static unsigned char sbuf[64];
static struct scatterlist g_sg;
/* a template with room for one chunk in its flexible sgl[] */
static union {
	struct dma_interleaved_template xt;
	unsigned char room[sizeof(struct dma_interleaved_template) + sizeof(struct data_chunk)];
} g_xt;

static bool c_memcpy(struct dma_chan *c)
{ return !dmaengine_prep_dma_memcpy(c, t_addr(g_dst), t_addr(g_src), 64, 0); }
static bool c_memset(struct dma_chan *c)
{ return !dmaengine_prep_dma_memset(c, t_addr(g_dst), 1, 64, 0); }
static bool c_single(struct dma_chan *c)
{ return !dmaengine_prep_slave_single(c, t_addr(sbuf), 64, DMA_MEM_TO_DEV, 0); }
static bool c_sg(struct dma_chan *c)
{ return !dmaengine_prep_slave_sg(c, &g_sg, 1, DMA_MEM_TO_DEV, 0); }
static bool c_cyclic(struct dma_chan *c)
{ return !dmaengine_prep_dma_cyclic(c, t_addr(sbuf), 64, 16, DMA_MEM_TO_DEV, 0); }
static bool c_interleaved(struct dma_chan *c)
{ return !dmaengine_prep_interleaved_dma(c, &g_xt.xt, 0); }
static bool c_config(struct dma_chan *c)
{
	struct dma_slave_config cfg = { .direction = DMA_MEM_TO_DEV };

	return dmaengine_slave_config(c, &cfg) == -EINVAL;
}
static bool c_caps(struct dma_chan *c)
{
	struct dma_slave_caps caps;

	return dma_get_slave_caps(c, &caps) == -EINVAL;
}
static bool c_term_async(struct dma_chan *c) { return dmaengine_terminate_async(c) == -EINVAL; }
static bool c_term_sync(struct dma_chan *c) { return dmaengine_terminate_sync(c) == -EINVAL; }
static bool c_term_all(struct dma_chan *c) { return dmaengine_terminate_all(c) == -EINVAL; }
static bool c_pause(struct dma_chan *c) { return dmaengine_pause(c) == -EINVAL; }
static bool c_resume(struct dma_chan *c) { return dmaengine_resume(c) == -EINVAL; }
static bool c_status(struct dma_chan *c) { return dmaengine_tx_status(c, 2, NULL) == DMA_ERROR; }
static bool c_sync_wait(struct dma_chan *c) { return dma_sync_wait(c, 2) == DMA_ERROR; }
static bool c_issue(struct dma_chan *c) { dma_async_issue_pending(c); return true; }
static bool c_synchronize(struct dma_chan *c) { dmaengine_synchronize(c); return true; }
static bool c_release(struct dma_chan *c) { dma_release_channel(c); return true; }

static const struct {
	const char *func;	/* the entry point the diagnostic names */
	bool (*call)(struct dma_chan *c);
} chan_calls[] = {
	{ "dmaengine_prep_dma_memcpy", c_memcpy },
	{ "dmaengine_prep_dma_memset", c_memset },
	{ "dmaengine_prep_slave_single", c_single },
	{ "dmaengine_prep_slave_sg", c_sg },
	{ "dmaengine_prep_dma_cyclic", c_cyclic },
	{ "dmaengine_prep_interleaved_dma", c_interleaved },
	{ "dmaengine_slave_config", c_config },
	{ "dma_get_slave_caps", c_caps },
	{ "dmaengine_terminate_async", c_term_async },
	{ "dmaengine_terminate_sync", c_term_sync },
	{ "dmaengine_terminate_sync", c_term_all },
	{ "dmaengine_pause", c_pause },
	{ "dmaengine_resume", c_resume },
	{ "dmaengine_tx_status", c_status },
	{ "dma_sync_wait", c_sync_wait },
	{ "dma_async_issue_pending", c_issue },
	{ "dmaengine_synchronize", c_synchronize },
	{ "dma_release_channel", c_release },
};
#define NCALLS (sizeof(chan_calls) / sizeof(chan_calls[0]))

static int bad_channels(struct dma_chan *released)
{
	struct dma_chan *bad[3] = { NULL, ERR_PTR(-ENODEV), released };
	const char *why[3] = { "chan is NULL", "error pointer", "not held" };
	int n = 0;

	sg_init_table(&g_sg, 1);
	sg_dma_address(&g_sg) = t_addr(sbuf);
	sg_dma_len(&g_sg) = 64;
	g_xt.xt.src_start = t_addr(g_src);
	g_xt.xt.dst_start = t_addr(g_dst);
	g_xt.xt.dir = DMA_MEM_TO_MEM;
	g_xt.xt.src_inc = g_xt.xt.dst_inc = true;
	g_xt.xt.numf = 1;
	g_xt.xt.frame_size = 1;
	g_xt.xt.sgl[0].size = 64;

	for (int b = 0; b < 3; b++) {
		for (size_t i = 0; i < NCALLS; i++) {
			bool ok;

			REFUSED(ok = chan_calls[i].call(bad[b]), why[b]);
			if (!ok || !t_diag_contains(chan_calls[i].func)) {
				fprintf(stderr, "%s with %s: ok %d, diagnostic \"%s\"\n",
					chan_calls[i].func, why[b], ok, t_diag_last());
				exit(1);
			}
			if (b == 2)	/* a real channel: the diagnostic names it */
				CHECK_DIAG(dma_chan_name(released));
			n++;
		}
	}
	return n;
}

/* ---- arguments checked against the device (R2) ---- */

static int memcpy_args(struct dma_chan *chan)
{
	dma_addr_t d = t_addr(g_dst), s = t_addr(g_src);
	int n = 0;

	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, s, 0, 0)), "len 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, DMA_MAPPING_ERROR, s, 64, 0)),
		"dest is DMA_MAPPING_ERROR"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, DMA_MAPPING_ERROR, 64, 0)),
		"src is DMA_MAPPING_ERROR"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, UINT64_MAX - 15, s, 64, 0)),
		"wraps around"); n++;
	CHECK_DIAG("dest");
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, UINT64_MAX - 15, 64, 0)),
		"wraps around"); n++;
	CHECK_DIAG("src");
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, d + 16, 64, 0)), "overlap"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d + 63, d, 64, 0)), "overlap"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, d, 64, 0)), "overlap"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, 0, s, 64, 0)), "dest is 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, 0, 64, 0)), "src is 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, s, 64, 1ul << 12)), "unknown bits"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, s, 64,
						 DMA_PREP_INTERRUPT | (1ul << 30))), "flags"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memset(chan, d, 0, 0, 0)), "len 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memset(chan, DMA_MAPPING_ERROR, 0, 64, 0)),
		"dest is DMA_MAPPING_ERROR"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memset(chan, 0, 0, 64, 0)), "dest is 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memset(chan, d, 0, 64, 1ul << 15)), "unknown bits"); n++;
	return n;
}

static int slave_args(struct dma_chan *chan)
{
	struct dma_slave_config cfg;
	struct scatterlist sg[2];
	union {		/* a template with room for two chunks */
		struct dma_interleaved_template xt;
		unsigned char room[sizeof(struct dma_interleaved_template) +
				   2 * sizeof(struct data_chunk)];
	} x;
	int n = 0;

	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, NULL), -EINVAL), "config is NULL"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.src_addr_width = DMA_SLAVE_BUSWIDTH_3_BYTES;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "src_addr_width 3"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_16_BYTES;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "dst_addr_width 16"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_64_BYTES;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "dst_addr_width 64"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.dst_maxburst = chan->device->max_burst + 1;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "dst_maxburst"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.src_maxburst = 100000;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "src_maxburst 100000"); n++;
	memset(&cfg, 0, sizeof(cfg));
	cfg.direction = (enum dma_transfer_direction)9;
	REFUSED(CHECK_EQ(dmaengine_slave_config(chan, &cfg), -EINVAL), "direction 9"); n++;

	sg_init_table(sg, 2);
	sg_dma_address(&sg[0]) = t_addr(sbuf);
	sg_dma_len(&sg[0]) = 32;
	sg_dma_address(&sg[1]) = t_addr(sbuf + 32);
	sg_dma_len(&sg[1]) = 0;
	REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, NULL, 1, DMA_MEM_TO_DEV, 0)), "sgl is NULL"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, sg, 0, DMA_MEM_TO_DEV, 0)), "sg_len 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, sg, 1, DMA_MEM_TO_MEM, 0)), "direction 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, sg, 1, DMA_DEV_TO_DEV, 0)), "direction 3"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, sg, 2, DMA_MEM_TO_DEV, 0)), "sgl[1]"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_single(chan, DMA_MAPPING_ERROR, 64, DMA_DEV_TO_MEM, 0)),
		"DMA_MAPPING_ERROR"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_cyclic(chan, t_addr(sbuf), 64, 0, DMA_DEV_TO_MEM, 0)),
		"period_len 0"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_cyclic(chan, t_addr(sbuf), 64, 24, DMA_DEV_TO_MEM, 0)),
		"not a multiple of period_len"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_cyclic(chan, t_addr(sbuf), 64, 16,
						 (enum dma_transfer_direction)7, 0)), "direction 7"); n++;

	memset(&x, 0, sizeof(x));
	x.xt.src_start = t_addr(g_src);
	x.xt.dst_start = t_addr(g_dst);
	x.xt.src_inc = x.xt.dst_inc = true;
	x.xt.numf = 2;
	x.xt.frame_size = 2;
	x.xt.sgl[0].size = 16;
	x.xt.sgl[1].size = 0;
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, NULL, 0)), "xt is NULL"); n++;
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)), "xt->sgl[1].size 0"); n++;
	x.xt.sgl[1].size = 16;
	x.xt.numf = 0;
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)), "xt->numf 0"); n++;
	/* the memory sides' starts and spans, gaps included */
	x.xt.numf = 2;
	x.xt.src_start = DMA_MAPPING_ERROR;
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)),
		"xt->src_start is DMA_MAPPING_ERROR"); n++;
	x.xt.src_start = t_addr(g_src);
	x.xt.dst_start = UINT64_MAX - 40;	/* 2 frames of 32 bytes wrap */
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)),
		"xt->dst_start 0xffffffffffffffd7 + len 64 wraps around"); n++;
	x.xt.dst_start = t_addr(g_dst);
	x.xt.src_sgl = true;
	x.xt.sgl[0].icg = SIZE_MAX - 8;	/* a gap that wraps within the frame */
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)),
		"xt->src_start side: a frame's chunks and gaps add up past the address space"); n++;
	x.xt.sgl[0].icg = SIZE_MAX / 2;	/* a frame that fits, numf of them do not */
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &x.xt, 0)),
		"xt->numf 2 frames of"); n++;
	x.xt.sgl[0].icg = 0;
	/* the gap after the very last chunk is never crossed: any size will do */
	x.xt.numf = 1;
	x.xt.sgl[1].icg = SIZE_MAX;
	{	/* accepted; freed unsubmitted, as the pending transfer must not be issued yet */
		struct dma_async_tx_descriptor *tx = dmaengine_prep_interleaved_dma(chan, &x.xt,
										    DMA_CTRL_REUSE);

		CHECK(tx);
		CHECK_EQ(dmaengine_desc_free(tx), 0);
	}
	x.xt.sgl[1].icg = 0;
	x.xt.src_sgl = false;
	return n;
}

/*
 * DMA_PREP_REPEAT and DMA_PREP_LOAD_EOT ask for what only a device with
 * DMA_REPEAT / DMA_LOAD_EOT does: refused by every prep elsewhere.
 */
static int repeat_flags(struct dma_chan *chan)
{
	static const struct {
		unsigned long flag;
		const char *needle;
	} f[2] = {
		{ DMA_PREP_REPEAT, "flags: DMA_PREP_REPEAT but the device has no DMA_REPEAT capability" },
		{ DMA_PREP_LOAD_EOT, "flags: DMA_PREP_LOAD_EOT but the device has no DMA_LOAD_EOT capability" },
	};
	dma_addr_t d = t_addr(g_dst), s = t_addr(g_src);
	struct udma_copy copy = { .dst = d, .src = s, .len = 64 };
	int n = 0;

	for (int i = 0; i < 2; i++) {
		unsigned long fl = f[i].flag | DMA_PREP_INTERRUPT;

		REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, s, 64, fl)), f[i].needle); n++;
		CHECK_DIAG("dmaengine_prep_dma_memcpy");
		REFUSED(CHECK(!dmaengine_prep_dma_memset(chan, d, 0, 64, fl)), f[i].needle); n++;
		REFUSED(CHECK(!dmaengine_prep_slave_single(chan, t_addr(sbuf), 64, DMA_MEM_TO_DEV, fl)),
			f[i].needle); n++;
		REFUSED(CHECK(!dmaengine_prep_slave_sg(chan, &g_sg, 1, DMA_MEM_TO_DEV, fl)),
			f[i].needle); n++;
		REFUSED(CHECK(!dmaengine_prep_dma_cyclic(chan, t_addr(sbuf), 64, 16, DMA_MEM_TO_DEV, fl)),
			f[i].needle); n++;
		REFUSED(CHECK(!dmaengine_prep_interleaved_dma(chan, &g_xt.xt, fl)), f[i].needle); n++;
		CHECK_DIAG("dmaengine_prep_interleaved_dma");
		REFUSED(CHECK_EQ(udma_submit_memcpy_batch(chan, &copy, 1, f[i].flag, NULL), -EINVAL),
			f[i].needle); n++;
	}
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(chan, d, s, 64, DMA_PREP_REPEAT | DMA_PREP_LOAD_EOT)),
		"DMA_PREP_REPEAT"); n++;
	return n;
}

static int misc_chan_args(struct dma_chan *chan)
{
	int n = 0;

	REFUSED(CHECK_EQ(dmaengine_tx_status(chan, 0, NULL), DMA_ERROR), "cookie 0"); n++;
	REFUSED(CHECK_EQ(dmaengine_tx_status(chan, -5, NULL), DMA_ERROR), "cookie -5"); n++;
	REFUSED(CHECK_EQ(dma_sync_wait(chan, 0), DMA_ERROR), "cookie 0"); n++;
	REFUSED(CHECK_EQ(dma_sync_wait(chan, INT32_MIN), DMA_ERROR), "cookie"); n++;
	REFUSED(CHECK_EQ(dmaengine_submit(NULL), -EINVAL), "desc is NULL"); n++;
	REFUSED(CHECK_EQ(dmaengine_submit(ERR_PTR(-EIO)), -EINVAL), "error pointer"); n++;
	REFUSED(CHECK_EQ(dmaengine_desc_free(NULL), -EINVAL), "desc is NULL"); n++;
	REFUSED(CHECK_EQ(dmaengine_desc_set_reuse(NULL), -EINVAL), "desc is NULL"); n++;
	REFUSED(CHECK_EQ(dmaengine_resume(chan), -EINVAL), "not paused"); n++;
	REFUSED(CHECK_EQ(dma_get_slave_caps(chan, NULL), -EINVAL), "caps is NULL"); n++;
	return n;
}

/* ---- calls without a channel ---- */

static int no_chan_args(void)
{
	struct scatterlist sg;
	struct udma_soft_config bad[7];
	const char *why[7] = { "nr_channels", "residue_granularity", "copy_align",
			       "burst_bytes", "flags", "name", "cap_mask has DMA_REPEAT" };
	struct dma_device *d;
	int n = 0;

	REFUSED(CHECK_EQ(dma_map_single(NULL, NULL, 64, DMA_TO_DEVICE), DMA_MAPPING_ERROR),
		"ptr is NULL"); n++;
	REFUSED(CHECK_EQ(dma_map_single(NULL, sbuf, 0, DMA_TO_DEVICE), DMA_MAPPING_ERROR),
		"size 0"); n++;
	REFUSED(CHECK_EQ(dma_map_single(NULL, sbuf, 64, DMA_NONE), DMA_MAPPING_ERROR),
		"dir 3"); n++;
	REFUSED(dma_unmap_single(NULL, DMA_MAPPING_ERROR, 64, DMA_TO_DEVICE),
		"DMA_MAPPING_ERROR"); n++;
	sg_init_table(&sg, 1);
	sg_set_buf(&sg, sbuf, sizeof(sbuf));
	REFUSED(CHECK_EQ(dma_map_sg(NULL, NULL, 1, DMA_TO_DEVICE), 0), "sgl is NULL"); n++;
	REFUSED(CHECK_EQ(dma_map_sg(NULL, &sg, 0, DMA_TO_DEVICE), 0), "nents 0"); n++;
	REFUSED(CHECK_EQ(dma_map_sg(NULL, &sg, -1, DMA_TO_DEVICE), 0), "nents -1"); n++;
	/* a bad entry: one line naming it, whichever check finds it */
	{
		struct scatterlist two[2];

		sg_init_table(two, 2);
		sg_set_buf(&two[0], sbuf, 32);
		sg_set_buf(&two[1], sbuf + 32, 0);
		REFUSED(CHECK_EQ(dma_map_sg(NULL, two, 2, DMA_TO_DEVICE), 0),
			"sgl[1]: length 0"); n++;
		sg_set_buf(&two[1], NULL, 32);
		REFUSED(CHECK_EQ(dma_map_sg(NULL, two, 2, DMA_TO_DEVICE), 0),
			"sgl[1]: no buffer"); n++;
		sg_set_buf(&two[1], sbuf + 32, 32);
		REFUSED(CHECK_EQ(dma_map_sg(NULL, two, 2, DMA_NONE), 0), "dir 3"); n++;
	}
	/* a good mapping still works: identity for the soft controller */
	CHECK_EQ(dma_map_sg(NULL, &sg, 1, DMA_TO_DEVICE), 1);
	CHECK_EQ(sg_dma_address(&sg), t_addr(sbuf));
	CHECK_EQ(sg_dma_len(&sg), sizeof(sbuf));
	dma_unmap_sg(NULL, &sg, 1, DMA_TO_DEVICE);

	memset(bad, 0, sizeof(bad));
	bad[0].nr_channels = 65;
	bad[1].residue_granularity = (enum dma_residue_granularity)7;
	bad[2].copy_align = 13;
	bad[3].burst_bytes = 10;
	bad[4].flags = 1u << 7;
	bad[5].name = "a-controller-name-of-32-chars-xx";
	CHECK_EQ(strlen(bad[5].name), 32);
	dma_cap_set(DMA_MEMCPY, bad[6].cap_mask);
	dma_cap_set(DMA_LOAD_EOT, bad[6].cap_mask);	/* the soft controller has neither */
	for (int i = 0; i < 7; i++) {
		REFUSED(d = udma_soft_create(&bad[i]), why[i]);
		CHECK(IS_ERR(d));
		CHECK_EQ(PTR_ERR(d), -EINVAL);
		n++;
	}
	REFUSED(CHECK_EQ(udma_soft_destroy(NULL), -EINVAL), "dev"); n++;
	REFUSED(CHECK_EQ(udma_soft_destroy(ERR_PTR(-ENOMEM)), -EINVAL), "dev"); n++;
	REFUSED(CHECK(__dma_request_channel(NULL, NULL, NULL, NULL) == NULL), "mask is NULL"); n++;
	REFUSED(CHECK_EQ(PTR_ERR(dma_request_chan_by_mask(NULL)), -EINVAL),
		"dma_request_chan_by_mask: mask is NULL"); n++;
	return n;
}

/* With the handler removed, diagnostics go to stderr again, one line each. */
static void diag_to_stderr(void)
{
	char path[] = "/tmp/udma-diag-XXXXXX", buf[1024];
	int fd = mkstemp(path), saved, before = t_diag_count();
	ssize_t len;
	int lines = 0;

	CHECK(fd >= 0);
	udma_set_diag_handler(NULL, NULL);
	fflush(stderr);
	saved = dup(2);
	CHECK(saved >= 0);
	CHECK(dup2(fd, 2) == 2);
	CHECK_EQ(dmaengine_submit(NULL), -EINVAL);
	CHECK(dma_map_single(NULL, NULL, 1, DMA_TO_DEVICE) == DMA_MAPPING_ERROR);
	fflush(stderr);
	CHECK(dup2(saved, 2) == 2);
	close(saved);
	CHECK_EQ(t_diag_count(), before);	/* the old handler is not called */
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	len = read(fd, buf, sizeof(buf) - 1);
	CHECK(len > 0);
	buf[len] = 0;
	close(fd);
	unlink(path);
	for (ssize_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	CHECK_EQ(lines, 2);
	CHECK(strstr(buf, "udmaengine: dmaengine_submit: desc is NULL\n"));
	CHECK(strstr(buf, "udmaengine: dma_map_single: ptr is NULL\n"));
}

int main(void)
{
	struct udma_soft_config align_cfg = { .name = "align", .nr_channels = 1, .copy_align = 3 };
	struct udma_soft_config plain_cfg = { .name = "plain", .nr_channels = 1,
					      .flags = UDMA_SOFT_NO_REUSE | UDMA_SOFT_NO_PAUSE };
	struct udma_soft_config cponly_cfg = { .name = "cponly", .nr_channels = 1 };
	struct dma_device *dev, *dalign, *dplain, *dcp;
	struct dma_chan *chan, *released, *calign, *cplain, *ccp;
	struct dma_async_tx_descriptor *pending;
	unsigned char *psrc, *pdst;
	dma_cookie_t pcookie;
	dma_addr_t d, s;
	int n = 0;

	g_src = t_alloc(GLEN);
	g_dst = t_alloc(GLEN);
	dev = t_soft_create(NULL);
	dalign = t_soft_create(&align_cfg);
	dplain = t_soft_create(&plain_cfg);
	dma_cap_zero(cponly_cfg.cap_mask);
	dma_cap_set(DMA_MEMCPY, cponly_cfg.cap_mask);
	dma_cap_set(DMA_PRIVATE, cponly_cfg.cap_mask);
	dcp = t_soft_create(&cponly_cfg);
	chan = chan_of(dev);
	released = chan_of(dev);
	dma_release_channel(released);
	calign = chan_of(dalign);
	cplain = chan_of(dplain);
	ccp = chan_of(dcp);
	t_diag_capture();

	/* An accepted transfer waits, unissued, through all the refusals on chan. */
	psrc = t_alloc(GLEN);
	pdst = t_alloc(GLEN);
	t_fill(psrc, GLEN, 1234);
	memset(pdst, 0x5a, GLEN);
	pending = dmaengine_prep_dma_memcpy(chan, t_addr(pdst), t_addr(psrc), GLEN, 0);
	CHECK(pending);
	pcookie = dmaengine_submit(pending);
	CHECK(pcookie >= DMA_MIN_COOKIE);

	n += bad_channels(released);
	n += memcpy_args(chan);
	n += slave_args(chan);
	n += misc_chan_args(chan);
	n += repeat_flags(chan);
	CHECK_EQ(dmaengine_tx_status(chan, pcookie, NULL), DMA_IN_PROGRESS);
	CHECK(pdst[0] == 0x5a && pdst[GLEN - 1] == 0x5a);
	CHECK_EQ(dma_sync_wait(chan, pcookie), DMA_COMPLETE);
	CHECK(memcmp(psrc, pdst, GLEN) == 0);
	still_works(chan);

	/* copy_align 3: addresses and length must be multiples of 8 */
	d = t_addr(g_dst);
	s = t_addr(g_src);
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(calign, d + 1, s, 64, 0)), "dest not aligned to 8"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(calign, d, s + 4, 64, 0)), "src not aligned to 8"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(calign, d, s, 60, 0)), "len not aligned to 8"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_memset(calign, d + 2, 0, 64, 0)), "dest not aligned to 8"); n++;
	still_works(calign);

	/* no reuse, no pause */
	REFUSED(CHECK(!dmaengine_prep_dma_memcpy(cplain, d, s, 64, DMA_CTRL_REUSE)),
		"DMA_CTRL_REUSE"); n++;
	REFUSED(CHECK_EQ(dmaengine_pause(cplain), -ENOSYS), "cannot pause"); n++;
	REFUSED(CHECK_EQ(dmaengine_resume(cplain), -ENOSYS), "cannot resume"); n++;
	still_works(cplain);

	/* capabilities the device lacks */
	REFUSED(CHECK(!dmaengine_prep_dma_memset(ccp, d, 0, 64, 0)), "no DMA_MEMSET capability"); n++;
	REFUSED(CHECK(!dmaengine_prep_slave_single(ccp, t_addr(sbuf), 64, DMA_MEM_TO_DEV, 0)),
		"no DMA_SLAVE capability"); n++;
	REFUSED(CHECK(!dmaengine_prep_dma_cyclic(ccp, t_addr(sbuf), 64, 16, DMA_MEM_TO_DEV, 0)),
		"no DMA_CYCLIC capability"); n++;
	REFUSED(CHECK(!dmaengine_prep_interleaved_dma(ccp, &g_xt.xt, 0)),
		"no DMA_INTERLEAVE capability"); n++;
	still_works(ccp);

	n += no_chan_args();
	still_works(chan);
	diag_to_stderr();

	dma_release_channel(chan);
	dma_release_channel(calign);
	dma_release_channel(cplain);
	dma_release_channel(ccp);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	CHECK_EQ(udma_soft_destroy(dalign), 0);
	CHECK_EQ(udma_soft_destroy(dplain), 0);
	CHECK_EQ(udma_soft_destroy(dcp), 0);
	free(psrc);
	free(pdst);
	free(g_src);
	free(g_dst);
	printf("core-bad-input: %d bad calls refused, one diagnostic each; an accepted transfer "
	       "survived them and every channel still copies\n", n);
	return 0;
}

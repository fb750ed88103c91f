/* SPDX-License-Identifier: MIT */
/*
 * Descriptor metadata end to end, through a packet engine written here on
 * virt-dma: each transfer carries a packet's data and its metadata (the
 * header a NIC or crypto engine keeps beside the payload).
 *   CLIENT mode: MEM_TO_DEV, attach copies the client's header into the
 *   descriptor, and the engine sends that copy; DEV_TO_MEM, the engine
 *   writes the received header into the attached buffer.
 *   ENGINE mode: MEM_TO_DEV, the client writes the header at the
 *   descriptor's own buffer and sets its length; DEV_TO_MEM, the callback
 *   reads the header the engine left there.
 * Every byte is checked, and every refusal the core makes: the device
 * lacks the mode (-ENOTSUPP), modes mixed (-EINVAL), no op (-ENOTSUPP),
 * bad arguments (-EINVAL), each with one diagnostic.
 */
#include <udmaengine/virt-dma.h>

#include "helpers.h"
#include "vchan-ops.h"

#define MD_MAX 32
#define PKT_MAX 256

/* A refused call: @call gives @want with exactly one new diagnostic naming @needle. */
#define REFUSED(call, want, needle)						\
	do {									\
		int before_ = t_diag_count();					\
		CHECK_EQ((long long)(call), (long long)(want));		\
		CHECK_EQ(t_diag_count(), before_ + 1);				\
		CHECK_DIAG(needle);						\
	} while (0)

struct md_desc {
	struct virt_dma_desc vd;
	enum dma_transfer_direction dir;
	dma_addr_t buf;
	size_t len;
	unsigned char md[MD_MAX];	/* ENGINE buffer; CLIENT MEM_TO_DEV copy */
	size_t md_len;
	void *client_md;		/* CLIENT DEV_TO_MEM: the engine writes here */
	size_t client_md_len;
};

/* The link's far end: what was sent, and the next packet to receive. */
struct packet {
	unsigned char data[PKT_MAX];
	size_t len;
	unsigned char md[MD_MAX];
	size_t md_len;
};

static struct packet sent, incoming;
static struct virt_dma_chan md_vc;
static struct dma_device md_dma;
static struct device md_dev = { .name = "pktdma" };
static int frees;	/* atomic */

static struct md_desc *to_md(struct dma_async_tx_descriptor *tx)
{
	return container_of(to_virt_desc(tx), struct md_desc, vd);
}

static int md_attach(struct dma_async_tx_descriptor *tx, void *data, size_t len)
{
	struct md_desc *d = to_md(tx);

	if (len > MD_MAX) {
		udma_chan_diag(tx->chan, "dmaengine_desc_attach_metadata",
			       "len %zu: more than the engine's %d bytes", len, MD_MAX);
		return -EINVAL;
	}
	if (d->dir == DMA_MEM_TO_DEV) {
		memcpy(d->md, data, len);	/* the client's buffer is free again */
		d->md_len = len;
	} else {
		d->client_md = data;
		d->client_md_len = len;
	}
	return 0;
}

static void *md_get_ptr(struct dma_async_tx_descriptor *tx, size_t *payload_len, size_t *max_len)
{
	struct md_desc *d = to_md(tx);

	*payload_len = d->md_len;
	*max_len = MD_MAX;
	return d->md;
}

static int md_set_len(struct dma_async_tx_descriptor *tx, size_t payload_len)
{
	struct md_desc *d = to_md(tx);

	if (d->dir != DMA_MEM_TO_DEV || payload_len > MD_MAX) {
		udma_chan_diag(tx->chan, "dmaengine_desc_set_metadata_len", "payload_len %zu: %s",
			       payload_len, payload_len > MD_MAX ? "more than the buffer holds"
								 : "only a MEM_TO_DEV descriptor sends metadata");
		return -EINVAL;
	}
	d->md_len = payload_len;
	return 0;
}

static struct dma_descriptor_metadata_ops full_ops = {
	.attach = md_attach, .get_ptr = md_get_ptr, .set_len = md_set_len,
};
static struct dma_descriptor_metadata_ops attach_only = { .attach = md_attach };
static struct dma_descriptor_metadata_ops *next_ops = &full_ops;	/* for the next prep */

static struct dma_async_tx_descriptor *md_prep_slave_sg(struct dma_chan *chan,
							struct scatterlist *sgl,
							unsigned int sg_len,
							enum dma_transfer_direction dir,
							unsigned long flags, void *context)
{
	struct md_desc *d;
	struct dma_async_tx_descriptor *tx;

	(void)context;
	if (sg_len != 1 || sg_dma_len(sgl) > PKT_MAX)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->dir = dir;
	d->buf = sg_dma_address(sgl);
	d->len = sg_dma_len(sgl);
	tx = vchan_tx_prep(to_virt_chan(chan), &d->vd, flags);
	tx->metadata_ops = next_ops;
	return tx;
}

static void md_desc_free(struct virt_dma_desc *vd)
{
	__atomic_fetch_add(&frees, 1, __ATOMIC_RELEASE);
	free(container_of(vd, struct md_desc, vd));
}

/* Reports only the bytes in flight of an issued packet: the residue, and
 * everything for a finished one, is left to the core's zeroes. */
static enum dma_status md_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				    struct dma_tx_state *state)
{
	enum dma_status st = dma_cookie_status(chan, cookie, NULL);
	struct virt_dma_desc *vd;

	if (state && st == DMA_IN_PROGRESS) {
		spin_lock(&md_vc.lock);
		vd = vchan_find_desc(&md_vc, cookie);
		if (vd)
			dma_set_in_flight_bytes(state, (uint32_t)container_of(vd, struct md_desc, vd)->len);
		spin_unlock(&md_vc.lock);
	}
	return st;
}

/* The engine: moves every issued packet, metadata included, as told by the
 * descriptor's mode, then completes it. */
static unsigned int md_hw_run(void)
{
	struct virt_dma_desc *vd;
	unsigned int n = 0;

	spin_lock(&md_vc.lock);
	while ((vd = vchan_next_desc(&md_vc))) {
		struct md_desc *d = container_of(vd, struct md_desc, vd);
		void *buf = (void *)(uintptr_t)d->buf;

		list_del(&vd->node);
		if (d->dir == DMA_MEM_TO_DEV) {
			memcpy(sent.data, buf, d->len);
			sent.len = d->len;
			memcpy(sent.md, d->md, d->md_len);
			sent.md_len = d->md_len;
		} else {
			size_t mdn = incoming.md_len;

			memcpy(buf, incoming.data, incoming.len < d->len ? incoming.len : d->len);
			if (d->client_md) {
				mdn = mdn < d->client_md_len ? mdn : d->client_md_len;
				memcpy(d->client_md, incoming.md, mdn);
			} else {
				memcpy(d->md, incoming.md, mdn);
			}
			d->md_len = mdn;
		}
		vchan_cookie_complete(vd);
		n++;
	}
	spin_unlock(&md_vc.lock);
	return n;
}

static void register_md(void)
{
	dma_cap_zero(md_dma.cap_mask);
	dma_cap_set(DMA_SLAVE, md_dma.cap_mask);
	md_dma.desc_metadata_modes = DESC_METADATA_CLIENT | DESC_METADATA_ENGINE;
	md_dma.dev = &md_dev;
	md_dma.directions = (1u << DMA_MEM_TO_DEV) | (1u << DMA_DEV_TO_MEM);
	md_dma.residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	md_dma.device_prep_slave_sg = md_prep_slave_sg;
	md_dma.device_issue_pending = t_vchan_issue_pending;
	md_dma.device_tx_status = md_tx_status;
	md_dma.device_terminate_all = t_vchan_terminate_all;
	md_dma.device_synchronize = t_vchan_synchronize;
	md_dma.device_free_chan_resources = t_vchan_free_chan_resources;
	INIT_LIST_HEAD(&md_dma.channels);
	md_vc.desc_free = md_desc_free;
	vchan_init(&md_vc, &md_dma);
	CHECK_EQ(dma_async_device_register(&md_dma), 0);
}

static struct dma_async_tx_descriptor *prep(struct dma_chan *chan, void *buf, size_t len,
					    enum dma_transfer_direction dir)
{
	struct dma_async_tx_descriptor *tx;

	tx = dmaengine_prep_slave_single(chan, t_addr(buf), len, dir, DMA_PREP_INTERRUPT);
	CHECK(tx);
	CHECK_EQ(tx->desc_metadata_mode, DESC_METADATA_NONE);
	return tx;
}

/* Submits, issues, runs the engine and waits for the callback. */
static void run(struct dma_chan *chan, struct dma_async_tx_descriptor *tx,
		dma_async_tx_callback cb, void *param)
{
	struct t_counter done;
	dma_cookie_t cookie;
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);

	t_counter_init(&done);
	if (cb) {
		tx->callback = cb;
		tx->callback_param = param;
	} else {
		tx->callback = t_count_callback;
		tx->callback_param = &done;
	}
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	dma_async_issue_pending(chan);
	CHECK_EQ(md_hw_run(), 1);
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	if (!cb)
		CHECK(t_counter_wait(&done, 1, 10000));
	while (__atomic_load_n(&frees, __ATOMIC_ACQUIRE) == before)
		t_sleep_us(100);
}

static void client_tx(struct dma_chan *chan)
{
	unsigned char data[200], hdr[20], want[20];
	struct dma_async_tx_descriptor *tx;

	t_fill(data, sizeof(data), 1);
	t_fill(hdr, sizeof(hdr), 2);
	memcpy(want, hdr, sizeof(want));
	tx = prep(chan, data, sizeof(data), DMA_MEM_TO_DEV);
	CHECK_EQ(dmaengine_desc_attach_metadata(tx, hdr, sizeof(hdr)), 0);
	CHECK_EQ(tx->desc_metadata_mode, DESC_METADATA_CLIENT);
	memset(hdr, 0xee, sizeof(hdr));	/* attach copied it: this is not sent */
	run(chan, tx, NULL, NULL);
	CHECK_EQ(sent.md_len, sizeof(want));
	CHECK(memcmp(sent.md, want, sizeof(want)) == 0);
	CHECK_EQ(sent.len, sizeof(data));
	CHECK(memcmp(sent.data, data, sizeof(data)) == 0);
}

static void client_rx(struct dma_chan *chan)
{
	unsigned char data[128], hdr[MD_MAX];
	struct dma_async_tx_descriptor *tx;

	incoming.len = sizeof(data);
	t_fill(incoming.data, incoming.len, 3);
	incoming.md_len = 24;
	t_fill(incoming.md, incoming.md_len, 4);
	memset(data, 0, sizeof(data));
	memset(hdr, 0x5a, sizeof(hdr));
	tx = prep(chan, data, sizeof(data), DMA_DEV_TO_MEM);
	CHECK_EQ(dmaengine_desc_attach_metadata(tx, hdr, sizeof(hdr)), 0);
	run(chan, tx, NULL, NULL);
	CHECK(memcmp(data, incoming.data, sizeof(data)) == 0);
	CHECK(memcmp(hdr, incoming.md, 24) == 0);
	for (int i = 24; i < MD_MAX; i++)	/* nothing past the header */
		CHECK_EQ(hdr[i], 0x5a);
}

static void engine_tx(struct dma_chan *chan)
{
	unsigned char data[64], want[MD_MAX];
	struct dma_async_tx_descriptor *tx;
	size_t payload_len = 99, max_len = 0;
	unsigned char *p;

	t_fill(data, sizeof(data), 5);
	t_fill(want, sizeof(want), 6);
	tx = prep(chan, data, sizeof(data), DMA_MEM_TO_DEV);
	p = dmaengine_desc_get_metadata_ptr(tx, &payload_len, &max_len);
	CHECK(p && !IS_ERR(p));
	CHECK_EQ(tx->desc_metadata_mode, DESC_METADATA_ENGINE);
	CHECK_EQ(payload_len, 0);
	CHECK_EQ(max_len, MD_MAX);
	memcpy(p, want, 12);
	CHECK_EQ(dmaengine_desc_set_metadata_len(tx, 12), 0);
	/* the engine's own refusal, its diagnostic, and the length stays 12 */
	REFUSED(dmaengine_desc_set_metadata_len(tx, MD_MAX + 1), -EINVAL, "more than the buffer");
	CHECK(dmaengine_desc_get_metadata_ptr(tx, &payload_len, &max_len) == p);
	CHECK_EQ(payload_len, 12);
	run(chan, tx, NULL, NULL);
	CHECK_EQ(sent.len, sizeof(data));
	CHECK(memcmp(sent.data, data, sizeof(data)) == 0);
	CHECK_EQ(sent.md_len, 12);
	CHECK(memcmp(sent.md, want, 12) == 0);
}

/* Engine-mode RX: the metadata is valid in the callback only. */
struct rx_read {
	struct dma_async_tx_descriptor *tx;
	unsigned char md[MD_MAX];
	size_t payload_len, max_len;
	long err;
	struct t_counter done;
};

static void engine_rx_callback(void *param)
{
	struct rx_read *r = param;
	void *p = dmaengine_desc_get_metadata_ptr(r->tx, &r->payload_len, &r->max_len);

	if (!p || IS_ERR(p))
		r->err = p ? PTR_ERR(p) : -1;
	else if (r->payload_len <= MD_MAX)
		memcpy(r->md, p, r->payload_len);
	t_counter_bump(&r->done);
}

static void engine_rx(struct dma_chan *chan)
{
	unsigned char data[100];
	struct rx_read r = { 0 };

	incoming.len = sizeof(data);
	t_fill(incoming.data, incoming.len, 7);
	incoming.md_len = MD_MAX;
	t_fill(incoming.md, incoming.md_len, 8);
	memset(data, 0, sizeof(data));
	t_counter_init(&r.done);
	r.tx = prep(chan, data, sizeof(data), DMA_DEV_TO_MEM);
	/* set_len is for what the client sends: refused on RX by the engine */
	REFUSED(dmaengine_desc_set_metadata_len(r.tx, 4), -EINVAL, "only a MEM_TO_DEV");
	run(chan, r.tx, engine_rx_callback, &r);
	CHECK(t_counter_wait(&r.done, 1, 10000));
	CHECK_EQ(r.err, 0);
	CHECK_EQ(r.payload_len, MD_MAX);
	CHECK_EQ(r.max_len, MD_MAX);
	CHECK(memcmp(r.md, incoming.md, MD_MAX) == 0);
	CHECK(memcmp(data, incoming.data, sizeof(data)) == 0);
}

static void refusals(struct dma_chan *chan)
{
	unsigned char buf[16], hdr[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct dma_async_tx_descriptor *tx;
	size_t pl, max;

	/* no descriptor */
	REFUSED(dmaengine_desc_attach_metadata(NULL, hdr, 8), -EINVAL, "desc is NULL");
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(NULL, &pl, &max)), -EINVAL, "desc is NULL");
	REFUSED(dmaengine_desc_set_metadata_len(NULL, 4), -EINVAL, "desc is NULL");
	REFUSED(dmaengine_desc_attach_metadata(ERR_PTR(-EIO), hdr, 8), -EINVAL, "error pointer");
	REFUSED(dmaengine_is_metadata_mode_supported(NULL, DESC_METADATA_CLIENT), false,
		"chan is NULL");

	/* bad arguments: refused before the mode is chosen */
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	REFUSED(dmaengine_desc_attach_metadata(tx, NULL, 8), -EINVAL, "data is NULL");
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(tx, NULL, &max)), -EINVAL,
		"payload_len is NULL");
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(tx, &pl, NULL)), -EINVAL, "max_len is NULL");
	CHECK_EQ(tx->desc_metadata_mode, DESC_METADATA_NONE);

	/* CLIENT first: ENGINE calls are mixing */
	CHECK_EQ(dmaengine_desc_attach_metadata(tx, hdr, 8), 0);
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(tx, &pl, &max)), -EINVAL, "cannot be mixed");
	CHECK_DIAG("DESC_METADATA_CLIENT");
	REFUSED(dmaengine_desc_set_metadata_len(tx, 4), -EINVAL, "cannot be mixed");
	CHECK_EQ(dmaengine_desc_attach_metadata(tx, hdr, 4), 0);	/* same mode: fine */
	run(chan, tx, NULL, NULL);
	CHECK_EQ(sent.md_len, 4);
	CHECK(memcmp(sent.md, hdr, 4) == 0);

	/* ENGINE first: attach is mixing */
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	CHECK_EQ(dmaengine_desc_set_metadata_len(tx, 0), 0);
	REFUSED(dmaengine_desc_attach_metadata(tx, hdr, 8), -EINVAL, "DESC_METADATA_ENGINE");
	CHECK_DIAG("cannot be mixed");
	run(chan, tx, NULL, NULL);
	CHECK_EQ(sent.md_len, 0);

	/* the device lacks a mode: the kernel's -ENOTSUPP, the mode left unset */
	md_dma.desc_metadata_modes = DESC_METADATA_CLIENT;
	CHECK(dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_CLIENT));
	CHECK(!dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_ENGINE));
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(tx, &pl, &max)), -ENOTSUPP,
		"does not support DESC_METADATA_ENGINE");
	REFUSED(dmaengine_desc_set_metadata_len(tx, 1), -ENOTSUPP, "DESC_METADATA_ENGINE");
	CHECK_EQ(tx->desc_metadata_mode, DESC_METADATA_NONE);
	CHECK_EQ(dmaengine_desc_attach_metadata(tx, hdr, 2), 0);
	run(chan, tx, NULL, NULL);
	md_dma.desc_metadata_modes = 0;
	CHECK(!dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_CLIENT));
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	REFUSED(dmaengine_desc_attach_metadata(tx, hdr, 8), -ENOTSUPP,
		"does not support DESC_METADATA_CLIENT");
	run(chan, tx, NULL, NULL);
	md_dma.desc_metadata_modes = DESC_METADATA_CLIENT | DESC_METADATA_ENGINE;

	/* the mode is supported but the descriptor has no op for it */
	next_ops = &attach_only;
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	REFUSED(PTR_ERR(dmaengine_desc_get_metadata_ptr(tx, &pl, &max)), -ENOTSUPP, "no get_ptr");
	REFUSED(dmaengine_desc_set_metadata_len(tx, 1), -ENOTSUPP, "no set_len");
	run(chan, tx, NULL, NULL);
	next_ops = NULL;
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	REFUSED(dmaengine_desc_attach_metadata(tx, hdr, 8), -ENOTSUPP, "no metadata_ops");
	run(chan, tx, NULL, NULL);
	next_ops = &full_ops;

	/* the provider's own refusal passes through */
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	{
		unsigned char big[MD_MAX + 1] = { 0 };

		REFUSED(dmaengine_desc_attach_metadata(tx, big, sizeof(big)), -EINVAL,
			"more than the engine's");
	}
	run(chan, tx, NULL, NULL);

	/* a recycled descriptor (here: the next prep) starts with no mode */
	tx = prep(chan, buf, sizeof(buf), DMA_MEM_TO_DEV);
	CHECK(!IS_ERR(dmaengine_desc_get_metadata_ptr(tx, &pl, &max)));
	run(chan, tx, NULL, NULL);
}

/* dmaengine_tx_status: in_flight_bytes as the provider sets it, else 0. */
static void in_flight(struct dma_chan *chan)
{
	unsigned char data[100];
	struct dma_async_tx_descriptor *tx;
	struct dma_tx_state st;
	dma_cookie_t cookie;
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);

	t_fill(data, sizeof(data), 9);
	tx = prep(chan, data, sizeof(data), DMA_MEM_TO_DEV);
	cookie = dmaengine_submit(tx);
	dma_async_issue_pending(chan);
	memset(&st, 0xa5, sizeof(st));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), DMA_IN_PROGRESS);
	CHECK_EQ(st.in_flight_bytes, sizeof(data));
	CHECK_EQ(st.residue, 0);
	CHECK_EQ(md_hw_run(), 1);
	memset(&st, 0xa5, sizeof(st));
	CHECK_EQ(dmaengine_tx_status(chan, cookie, &st), DMA_COMPLETE);
	CHECK_EQ(st.in_flight_bytes, 0);
	CHECK_EQ(st.residue, 0);
	while (__atomic_load_n(&frees, __ATOMIC_ACQUIRE) == before)
		t_sleep_us(100);
	CHECK(memcmp(sent.data, data, sizeof(data)) == 0);
}

int main(void)
{
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	int diags;

	register_md();
	t_diag_capture();
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	CHECK(chan && chan->device == &md_dma);
	CHECK(dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_CLIENT));
	CHECK(dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_ENGINE));
	CHECK(!dmaengine_is_metadata_mode_supported(chan, DESC_METADATA_NONE));

	diags = t_diag_count();
	client_tx(chan);
	client_rx(chan);
	engine_tx(chan);
	diags += 1;	/* engine_tx's refused set_len */
	engine_rx(chan);
	diags += 1;	/* engine_rx's refused set_len */
	CHECK_EQ(t_diag_count(), diags);
	refusals(chan);
	in_flight(chan);
	{
		/* a slave device without the optional vector op: NULL, as in the kernel */
		struct dma_vec v = { 0x1000, 16 };

		CHECK(!dmaengine_prep_peripheral_dma_vec(chan, &v, 1, DMA_MEM_TO_DEV, 0));
		CHECK_DIAG("device has no device_prep_peripheral_dma_vec");
	}

	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	dma_release_channel(chan);
	dma_async_device_unregister(&md_dma);
	vchan_exit(&md_vc);
	udma_set_diag_handler(NULL, NULL);
	printf("core-metadata: CLIENT and ENGINE metadata moved byte for byte both ways; "
	       "%d refusals, one diagnostic each\n", t_diag_count());
	return 0;
}

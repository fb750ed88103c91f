/* SPDX-License-Identifier: MIT */
/*
 * virt-dma keeps the kernel's locking and lifetime rules for a driver that
 * uses only <udmaengine/virt-dma.h>:
 *   - vc->lock protects every list: a driver walking desc_submitted under it
 *     while clients prep and submit from other threads is race-free (run it
 *     under ThreadSanitizer to see);
 *   - vchan_cookie_complete defers the callback and the freeing to the
 *     tasklet: desc_free runs in tasklet context without vc->lock, after the
 *     callback, so it may take the lock;
 *   - vchan_find_desc finds issued descriptors only;
 *   - a reusable descriptor without a callback is submittable again as soon
 *     as its cookie reads complete;
 *   - terminate (vchan_get_all_descriptors + vchan_dma_desc_free_list) frees
 *     everything queued without a callback.
 * The "hardware" is the test itself: it completes the issued descriptors
 * when told to, under vc->lock, as an interrupt handler would.
 */
#include <udmaengine/virt-dma.h>

#include "helpers.h"
#include "vchan-ops.h"

struct vt_desc {
	struct virt_dma_desc vd;
	dma_addr_t dst, src;
	size_t len;
};

static struct virt_dma_chan vt_vc;
static struct dma_device vt_dma;
static struct device vt_dev = { .name = "vtest" };

static int frees;		/* atomic */
static int frees_locked;	/* atomic: desc_free called with vc->lock held */
static int frees_outside;	/* atomic: desc_free called outside tasklet context */
static int callbacks;		/* atomic */
static int callback_before_free = 1;	/* atomic: 0 once a free came first */

static struct vt_desc *to_vt(struct virt_dma_desc *vd)
{
	return container_of(vd, struct vt_desc, vd);
}

static void vt_desc_free(struct virt_dma_desc *vd)
{
	if (__atomic_load_n(&vt_vc.lock.locked, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&frees_locked, 1, __ATOMIC_RELAXED);
	if (!udma_in_tasklet())
		__atomic_fetch_add(&frees_outside, 1, __ATOMIC_RELAXED);
	/* allowed: the kernel calls desc_free without vc->lock */
	spin_lock(&vt_vc.lock);
	spin_unlock(&vt_vc.lock);
	__atomic_fetch_add(&frees, 1, __ATOMIC_RELAXED);
	free(to_vt(vd));
}

static struct dma_async_tx_descriptor *vt_prep_memcpy(struct dma_chan *chan, dma_addr_t dst,
						      dma_addr_t src, size_t len,
						      unsigned long flags)
{
	struct vt_desc *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->dst = dst;
	d->src = src;
	d->len = len;
	return vchan_tx_prep(to_virt_chan(chan), &d->vd, flags);
}

static enum dma_status vt_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
				    struct dma_tx_state *state)
{
	return dma_cookie_status(chan, cookie, state);
}

/* The hardware: runs every issued descriptor, completing each under the lock. */
static unsigned int vt_hw_run(void)
{
	struct virt_dma_desc *vd;
	unsigned int n = 0;

	spin_lock(&vt_vc.lock);
	while ((vd = vchan_next_desc(&vt_vc))) {
		struct vt_desc *d = to_vt(vd);

		list_del(&vd->node);
		memcpy((void *)(uintptr_t)d->dst, (const void *)(uintptr_t)d->src, d->len);
		vchan_cookie_complete(vd);
		n++;
	}
	spin_unlock(&vt_vc.lock);
	return n;
}

static void count_callback(void *param)
{
	(void)param;
	if (__atomic_load_n(&frees, __ATOMIC_ACQUIRE))
		__atomic_store_n(&callback_before_free, 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&callbacks, 1, __ATOMIC_RELEASE);
}

static void wait_for(int *counter, int n)
{
	uint64_t end = t_now_ns() + 10000000000ull;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < n && t_now_ns() < end)
		t_sleep_us(100);
	CHECK_EQ(__atomic_load_n(counter, __ATOMIC_ACQUIRE), n);
}

static struct dma_chan *vt_request(void)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	CHECK(chan && chan->device == &vt_dma);
	return chan;
}

static void register_vt(void)
{
	dma_cap_zero(vt_dma.cap_mask);
	dma_cap_set(DMA_MEMCPY, vt_dma.cap_mask);
	vt_dma.dev = &vt_dev;
	vt_dma.directions = 1u << DMA_MEM_TO_MEM;
	vt_dma.descriptor_reuse = true;
	vt_dma.residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	vt_dma.device_prep_dma_memcpy = vt_prep_memcpy;
	vt_dma.device_issue_pending = t_vchan_issue_pending;
	vt_dma.device_tx_status = vt_tx_status;
	vt_dma.device_terminate_all = t_vchan_terminate_all;
	vt_dma.device_synchronize = t_vchan_synchronize;
	vt_dma.device_free_chan_resources = t_vchan_free_chan_resources;
	INIT_LIST_HEAD(&vt_dma.channels);
	vt_vc.desc_free = vt_desc_free;
	vchan_init(&vt_vc, &vt_dma);
	CHECK_EQ(dma_async_device_register(&vt_dma), 0);
}

/* Callbacks and frees happen in the tasklet, callback first, lock free. */
static void deferred_free(struct dma_chan *chan)
{
	static unsigned char src[8][64], dst[8][64];
	dma_cookie_t last = 0;

	for (int i = 0; i < 8; i++) {
		struct dma_async_tx_descriptor *tx;

		t_fill(src[i], 64, (unsigned int)i);
		tx = dmaengine_prep_dma_memcpy(chan, t_addr(dst[i]), t_addr(src[i]), 64,
					       DMA_PREP_INTERRUPT);
		CHECK(tx);
		if (i % 2)	/* half without a callback: freed in the tasklet too */
			tx->callback = count_callback;
		last = dmaengine_submit(tx);
	}
	dma_async_issue_pending(chan);
	CHECK_EQ(vt_hw_run(), 8);
	CHECK_EQ(dmaengine_tx_status(chan, last, NULL), DMA_COMPLETE);
	wait_for(&frees, 8);
	wait_for(&callbacks, 4);
	CHECK_EQ(__atomic_load_n(&frees_locked, __ATOMIC_RELAXED), 0);
	CHECK_EQ(__atomic_load_n(&frees_outside, __ATOMIC_RELAXED), 0);
	for (int i = 0; i < 8; i++)
		CHECK(memcmp(dst[i], src[i], 64) == 0);
}

/* vchan_find_desc: issued and not yet taken by the driver, nothing else. */
static void find_issued_only(struct dma_chan *chan)
{
	static unsigned char a[16], b[16];
	struct dma_async_tx_descriptor *tx;
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(chan, t_addr(b), t_addr(a), 16, 0);
	CHECK(tx);
	cookie = dmaengine_submit(tx);
	spin_lock(&vt_vc.lock);
	CHECK(vchan_find_desc(&vt_vc, cookie) == NULL);	/* submitted, not issued */
	spin_unlock(&vt_vc.lock);
	dma_async_issue_pending(chan);
	spin_lock(&vt_vc.lock);
	CHECK(vchan_find_desc(&vt_vc, cookie) == to_virt_desc(tx));
	spin_unlock(&vt_vc.lock);
	CHECK_EQ(vt_hw_run(), 1);
	spin_lock(&vt_vc.lock);
	CHECK(vchan_find_desc(&vt_vc, cookie) == NULL);	/* taken and done */
	spin_unlock(&vt_vc.lock);
	CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
	wait_for(&frees, before + 1);	/* in the tasklet, after the cookie completed */
}

/* R9 without a callback: submittable again the moment it reads complete. */
static void reuse_polled(struct dma_chan *chan)
{
	static unsigned char a[32], b[32];
	struct dma_async_tx_descriptor *tx;
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);

	tx = dmaengine_prep_dma_memcpy(chan, t_addr(b), t_addr(a), 32, 0);
	CHECK(tx);
	CHECK_EQ(dmaengine_desc_set_reuse(tx), 0);
	CHECK(dmaengine_desc_test_reuse(tx));
	dmaengine_desc_clear_reuse(tx);
	CHECK(!dmaengine_desc_test_reuse(tx));
	CHECK_EQ(dmaengine_desc_set_reuse(tx), 0);
	for (int round = 0; round < 3; round++) {
		dma_cookie_t cookie;

		t_fill(a, 32, 50u + (unsigned int)round);
		cookie = dmaengine_submit(tx);
		CHECK(cookie >= DMA_MIN_COOKIE);
		dma_async_issue_pending(chan);
		CHECK_EQ(vt_hw_run(), 1);
		CHECK_EQ(dmaengine_tx_status(chan, cookie, NULL), DMA_COMPLETE);
		CHECK(memcmp(a, b, 32) == 0);
	}
	CHECK_EQ(__atomic_load_n(&frees, __ATOMIC_ACQUIRE), before);	/* never freed */
	CHECK_EQ(dmaengine_desc_free(tx), 0);
	CHECK_EQ(__atomic_load_n(&frees, __ATOMIC_ACQUIRE), before + 1);
}

/* Terminate frees what is queued, calls nothing back. */
static void terminate_queued(struct dma_chan *chan)
{
	static unsigned char a[16], b[16];
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);
	int called = __atomic_load_n(&callbacks, __ATOMIC_ACQUIRE);

	for (int i = 0; i < 5; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(chan, t_addr(b),
									       t_addr(a), 16, 0);

		CHECK(tx);
		tx->callback = count_callback;
		dmaengine_submit(tx);
		if (i == 2)
			dma_async_issue_pending(chan);	/* three issued, two submitted */
	}
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	CHECK_EQ(__atomic_load_n(&frees, __ATOMIC_ACQUIRE), before + 5);
	CHECK_EQ(vt_hw_run(), 0);
	t_sleep_us(2000);
	CHECK_EQ(__atomic_load_n(&callbacks, __ATOMIC_ACQUIRE), called);
}

/* A driver reading desc_submitted under vc->lock while a client submits. */
static int walking = 1;	/* atomic */

static void *walker(void *arg)
{
	unsigned long seen = 0;

	(void)arg;
	while (__atomic_load_n(&walking, __ATOMIC_ACQUIRE)) {
		struct virt_dma_desc *vd;

		spin_lock(&vt_vc.lock);
		list_for_each_entry(vd, &vt_vc.desc_submitted, struct virt_dma_desc, node)
			seen += (unsigned long)vd->tx.cookie > 0;
		list_for_each_entry(vd, &vt_vc.desc_allocated, struct virt_dma_desc, node)
			seen++;
		spin_unlock(&vt_vc.lock);
	}
	return (void *)seen;
}

static void driver_walks_lists(struct dma_chan *chan)
{
	static unsigned char a[8], b[8];
	pthread_t th;
	int before = __atomic_load_n(&frees, __ATOMIC_ACQUIRE);

	CHECK(pthread_create(&th, NULL, walker, NULL) == 0);
	for (int i = 0; i < 2000; i++) {
		struct dma_async_tx_descriptor *tx = dmaengine_prep_dma_memcpy(chan, t_addr(b),
									       t_addr(a), 8, 0);

		CHECK(tx);
		dmaengine_submit(tx);
		if (i % 16 == 15) {
			dma_async_issue_pending(chan);
			vt_hw_run();
		}
	}
	dma_async_issue_pending(chan);
	vt_hw_run();
	__atomic_store_n(&walking, 0, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	wait_for(&frees, before + 2000);
}

/*
 * Where the kernel's answers apply: a device without dev is refused at
 * register (-EIO), terminate on a device without device_terminate_all is
 * -EINVAL (pause and resume without their ops are -ENOSYS).
 */
static void kernel_error_codes(void)
{
	static struct dma_device bare;
	static struct virt_dma_chan bare_vc;
	static struct device bare_dev = { .name = "bare" };
	struct dma_chan *chan;
	dma_cap_mask_t mask;

	dma_cap_zero(bare.cap_mask);
	dma_cap_set(DMA_MEMCPY, bare.cap_mask);
	bare.device_prep_dma_memcpy = vt_prep_memcpy;
	bare.device_issue_pending = t_vchan_issue_pending;
	bare.device_tx_status = vt_tx_status;
	INIT_LIST_HEAD(&bare.channels);
	bare_vc.desc_free = vt_desc_free;
	vchan_init(&bare_vc, &bare);
	t_diag_reset();
	CHECK_EQ(dma_async_device_register(&bare), -EIO);
	CHECK_DIAG("no dev");
	bare.dev = &bare_dev;
	CHECK_EQ(dma_async_device_register(&bare), 0);
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, NULL, NULL);
	CHECK(chan && chan->device == &bare);
	CHECK_EQ(dmaengine_terminate_async(chan), -EINVAL);
	CHECK_DIAG("device_terminate_all");
	CHECK_EQ(dmaengine_pause(chan), -ENOSYS);
	CHECK_DIAG("device_pause");
	dma_release_channel(chan);
	dma_async_device_unregister(&bare);
	t_diag_reset();
}

int main(void)
{
	struct dma_chan *chan;

	t_diag_capture();
	register_vt();
	chan = vt_request();
	deferred_free(chan);
	find_issued_only(chan);
	reuse_polled(chan);
	terminate_queued(chan);
	driver_walks_lists(chan);
	CHECK_EQ(dmaengine_terminate_sync(chan), 0);
	dma_release_channel(chan);
	CHECK_EQ(t_diag_count(), 0);
	dma_async_device_unregister(&vt_dma);
	kernel_error_codes();
	printf("core-virt-dma: deferred free in the tasklet without the lock, issued-only "
	       "find, polled reuse, terminate, lists walked under vc->lock, kernel error codes\n");
	return 0;
}

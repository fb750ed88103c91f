/* SPDX-License-Identifier: MIT */
/*
 * A C++17 client of the public headers, built with -Wall -Wextra -Werror
 * (beside all-headers.cpp, generated, which includes every header in
 * include/udmaengine/): a memcpy goes through the soft controller with a
 * callback, and the bytes are checked. Also links
 * the declarations C++ would otherwise mangle (spinlock, tasklet) and
 * checks that struct dma_chan has C's layout (C's `private` is C++'s
 * `private_`).
 */
#include <udmaengine/dmaengine.h>
#include <udmaengine/provider.h>
#include <udmaengine/virt-dma.h>
#include <udmaengine/soft.h>
#include <udmaengine/cuda.h>
#include <udmaengine/list.h>
#include <udmaengine/scatterlist.h>
#include <udmaengine/err.h>
#include <udmaengine/tasklet.h>
#include <udmaengine/spinlock.h>
#include <udmaengine/initcall.h>
#include <udmaengine/kbase.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

extern "C" void cxx_c_layout(size_t *private_offset, size_t *chan_size);

namespace {

int failures;

void check(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "cxx-client: FAILED: %s\n", what);
		failures++;
	}
}

struct copy_state {
	std::atomic<int> callbacks{0};
	std::atomic<bool> in_tasklet{false};
	enum dmaengine_tx_result result = DMA_TRANS_NOERROR;
};

void copy_done(void *param, const struct dmaengine_result *res)
{
	copy_state *st = static_cast<copy_state *>(param);

	st->result = res->result;
	st->in_tasklet = udma_in_tasklet();
	st->callbacks++;
}

struct item {
	int value;
	struct list_head node;
};

struct ticker {
	struct tasklet_struct tasklet;
	std::atomic<int> runs{0};
};

void tick(struct tasklet_struct *t)
{
	ticker *tk = from_tasklet(tk, t, ticker, tasklet);

	tk->runs++;
}

} // namespace

int main()
{
	size_t c_offset, c_size;

	cxx_c_layout(&c_offset, &c_size);
	check(c_offset == offsetof(struct dma_chan, private_), "dma_chan.private_ at C's offset");
	check(c_size == sizeof(struct dma_chan), "sizeof(struct dma_chan) as in C");

	struct dma_device *soft = udma_soft_create(nullptr);
	if (IS_ERR(soft)) {
		std::fprintf(stderr, "cxx-client: udma_soft_create: %ld\n", PTR_ERR(soft));
		return 1;
	}
	dma_cap_mask_t mask;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	struct dma_chan *chan = dma_request_channel(mask, nullptr, nullptr);
	if (!chan) {
		std::fprintf(stderr, "cxx-client: no DMA_MEMCPY channel\n");
		return 1;
	}
	int tag = 42;
	chan->private_ = &tag;

	const size_t len = 64 * 1024;
	std::vector<unsigned char> src(len), dst(len, 0);
	for (size_t i = 0; i < len; i++)
		src[i] = static_cast<unsigned char>(i * 7 + 3);
	struct device *dev = chan->device->dev;
	dma_addr_t s = dma_map_single(dev, src.data(), len, DMA_TO_DEVICE);
	dma_addr_t d = dma_map_single(dev, dst.data(), len, DMA_FROM_DEVICE);

	copy_state st;
	struct dma_async_tx_descriptor *tx =
		dmaengine_prep_dma_memcpy(chan, d, s, len, DMA_PREP_INTERRUPT);
	check(tx != nullptr, "dmaengine_prep_dma_memcpy");
	if (tx) {
		tx->callback_result = copy_done;
		tx->callback_param = &st;
		dma_cookie_t cookie = dmaengine_submit(tx);
		check(!dma_submit_error(cookie), "dmaengine_submit");
		check(dma_sync_wait(chan, cookie) == DMA_COMPLETE, "dma_sync_wait: DMA_COMPLETE");
		/* the cookie completes before its callback runs: wait for it */
		for (int ms = 0; st.callbacks == 0 && ms < 10000; ms++)
			std::this_thread::sleep_for(std::chrono::milliseconds(1));
		dmaengine_terminate_sync(chan);	/* no callback runs after this */
		check(st.callbacks == 1, "one callback");
		check(st.in_tasklet, "callback in tasklet context");
		check(st.result == DMA_TRANS_NOERROR, "callback result DMA_TRANS_NOERROR");
		check(std::memcmp(src.data(), dst.data(), len) == 0, "the bytes copied");
	}
	dma_unmap_single(dev, s, len, DMA_TO_DEVICE);
	dma_unmap_single(dev, d, len, DMA_FROM_DEVICE);
	check(chan->private_ == &tag, "private_ kept");
	dma_release_channel(chan);
	check(udma_soft_destroy(soft) == 0, "udma_soft_destroy");

	/* inline and macro API from C++: lists, scatterlists, locks, tasklets */
	LIST_HEAD(items);
	item a{1, {}}, b{2, {}};
	list_add_tail(&a.node, &items);
	list_add_tail(&b.node, &items);
	int sum = 0;
	item *pos;
	list_for_each_entry(pos, &items, item, node)
		sum += pos->value;
	check(sum == 3, "list_for_each_entry");

	struct scatterlist sg[2];
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], src.data(), 16);
	sg_set_buf(&sg[1], dst.data(), 32);
	struct scatterlist *it;
	unsigned int i, bytes = 0;
	for_each_sg(sg, it, 2, i)
		bytes += it->length;
	check(bytes == 48, "for_each_sg");

	spinlock_t lock;
	spin_lock_init(&lock);
	spin_lock(&lock);
	spin_unlock(&lock);
	spin_lock_destroy(&lock);

	ticker tk;
	tasklet_setup(&tk.tasklet, tick);
	tasklet_schedule(&tk.tasklet);
	tasklet_kill(&tk.tasklet);
	check(tk.runs == 1, "tasklet ran once");

	if (failures)
		return 1;
	std::printf("cxx-client: %zu bytes copied from C++ and verified; headers, layout, "
		    "lists, scatterlists, spinlock, tasklet ok\n", len);
	return 0;
}

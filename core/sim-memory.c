/* SPDX-License-Identifier: MIT */
/*
 * Sim mode's memory checks: the bug DMAengine's synchronize exists for,
 * caught by udmaengine itself.
 *
 * A client gives memory back with dma_unmap_*, dma_free_coherent or kfree.
 * Each release is recorded with a stamp from one counter that also stamps
 * the moment a hardware thread takes work (udma_sim_took_work). A burst
 * that touches memory released after its thread took the work is a use
 * after free in the making: the client let go of memory a transfer still
 * uses, typically after dmaengine_terminate_async without
 * dmaengine_synchronize. The burst is reported, with the channel, the
 * cookie and what the client did, and skipped.
 *
 * kfree'd memory is also poisoned (0x6b, as the kernel's slab poisoning)
 * and held back from reuse for a while, so a callback that reads an object
 * freed under it sees garbage, not a plausible old value. Under
 * AddressSanitizer it is freed at once: ASan's own quarantine is better.
 *
 * Everything here runs on the thread whose turn it is: no locks.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/dmaengine.h>
#include <udma/sim.h>

#include "sim-internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIM_QUARANTINE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_QUARANTINE 0
#endif
#endif
#ifndef SIM_QUARANTINE
#define SIM_QUARANTINE 1
#endif

#define RELEASED_MAX 4096
#define QUARANTINE_BYTES (64u << 20)
#define POISON_FREE 0x6b

struct released {
	uintptr_t lo, hi;	/* [lo, hi) */
	uint64_t stamp;
	const char *how;	/* dma_unmap_single, kfree, ... */
	void *held;		/* kfree'd memory still held back, or NULL */
};

static struct released released[RELEASED_MAX];
static unsigned int released_head, released_len;	/* a ring, oldest first */
static size_t held_bytes;
static uint64_t stamp;
static __thread uint64_t work_stamp;	/* a hardware thread's latest take */

#define CHANS_MAX 64
static struct {
	const struct dma_chan *chan;
	uint64_t terminated;	/* stamp of its last terminate_async, 0: none pending */
} chans[CHANS_MAX];

static struct released *released_at(unsigned int i)
{
	return &released[(released_head + i) % RELEASED_MAX];
}

static void drop_oldest(void)
{
	struct released *r = released_at(0);

	if (r->held) {
		held_bytes -= r->hi - r->lo;
		free(r->held);
	}
	released_head = (released_head + 1) % RELEASED_MAX;
	released_len--;
}

static void record(const void *p, size_t len, const char *how, void *held)
{
	struct released *r;

	while (released_len == RELEASED_MAX || (held && held_bytes + len > QUARANTINE_BYTES &&
						released_len))
		drop_oldest();
	r = released_at(released_len++);
	*r = (struct released){ (uintptr_t)p, (uintptr_t)p + len, ++stamp, how, held };
	if (held)
		held_bytes += len;
}

void udma_sim_note_release(const void *p, size_t len, const char *how)
{
	if (udma_sim_scheduled() && p && len)
		record(p, len, how, NULL);
}

void udma_sim_kfree(void *p)
{
	size_t len;

	if (!udma_sim_scheduled()) {
		free(p);
		return;
	}
	len = malloc_usable_size(p);
	if (!SIM_QUARANTINE) {
		record(p, len, "kfree", NULL);
		free(p);
		return;
	}
	memset(p, POISON_FREE, len);
	record(p, len, "kfree", p);
}

void udma_sim_took_work(void)
{
	if (udma_sim_scheduled())
		work_stamp = ++stamp;
}

void udma_sim_note_terminate(const struct dma_chan *chan, bool synchronized)
{
	int free_slot = -1;

	if (!udma_sim_scheduled())
		return;
	for (int i = 0; i < CHANS_MAX; i++) {
		if (chans[i].chan == chan) {
			chans[i].terminated = synchronized ? 0 : ++stamp;
			return;
		}
		if (!chans[i].chan && free_slot < 0)
			free_slot = i;
	}
	if (!synchronized && free_slot >= 0)
	{
		chans[free_slot].chan = chan;
		chans[free_slot].terminated = ++stamp;
	}
}

static const char *after_terminate(const struct dma_chan *chan)
{
	for (int i = 0; i < CHANS_MAX; i++)
		if (chans[i].chan == chan && chans[i].terminated)
			return ", after dmaengine_terminate_async with no dmaengine_synchronize since";
	return "";
}

/* Is [p, p + n) clear of memory released since this thread took its work? */
static bool check(const struct dma_chan *chan, int cookie, const void *p, size_t n,
		  const char *access)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + n;

	if (!p)
		return true;
	for (unsigned int i = 0; i < released_len; i++) {
		const struct released *r = released_at(i);

		if (r->stamp > work_stamp && r->lo < hi && lo < r->hi) {
			static const struct dma_chan *last_chan;
			static int last_cookie;
			uintptr_t from = lo > r->lo ? lo : r->lo;

			if (chan == last_chan && cookie == last_cookie)
				return false;	/* said once per transfer */
			last_chan = chan;
			last_cookie = cookie;
			udma_sim_violation("%s cookie %d: the controller %s memory the client released with %s while the transfer was in flight (%zu bytes from offset %zu of the %zu released)%s; the client must call dmaengine_synchronize (or dmaengine_terminate_sync) before releasing it",
					   dma_chan_name(chan), cookie, access, r->how,
					   (size_t)((hi < r->hi ? hi : r->hi) - from),
					   (size_t)(from - r->lo), (size_t)(r->hi - r->lo),
					   after_terminate(chan));
			return false;
		}
	}
	return true;
}

bool udma_sim_dma(const struct dma_chan *chan, int cookie, const void *dst, const void *src,
		  size_t n)
{
	if (!udma_sim_scheduled())
		return true;
	/* the burst is in flight for its modeled time; its data lands at the end */
	sim_sleep_at(udma_sim_burst_ns(n), "dma burst", __builtin_return_address(0));
	return check(chan, cookie, src, n, "read") && check(chan, cookie, dst, n, "wrote into");
}

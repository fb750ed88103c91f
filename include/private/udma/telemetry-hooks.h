/* SPDX-License-Identifier: MIT */
/*
 * Live statistics (core/telemetry.c) and the providers built into
 * libudmaengine: the one-branch test a provider's fast path makes before it
 * records anything for telemetry, and what telemetry asks of the soft
 * controller's FIFOs.
 *
 * Private to the source tree (include/private is never installed), as
 * <udma/telemetry-hooks.h>. Nothing here is exported from libudmaengine.so
 * and the flag is hidden, so only code linked into the library itself may
 * use it; a provider built as a library of its own tests
 * udma_telemetry_on() of <udmaengine/provider.h> instead.
 */
#ifndef UDMA_PRIVATE_TELEMETRY_HOOKS_H
#define UDMA_PRIVATE_TELEMETRY_HOOKS_H

#include <stdbool.h>

#include <udmaengine/soft.h>

#include <udma/atomic.h>

/* udma_telemetry_active under a hidden name: the library's own fast paths
 * read it directly, not through the GOT as <udmaengine/provider.h> must. */
extern int udma_telemetry_flag __attribute__((visibility("hidden")));

static inline bool udma_tele_on(void)
{
	return __builtin_expect(READ_ONCE(udma_telemetry_flag), 0);
}

/* One live FIFO as the walk sees it: a copy taken under its lock. */
struct udma_fifo_info {
	char name[32];
	enum dma_transfer_direction dir;
	size_t depth, width;
	uint64_t rate;
	struct udma_fifo_stats st;
};

/* Calls @fn on every FIFO created and not yet destroyed, in creation
 * order, with the FIFO list's lock held (providers/soft/fifo.c). */
void soft_fifo_walk(void (*fn)(const struct udma_fifo_info *info, void *arg), void *arg);

#endif /* UDMA_PRIVATE_TELEMETRY_HOOKS_H */

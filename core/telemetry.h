/* SPDX-License-Identifier: MIT */
/* What telemetry (core/telemetry.c) asks of the soft controller's FIFOs. */
#ifndef UDMA_CORE_TELEMETRY_H
#define UDMA_CORE_TELEMETRY_H

#include <udmaengine/soft.h>

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

#endif /* UDMA_CORE_TELEMETRY_H */

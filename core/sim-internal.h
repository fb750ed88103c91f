/* SPDX-License-Identifier: MIT */
/* What sim.c (the scheduler) and sim-memory.c (the memory checks) share. */
#ifndef UDMA_CORE_SIM_INTERNAL_H
#define UDMA_CORE_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of a run that sim mode ends (docs/simulation.md). */
#define UDMA_SIM_EXIT_VIOLATION 86	/* a transfer touched released memory */
#define UDMA_SIM_EXIT_STUCK 125		/* deadlock, time limit, or the watchdog */

/* The scheduled caller sleeps @ns of simulated time; @what names the point. */
void sim_sleep_at(uint64_t ns, const char *what, const void *pc);

/* The modeled time of a burst of @bytes (UDMA_SIM_BURST_NS, UDMA_SIM_BW_MBPS). */
uint64_t udma_sim_burst_ns(size_t bytes);

/* Reports a violation: counted, and the run's exit status becomes
 * UDMA_SIM_EXIT_VIOLATION. */
void udma_sim_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* UDMA_CORE_SIM_INTERNAL_H */

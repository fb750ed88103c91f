/* SPDX-License-Identifier: MIT */
/*
 * Deterministic simulation (docs/simulation.md).
 *
 * In sim mode every thread udmaengine runs (channel hardware threads, the
 * tasklet pool, FIFO device clocks) and every client thread started with
 * udma_thread_create runs one at a time, under a scheduler seeded by
 * UDMA_SIM_SEED (or udma_sim_start). Threads switch only at udmaengine's
 * synchronization points: locks, waits, queue hand-offs, the bursts of a
 * transfer. Time is virtual: a copy takes its bytes' time at the modeled
 * bandwidth, a FIFO drains at its rate, a timeout expires when the
 * simulated clock gets there. The same seed and program give the same
 * interleaving and output, whatever the machine is doing.
 *
 * A client thread joins the schedule by being started with
 * udma_thread_create. While in sim mode it waits only through udmaengine:
 * spinlock_t, the kernel tree's mutex, completion and wait queues,
 * udma_waitq, udma_sleep_us, dma_sync_wait. A pthread lock or condition
 * variable held across a udmaengine call, or nanosleep, blocks the whole
 * simulation (a watchdog reports it after UDMA_SIM_WATCHDOG_S seconds).
 *
 * Outside sim mode every function here costs what its pthread counterpart
 * does, and the hooks that public inline functions call are never reached.
 */
#ifndef UDMAENGINE_SIM_H
#define UDMAENGINE_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Turns sim mode on with @seed, before anything else in the process uses
 * udmaengine (the usual way is UDMA_SIM_SEED=<n> in the environment, read
 * when the library loads). Other settings come from the environment:
 *   UDMA_SIM_STRATEGY  random (default) or pct
 *   UDMA_SIM_DEPTH     pct: the bug depth d (default 3)
 *   UDMA_SIM_STEPS     pct: expected synchronization points per run (default 2000)
 *   UDMA_SIM_BW_MBPS   modeled copy bandwidth, MB/s (default 8000)
 *   UDMA_SIM_BURST_NS  modeled set-up time of each burst (default 100)
 *   UDMA_SIM_STEP_NS   virtual CPU time of one synchronization point (default 20)
 *   UDMA_SIM_LIMIT_MS  virtual time after which the run fails (default 600000)
 *   UDMA_SIM_LOG       print the last N scheduling decisions at exit (N, or 1 for 64)
 * Returns 0, -EALREADY if sim mode is on, -EBUSY if it is too late (a
 * thread of udmaengine's runs already), -EINVAL for a bad setting.
 */
int udma_sim_start(uint64_t seed);

/* Is this process in sim mode? */
bool udma_sim_active(void);

/* The simulated clock, ns since sim mode began (0 when it is off). */
uint64_t udma_sim_now_ns(void);

/*
 * pthread_create and pthread_join, plus: in sim mode the thread is part of
 * the schedule (it first runs when the scheduler picks it), and the join
 * waits in simulated time. @name labels the thread in schedules and
 * traces (may be NULL).
 */
int udma_thread_create(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg);
int udma_thread_join(pthread_t thread, void **ret);

/* ---- called by udmaengine's public inline functions; not for direct use ---- */

/* Nonzero in sim mode: the one load the inline fast paths pay. */
extern int udma_sim_on;

void udma_sim_spin_lock(int *locked);
int udma_sim_mutex_lock(pthread_mutex_t *m);
int udma_sim_mutex_unlock(pthread_mutex_t *m);
/* kfree in sim mode: the memory is poisoned and quarantined, and a
 * transfer that touches it afterwards is reported. */
void udma_sim_kfree(void *p);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_SIM_H */

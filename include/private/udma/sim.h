/* SPDX-License-Identifier: MIT */
/*
 * Sim mode's hooks in the core and the in-tree providers (core/sim.c,
 * core/sim-memory.c; the public half is <udmaengine/sim.h>).
 *
 * Each hook is one load of udma_sim_on and a branch not taken when sim mode
 * is off. In sim mode the scheduler runs one registered thread at a time
 * and switches only inside these calls:
 *   udma_sim_point    a synchronization point: another thread may run now
 *   udma_sim_block    wait for udma_sim_wake(@obj) or @deadline
 *   udma_sim_sleep_ns let simulated time pass
 *   udma_sim_dma      a burst of a transfer: takes its modeled time, then
 *                     checks the memory it touches (sim-memory.c)
 * A thread that udmaengine did not start (nor udma_thread_create) is not
 * scheduled: the hooks let it through as if sim mode were off.
 */
#ifndef UDMA_PRIVATE_SIM_H
#define UDMA_PRIVATE_SIM_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include <udmaengine/sim.h>

struct dma_chan;

#define udma_sim_unlikely(x) __builtin_expect(!!(x), 0)

static inline bool udma_sim(void)
{
	return udma_sim_unlikely(udma_sim_on);
}

void udma_sim_point(const char *what);
/* Returns false when @deadline (simulated ns; UINT64_MAX: none) passed. */
bool udma_sim_block(const void *obj, uint64_t deadline, const char *what);
void udma_sim_wake(const void *obj);
void udma_sim_sleep_ns(uint64_t ns);
/* Gives the others a turn: a short simulated sleep (a thread that polls). */
void udma_sim_yield(void);
/* Is this thread scheduled by the simulation? */
bool udma_sim_scheduled(void);

/*
 * A burst of @n bytes of transfer @cookie on @chan: waits for its modeled
 * time, then checks that neither range was released (dma_unmap_*, kfree)
 * after this thread took the work (udma_sim_took_work). False: it was, and
 * is reported; the caller then skips the access.
 */
bool udma_sim_dma(const struct dma_chan *chan, int cookie, const void *dst, const void *src,
		  size_t n);
/* The hardware thread took new work: releases from now on are checked. */
void udma_sim_took_work(void);

/* The client stopped @chan (sim-memory.c names a missing synchronize). */
void udma_sim_note_terminate(const struct dma_chan *chan, bool synchronized);
/* The client released memory (dma_unmap_*, dma_free_coherent). */
void udma_sim_note_release(const void *p, size_t len, const char *how);

/* Threads of udmaengine's own (pool, hardware, device clocks). */
int udma_sim_thread_create(pthread_t *t, const pthread_attr_t *attr, const char *name,
			   void *(*fn)(void *), void *arg);

/* The simulated clock (udma_now_ns, udma_clock_ns in sim mode). */
uint64_t udma_sim_clock(void);

/* ---- locks and waits that work in and out of sim mode ---- */

static inline void udma_mutex_lock(pthread_mutex_t *m)
{
	if (udma_sim())
		udma_sim_mutex_lock(m);
	else
		pthread_mutex_lock(m);
}

static inline void udma_mutex_unlock(pthread_mutex_t *m)
{
	if (udma_sim())
		udma_sim_mutex_unlock(m);
	else
		pthread_mutex_unlock(m);
}

/* A scheduled thread's pthread_cond_wait on @c, @m held (taken with
 * udma_mutex_lock), until udma_cond_signal or simulated @deadline.
 * False when the deadline passed. */
bool udma_sim_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline);

static inline void udma_cond_signal(pthread_cond_t *c)
{
	pthread_cond_signal(c);
	if (udma_sim())
		udma_sim_wake(c);
}

static inline void udma_yield(void)
{
	if (udma_sim())
		udma_sim_yield();
	else
		sched_yield();
}

#endif /* UDMA_PRIVATE_SIM_H */

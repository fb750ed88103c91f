/* SPDX-License-Identifier: MIT */
/*
 * Poll-then-park: the wait used by every udmaengine thread that waits for
 * work (tasklet pool, soft controller channels) or for another thread
 * (synchronize, pause). Spinning for a few microseconds keeps small
 * operations from paying a futex wake-up each; parking keeps idle threads
 * off the CPU.
 *
 * Private to the source tree (include/private is never installed): the
 * core and the providers built into libudmaengine include it as
 * <udma/poll.h>. Its functions are not exported from libudmaengine.so, so
 * a provider built as a library of its own (the CUDA one) cannot call them;
 * the one exception is udma_park_wake, which <udma/engine.h>'s inline kick
 * calls (the CUDA provider waits through that header).
 */
#ifndef UDMA_PRIVATE_POLL_H
#define UDMA_PRIVATE_POLL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <udma/sim.h>

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* CLOCK_MONOTONIC; in sim mode, the simulated clock. */
static inline uint64_t udma_now_ns(void)
{
	struct timespec ts;

	if (udma_sim())
		return udma_sim_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * How long a thread polls before it parks: UDMA_POLL_US (controller
 * threads and waits, default 20 us) and UDMA_TASKLET_POLL_US (tasklet
 * pool, default 20 us, 0 on machines with 2 CPUs). At most CPUs - 1 threads poll at once (1 on a
 * 2-CPU machine); the others park at once.
 */
uint64_t udma_poll_ns(void);
uint64_t udma_tasklet_poll_ns(void);

/*
 * A parking spot for one or more waiters. The waker publishes its change,
 * then a full barrier, then calls udma_park_wake, which looks at waiters;
 * the waiter announces itself, then a full barrier, then re-checks its
 * condition; so no wake-up is lost.
 */
struct udma_park {
	unsigned int seq;	/* atomic: bumped by every wake-up (the futex word) */
	int waiters;		/* atomic: parked or about to park */
	pthread_mutex_t lock;	/* without futexes: the condition variable's */
	pthread_cond_t cond;
};

void udma_park_init(struct udma_park *p);
void udma_park_destroy(struct udma_park *p);

/*
 * Returns once ready(arg) is true: spins up to @spin_ns, then parks.
 * ready() reads the state it depends on atomically (READ_ONCE is enough
 * for no wake-up to be lost; smp_load_acquire where the caller then uses
 * what the waker published) or under a lock the waker also takes.
 */
void udma_park_wait(struct udma_park *p, bool (*ready)(void *arg), void *arg,
		    uint64_t spin_ns);

/*
 * Wakes every waiter; cheap when nobody is parked. True if one was parked.
 * The caller orders what it published before the call with a full barrier:
 * publishes with a fully ordered atomic (a value-returning RMW, xchg,
 * smp_store_mb()), or puts smp_mb() (smp_mb__after_atomic() after a void
 * atomic) in between. An unlock is not one.
 */
bool udma_park_wake(struct udma_park *p);

/* Two CPUs or fewer: a thread that wakes another should make room for it. */
bool udma_cpus_scarce(void);

/*
 * True once after this thread's tasklet_schedule woke a parked pool thread
 * on a machine with scarce CPUs: the woken thread (bound to this CPU when it
 * could be) needs a CPU, so this one yields before it polls (tasklet.c).
 */
bool udma_tasklet_took_cpu(void);

#endif /* UDMA_PRIVATE_POLL_H */

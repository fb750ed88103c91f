/* SPDX-License-Identifier: MIT */
/*
 * Poll-then-park: the wait used by every udmaengine thread that waits for
 * work (tasklet pool, soft controller channels) or for another thread
 * (synchronize, pause). Spinning for a few microseconds keeps small
 * operations from paying a futex wake-up each; parking keeps idle threads
 * off the CPU.
 */
#ifndef UDMA_CORE_POLL_H
#define UDMA_CORE_POLL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static inline uint64_t udma_now_ns(void)
{
	struct timespec ts;

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
 * A parking spot for one or more waiters. The waker publishes its change
 * (seq_cst) and calls udma_park_wake; the waiter re-checks its condition
 * after announcing itself, so no wake-up is lost.
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
 * ready() must read the state it depends on with seq_cst atomics or under a
 * lock the waker also takes.
 */
void udma_park_wait(struct udma_park *p, bool (*ready)(void *arg), void *arg,
		    uint64_t spin_ns);

/* Wakes every waiter; cheap when nobody is parked. True if one was parked. */
bool udma_park_wake(struct udma_park *p);

/* Two CPUs or fewer: a thread that wakes another should make room for it. */
bool udma_cpus_scarce(void);

/*
 * True once after this thread's tasklet_schedule woke a parked pool thread
 * on a machine with scarce CPUs: the woken thread (bound to this CPU when it
 * could be) needs a CPU, so this one yields before it polls (tasklet.c).
 */
bool udma_tasklet_took_cpu(void);

#endif /* UDMA_CORE_POLL_H */

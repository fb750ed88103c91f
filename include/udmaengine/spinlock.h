/* SPDX-License-Identifier: MIT */
/*
 * spinlock_t for provider code written the kernel way: a test-and-set lock
 * whose unlock is a plain release store, so an uncontended lock/unlock pair
 * costs one locked instruction. Holders hold it for a few list operations.
 * In user space a holder can be preempted, so a waiter that spins a while
 * without getting it gives its CPU away (sched_yield) instead of burning
 * the time slice the holder needs. The _irqsave forms exist so kernel
 * drivers port as is. In sim mode (<udmaengine/sim.h>) taking the lock is
 * a point where the scheduler may switch threads.
 */
#ifndef UDMAENGINE_SPINLOCK_H
#define UDMAENGINE_SPINLOCK_H

#include <udmaengine/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int locked;	/* atomic: 0 free, 1 held */
} spinlock_t;

void spin_lock_init(spinlock_t *lock);
void spin_lock_destroy(spinlock_t *lock);

/* The contended path: spins on reads, then yields between tries. */
void spin_lock_slow(spinlock_t *lock);

static inline void spin_lock(spinlock_t *lock)
{
	if (__builtin_expect(udma_sim_on, 0))
		udma_sim_spin_lock(&lock->locked);
	else if (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		spin_lock_slow(lock);
}

/* Sim mode needs nothing here: a waiter looks again every simulated
 * microsecond, so the unlock stays one store. */
static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#define spin_lock_irqsave(lock, flags)	do { (void)(flags); spin_lock(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags) do { (void)(flags); spin_unlock(lock); } while (0)
#define spin_lock_irq(lock)		spin_lock(lock)
#define spin_unlock_irq(lock)		spin_unlock(lock)
#define spin_lock_bh(lock)		spin_lock(lock)
#define spin_unlock_bh(lock)		spin_unlock(lock)

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_SPINLOCK_H */

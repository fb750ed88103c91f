/* SPDX-License-Identifier: MIT */
/*
 * spinlock_t for provider code written the kernel way. In user space a lock
 * holder can be preempted, so this is a mutex that spins a while before it
 * sleeps; the _irqsave forms exist so kernel drivers port as is.
 */
#ifndef UDMAENGINE_SPINLOCK_H
#define UDMAENGINE_SPINLOCK_H

#include <pthread.h>

typedef struct {
	pthread_mutex_t mutex;
} spinlock_t;

void spin_lock_init(spinlock_t *lock);
void spin_lock_destroy(spinlock_t *lock);

/* Spins a while on a held lock before sleeping: holders hold it briefly,
 * and a futex sleep + wake costs more than the wait. */
void spin_lock_slow(spinlock_t *lock);

static inline void spin_lock(spinlock_t *lock)
{
	if (pthread_mutex_trylock(&lock->mutex))
		spin_lock_slow(lock);
}

static inline void spin_unlock(spinlock_t *lock)
{
	pthread_mutex_unlock(&lock->mutex);
}

#define spin_lock_irqsave(lock, flags)	do { (void)(flags); spin_lock(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags) do { (void)(flags); spin_unlock(lock); } while (0)
#define spin_lock_irq(lock)		spin_lock(lock)
#define spin_unlock_irq(lock)		spin_unlock(lock)
#define spin_lock_bh(lock)		spin_lock(lock)
#define spin_unlock_bh(lock)		spin_unlock(lock)

#endif /* UDMAENGINE_SPINLOCK_H */

/* SPDX-License-Identifier: MIT */
#include <sched.h>

#include <udmaengine/spinlock.h>

#include "poll.h"

void spin_lock_init(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELAXED);
}

void spin_lock_slow(spinlock_t *lock)
{
	for (unsigned int round = 0;; round++) {
		/* Read until it looks free: spinning on the exchange would
		 * pull the line away from the holder at every try. */
		for (int i = 0; i < 128 && __atomic_load_n(&lock->locked, __ATOMIC_RELAXED); i++)
			cpu_relax();
		if (!__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
			return;
		/* Still held after a while: the holder may have lost its CPU,
		 * perhaps to us. */
		if (round >= 4)
			sched_yield();
	}
}

void spin_lock_destroy(spinlock_t *lock)
{
	(void)lock;
}

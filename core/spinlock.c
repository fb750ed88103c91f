/* SPDX-License-Identifier: MIT */
#include <sched.h>

#include <udmaengine/spinlock.h>

#include <udma/atomic.h>
#include <udma/poll.h>

void spin_lock_init(spinlock_t *lock)
{
	WRITE_ONCE(lock->locked, 0);
}

void spin_lock_slow(spinlock_t *lock)
{
	for (unsigned int round = 0;; round++) {
		/* Read until it looks free: spinning on the exchange would
		 * pull the line away from the holder at every try. */
		for (int i = 0; i < 128 && READ_ONCE(lock->locked); i++)
			cpu_relax();
		/* acquire: pairs with spin_unlock's release store
		 * (<udmaengine/spinlock.h>) */
		if (!xchg_acquire(&lock->locked, 1))
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

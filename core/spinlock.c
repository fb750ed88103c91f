/* SPDX-License-Identifier: MIT */
#include <udmaengine/spinlock.h>

void spin_lock_init(spinlock_t *lock)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
	/* spin briefly before sleeping, as the kernel's lock would only spin */
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
	pthread_mutex_init(&lock->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
}

void spin_lock_slow(spinlock_t *lock)
{
	for (int i = 0; i < 100; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		if (pthread_mutex_trylock(&lock->mutex) == 0)
			return;
	}
	pthread_mutex_lock(&lock->mutex);
}

void spin_lock_destroy(spinlock_t *lock)
{
	pthread_mutex_destroy(&lock->mutex);
}

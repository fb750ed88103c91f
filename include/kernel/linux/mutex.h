/* SPDX-License-Identifier: MIT */
/* struct mutex: a sleeping lock, on a pthread mutex. */
#ifndef _UDMA_KERNEL_LINUX_MUTEX_H
#define _UDMA_KERNEL_LINUX_MUTEX_H

#include <pthread.h>

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/sim.h>

struct mutex {
	pthread_mutex_t lock;
};

#define __MUTEX_INITIALIZER(lockname) { PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

static inline void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->lock, NULL);
}

static inline void mutex_destroy(struct mutex *m)
{
	pthread_mutex_destroy(&m->lock);
}

/* In sim mode a point where the scheduler may switch (<udmaengine/sim.h>). */
static inline void mutex_lock(struct mutex *m)
{
	if (__builtin_expect(udma_sim_on, 0))
		udma_sim_mutex_lock(&m->lock);
	else
		pthread_mutex_lock(&m->lock);
}

#define mutex_lock_nested(m, subclass) mutex_lock(m)

/* No signals to interrupt the wait: always 0. */
static inline int __must_check mutex_lock_interruptible(struct mutex *m)
{
	mutex_lock(m);
	return 0;
}

static inline int __must_check mutex_lock_killable(struct mutex *m)
{
	mutex_lock(m);
	return 0;
}

/* 1 if taken, 0 if contended, as in the kernel. */
static inline int mutex_trylock(struct mutex *m)
{
	return pthread_mutex_trylock(&m->lock) == 0;
}

static inline void mutex_unlock(struct mutex *m)
{
	if (__builtin_expect(udma_sim_on, 0))
		udma_sim_mutex_unlock(&m->lock);
	else
		pthread_mutex_unlock(&m->lock);
}

static inline bool mutex_is_locked(struct mutex *m)
{
	if (pthread_mutex_trylock(&m->lock))
		return true;
	pthread_mutex_unlock(&m->lock);
	return false;
}

#endif /* _UDMA_KERNEL_LINUX_MUTEX_H */

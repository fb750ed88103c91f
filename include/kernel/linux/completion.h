/* SPDX-License-Identifier: MIT */
/*
 * struct completion: a count of completions that waiters consume, with
 * the kernel's semantics (complete_all makes every wait succeed until
 * reinit_completion), on a pthread mutex and condition variable.
 */
#ifndef _UDMA_KERNEL_LINUX_COMPLETION_H
#define _UDMA_KERNEL_LINUX_COMPLETION_H

#include <limits.h>

#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <udmaengine/kbase.h>

struct completion {
	unsigned int done;	/* UINT_MAX after complete_all */
	struct udma_waitq wait;
};

#define COMPLETION_INITIALIZER(work) { 0, UDMA_WAITQ_INIT }
#define COMPLETION_INITIALIZER_ONSTACK(work) COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	udma_waitq_init(&x->wait);
}

static inline void reinit_completion(struct completion *x)
{
	x->done = 0;
}

static inline void complete(struct completion *x)
{
	udma_waitq_lock(&x->wait);
	if (x->done != UINT_MAX)
		x->done++;
	udma_waitq_wake(&x->wait);
	udma_waitq_unlock(&x->wait);
}

static inline void complete_all(struct completion *x)
{
	udma_waitq_lock(&x->wait);
	x->done = UINT_MAX;
	udma_waitq_wake(&x->wait);
	udma_waitq_unlock(&x->wait);
}

/*
 * Waits up to @timeout jiffies (MAX_SCHEDULE_TIMEOUT: for ever); returns
 * 0 on timeout, else the jiffies left, at least 1.
 */
static inline unsigned long wait_for_completion_timeout(struct completion *x,
							unsigned long timeout)
{
	unsigned long start = jiffies, left;
	uint64_t deadline = timeout >= (unsigned long)MAX_SCHEDULE_TIMEOUT ?
				    UINT64_MAX : udma_clock_ns() + jiffies_to_nsecs(timeout);

	udma_waitq_lock(&x->wait);
	while (!x->done) {
		if (!udma_waitq_wait(&x->wait, deadline))
			break;
	}
	if (!x->done) {
		udma_waitq_unlock(&x->wait);
		return 0;
	}
	if (x->done != UINT_MAX)
		x->done--;
	udma_waitq_unlock(&x->wait);
	if (timeout >= (unsigned long)MAX_SCHEDULE_TIMEOUT)
		return timeout;
	left = timeout - (jiffies - start);
	return (long)left > 0 && left <= timeout ? left : 1;
}

static inline void wait_for_completion(struct completion *x)
{
	wait_for_completion_timeout(x, MAX_SCHEDULE_TIMEOUT);
}

/* No signals: the interruptible and killable waits are the plain ones. */
static inline int wait_for_completion_interruptible(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

static inline int wait_for_completion_killable(struct completion *x)
{
	wait_for_completion(x);
	return 0;
}

static inline long wait_for_completion_interruptible_timeout(struct completion *x,
							      unsigned long timeout)
{
	return (long)wait_for_completion_timeout(x, timeout);
}

static inline long wait_for_completion_killable_timeout(struct completion *x,
							 unsigned long timeout)
{
	return (long)wait_for_completion_timeout(x, timeout);
}

#define wait_for_completion_io(x) wait_for_completion(x)
#define wait_for_completion_io_timeout(x, t) wait_for_completion_timeout(x, t)

/* Consumes a completion if one is there; never waits. */
static inline bool try_wait_for_completion(struct completion *x)
{
	bool ret;

	udma_waitq_lock(&x->wait);
	ret = x->done != 0;
	if (ret && x->done != UINT_MAX)
		x->done--;
	udma_waitq_unlock(&x->wait);
	return ret;
}

/* True if a wait would not block. */
static inline bool completion_done(struct completion *x)
{
	bool ret;

	udma_waitq_lock(&x->wait);
	ret = x->done != 0;
	udma_waitq_unlock(&x->wait);
	return ret;
}

#endif /* _UDMA_KERNEL_LINUX_COMPLETION_H */

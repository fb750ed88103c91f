/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: wait_event sleeps until its condition is true, re-checked
 * after every wake_up. A wake-up count closes the window between checking
 * the condition and sleeping, so no wake_up is lost.
 */
#ifndef _UDMA_KERNEL_LINUX_WAIT_H
#define _UDMA_KERNEL_LINUX_WAIT_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <udmaengine/kbase.h>

struct wait_queue_head {
	struct udma_waitq wait;
	unsigned long wakeups;
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { UDMA_WAITQ_INIT, 0 }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)
#define DECLARE_WAIT_QUEUE_HEAD_ONSTACK(name) DECLARE_WAIT_QUEUE_HEAD(name)

static inline void init_waitqueue_head(struct wait_queue_head *wq_head)
{
	udma_waitq_init(&wq_head->wait);
	wq_head->wakeups = 0;
}

static inline void wake_up(struct wait_queue_head *wq_head)
{
	udma_waitq_lock(&wq_head->wait);
	wq_head->wakeups++;
	udma_waitq_wake(&wq_head->wait);
	udma_waitq_unlock(&wq_head->wait);
}

#define wake_up_all(wq)			wake_up(wq)
#define wake_up_interruptible(wq)	wake_up(wq)
#define wake_up_interruptible_all(wq)	wake_up(wq)

static inline unsigned long __udma_wq_wakeups(struct wait_queue_head *wq_head)
{
	unsigned long n;

	udma_waitq_lock(&wq_head->wait);
	n = wq_head->wakeups;
	udma_waitq_unlock(&wq_head->wait);
	return n;
}

/* Sleeps until a wake_up after @seen or @deadline_ns; false once it passed. */
static inline bool __udma_wq_sleep(struct wait_queue_head *wq_head, unsigned long seen,
				   uint64_t deadline_ns)
{
	bool in_time = true;

	udma_waitq_lock(&wq_head->wait);
	while (wq_head->wakeups == seen && in_time)
		in_time = udma_waitq_wait(&wq_head->wait, deadline_ns);
	udma_waitq_unlock(&wq_head->wait);
	return in_time;
}

static inline uint64_t __udma_wq_deadline(long timeout)
{
	return timeout == MAX_SCHEDULE_TIMEOUT ? UINT64_MAX :
	       udma_clock_ns() + jiffies_to_nsecs((unsigned long)(timeout > 0 ? timeout : 0));
}

/*
 * 0 if @condition is still false when @timeout jiffies have passed, 1 if
 * it became true as they passed, else the jiffies left (at least 1).
 */
#define wait_event_timeout(wq_head, condition, timeout)				\
	({									\
		long __udma_to = (long)(timeout);				\
		unsigned long __udma_start = jiffies;				\
		uint64_t __udma_dl = __udma_wq_deadline(__udma_to);		\
		long __udma_ret;						\
		for (;;) {							\
			unsigned long __udma_seen = __udma_wq_wakeups(&(wq_head)); \
			if (condition) {					\
				long __udma_left = __udma_to -			\
					(long)(jiffies - __udma_start);		\
				__udma_ret = __udma_to == MAX_SCHEDULE_TIMEOUT ? \
					__udma_to : (__udma_left > 0 ? __udma_left : 1); \
				break;						\
			}							\
			if (!__udma_wq_sleep(&(wq_head), __udma_seen, __udma_dl)) { \
				__udma_ret = (condition) ? 1 : 0;		\
				break;						\
			}							\
		}								\
		__udma_ret;							\
	})

#define wait_event(wq_head, condition) \
	((void)wait_event_timeout(wq_head, condition, MAX_SCHEDULE_TIMEOUT))
/* No signals: interruptible and killable waits end only by the condition. */
#define wait_event_interruptible(wq_head, condition) \
	({ wait_event(wq_head, condition); 0; })
#define wait_event_killable(wq_head, condition) \
	({ wait_event(wq_head, condition); 0; })
#define wait_event_interruptible_timeout(wq_head, condition, timeout) \
	wait_event_timeout(wq_head, condition, timeout)

#endif /* _UDMA_KERNEL_LINUX_WAIT_H */

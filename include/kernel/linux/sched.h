/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_SCHED_H
#define _UDMA_KERNEL_LINUX_SCHED_H

#include <limits.h>
#include <sched.h>

/* A timeout that never expires (jiffies). */
#define MAX_SCHEDULE_TIMEOUT LONG_MAX

/* Threads are preempted anyway; giving the CPU up is what a resched does. */
#define cond_resched() ({ sched_yield(); 0; })

#endif /* _UDMA_KERNEL_LINUX_SCHED_H */

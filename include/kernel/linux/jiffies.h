/* SPDX-License-Identifier: MIT */
/*
 * jiffies: the monotonic clock in ticks of HZ. HZ is 250, the kernel's
 * default, so code that mixes up milliseconds and jiffies shows it here
 * as it would there.
 */
#ifndef _UDMA_KERNEL_LINUX_JIFFIES_H
#define _UDMA_KERNEL_LINUX_JIFFIES_H

#include <limits.h>

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/kbase.h>

/* <sys/param.h> may have said 100 (USER_HZ); the kernel's HZ is this one. */
#undef HZ
#define HZ 250
#define MSEC_PER_SEC	1000L
#define USEC_PER_MSEC	1000L
#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L
#define USEC_PER_SEC	1000000L
#define NSEC_PER_SEC	1000000000L

#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

static inline unsigned long __udma_jiffies(void)
{
	return (unsigned long)udma_clock_ticks(HZ);
}

static inline u64 get_jiffies_64(void)
{
	return udma_clock_ticks(HZ);
}

/* Reads the clock at each use, as the kernel's variable changes under the reader. */
#define jiffies __udma_jiffies()

/* Wrap-safe comparisons of jiffies values. */
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
#define time_in_range(a, b, c)	(time_after_eq(a, b) && time_before_eq(a, c))
#define time_after64(a, b)	((s64)((b) - (a)) < 0)
#define time_before64(a, b)	time_after64(b, a)
#define time_is_before_jiffies(a)	time_after(jiffies, a)
#define time_is_after_jiffies(a)	time_before(jiffies, a)
#define time_is_before_eq_jiffies(a)	time_after_eq(jiffies, a)
#define time_is_after_eq_jiffies(a)	time_before_eq(jiffies, a)

/* Round up, as the kernel does: a timeout never comes early. */
static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	unsigned long j = ((unsigned long)m * HZ + MSEC_PER_SEC - 1) / MSEC_PER_SEC;

	return j > MAX_JIFFY_OFFSET ? MAX_JIFFY_OFFSET : j;
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	unsigned long j = ((unsigned long)u * HZ + USEC_PER_SEC - 1) / USEC_PER_SEC;

	return j > MAX_JIFFY_OFFSET ? MAX_JIFFY_OFFSET : j;
}

static inline unsigned long nsecs_to_jiffies(u64 n)
{
	return (unsigned long)(n / (NSEC_PER_SEC / HZ));
}

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (unsigned int)(j * (MSEC_PER_SEC / HZ));
}

static inline unsigned int jiffies_to_usecs(const unsigned long j)
{
	return (unsigned int)(j * (USEC_PER_SEC / HZ));
}

static inline u64 jiffies_to_nsecs(const unsigned long j)
{
	return (u64)j * (NSEC_PER_SEC / HZ);
}

#define secs_to_jiffies(s) ((unsigned long)(s) * HZ)

#endif /* _UDMA_KERNEL_LINUX_JIFFIES_H */

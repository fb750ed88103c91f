/* SPDX-License-Identifier: MIT */
/*
 * msleep and usleep_range sleep; udelay, ndelay and mdelay spin, as in
 * the kernel, so they may be used with a spinlock held.
 */
#ifndef _UDMA_KERNEL_LINUX_DELAY_H
#define _UDMA_KERNEL_LINUX_DELAY_H

#include <linux/jiffies.h>
#include <udmaengine/kbase.h>

static inline void msleep(unsigned int msecs)
{
	udma_sleep_us((uint64_t)msecs * 1000);
}

/* No signals wake it early: the remaining time is always 0. */
static inline unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}

static inline void ssleep(unsigned int seconds)
{
	udma_sleep_us((uint64_t)seconds * 1000000);
}

static inline void usleep_range(unsigned long min, unsigned long max)
{
	(void)max;
	udma_sleep_us(min);
}

static inline void fsleep(unsigned long usecs)
{
	udma_sleep_us(usecs);
}

static inline void ndelay(unsigned long nsecs)
{
	udma_spin_ns(nsecs);
}

static inline void udelay(unsigned long usecs)
{
	udma_spin_ns((uint64_t)usecs * 1000);
}

static inline void mdelay(unsigned long msecs)
{
	udma_spin_ns((uint64_t)msecs * 1000000);
}

#endif /* _UDMA_KERNEL_LINUX_DELAY_H */

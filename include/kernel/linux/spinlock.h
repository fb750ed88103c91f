/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_SPINLOCK_H
#define _UDMA_KERNEL_LINUX_SPINLOCK_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/spinlock.h>

/* An all-zero spinlock_t is an unlocked one (spin_lock_init stores 0). */
#define __SPIN_LOCK_UNLOCKED(lockname) ((spinlock_t){ 0 })
#define DEFINE_SPINLOCK(x) spinlock_t x = { 0 }

#define spin_lock_nested(lock, subclass) spin_lock(lock)
#define spin_lock_irqsave_nested(lock, flags, subclass) spin_lock_irqsave(lock, flags)

/* No lockdep: the assertions check nothing. */
#define lockdep_assert_held(l)	do { (void)(l); } while (0)
#define assert_spin_locked(l)	do { (void)(l); } while (0)

/* Interrupts are never off in user space; the flags are kept for form. */
#define local_irq_save(flags)		do { (flags) = 0; } while (0)
#define local_irq_restore(flags)	do { (void)(flags); } while (0)
#define local_irq_disable()		do { } while (0)
#define local_irq_enable()		do { } while (0)
#define local_bh_disable()		do { } while (0)
#define local_bh_enable()		do { } while (0)

#endif /* _UDMA_KERNEL_LINUX_SPINLOCK_H */

/* SPDX-License-Identifier: MIT */
/*
 * WARN_ON reports the condition with its file and line and goes on;
 * BUG_ON reports and aborts, as an oops would end the kernel's task.
 */
#ifndef _UDMA_KERNEL_LINUX_BUG_H
#define _UDMA_KERNEL_LINUX_BUG_H

#include <stdlib.h>

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>

#define __udma_warn(cond_str) \
	udma_printk(KERN_WARNING "WARNING: %s:%d %s: %s\n", __FILE__, __LINE__, __func__, cond_str)

#define WARN_ON(condition)						\
	({								\
		int __udma_warn_on = !!(condition);			\
		if (unlikely(__udma_warn_on))				\
			__udma_warn("WARN_ON(" #condition ")");		\
		unlikely(__udma_warn_on);				\
	})

#define WARN(condition, format, ...)					\
	({								\
		int __udma_warn_on = !!(condition);			\
		if (unlikely(__udma_warn_on)) {				\
			__udma_warn("WARN(" #condition ")");		\
			printk(KERN_WARNING format, ##__VA_ARGS__);	\
		}							\
		unlikely(__udma_warn_on);				\
	})

#define WARN_ON_ONCE(condition)						\
	({								\
		static bool __udma_warned;				\
		int __udma_warn_on = !!(condition);			\
		if (unlikely(__udma_warn_on) && !__udma_warned) {	\
			__udma_warned = true;				\
			__udma_warn("WARN_ON_ONCE(" #condition ")");	\
		}							\
		unlikely(__udma_warn_on);				\
	})

#define WARN_ONCE(condition, format, ...)				\
	({								\
		static bool __udma_warned;				\
		int __udma_warn_on = !!(condition);			\
		if (unlikely(__udma_warn_on) && !__udma_warned) {	\
			__udma_warned = true;				\
			__udma_warn("WARN_ONCE(" #condition ")");	\
			printk(KERN_WARNING format, ##__VA_ARGS__);	\
		}							\
		unlikely(__udma_warn_on);				\
	})

#define BUG()								\
	do {								\
		udma_printk(KERN_EMERG "BUG: %s:%d %s\n", __FILE__, __LINE__, __func__); \
		abort();						\
	} while (0)

#define BUG_ON(condition)						\
	do {								\
		if (unlikely(condition)) {				\
			udma_printk(KERN_EMERG "BUG: %s:%d %s: BUG_ON(%s)\n", __FILE__, \
				    __LINE__, __func__, #condition);	\
			abort();					\
		}							\
	} while (0)

#endif /* _UDMA_KERNEL_LINUX_BUG_H */

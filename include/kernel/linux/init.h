/* SPDX-License-Identifier: MIT */
/*
 * Initcalls as constructors: each registers its function with the
 * library (<udmaengine/initcall.h>); udmaengine_kmain's main() runs them
 * by level, as the kernel boots, and module_exit functions at the end.
 */
#ifndef _UDMA_KERNEL_LINUX_INIT_H
#define _UDMA_KERNEL_LINUX_INIT_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/initcall.h>

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

/* One per translation unit: the unit is the module. */
static char __udma_this_module __attribute__((__unused__));

/* Ends in a declaration, so the caller's semicolon is not an empty one. */
#define __udma_define_initcall(fn, level)					\
	static void __attribute__((__constructor__)) __udma_initcall_##fn(void)	\
	{									\
		udma_initcall_register(level, fn, #fn, &__udma_this_module);	\
	}									\
	extern char __udma_initcall_decl_##fn

#define pure_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_PURE)
#define core_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_CORE)
#define postcore_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_POSTCORE)
#define arch_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_ARCH)
#define subsys_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_SUBSYS)
#define fs_initcall(fn)		__udma_define_initcall(fn, UDMA_INITCALL_FS)
#define device_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_DEVICE)
#define late_initcall(fn)	__udma_define_initcall(fn, UDMA_INITCALL_LATE)
#define __initcall(fn)		device_initcall(fn)

#define module_init(fn)		device_initcall(fn)

#define module_exit(fn)								\
	static void __attribute__((__constructor__)) __udma_exitcall_##fn(void)	\
	{									\
		udma_exitcall_register(fn, #fn, &__udma_this_module);		\
	}									\
	extern char __udma_exitcall_decl_##fn

#endif /* _UDMA_KERNEL_LINUX_INIT_H */

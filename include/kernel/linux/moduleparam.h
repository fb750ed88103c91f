/* SPDX-License-Identifier: MIT */
/*
 * module_param: the program's arguments set parameters, "name=value" or
 * "--name=value", as insmod's do (udmaengine_kmain parses them before the
 * initcalls run). Types: bool, invbool, byte, short, ushort, int, uint,
 * long, ulong, ullong, charp.
 */
#ifndef _UDMA_KERNEL_LINUX_MODULEPARAM_H
#define _UDMA_KERNEL_LINUX_MODULEPARAM_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/initcall.h>

/* The C type behind each parameter type: a mismatch is a compile error. */
typedef bool __udma_param_ctype_bool;
typedef bool __udma_param_ctype_invbool;
typedef unsigned char __udma_param_ctype_byte;
typedef short __udma_param_ctype_short;
typedef unsigned short __udma_param_ctype_ushort;
typedef int __udma_param_ctype_int;
typedef unsigned int __udma_param_ctype_uint;
typedef long __udma_param_ctype_long;
typedef unsigned long __udma_param_ctype_ulong;
typedef unsigned long long __udma_param_ctype_ullong;
typedef char *__udma_param_ctype_charp;

/* The type is pasted before any expansion: bool is a macro in <stdbool.h>. */
#define __udma_module_param(name, value, ctype, ptype)				\
	static void __attribute__((__constructor__)) __udma_param_##name(void)	\
	{									\
		ctype *__udma_arg = &(value);					\
		udma_param_register(#name, ptype, __udma_arg);			\
	}									\
	extern char __udma_param_decl_##name

#define module_param_named(name, value, type, perm) \
	__udma_module_param(name, value, __udma_param_ctype_##type, UDMA_PARAM_##type)
#define module_param(name, type, perm) \
	__udma_module_param(name, name, __udma_param_ctype_##type, UDMA_PARAM_##type)
#define module_param_unsafe(name, type, perm) module_param(name, type, perm)
#define MODULE_PARM_DESC(_parm, desc) _Static_assert(sizeof(desc) > 0, "")

#endif /* _UDMA_KERNEL_LINUX_MODULEPARAM_H */

/* SPDX-License-Identifier: MIT */
/*
 * A module is a translation unit linked into a program: module_init and
 * module_exit (<linux/init.h>) run from udmaengine_kmain's main(), the
 * MODULE_* tags say nothing, and symbols need no exporting.
 */
#ifndef _UDMA_KERNEL_LINUX_MODULE_H
#define _UDMA_KERNEL_LINUX_MODULE_H

#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/types.h>

struct module;
#define THIS_MODULE ((struct module *)0)

static inline bool try_module_get(struct module *module)
{
	(void)module;
	return true;
}

static inline void module_put(struct module *module)
{
	(void)module;
}

/* Declarations, each checked for an argument the size of a string. */
#define MODULE_LICENSE(_license)	_Static_assert(sizeof(_license) > 0, "")
#define MODULE_AUTHOR(_author)		_Static_assert(sizeof(_author) > 0, "")
#define MODULE_DESCRIPTION(_desc)	_Static_assert(sizeof(_desc) > 0, "")
#define MODULE_VERSION(_version)	_Static_assert(sizeof(_version) > 0, "")
#define MODULE_ALIAS(_alias)		_Static_assert(sizeof(_alias) > 0, "")
#define MODULE_SOFTDEP(_softdep)	_Static_assert(sizeof(_softdep) > 0, "")
#define MODULE_IMPORT_NS(ns)		_Static_assert(1, "")
#define MODULE_DEVICE_TABLE(type, name)	_Static_assert(sizeof(name) > 0, "")

/* One program, one namespace: exporting is declaring. */
#define EXPORT_SYMBOL(sym)		extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym)		extern __typeof__(sym) sym
#define EXPORT_SYMBOL_NS(sym, ns)	extern __typeof__(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	extern __typeof__(sym) sym

#endif /* _UDMA_KERNEL_LINUX_MODULE_H */

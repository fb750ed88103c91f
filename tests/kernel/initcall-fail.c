// SPDX-License-Identifier: MIT
/* A module whose init fails: the program ends with status 1 and runs no exit of this module. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init fail_init(void)
{
	pr_info("failing with -ENODEV\n");
	return -ENODEV;
}
module_init(fail_init);

static void __exit fail_exit(void)
{
	pr_err("fail_exit ran, but its module never initialised\n");
}
module_exit(fail_exit);

MODULE_LICENSE("Dual MIT/GPL");

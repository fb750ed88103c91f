// SPDX-License-Identifier: MIT
/*
 * A module that initialises at subsys level and exits last: its exit
 * checks the order every init and exit ran in (the log both modules
 * write), as a driver's would outlive its clients.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

char initcall_log[128];
EXPORT_SYMBOL(initcall_log);

void initcall_note(const char *what);
void initcall_note(const char *what)
{
	if (initcall_log[0])
		strncat(initcall_log, " ", sizeof(initcall_log) - strlen(initcall_log) - 1);
	strncat(initcall_log, what, sizeof(initcall_log) - strlen(initcall_log) - 1);
}
EXPORT_SYMBOL(initcall_note);

static int __init a_core(void)
{
	initcall_note("a-core");
	return 0;
}
core_initcall(a_core);

static int __init a_init(void)
{
	initcall_note("a-subsys");
	return 0;
}
subsys_initcall(a_init);

static void __exit a_exit(void)
{
	/* with initcall-b: levels in order, b exits before a */
	static const char with_b[] = "a-core a-subsys b-init b-late b-exit a-exit";
	/* with initcall-fail: its failed init runs no exit of its own */
	static const char with_fail[] = "a-core a-subsys a-exit";

	initcall_note("a-exit");
	pr_info("order: %s\n", initcall_log);
	BUG_ON(strcmp(initcall_log, with_b) && strcmp(initcall_log, with_fail));
}
module_exit(a_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("initcall order: the module that loads first");

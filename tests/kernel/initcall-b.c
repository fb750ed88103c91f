// SPDX-License-Identifier: MIT
/* A client module: module_init and late_initcall, then its exit before a's. */
#include <linux/init.h>
#include <linux/module.h>

extern char initcall_log[128];
void initcall_note(const char *what);

static int __init b_late(void)
{
	initcall_note("b-late");
	return 0;
}
late_initcall(b_late);

static int __init b_init(void)
{
	/* a's subsys_initcall ran first, whatever the link order */
	if (!strstr(initcall_log, "a-subsys"))
		return -EINVAL;
	initcall_note("b-init");
	return 0;
}
module_init(b_init);

static void __exit b_exit(void)
{
	initcall_note("b-exit");
}
module_exit(b_exit);

MODULE_LICENSE("Dual MIT/GPL");

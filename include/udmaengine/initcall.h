/* SPDX-License-Identifier: MIT */
/*
 * Modules as programs: the registry behind <linux/module.h> and
 * <linux/init.h> in the kernel-source tree (include/kernel). module_init,
 * the initcall levels, module_exit and module_param register here from
 * constructors; udmaengine_kmain's main() parses the parameters, runs the
 * initcalls, then the exits. A program with its own main() can do the same
 * with the calls below.
 */
#ifndef UDMAENGINE_INITCALL_H
#define UDMAENGINE_INITCALL_H

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's initcall levels, run in this order. */
enum udma_initcall_level {
	UDMA_INITCALL_PURE,
	UDMA_INITCALL_CORE,
	UDMA_INITCALL_POSTCORE,
	UDMA_INITCALL_ARCH,
	UDMA_INITCALL_SUBSYS,
	UDMA_INITCALL_FS,
	UDMA_INITCALL_DEVICE,	/* module_init */
	UDMA_INITCALL_LATE,
};

/*
 * @module identifies the translation unit (the "module"): a module's exit
 * runs only if its initcalls all succeeded, and modules exit in the reverse
 * of the order in which they finished initialising.
 */
void udma_initcall_register(int level, int (*fn)(void), const char *name, const void *module);
void udma_exitcall_register(void (*fn)(void), const char *name, const void *module);

/*
 * Runs every registered initcall, by level, then in registration order.
 * Stops at the first that returns non-zero: sets *@failed to its name and
 * returns its value (its module does not count as initialised). Returns 0
 * when all succeeded.
 */
int udma_initcalls_run(const char **failed);
/*
 * Runs the exits of the initialised modules, last initialised first: at
 * the end, or after a failed initcall to undo the ones before it.
 */
void udma_exitcalls_run(void);

/* module_param types: the kernel's type names (module_param(x, uint, 0)). */
enum udma_param_type {
	UDMA_PARAM_bool,
	UDMA_PARAM_invbool,
	UDMA_PARAM_byte,
	UDMA_PARAM_short,
	UDMA_PARAM_ushort,
	UDMA_PARAM_int,
	UDMA_PARAM_uint,
	UDMA_PARAM_long,
	UDMA_PARAM_ulong,
	UDMA_PARAM_ullong,
	UDMA_PARAM_charp,
};

void udma_param_register(const char *name, enum udma_param_type type, void *arg);
/*
 * Sets parameters from "name=value" or "--name=value" arguments (a bool
 * also from "name" alone). Unknown names and bad values are refused with a
 * line on stderr: -EINVAL.
 */
int udma_params_parse(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_INITCALL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The initcall and module parameter registry behind the kernel-source
 * tree's module_init and module_param. Registration happens in
 * constructors, before main(), on one thread: no locking.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udmaengine/initcall.h>

struct initcall {
	int level;
	int (*fn)(void);
	const char *name;
	const void *module;
};

struct exitcall {
	void (*fn)(void);
	const char *name;
	const void *module;
};

struct param {
	const char *name;
	enum udma_param_type type;
	void *arg;
};

static struct initcall *inits;
static unsigned int n_inits;
static struct exitcall *exits;
static unsigned int n_exits;
static struct param *params;
static unsigned int n_params;
/* modules in the order they finished initialising (duplicates allowed) */
static const void **up;
static unsigned int n_up;

static void *grow(void *array, unsigned int n, size_t size)
{
	/* doubling at powers of two: one realloc per doubling */
	if (n & (n - 1))
		return array;
	array = realloc(array, (n ? 2 * n : 4) * size);
	if (!array) {
		fputs("udmaengine: out of memory registering a module\n", stderr);
		abort();
	}
	return array;
}

void udma_initcall_register(int level, int (*fn)(void), const char *name, const void *module)
{
	inits = grow(inits, n_inits, sizeof(*inits));
	inits[n_inits++] = (struct initcall){ level, fn, name, module };
}

void udma_exitcall_register(void (*fn)(void), const char *name, const void *module)
{
	exits = grow(exits, n_exits, sizeof(*exits));
	exits[n_exits++] = (struct exitcall){ fn, name, module };
}

void udma_param_register(const char *name, enum udma_param_type type, void *arg)
{
	params = grow(params, n_params, sizeof(*params));
	params[n_params++] = (struct param){ name, type, arg };
}

static bool module_up(const void *module)
{
	for (unsigned int i = 0; i < n_up; i++)
		if (up[i] == module)
			return true;
	return false;
}

static bool module_has_init(const void *module)
{
	for (unsigned int i = 0; i < n_inits; i++)
		if (inits[i].module == module)
			return true;
	return false;
}

static void mark_up(const void *module)
{
	/* a module with several initcalls counts as up at its last one */
	for (unsigned int i = 0; i < n_up; i++) {
		if (up[i] == module) {
			memmove(&up[i], &up[i + 1], (n_up - i - 1) * sizeof(*up));
			n_up--;
			break;
		}
	}
	up = grow(up, n_up, sizeof(*up));
	up[n_up++] = module;
}

int udma_initcalls_run(const char **failed)
{
	/* A module with an exit but no init is up from the start (the kernel
	 * loads it and calls nothing), so it exits last. */
	for (unsigned int i = 0; i < n_exits; i++)
		if (!module_has_init(exits[i].module) && !module_up(exits[i].module))
			mark_up(exits[i].module);
	for (int level = UDMA_INITCALL_PURE; level <= UDMA_INITCALL_LATE; level++) {
		for (unsigned int i = 0; i < n_inits; i++) {
			int ret;

			if (inits[i].level != level)
				continue;
			ret = inits[i].fn();
			if (ret) {
				/* the failed module's earlier initcalls do not make it up */
				for (unsigned int j = 0; j < n_up; j++) {
					if (up[j] == inits[i].module) {
						memmove(&up[j], &up[j + 1], (n_up - j - 1) * sizeof(*up));
						n_up--;
						break;
					}
				}
				if (failed)
					*failed = inits[i].name;
				return ret;
			}
			mark_up(inits[i].module);
		}
	}
	return 0;
}

void udma_exitcalls_run(void)
{
	while (n_up) {
		const void *module = up[--n_up];

		/* a module's exits in reverse registration order, as any undo */
		for (unsigned int i = n_exits; i-- > 0;)
			if (exits[i].module == module)
				exits[i].fn();
	}
}

static int parse_bool(const char *v, bool *out)
{
	if (!v || !strcmp(v, "1") || !strcmp(v, "y") || !strcmp(v, "Y") || !strcmp(v, "true") ||
	    !strcmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "n") || !strcmp(v, "N") || !strcmp(v, "false") ||
	    !strcmp(v, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int parse_signed(const char *v, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 0);
	if (errno || end == v || *end || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

static int parse_unsigned(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	while (*v == ' ')
		v++;
	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno || end == v || *end || *v == '-' || *out > max)
		return -EINVAL;
	return 0;
}

static int param_set(const struct param *p, const char *v)
{
	long long s;
	unsigned long long u;
	bool b;

	if (!v && p->type != UDMA_PARAM_bool && p->type != UDMA_PARAM_invbool)
		return -EINVAL;
	switch (p->type) {
	case UDMA_PARAM_bool:
	case UDMA_PARAM_invbool:
		if (parse_bool(v, &b))
			return -EINVAL;
		*(bool *)p->arg = p->type == UDMA_PARAM_bool ? b : !b;
		return 0;
	case UDMA_PARAM_byte:
		if (parse_unsigned(v, UCHAR_MAX, &u))
			return -EINVAL;
		*(unsigned char *)p->arg = (unsigned char)u;
		return 0;
	case UDMA_PARAM_short:
		if (parse_signed(v, SHRT_MIN, SHRT_MAX, &s))
			return -EINVAL;
		*(short *)p->arg = (short)s;
		return 0;
	case UDMA_PARAM_ushort:
		if (parse_unsigned(v, USHRT_MAX, &u))
			return -EINVAL;
		*(unsigned short *)p->arg = (unsigned short)u;
		return 0;
	case UDMA_PARAM_int:
		if (parse_signed(v, INT_MIN, INT_MAX, &s))
			return -EINVAL;
		*(int *)p->arg = (int)s;
		return 0;
	case UDMA_PARAM_uint:
		if (parse_unsigned(v, UINT_MAX, &u))
			return -EINVAL;
		*(unsigned int *)p->arg = (unsigned int)u;
		return 0;
	case UDMA_PARAM_long:
		if (parse_signed(v, LONG_MIN, LONG_MAX, &s))
			return -EINVAL;
		*(long *)p->arg = (long)s;
		return 0;
	case UDMA_PARAM_ulong:
		if (parse_unsigned(v, ULONG_MAX, &u))
			return -EINVAL;
		*(unsigned long *)p->arg = (unsigned long)u;
		return 0;
	case UDMA_PARAM_ullong:
		if (parse_unsigned(v, ULLONG_MAX, &u))
			return -EINVAL;
		*(unsigned long long *)p->arg = u;
		return 0;
	case UDMA_PARAM_charp:
		/* argv outlives the module: point into it, as the kernel points
		 * into the module's argument string */
		*(const char **)p->arg = v;
		return 0;
	}
	return -EINVAL;
}

int udma_params_parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		size_t len;
		unsigned int j;

		if (!strncmp(arg, "--", 2))
			arg += 2;
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (j = 0; j < n_params; j++)
			if (strlen(params[j].name) == len && !strncmp(params[j].name, arg, len))
				break;
		if (j == n_params) {
			fprintf(stderr, "%s: unknown parameter '%.*s'\n", argv[0], (int)len, arg);
			return -EINVAL;
		}
		if (param_set(&params[j], eq ? eq + 1 : NULL)) {
			fprintf(stderr, "%s: invalid value for parameter '%s': '%s'\n", argv[0],
				params[j].name, eq ? eq + 1 : "");
			return -EINVAL;
		}
	}
	return 0;
}

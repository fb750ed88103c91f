/* SPDX-License-Identifier: MIT */
/*
 * dmatest's parameters: the kernel module's, as command-line options.
 * `iterations=500` (as on a modprobe line), `--iterations=500` and
 * `--iterations 500` all work (getopt_long, which also takes a unique
 * prefix: `--iter=500`); dashes and underscores in names are the same, as
 * modprobe has it; a boolean alone (`noverify`, `--polled`) means true, and
 * takes a value only after '=' (`--polled=0`). Numbers take the kernel's
 * forms (decimal, 0x hex, 0 octal). A bad parameter ends the program with
 * one line on stderr and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dmatest.h"

enum ptype {
	P_UINT,
	P_INT,
	P_BOOL,
	P_U64,
	P_DEVICE,	/* a name */
	P_CHANNELS,	/* a name, or several separated by commas */
	P_OPS,		/* dmatest=0|1|2 or memcpy,memset,slave */
	P_INJECT,	/* KIND[:ONE_IN] */
	P_REFUSE,	/* a kernel parameter udmaengine has no use for */
	P_IGNORE,	/* a kernel parameter that means nothing here: accepted */
	P_HELP,
};

struct param {
	const char *name;
	const char *alias;	/* the kernel's other name, if any */
	enum ptype type;
	size_t off;		/* into struct dmatest_params */
	long long min, max;
	const char *arg, *help;	/* for --help; arg NULL: not listed */
	bool test_only;
};

#define OFF(field) offsetof(struct dmatest_params, field)

static const struct param params[] = {
	{ "test_buf_size", NULL, P_UINT, OFF(buf_size), 1, 1 << 30, "BYTES",
	  "size of each thread's source and destination buffer (16384)", false },
	{ "channel", "test_channel", P_CHANNELS, 0, 0, 0, "NAME[,NAME...]",
	  "test only these channels, e.g. dma0chan1 (default: any)", false },
	{ "device", "test_device", P_DEVICE, 0, 0, 0, "NAME",
	  "test only channels of this controller, e.g. dma0 (default: any)", false },
	{ "threads_per_chan", NULL, P_UINT, OFF(threads_per_chan), 1, 256, "N",
	  "threads per channel and operation (1)", false },
	{ "max_channels", NULL, P_UINT, OFF(max_channels), 0, 1024, "N",
	  "use at most N channels; 0: all (0)", false },
	{ "iterations", NULL, P_UINT, OFF(iterations), 0, UINT_MAX, "N",
	  "tests per thread; 0: until SIGINT/SIGTERM (100; the kernel's default is 0)", false },
	{ "dmatest", NULL, P_OPS, 0, 0, 2, "OP[,OP...]",
	  "0 or memcpy, 1 or memset, 2 or slave (udmaengine: FIFO loopback) (0)", false },
	{ "timeout", NULL, P_INT, OFF(timeout), -1, INT_MAX, "MS",
	  "transfer timeout in ms; -1: none (3000)", false },
	{ "noverify", NULL, P_BOOL, OFF(noverify), 0, 1, "[=BOOL]",
	  "do not fill or verify the buffers (verify)", false },
	{ "norandom", NULL, P_BOOL, OFF(norandom), 0, 1, "[=BOOL]",
	  "whole-buffer transfers at offset 0 instead of random ones (random)", false },
	{ "alignment", NULL, P_INT, OFF(alignment), -1, 30, "LOG2",
	  "offsets and lengths aligned to 2^LOG2; -1: the device's copy_align (-1)", false },
	{ "transfer_size", NULL, P_UINT, OFF(transfer_size), 0, UINT_MAX, "BYTES",
	  "every transfer this long, below test_buf_size; 0: random (0)", false },
	{ "polled", NULL, P_BOOL, OFF(polled), 0, 1, "[=BOOL]",
	  "poll for completion (dma_sync_wait) instead of callbacks (off)", false },
	{ "verbose", NULL, P_BOOL, OFF(verbose), 0, 1, "[=BOOL]",
	  "print a result line for passed tests too (off)", false },
	{ "xor_sources", NULL, P_REFUSE, 0, 0, 0, "N",
	  "XOR tests are not supported: udmaengine has no DMA_XOR", false },
	{ "pq_sources", NULL, P_REFUSE, 0, 0, 0, "N",
	  "P+Q tests are not supported: udmaengine has no DMA_PQ", false },
	{ "run", NULL, P_IGNORE, 0, 0, 0, NULL, NULL, false },
	{ "wait", NULL, P_IGNORE, 0, 0, 0, NULL, NULL, false },
	{ "nobounce", NULL, P_IGNORE, 0, 0, 0, NULL, NULL, false },
	/* ours */
	{ "seed", NULL, P_U64, OFF(seed), 0, 0, "N",
	  "seed of the random lengths and offsets (default: from the clock; printed)", false },
	{ "progress", NULL, P_UINT, OFF(progress), 0, 86400, "SECONDS",
	  "a progress line per running thread this often; 0: none (10)", false },
	{ "soft", NULL, P_BOOL, OFF(soft), 0, 1, "[=BOOL]",
	  "create a software controller to test (on)", false },
	{ "soft_channels", NULL, P_UINT, OFF(soft_channels), 1, 64, "N",
	  "channels of that software controller (4)", false },
	{ "cuda", NULL, P_INT, OFF(cuda), -1, 1023, "GPU",
	  "also create a CUDA controller on this GPU (device=cuda<GPU> tests only it); "
	  "-1: none (-1). Builds with the CUDA provider only", false },
	{ "inject", NULL, P_INJECT, 0, 1, UINT32_MAX, "KIND[:ONE_IN]",
	  "test only: udma_soft_inject KIND (corrupt, stall, read, write, abort, slow) "
	  "into one descriptor in ONE_IN (1) of every soft channel tested", true },
	{ "help", NULL, P_HELP, 0, 0, 0, NULL, NULL, false },
};

static const char *const op_names[OP_COUNT] = {
	[OP_MEMCPY] = "copy", [OP_MEMSET] = "set", [OP_SLAVE] = "slave",
};

const char *dmatest_op_name(enum dmatest_op op)
{
	return op_names[op];
}

static void __attribute__((noreturn, format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dmatest_err("dmatest: %s (see dmatest --help)", line);
	exit(DMATEST_EXIT_USAGE);
}

static void usage(void)
{
	printf("usage: dmatest [PARAM=VALUE | --PARAM=VALUE | --PARAM VALUE | [--]BOOLPARAM]...\n"
	       "Tests DMA channels as the kernel's dmatest module does, with its parameters.\n"
	       "A software controller is created first (soft=0: none), so by default every\n"
	       "channel of it is tested with 100 memcpy tests per thread.\n"
	       "'-' and '_' in names are the same; a boolean takes a value only after '='.\n\n");
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		const struct param *q = &params[i];
		char left[64];

		if (q->test_only || (!q->arg && q->type != P_REFUSE))
			continue;
		snprintf(left, sizeof(left), "%s%s%s", q->name, q->type == P_BOOL ? "" : "=",
			 q->arg ? q->arg : "");
		printf("  %-32s %s\n", left, q->help);
	}
	printf("  %-32s %s\n  %-32s %s\n", "help, -h, --help", "this text", "--version",
	       "the udmaengine version");
	printf("\nTesting dmatest itself (not for hardware):\n");
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (params[i].test_only)
			printf("  %s=%s\n      %s\n", params[i].name, params[i].arg, params[i].help);
	}
	printf("\nExit status: 0 every test passed, 1 a test failed (or no channel matched),\n"
	       "2 bad parameters. Output lines are the kernel's; see docs/dmatest.md.\n");
	exit(DMATEST_EXIT_PASS);
}

/* Whole string a number in the kernel's bases (decimal, 0x hex, 0 octal). */
static bool parse_number(const char *name, const char *val, long long min, long long max,
			 long long *out)
{
	int64_t v = 0;
	const char *why;

	if (!*val)
		bad("%s: needs a value (%s=N)", name, name);
	why = cli_parse_i64(val, 0, INT64_MIN, INT64_MAX, &v);
	if (why && strncmp(why, "must", 4))
		bad("%s: '%s': %s", name, val, why);
	if (why || v < min || v > max)
		bad("%s: %s is out of range (%lld..%lld)", name, val, min, max);
	*out = v;
	return true;
}

/* The kernel's kstrtobool: 1/y/Y/on true, 0/n/N/off false; no value: true. */
static bool parse_bool(const char *name, const char *val)
{
	if (!val)
		return true;
	if (!strcmp(val, "1") || !strcasecmp(val, "y") || !strcasecmp(val, "yes") ||
	    !strcasecmp(val, "on") || !strcasecmp(val, "true"))
		return true;
	if (!strcmp(val, "0") || !strcasecmp(val, "n") || !strcasecmp(val, "no") ||
	    !strcasecmp(val, "off") || !strcasecmp(val, "false"))
		return false;
	bad("%s: '%s' is not a boolean (1/0, y/n, on/off)", name, val);
}

static void parse_name(const char *name, const char *val, char *dst)
{
	size_t n = strlen(val);

	if (n >= DMATEST_NAME_LEN)
		bad("%s: '%s' is longer than %d characters", name, val, DMATEST_NAME_LEN - 1);
	memcpy(dst, val, n + 1);
}

static void parse_channels(struct dmatest_params *p, const char *name, const char *val)
{
	char copy[DMATEST_MAX_NAMES * DMATEST_NAME_LEN], *save = NULL;

	p->nr_channel = 0;
	if (!*val)
		return;		/* channel= : any, as in the kernel */
	if (strlen(val) >= sizeof(copy))
		bad("%s: too long", name);
	strcpy(copy, val);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (p->nr_channel == DMATEST_MAX_NAMES)
			bad("%s: more than %d channels", name, DMATEST_MAX_NAMES);
		parse_name(name, t, p->channel[p->nr_channel++]);
	}
}

static void parse_ops(struct dmatest_params *p, const char *name, const char *val)
{
	static const struct { const char *word; int op; } words[] = {
		{ "memcpy", OP_MEMCPY }, { "copy", OP_MEMCPY }, { "memset", OP_MEMSET },
		{ "set", OP_MEMSET }, { "slave", OP_SLAVE },
	};
	char copy[128], *save = NULL;

	if (!*val)
		bad("%s: needs a value (%s=0, 1, 2 or memcpy,memset,slave)", name, name);
	if (strlen(val) >= sizeof(copy))
		bad("%s: too long", name);
	strcpy(copy, val);
	p->ops = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int op = -1;

		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcasecmp(t, words[i].word))
				op = words[i].op;
		if (op < 0 && (!strcasecmp(t, "xor") || !strcasecmp(t, "pq")))
			bad("%s: %s tests are not supported: udmaengine has no DMA_%s", name, t,
			    strcasecmp(t, "xor") ? "PQ" : "XOR");
		if (op < 0) {
			char *end;
			long v;

			errno = 0;
			v = strtol(t, &end, 0);
			if (end == t || *end)
				bad("%s: '%s' is not an operation (0 memcpy, 1 memset, 2 slave)",
				    name, t);
			if (errno || v < 0 || v >= OP_COUNT)
				bad("%s: %s is out of range (0 memcpy, 1 memset, 2 slave)", name, t);
			op = (int)v;
		}
		p->ops |= 1u << op;
	}
	if (!p->ops)
		bad("%s: needs a value (%s=0, 1, 2 or memcpy,memset,slave)", name, name);
}

static void parse_inject(struct dmatest_params *p, const char *name, const char *val)
{
	static const struct { const char *word; enum udma_soft_fault_kind kind; } kinds[] = {
		{ "none", UDMA_FAULT_NONE }, { "read", UDMA_FAULT_READ },
		{ "write", UDMA_FAULT_WRITE }, { "abort", UDMA_FAULT_ABORT },
		{ "corrupt", UDMA_FAULT_CORRUPT }, { "slow", UDMA_FAULT_SLOW },
		{ "stall", UDMA_FAULT_STALL },
	};
	const char *colon = strchr(val, ':');
	size_t klen = colon ? (size_t)(colon - val) : strlen(val);
	long long one_in = 1;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].word) == klen && !strncmp(val, kinds[i].word, klen))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		bad("%s: '%.*s' is not a fault (corrupt, stall, read, write, abort, slow, none)",
		    name, (int)klen, val);
	if (colon)
		parse_number(name, colon + 1, 1, UINT32_MAX, &one_in);
	p->inject = kinds[i].kind;
	p->inject_one_in = (uint32_t)one_in;
}

static const struct param *lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (!strcmp(name, params[i].name) ||
		    (params[i].alias && !strcmp(name, params[i].alias)))
			return &params[i];
	return NULL;
}

static void set_defaults(struct dmatest_params *p)
{
	struct timespec ts;

	memset(p, 0, sizeof(*p));
	p->buf_size = 16384;
	p->threads_per_chan = 1;
	p->iterations = 100;
	p->ops = 1u << OP_MEMCPY;
	p->timeout = 3000;
	p->alignment = -1;
	p->progress = 10;
	p->soft = true;
	p->soft_channels = 4;
	p->cuda = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Any value will do; it is printed so a run can be repeated. */
	p->seed = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
		  ((uint64_t)getpid() << 32);
	p->seed %= 1000000000000ull;	/* short enough to copy from the output */
}

/* Parameter @q, spelt @name (its name or the kernel's alias), given @val (NULL: none). */
static void set_param(struct dmatest_params *p, const struct param *q, const char *name,
		      const char *val)
{
	long long v;

	if (!val && q->type != P_BOOL && q->type != P_HELP && q->type != P_IGNORE &&
	    q->type != P_REFUSE)
		bad("%s: needs a value (%s=%s)", name, name, q->arg ? q->arg : "VALUE");

	switch (q->type) {
	case P_UINT:
		parse_number(name, val, q->min, q->max, &v);
		*(unsigned int *)((char *)p + q->off) = (unsigned int)v;
		break;
	case P_INT:
		parse_number(name, val, q->min, q->max, &v);
		if (q->off == OFF(timeout) && v == 0)
			bad("%s: 0 is out of range (-1 for no limit, or 1..%d ms)", name, INT_MAX);
		*(int *)((char *)p + q->off) = (int)v;
		break;
	case P_U64: {
		uint64_t u = 0;
		const char *why;

		if (!*val)
			bad("%s: needs a value (%s=N)", name, name);
		why = cli_parse_u64(val, 0, 0, UINT64_MAX, &u);
		if (why && strncmp(why, "must", 4))
			bad("%s: '%s': %s", name, val, why);
		if (why)
			bad("%s: %s is out of range (0..%llu)", name, val, (unsigned long long)UINT64_MAX);
		*(uint64_t *)((char *)p + q->off) = u;
		break;
	}
	case P_BOOL:
		*(bool *)((char *)p + q->off) = parse_bool(name, val);
		break;
	case P_DEVICE:
		parse_name(name, val, p->device);
		break;
	case P_CHANNELS:
		parse_channels(p, name, val);
		break;
	case P_OPS:
		parse_ops(p, name, val);
		break;
	case P_INJECT:
		parse_inject(p, name, val);
		break;
	case P_REFUSE:
		bad("%s: %s", name, q->help);
	case P_IGNORE:
		break;		/* the kernel's run/wait/nobounce: we always run and wait */
	case P_HELP:
		usage();
	}
}

/* The modprobe form, NAME[=VALUE]: '-' and '_' in a name are one. */
static void parse_bare(struct dmatest_params *p, const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '='), *val = eq ? eq + 1 : NULL;
	size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct param *q;

	if (nlen == 0 || nlen >= sizeof(name))
		bad("'%s' is not a parameter", arg);
	for (size_t i = 0; i < nlen; i++)
		name[i] = arg[i] == '-' ? '_' : arg[i];
	name[nlen] = '\0';
	q = lookup(name);
	if (!q)
		bad("unknown parameter '%.*s'", (int)nlen, arg);
	set_param(p, q, name, val);
}

#define NPARAMS (sizeof(params) / sizeof(params[0]))
#define OPT_VERSION 1000
/* getopt_long's val for params[i]: its name, or (+ 1) its alias */
#define OPT_PARAM(i, alias) (256 + 2 * (int)(i) + (alias))

/* A long option for every name and alias, spelt with '-'. */
static void long_options(struct option *o, char (*names)[64])
{
	size_t n = 0;

	for (size_t i = 0; i < NPARAMS; i++) {
		const struct param *q = &params[i];
		int has_arg = q->type == P_HELP ? no_argument :
			      q->type == P_BOOL || q->type == P_IGNORE || q->type == P_REFUSE ?
			      optional_argument : required_argument;

		for (int alias = 0; alias < 2; alias++) {
			const char *nm = alias ? q->alias : q->name;

			if (!nm)
				continue;
			snprintf(names[n], sizeof(names[n]), "%s", nm);
			for (char *c = names[n]; *c; c++)
				*c = *c == '_' ? '-' : *c;
			o[n] = (struct option){ names[n], has_arg, NULL, OPT_PARAM(i, alias) };
			n++;
		}
	}
	o[n++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	o[n] = (struct option){ NULL, 0, NULL, 0 };
}

void dmatest_parse(struct dmatest_params *p, int argc, char **argv)
{
	static struct option longopts[2 * NPARAMS + 2];
	static char names[2 * NPARAMS][64];
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int c;

	cli_prog = "dmatest";
	set_defaults(p);
	long_options(longopts, names);
	if (!args) {
		dmatest_err("dmatest: out of memory");
		exit(DMATEST_EXIT_FAIL);
	}
	/* --test_buf_size is --test-buf-size: '_' in an option's name becomes '-' */
	for (int i = 0; i < argc; i++) {
		args[i] = argv[i];
		if (i && !strncmp(argv[i], "--", 2) && (args[i] = strdup(argv[i])))
			for (char *ch = args[i] + 2; *ch && *ch != '='; ch++)
				*ch = *ch == '_' ? '-' : *ch;
	}
	/*
	 * '-': the modprobe form comes back in order as code 1, so that the
	 * last value given wins whichever form each was in, as with modprobe.
	 * Errors name the option as it was given (argv, not args).
	 */
	opterr = 0;
	while ((c = getopt_long(argc, args, "-:h", longopts, NULL)) != -1) {
		if (c == 1) {
			parse_bare(p, optarg);
		} else if (c == 'h') {
			usage();
		} else if (c == OPT_VERSION) {
			cli_version();
		} else if (c >= OPT_PARAM(0, 0) && c < OPT_PARAM(NPARAMS, 0)) {
			const struct param *q = &params[(c - OPT_PARAM(0, 0)) / 2];

			set_param(p, q, (c - OPT_PARAM(0, 0)) % 2 ? q->alias : q->name, optarg);
		} else {
			cli_bad_option(c, argv, longopts);
		}
	}
	for (int i = optind; i < argc; i++)	/* after "--" */
		parse_bare(p, argv[i]);
	for (int i = 1; i < argc; i++)
		if (args[i] != argv[i])
			free(args[i]);
	free(args);

	/* What the kernel finds out only in each thread, found out at once. */
	if (p->alignment >= 0 && (1ull << p->alignment) > p->buf_size)
		bad("alignment: %d (%llu bytes) is larger than test_buf_size %u", p->alignment,
		    1ull << p->alignment, p->buf_size);
	if (p->transfer_size && p->transfer_size >= p->buf_size)
		bad("transfer_size: %u must be lower than test_buf_size %u", p->transfer_size,
		    p->buf_size);
}

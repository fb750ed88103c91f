/* SPDX-License-Identifier: MIT */
/* The tools' shared command-line parts (cli.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef UDMA_TOOLS_VERSION
#define UDMA_TOOLS_VERSION "unknown"
#endif

const char *cli_prog = "udmaengine";

static char why_buf[256];

static const char *why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *why(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return why_buf;
}

/* Why the characters at @end, after a number that began at @s, are refused. */
static const char *junk(const char *s, const char *end)
{
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	/* 1e6: strtoull stops at the 'e' and would read 1 */
	if (p == end && (*end == 'e' || *end == 'E') && isdigit((unsigned char)end[1]))
		return why("no exponents: write the number out in full");
	if (*end == '.')
		return why("not a whole number");
	return why("'%s' after the number", end);
}

/* Refuses what strtoull/strtoll would quietly accept: spaces, a sign. */
static const char *no_sign(const char *s, bool negative_ok)
{
	if (!*s)
		return why("needs a value");
	if (isspace((unsigned char)*s))
		return why("not a number");
	if (*s == '+')
		return why("write the number without a sign");
	if (*s == '-' && !negative_ok && !isdigit((unsigned char)s[1]))
		return why("not a number");
	return NULL;
}

const char *cli_parse_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *bad = no_sign(s, false);
	char *end;
	unsigned long long v;

	if (bad)
		return bad;
	if (*s == '-')	/* strtoull would turn -1 into 2^64 - 1 */
		return min ? why("must be at least %" PRIu64, min) : why("must not be negative");
	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s)
		return why("not a number");
	if (*end)
		return junk(s, end);
	if (errno == ERANGE || v > max)
		return why("must be at most %" PRIu64, max);
	if (v < min)
		return why("must be at least %" PRIu64, min);
	*out = v;
	return NULL;
}

const char *cli_parse_i64(const char *s, int base, int64_t min, int64_t max, int64_t *out)
{
	const char *bad = no_sign(s, true);
	char *end;
	long long v;

	if (bad)
		return bad;
	errno = 0;
	v = strtoll(s, &end, base);
	if (end == s)
		return why("not a number");
	if (*end)
		return junk(*s == '-' ? s + 1 : s, end);
	if ((errno == ERANGE && v > 0) || v > max)
		return why("must be at most %" PRId64, max);
	if (errno == ERANGE || v < min)
		return why("must be at least %" PRId64, min);
	*out = v;
	return NULL;
}

/* @v bytes as the user would write it: 65536 -> 64K. */
static const char *size_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMG";
	int u = -1;

	while (u < 2 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%s%s", v, u < 0 ? " byte" : "",
		 u < 0 ? (v == 1 ? "" : "s") : (char[2]){ units[u], 0 });
	return buf;
}

const char *cli_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *bad = no_sign(s, false);
	char *end, b[32];
	unsigned long long v;
	int shift = 0;

	if (bad)
		return bad;
	if (*s == '-')
		return why("must be at least %s", size_str(min, b, sizeof(b)));
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s)
		return why("not a size");
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end)
		return *end == '.' ? why("not a whole number (write 1536K, not 1.5M)")
				   : why("'%s' after the size (suffixes: K, M, G)", end);
	if (errno == ERANGE || v > (UINT64_MAX >> shift) || (v << shift) > max)
		return why("must be at most %s", size_str(max, b, sizeof(b)));
	v <<= shift;
	if (v < min)
		return why("must be at least %s", size_str(min, b, sizeof(b)));
	*out = v;
	return NULL;
}

_Noreturn void cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s (see %s --help)\n", cli_prog, line, cli_prog);
	exit(CLI_EXIT_USAGE);
}

static void check(const char *opt, const char *val, const char *bad)
{
	if (bad)
		cli_usage_error("--%s=%s: %s", opt, val, bad);
}

uint64_t cli_opt_u64(const char *opt, const char *val, uint64_t min, uint64_t max)
{
	uint64_t v = 0;

	check(opt, val, cli_parse_u64(val, 10, min, max, &v));
	return v;
}

int64_t cli_opt_i64(const char *opt, const char *val, int64_t min, int64_t max)
{
	int64_t v = 0;

	check(opt, val, cli_parse_i64(val, 10, min, max, &v));
	return v;
}

uint64_t cli_opt_size(const char *opt, const char *val, uint64_t min, uint64_t max)
{
	uint64_t v = 0;

	check(opt, val, cli_parse_size(val, min, max, &v));
	return v;
}

_Noreturn void cli_bad_option(int c, char **argv, const struct option *longopts)
{
	const char *arg = argv[optind - 1];
	size_t len;
	int matches = 0;
	char names[256] = "";

	if (c == ':')
		cli_usage_error("option '%s' needs a value", optopt && strncmp(arg, "--", 2) ?
				(char[3]){ '-', (char)optopt, 0 } : arg);
	if (optopt && strncmp(arg, "--", 2))
		cli_usage_error("unknown option '-%c'", optopt);
	if (optopt)	/* a long option that takes no value was given one */
		cli_usage_error("option '%.*s' takes no value", (int)strcspn(arg, "="), arg);
	/* unknown or ambiguous: glibc accepts a unique prefix of a long name */
	len = strcspn(arg + 2, "=");
	for (const struct option *o = longopts; o && o->name; o++) {
		size_t i;

		/* dmatest's options may be spelt with '_' for '-' */
		for (i = 0; i < len && o->name[i] &&
			    (o->name[i] == arg[2 + i] || (o->name[i] == '-' && arg[2 + i] == '_'));
		     i++)
			;
		if (i < len)
			continue;
		matches++;
		if (strlen(names) + strlen(o->name) + 5 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s--%s",
				 *names ? ", " : "", o->name);
	}
	if (matches > 1 && len)
		cli_usage_error("option '%.*s' is ambiguous (%s)", (int)len + 2, arg, names);
	cli_usage_error("unknown option '%s'", arg);
}

_Noreturn void cli_version(void)
{
	printf("%s (udmaengine) %s\n", cli_prog, UDMA_TOOLS_VERSION);
	exit(CLI_EXIT_PASS);
}

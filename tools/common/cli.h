/* SPDX-License-Identifier: MIT */
/*
 * What the tools' command lines share: strict numbers, one-line usage
 * errors and getopt_long's errors in the same words.
 *
 * Exit statuses, the same in every tool: 0 all passed, 1 a test or check
 * failed, 2 a usage error; cudaperf also 77 when it skips (no GPU).
 */
#ifndef UDMA_TOOLS_CLI_H
#define UDMA_TOOLS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

enum { CLI_EXIT_PASS = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_SKIP = 77 };

/* The program's name in every message; set first thing in main(). */
extern const char *cli_prog;

/*
 * Parse all of @s as a number in @base (10; 0 for C's 0x and leading-0
 * forms) within [@min, @max]. Unsigned values take no sign. Return NULL,
 * or why @s is refused, without @s itself ("not a number", "must be at
 * most 16"; static storage, valid until the next call).
 */
const char *cli_parse_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out);
const char *cli_parse_i64(const char *s, int base, int64_t min, int64_t max, int64_t *out);
/* A byte count with an optional K, M or G suffix (powers of 1024). */
const char *cli_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * The same, for option @opt (its name without dashes) given @val: a value
 * that does not parse ends the program with "PROG: --OPT=VAL: why" and
 * exit status 2.
 */
uint64_t cli_opt_u64(const char *opt, const char *val, uint64_t min, uint64_t max);
int64_t cli_opt_i64(const char *opt, const char *val, int64_t min, int64_t max);
uint64_t cli_opt_size(const char *opt, const char *val, uint64_t min, uint64_t max);

/* "PROG: <message> (see PROG --help)" on stderr, one line; exit 2. */
_Noreturn void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * getopt_long returned '?' or ':' (call it with opterr = 0 and an
 * optstring that starts with ':'): names the option as it was given.
 */
_Noreturn void cli_bad_option(int c, char **argv, const struct option *longopts);

/* "PROG (udmaengine) VERSION" on stdout; exit 0. */
_Noreturn void cli_version(void);

#endif /* UDMA_TOOLS_CLI_H */

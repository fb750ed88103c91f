/* SPDX-License-Identifier: MIT */
/*
 * udmastat: a running udmaengine process's channels and FIFOs, every
 * INTERVAL seconds, as iostat shows disks. It reads the process's
 * telemetry socket (UDMA_TELEMETRY=1, docs/telemetry.md).
 *
 *   udmastat [--count N] [--json] PID [INTERVAL]
 *   udmastat [--count N] [--json] --socket PATH [INTERVAL]
 *
 * Exit status: 0 done, 1 the process or its socket failed us, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_ITEMS 1024	/* channels, and FIFOs, shown at most */

struct conn {
	int fd;
	const char *path;
	char *buf;		/* bytes received, not yet returned */
	size_t len, cap;
};

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(CLI_EXIT_FAIL);
}

/* One answer line for @req (malloc'd, without its newline). */
static char *ask(struct conn *c, const char *req)
{
	size_t rlen = strlen(req);
	char *line = malloc(rlen + 2);

	if (!line)
		die("out of memory");
	memcpy(line, req, rlen);
	line[rlen] = '\n';
	for (size_t off = 0; off < rlen + 1;) {
		ssize_t n = send(c->fd, line + off, rlen + 1 - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s: the process has gone away", c->path, strerror(errno));
		off += (size_t)n;
	}
	free(line);
	for (;;) {
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		ssize_t n;

		if (nl) {
			size_t used = (size_t)(nl - c->buf) + 1;

			line = malloc(used);
			if (!line)
				die("out of memory");
			memcpy(line, c->buf, used - 1);
			line[used - 1] = '\0';
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return line;
		}
		if (c->cap - c->len < 4096) {
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->buf = realloc(c->buf, c->cap);
			if (!c->buf)
				die("out of memory");
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: connection closed: the process has exited", c->path);
		c->len += (size_t)n;
	}
}

/* An answer that is an error ends the run: the request was ours. */
static char *ask_ok(struct conn *c, const char *req)
{
	char *a = ask(c, req);

	if (!strncmp(a, "{\"error\"", 8))
		die("%s: %s: %s", c->path, req, a);
	return a;
}

/* ---- reading the answers: flat JSON the server writes ---- */

/* The value after "key": in @a, or NULL. Keys are unique in an answer and
 * a quote inside a string is escaped, so a plain search finds the key. */
static const char *field(const char *a, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(a, pat);
	return p ? p + strlen(pat) : NULL;
}

static uint64_t num(const char *a, const char *key)
{
	const char *p = field(a, key);

	return p ? strtoull(p, NULL, 10) : 0;
}

static double real(const char *a, const char *key)
{
	const char *p = field(a, key);

	return p && *p != 'n' ? strtod(p, NULL) : NAN;	/* null: no samples */
}

/* The strings of the first array in @a, unescaped; their count. */
static size_t strings(const char *a, char **out, size_t max)
{
	const char *p = strchr(a, '[');
	size_t n = 0;

	if (!p)
		return 0;
	for (p++; *p && *p != ']';) {
		char s[256];
		size_t len = 0;

		if (*p != '"') {
			p++;
			continue;
		}
		for (p++; *p && *p != '"'; p++) {
			char ch = *p;

			if (ch == '\\' && p[1]) {
				p++;
				ch = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
				if (*p == 'u' && p[1] && p[2] && p[3] && p[4]) {
					ch = (char)strtoul((char[3]){ p[3], p[4], 0 }, NULL, 16);
					p += 4;
				}
			}
			if (len < sizeof(s) - 1)
				s[len++] = ch;
		}
		if (*p == '"')
			p++;
		s[len] = '\0';
		if (n < max && !(out[n++] = strdup(s)))
			die("out of memory");
	}
	return n;
}

/* ---- samples ---- */

struct chan_sample {
	char *name;
	bool in_use;
	uint64_t completed, bytes, errors, terminated, in_flight, submitted, lat_samples;
	double p50, p99;
};

struct fifo_sample {
	char *name;
	char dir[3];
	uint64_t depth, level, bytes, underruns, overruns;
};

struct sample {
	uint64_t t_ns;
	size_t nchan, nfifo;
	struct chan_sample chan[MAX_ITEMS];
	struct fifo_sample fifo[MAX_ITEMS];
};

static bool json_out;

static char *ask_show(struct conn *c, const char *req)
{
	char *a = ask_ok(c, req);

	if (json_out)
		puts(a);
	return a;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sample_free(struct sample *s)
{
	for (size_t i = 0; i < s->nchan; i++)
		free(s->chan[i].name);
	for (size_t i = 0; i < s->nfifo; i++)
		free(s->fifo[i].name);
	s->nchan = s->nfifo = 0;
}

/* One item's answer ("/channel", "/fifo"), printed with --json; NULL (and
 * @name freed) if the item went between the list and this query. */
static char *ask_item(struct conn *c, const char *what, char *name)
{
	char req[300], *a;

	snprintf(req, sizeof(req), "%s,%s", what, name);
	a = ask(c, req);
	if (!strncmp(a, "{\"error\"", 8)) {
		free(a);
		free(name);
		return NULL;
	}
	if (json_out)
		puts(a);
	return a;
}

static void take(struct conn *c, struct sample *s)
{
	char *names[MAX_ITEMS], *a;
	size_t n;

	sample_free(s);
	s->t_ns = now_ns();
	a = ask_show(c, "/channels");
	n = strings(a, names, MAX_ITEMS);
	free(a);
	for (size_t i = 0; i < n; i++) {
		struct chan_sample *ch = &s->chan[s->nchan];

		a = ask_item(c, "/channel", names[i]);
		if (!a)
			continue;	/* its device went between the two */
		ch->name = names[i];
		ch->in_use = field(a, "in_use") && !strncmp(field(a, "in_use"), "true", 4);
		ch->submitted = num(a, "submitted");
		ch->completed = num(a, "completed");
		ch->bytes = num(a, "bytes_transferred");
		ch->errors = num(a, "errors");
		ch->terminated = num(a, "terminated");
		ch->in_flight = num(a, "in_flight");
		ch->lat_samples = num(a, "samples");
		ch->p50 = real(a, "p50_us");
		ch->p99 = real(a, "p99_us");
		s->nchan++;
		free(a);
	}
	a = ask_show(c, "/fifos");
	n = strings(a, names, MAX_ITEMS);
	free(a);
	for (size_t i = 0; i < n; i++) {
		struct fifo_sample *f = &s->fifo[s->nfifo];
		const char *dir;

		a = ask_item(c, "/fifo", names[i]);
		if (!a)
			continue;	/* destroyed between the two */
		f->name = names[i];
		dir = field(a, "dir");
		snprintf(f->dir, sizeof(f->dir), "%s", dir && !strncmp(dir, "\"tx\"", 4) ? "tx" : "rx");
		f->depth = num(a, "depth");
		f->level = num(a, "level");
		f->bytes = num(a, "bytes");
		f->underruns = num(a, "underruns");
		f->overruns = num(a, "overruns");
		s->nfifo++;
		free(a);
	}
	if (json_out)
		fflush(stdout);
}

/* How much @cur moved since @prev; from zero when the counter restarted
 * (its device registered again). */
static uint64_t moved(uint64_t cur, uint64_t prev)
{
	return cur >= prev ? cur - prev : cur;
}

static const struct chan_sample *find_chan(const struct sample *s, const char *name)
{
	for (size_t i = 0; i < s->nchan; i++)
		if (!strcmp(s->chan[i].name, name))
			return &s->chan[i];
	return NULL;
}

static const struct fifo_sample *find_fifo(const struct sample *s, const char *name)
{
	for (size_t i = 0; i < s->nfifo; i++)
		if (!strcmp(s->fifo[i].name, name))
			return &s->fifo[i];
	return NULL;
}

static void us(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", v);
}

static void report(const struct sample *prev, const struct sample *cur)
{
	static const struct chan_sample zero_chan;
	static const struct fifo_sample zero_fifo;
	double secs = (double)(cur->t_ns - prev->t_ns) / 1e9;
	char when[16];
	time_t t = time(NULL);
	struct tm tm;
	int shown = 0;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("%-8s  %-14s %11s %9s %7s %7s %9s %8s %8s\n", when, "channel", "ops/s", "MB/s",
	       "errors", "term", "in_flight", "p50_us", "p99_us");
	for (size_t i = 0; i < cur->nchan; i++) {
		const struct chan_sample *c = &cur->chan[i], *p = find_chan(prev, c->name);
		char p50[16], p99[16];

		if (!c->in_use && !c->submitted)
			continue;	/* never used: nothing to say */
		if (!p)
			p = &zero_chan;
		us(p50, sizeof(p50), c->p50);
		us(p99, sizeof(p99), c->p99);
		printf("%-8s  %-14s %11.0f %9.2f %7llu %7llu %9llu %8s %8s\n", "", c->name,
		       (double)moved(c->completed, p->completed) / secs,
		       (double)moved(c->bytes, p->bytes) / secs / 1e6,
		       (unsigned long long)moved(c->errors, p->errors),
		       (unsigned long long)moved(c->terminated, p->terminated),
		       (unsigned long long)c->in_flight, p50, p99);
		shown++;
	}
	if (!shown)
		printf("%-8s  (no channel in use)\n", "");
	if (cur->nfifo) {
		printf("%-8s  %-14s %4s %11s %9s %9s %9s\n", "", "fifo", "dir", "level/depth",
		       "KB/s", "underruns", "overruns");
		for (size_t i = 0; i < cur->nfifo; i++) {
			const struct fifo_sample *f = &cur->fifo[i], *p = find_fifo(prev, f->name);
			char level[32];

			if (!p)
				p = &zero_fifo;
			snprintf(level, sizeof(level), "%llu/%llu", (unsigned long long)f->level,
				 (unsigned long long)f->depth);
			printf("%-8s  %-14s %4s %11s %9.1f %9llu %9llu\n", "", f->name, f->dir, level,
			       (double)moved(f->bytes, p->bytes) / secs / 1e3,
			       (unsigned long long)moved(f->underruns, p->underruns),
			       (unsigned long long)moved(f->overruns, p->overruns));
		}
	}
	putchar('\n');
	fflush(stdout);
}

/* ---- where the socket is ---- */

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The path a process @pid's default telemetry socket has, as the library
 * chooses it; the first candidate when neither exists. */
static void pid_socket(unsigned long pid, char *out, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];

	snprintf(tmp, sizeof(tmp), "/tmp/udmaengine-%u/telemetry.%lu", (unsigned int)geteuid(), pid);
	if (xdg && xdg[0] == '/') {
		snprintf(out, len, "%s/udmaengine/telemetry.%lu", xdg, pid);
		if (exists(out) || !exists(tmp))
			return;
	}
	snprintf(out, len, "%s", tmp);
}

static _Noreturn void usage(void)
{
	printf("usage: udmastat [OPTIONS] PID [INTERVAL]\n"
	       "       udmastat [OPTIONS] --socket PATH [INTERVAL]\n"
	       "\n"
	       "Every INTERVAL seconds (default 1), the channels and FIFOs of a running\n"
	       "udmaengine process started with UDMA_TELEMETRY=1 (docs/telemetry.md): per\n"
	       "channel completions/s, MB/s submitted, errors and terminated transfers in\n"
	       "the interval, transfers in flight, callback latency p50/p99 in microseconds;\n"
	       "per FIFO its level, throughput, underruns and overruns.\n"
	       "\n"
	       "  --socket PATH   the telemetry socket (default: PID's, under\n"
	       "                  $XDG_RUNTIME_DIR/udmaengine or /tmp/udmaengine-UID)\n"
	       "  --count N       stop after N reports (default: until the process exits)\n"
	       "  --json          print the raw JSON answers, one per line, instead\n"
	       "  -h, --help      this text\n"
	       "  --version       the version\n"
	       "\n"
	       "Exit status: 0 done, 1 no such socket or the process went away, 2 usage error.\n");
	exit(CLI_EXIT_PASS);
}

int main(int argc, char **argv)
{
	enum { OPT_SOCKET = 256, OPT_COUNT, OPT_JSON, OPT_VERSION };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	const char *socket_opt = NULL, *bad;
	uint64_t count = 0, interval = 1, pid = 0, done = 0;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct conn conn = { .fd = -1 };
	static struct sample samples[2];
	struct timespec next;
	char *a;
	int c;

	cli_prog = "udmastat";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			if (!*optarg)
				cli_usage_error("--socket: needs a path");
			socket_opt = optarg;
			break;
		case OPT_COUNT:
			count = cli_opt_u64("count", optarg, 1, UINT32_MAX);
			break;
		case OPT_JSON:
			json_out = true;
			break;
		case 'h':
			usage();
		case OPT_VERSION:
			cli_version();
		default:
			cli_bad_option(c, argv, longopts);
		}
	}
	if (!socket_opt) {
		if (optind >= argc)
			cli_usage_error("no PID: which process? (or --socket PATH)");
		bad = cli_parse_u64(argv[optind], 10, 1, 0x7fffffff, &pid);
		if (bad)
			cli_usage_error("PID '%s': %s", argv[optind], bad);
		optind++;
	}
	if (optind < argc) {
		bad = cli_parse_u64(argv[optind], 10, 1, 86400, &interval);
		if (bad)
			cli_usage_error("INTERVAL '%s': %s", argv[optind], bad);
		optind++;
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'%s", argv[optind],
				socket_opt ? " (with --socket, give no PID)" : "");

	if (socket_opt) {
		snprintf(path, sizeof(path), "%s", socket_opt);
	} else {
		if (kill((pid_t)pid, 0) && errno == ESRCH)
			die("no process %llu", (unsigned long long)pid);
		pid_socket((unsigned long)pid, path, sizeof(path));
	}
	if (strlen(path) >= sizeof(addr.sun_path))
		die("%s: too long for a socket path", path);
	strcpy(addr.sun_path, path);
	conn.path = path;
	conn.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (conn.fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(conn.fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int err = errno;

		if (socket_opt)
			die("cannot connect to %s: %s", path, strerror(err));
		die("cannot connect to %s: %s (is process %llu running with UDMA_TELEMETRY=1?)",
		    path, strerror(err), (unsigned long long)pid);
	}

	a = ask_ok(&conn, "/info");
	if (json_out)
		puts(a);
	else
		printf("udmastat: pid %llu, udmaengine %.*s, every %llu s\n\n",
		       (unsigned long long)num(a, "pid"),
		       field(a, "version") ? (int)strcspn(field(a, "version") + 1, "\"") : 1,
		       field(a, "version") ? field(a, "version") + 1 : "?",
		       (unsigned long long)interval);
	free(a);
	fflush(stdout);

	take(&conn, &samples[0]);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!count || done < count) {
		struct sample *prev = &samples[done & 1], *cur = &samples[(done + 1) & 1];

		next.tv_sec += (time_t)interval;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		take(&conn, cur);
		if (!json_out)
			report(prev, cur);
		done++;
	}
	sample_free(&samples[0]);
	sample_free(&samples[1]);
	free(conn.buf);
	close(conn.fd);
	return CLI_EXIT_PASS;
}

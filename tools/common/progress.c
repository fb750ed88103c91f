/* SPDX-License-Identifier: MIT */
/* Progress lines for long runs (progress.h). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define QUIET_NS	2000000000ull	/* nothing before a run is this long */
#define TTY_NS		250000000ull	/* a terminal line is redrawn this often */
#define LINE_NS		5000000000ull	/* otherwise a line this often */

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* 75 s -> "1m15s" */
static const char *dur(double s, char *buf, size_t len)
{
	unsigned long v = (unsigned long)(s + 0.5);

	if (v >= 3600)
		snprintf(buf, len, "%luh%02lum", v / 3600, v / 60 % 60);
	else if (v >= 60)
		snprintf(buf, len, "%lum%02lus", v / 60, v % 60);
	else
		snprintf(buf, len, "%lus", v);
	return buf;
}

void progress_start(struct progress *p, const char *prog, const char *unit, uint64_t total,
		    bool quiet)
{
	*p = (struct progress){ .prog = prog, .unit = unit, .total = total, .on = !quiet,
				.tty = isatty(STDERR_FILENO) };
	p->t0 = now();
	p->next = p->t0 + (p->tty ? QUIET_NS : LINE_NS);
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t t = now();
	double secs, pct;
	char a[32], b[32];

	if (!p->on || t < p->next)
		return;
	p->next = t + (p->tty ? TTY_NS : LINE_NS);
	secs = (double)(t - p->t0) / 1e9;
	pct = p->total ? 100.0 * (double)done / (double)p->total : 0;
	if (p->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s: %llu/%llu %s (%.0f%%), %s elapsed", p->prog, (unsigned long long)done,
		(unsigned long long)p->total, p->unit, pct, dur(secs, a, sizeof(a)));
	if (done && done < p->total)
		fprintf(stderr, ", ETA %s",
			dur(secs * (double)(p->total - done) / (double)done, b, sizeof(b)));
	fputs(p->tty ? "" : "\n", stderr);
	fflush(stderr);
	p->drawn = p->tty;
}

void progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = false;
		p->next = 0;	/* redraw at the next update */
	}
}

void progress_end(struct progress *p)
{
	progress_clear(p);
	p->on = false;
}

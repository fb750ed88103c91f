/* SPDX-License-Identifier: MIT */
/*
 * Progress and an ETA for long runs, on stderr: on a terminal one line
 * that updates in place, otherwise a line every few seconds. Nothing is
 * printed before a run has lasted 2 s, so short runs (tests) stay quiet.
 * One thread drives it.
 */
#ifndef UDMA_TOOLS_PROGRESS_H
#define UDMA_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *prog, *unit;	/* "dmastress", "operations" */
	uint64_t total;
	uint64_t t0, next;		/* ns */
	bool on, tty, drawn;
};

/* @total units of @unit to do; @quiet: print nothing. */
void progress_start(struct progress *p, const char *prog, const char *unit, uint64_t total,
		    bool quiet);
/* @done of the total so far; prints when it is time to. */
void progress_update(struct progress *p, uint64_t done);
/* Clears the terminal line (before other output); the next update redraws it. */
void progress_clear(struct progress *p);
/* The run is over: the terminal line goes. */
void progress_end(struct progress *p);

#endif /* UDMA_TOOLS_PROGRESS_H */

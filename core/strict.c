/* SPDX-License-Identifier: MIT */
/*
 * Misuse reports and strict mode. The checks themselves sit where the
 * misuse happens (submit.c, control.c, registry.c, prep.c); this file
 * decides how loudly each is reported.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* atomic; -1: not read from the environment yet. Read inline by
 * udma_strict_now (internal.h) on every prep. */
int udma_strict_mode __attribute__((visibility("hidden"))) = -1;

static enum udma_strict from_env(void)
{
	const char *s = getenv("UDMA_STRICT");

	if (!s || !*s || !strcmp(s, "0"))
		return UDMA_STRICT_OFF;
	return strcmp(s, "abort") ? UDMA_STRICT_REPORT : UDMA_STRICT_ABORT;
}

enum udma_strict udma_get_strict(void)
{
	int mode = __atomic_load_n(&udma_strict_mode, __ATOMIC_ACQUIRE);

	if (mode < 0) {
		int unset = -1;

		mode = (int)from_env();
		if (!__atomic_compare_exchange_n(&udma_strict_mode, &unset, mode, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			mode = unset;	/* udma_set_strict came first */
	}
	return (enum udma_strict)mode;
}

void udma_set_strict(enum udma_strict mode)
{
	if ((unsigned int)mode > UDMA_STRICT_ABORT) {
		udma_diag(__func__, "mode %d is not an enum udma_strict", (int)mode);
		return;
	}
	__atomic_store_n(&udma_strict_mode, (int)mode, __ATOMIC_RELEASE);
}

void udma_misuse(struct dma_chan *chan, const char *func, enum udma_misuse kind,
		 const char *fmt, ...)
{
	enum udma_strict mode = udma_get_strict();
	char msg[384];
	va_list ap;

	if (mode != UDMA_STRICT_OFF && chan) {
		unsigned int bit = 1u << kind;

		if (__atomic_fetch_or(&chan->udma_reported, bit, __ATOMIC_RELAXED) & bit)
			return;	/* said once for this channel */
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (mode == UDMA_STRICT_OFF)
		udma_chan_diag(chan, func, "%s", msg);
	else
		udma_chan_diag(chan, func, "misuse: %s%s", msg,
			       mode == UDMA_STRICT_ABORT ? " (UDMA_STRICT=abort: aborting)" : "");
	if (mode == UDMA_STRICT_ABORT)
		abort();
}

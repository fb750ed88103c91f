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
 * udma_strict_now (<udma/provider-private.h>) on every prep. */
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
	/* acquire: pairs with udma_set_strict's smp_store_release and the
	 * try_cmpxchg below */
	int mode = smp_load_acquire(&udma_strict_mode);

	if (mode < 0) {
		int unset = -1;

		mode = (int)from_env();
		/* The environment's answer, unless udma_set_strict came first.
		 * Fully ordered: it was acquire+release, which the kernel has no
		 * name for. A failure only takes the mode it found, one word
		 * with nothing behind it: its relaxed load is enough. */
		if (!try_cmpxchg(&udma_strict_mode, &unset, mode))
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
	/* release: pairs with the smp_load_acquire in udma_get_strict and
	 * udma_strict_now */
	smp_store_release(&udma_strict_mode, (int)mode);
}

void udma_misuse(struct dma_chan *chan, const char *func, enum udma_misuse kind,
		 const char *fmt, ...)
{
	enum udma_strict mode = udma_get_strict();
	char msg[384];
	va_list ap;

	if (mode != UDMA_STRICT_OFF && chan) {
		unsigned int bit = 1u << kind;

		/* relaxed: a once-only flag, guarding no data */
		if (udma_fetch_or_relaxed(&chan->udma.reported, bit) & bit)
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

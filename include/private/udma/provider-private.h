/* SPDX-License-Identifier: MIT */
/*
 * The core's checking rules, for the providers built into libudmaengine:
 * the strict mode (how hard client misuse is looked for and how it is
 * reported), the report itself, and the flags a batch copy is prepared
 * with. A provider that takes a fast path of its own past the core's
 * checks (the soft controller's batch submit, its plain copies) applies
 * the same rules through these, so clients see one behaviour whichever
 * path served them.
 *
 * Private to the source tree (include/private is never installed), as
 * <udma/provider-private.h>; core/internal.h includes it. Nothing here is
 * exported from libudmaengine.so and udma_strict_mode is hidden, so only
 * code linked into the library itself may use it; a provider built as a
 * library of its own asks udma_get_strict() of <udmaengine/dmaengine.h>.
 */
#ifndef UDMA_PRIVATE_PROVIDER_PRIVATE_H
#define UDMA_PRIVATE_PROVIDER_PRIVATE_H

#include <stdbool.h>

#include <udmaengine/dmaengine.h>

#include <udma/atomic.h>

/* Misuses udma_misuse reports; one bit each in dma_chan.udma.reported. */
enum udma_misuse {
	MISUSE_SYNC_IN_CALLBACK,	/* terminate_sync / synchronize / release in a callback */
	MISUSE_ISSUE_BETWEEN,		/* issue_pending between terminate_async and synchronize */
	MISUSE_RELEASE_UNSYNCED,	/* release after terminate_async without synchronize */
	MISUSE_RESUME_UNPAUSED,		/* resume of a channel not paused */
	MISUSE_DOUBLE_SUBMIT,		/* submit of a queued descriptor */
	MISUSE_FREED_DESC,		/* use of a freed descriptor */
	MISUSE_UNSUBMITTED_PREP,	/* prep while the previous prep was never submitted */
};

/*
 * Reports a misuse: every time in UDMA_STRICT_OFF, once per channel and
 * kind in strict mode, then abort() in UDMA_STRICT_ABORT. @chan may be NULL.
 */
void udma_misuse(struct dma_chan *chan, const char *func, enum udma_misuse kind,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5), cold));

/* udma_get_strict, inline: the mode once it is known (strict.c). */
extern int udma_strict_mode __attribute__((visibility("hidden")));

static inline enum udma_strict udma_strict_now(void)
{
	/* acquire: pairs with udma_set_strict's smp_store_release (strict.c) */
	int mode = smp_load_acquire(&udma_strict_mode);

	return mode >= 0 ? (enum udma_strict)mode : udma_get_strict();
}

/* A batch copy's prep flags: the batch's, and DMA_PREP_INTERRUPT when it
 * has a callback, as a client asking for one sets it (batch.c, providers). */
static inline unsigned long udma_copy_flags(const struct udma_copy *c, unsigned long flags)
{
	return c->callback || c->callback_result ? flags | DMA_PREP_INTERRUPT : flags;
}

#endif /* UDMA_PRIVATE_PROVIDER_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * fork(): a child has one thread, the one that forked. The controllers'
 * threads and the tasklet pool stayed in the parent, and any lock one of
 * them held is held forever in the child, so nothing udmaengine made
 * before the fork can work there, and nothing new either (no tasklet would
 * ever run a callback). Rather than let the child wait forever on a thread
 * that is not there, every call it makes fails at once with a diagnostic
 * (R11): channels answer -ENODEV, requests and creates fail, release and
 * destroy leave things as they are. A process that forks before it first
 * uses udmaengine is not affected, and exec starts afresh.
 */
#include <pthread.h>

#include "internal.h"

int udma_forked;
static pthread_once_t watch_once = PTHREAD_ONCE_INIT;

static void in_child(void)
{
	/* relaxed: the child has this one thread */
	WRITE_ONCE(udma_forked, UDMA_CHAN_GONE);
}

static void watch(void)
{
	pthread_atfork(NULL, NULL, in_child);
}

void udma_fork_watch(void)
{
	pthread_once(&watch_once, watch);
}

bool udma_forked_child(const char *func)
{
	if (__builtin_expect(!READ_ONCE(udma_forked), 1))
		return false;
	udma_diag(func, "called in a child of fork(): udmaengine's threads stayed in the parent, "
		  "so nothing here can run (use udmaengine in the parent, or exec first)");
	return true;
}

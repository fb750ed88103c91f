/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: every refused call reports exactly one line naming the channel,
 * the entry point and what was wrong, to stderr or the program's handler.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct diag_sink {
	udma_diag_handler_t fn;
	void *arg;
};

/* Replaced whole under the lock so fn and arg always match. */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static struct diag_sink sink;
static atomic_long_t diag_count;	/* a statistic: relaxed */

void udma_set_diag_handler(udma_diag_handler_t fn, void *arg)
{
	udma_mutex_lock(&sink_lock);
	sink.fn = fn;
	sink.arg = arg;
	udma_mutex_unlock(&sink_lock);
}

unsigned long udma_diag_count(void)
{
	return (unsigned long)atomic_long_read(&diag_count);
}

_Thread_local const char *udma_diag_caller;

/* Between udma_diag_once_begin and _end: a line the same as the last one
 * this thread reported there is not reported again. */
static _Thread_local int once_depth;
static _Thread_local bool once_have;
static _Thread_local char once_last[512];

void udma_diag_once_begin(void)
{
	if (once_depth++ == 0)
		once_have = false;
}

void udma_diag_once_end(void)
{
	once_depth--;
}

static void emit(const char *chan_name, const char *func, const char *fmt, va_list ap)
{
	char msg[384], line[512];
	struct diag_sink s;

	if (udma_diag_caller)
		func = udma_diag_caller;	/* the call the client made, not the op */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (chan_name)
		snprintf(line, sizeof(line), "udmaengine: %s: %s: %s", chan_name, func, msg);
	else
		snprintf(line, sizeof(line), "udmaengine: %s: %s", func, msg);
	if (once_depth) {
		if (once_have && !strcmp(line, once_last))
			return;
		snprintf(once_last, sizeof(once_last), "%s", line);
		once_have = true;
	}

	atomic_long_inc(&diag_count);
	udma_mutex_lock(&sink_lock);
	s = sink;
	udma_mutex_unlock(&sink_lock);
	if (s.fn)
		s.fn(s.arg, line);
	else
		fprintf(stderr, "%s\n", line);
}

void udma_chan_diag(const struct dma_chan *chan, const char *func, const char *fmt, ...)
{
	va_list ap;
	const char *name = NULL;

	if (chan && !IS_ERR(chan))
		name = chan->udma.name[0] ? chan->udma.name : "(unregistered channel)";
	va_start(ap, fmt);
	emit(name, func, fmt, ap);
	va_end(ap);
}

void udma_diag(const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, func, fmt, ap);
	va_end(ap);
}

/* SPDX-License-Identifier: MIT */
/*
 * Tasklets: the deferred context in which completion callbacks run.
 *
 * As in the kernel, a scheduled tasklet runs once soon after, on a thread of
 * the tasklet pool (never on the thread that scheduled it), and one tasklet
 * never runs on two threads at once. Scheduling an already scheduled tasklet
 * is a no-op; scheduling a running one makes it run once more afterwards.
 */
#ifndef UDMAENGINE_TASKLET_H
#define UDMAENGINE_TASKLET_H

#include <stdbool.h>
#include <udmaengine/list.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tasklet_struct {
	struct tasklet_struct *next;	/* run queue link, owned by the pool */
	int state;			/* TASKLET_STATE_* bits, atomic */
	int count;			/* > 0: disabled, atomic */
	bool use_callback;
	void (*callback)(struct tasklet_struct *t);
	void (*func)(unsigned long data);
	unsigned long data;
};

enum {
	TASKLET_STATE_SCHED = 1 << 0,	/* on the run queue, or due to run again */
	TASKLET_STATE_RUN = 1 << 1,	/* running on a pool thread now */
};

#define from_tasklet(var, callback_tasklet, type, tasklet_fieldname) \
	container_of(callback_tasklet, type, tasklet_fieldname)

void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *));
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);
void tasklet_schedule(struct tasklet_struct *t);
void tasklet_hi_schedule(struct tasklet_struct *t);
/*
 * Waits until @t is neither scheduled nor running. Must not be called from
 * @t itself (it would wait for itself); from any tasklet it is refused with
 * a diagnostic, since two tasklets killing each other would deadlock.
 */
void tasklet_kill(struct tasklet_struct *t);
void tasklet_disable(struct tasklet_struct *t);
void tasklet_enable(struct tasklet_struct *t);

/* True on a tasklet pool thread while it runs a tasklet (callback context). */
bool udma_in_tasklet(void);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_TASKLET_H */

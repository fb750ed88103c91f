/* SPDX-License-Identifier: MIT */
/*
 * The tasklet pool: the threads on which completion callbacks run.
 *
 * A tasklet's state word carries two bits. SCHED means "will run": set by
 * tasklet_schedule, cleared by the pool thread once it is sure to run it.
 * RUN means "claimed by a pool thread, running now". A tasklet is on the run queue only while SCHED is
 * set and RUN is clear; one scheduled while it runs is re-queued by the
 * thread running it when it finishes. So a tasklet never runs on two threads
 * at once and never misses a schedule.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <stdio.h>

#include <udmaengine/tasklet.h>
#include "internal.h"
#include <udma/poll.h>
#include <udma/trace-hooks.h>

#define POOL_MAX 64

/* A pool thread; on a small machine, one per CPU and bound to it. */
struct pool_thread {
	struct udma_park park;		/* it waits for work here */
	int cpu;			/* READ_ONCE: the CPU it is bound to, or -1 */
};

struct tasklet_pool {
	pthread_mutex_t lock;		/* protects the run queue */
	struct tasklet_struct *head;	/* run queue, FIFO */
	struct tasklet_struct *tail;
	atomic_t queued;		/* tasklets on the run queue */
	struct pool_thread threads[POOL_MAX];
	int nthreads;			/* set before any thread starts */

	atomic_t spinner;		/* a pool thread is polling the queue */

	atomic_t killers;		/* threads in tasklet_kill */
	struct udma_park done;		/* tasklet_kill parks here */
};

static struct tasklet_pool pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static _Thread_local struct tasklet_struct *running_here;
static _Thread_local bool woke_pool;	/* this thread woke a parked pool thread */

bool udma_in_tasklet(void)
{
	return running_here != NULL;
}

/* Acquire: pairs with the release of RUN's clearing in run_one, so that a
 * waiter that sees the tasklet idle sees everything its last run did. */
static int tasklet_state(struct tasklet_struct *t)
{
	return smp_load_acquire(&t->state);
}

static int bound_cpu(int i)
{
	return READ_ONCE(pool.threads[i].cpu);
}

/*
 * Wakes one parked pool thread: the one bound to this CPU first, as the
 * kernel runs a tasklet on the CPU that scheduled it. On a small machine
 * the waker (a controller thread) then yields, and the callbacks run on its
 * CPU at once, instead of waiting for a busy client's CPU.
 */
static void wake_one(void)
{
	int first = 0, cpu = bound_cpu(0) >= 0 && !udma_sim() ? sched_getcpu() : -1;

	for (int i = 0; cpu >= 0 && i < pool.nthreads; i++)
		if (bound_cpu(i) == cpu)
			first = i;
	for (int i = 0; i < pool.nthreads; i++) {
		if (udma_park_wake(&pool.threads[(first + i) % pool.nthreads].park)) {
			woke_pool = true;
			return;
		}
	}
}

static void enqueue(struct tasklet_struct *t)
{
	udma_mutex_lock(&pool.lock);
	t->next = NULL;
	if (pool.tail)
		pool.tail->next = t;
	else
		pool.head = t;
	pool.tail = t;
	/* pool.lock orders the queue itself. Full barrier: the count, which
	 * work_queued reads, before wake_one's looks at the pool threads'
	 * waiters (udma_park_wake), pairing with udma_park_wait's after its
	 * waiters++; the unlock between is only a release. */
	atomic_inc(&pool.queued);
	smp_mb__after_atomic();
	udma_mutex_unlock(&pool.lock);
	wake_one();
}

bool udma_tasklet_took_cpu(void)
{
	bool woke = woke_pool;

	woke_pool = false;
	return woke && udma_cpus_scarce() && !udma_sim();
}

static struct tasklet_struct *dequeue(void)
{
	struct tasklet_struct *t;

	/* relaxed: a hint; the queue itself is read under pool.lock */
	if (atomic_read(&pool.queued) == 0)
		return NULL;
	udma_mutex_lock(&pool.lock);
	t = pool.head;
	if (t) {
		pool.head = t->next;
		if (!pool.head)
			pool.tail = NULL;
		atomic_dec(&pool.queued);
	}
	udma_mutex_unlock(&pool.lock);
	return t;
}

static bool work_queued(void *unused)
{
	(void)unused;
	/* relaxed: udma_park_wait's barriers order it against enqueue's
	 * count; what is queued is read under pool.lock */
	return atomic_read(&pool.queued) != 0;
}

static void run_one(struct tasklet_struct *t)
{
	int old;

	/*
	 * Claim with RUN first, then look at count: pairs with tasklet_disable
	 * raising count, then waiting for RUN to clear, so a disabled tasklet
	 * never starts. SCHED stays set until the run is certain.
	 */
	udma_fetch_or_relaxed(&t->state, TASKLET_STATE_RUN);
	/*
	 * Full barrier, RUN before the load of count: pairs with the one in
	 * tasklet_disable, between its count and its load of state (a store
	 * then a load on each side: one of them sees the other's). The
	 * acquire pairs with tasklet_enable's release: the callback sees
	 * what was done while the tasklet was disabled.
	 */
	smp_mb__after_atomic();
	if (smp_load_acquire(&t->count)) {
		/* Disabled: stays scheduled, untouched, and is looked at again later.
		 * Release: pairs with tasklet_state's acquire in tasklet_disable. */
		udma_fetch_and_release(&t->state, ~TASKLET_STATE_RUN);
		enqueue(t);
		udma_yield();	/* don't spin on it */
		return;
	}
	/* Acquire: pairs with the release in tasklet_schedule's fully ordered
	 * RMW. A schedule that found SCHED still set and returned is in this
	 * RMW's chain, so the callback sees what was published before it. */
	udma_fetch_and_acquire(&t->state, ~TASKLET_STATE_SCHED);

	running_here = t;
	if (t->use_callback)
		t->callback(t);
	else
		t->func(t->data);
	running_here = NULL;

	/* Scheduled while it ran: once more. After this, @t may be freed. */
	/*
	 * Fully ordered. Release: pairs with tasklet_state's acquire (kill,
	 * disable: after them the run is over, its effects seen). Full: RUN's
	 * clearing before the load of killers pairs with the barrier after
	 * tasklet_kill's count, before its look at state (a store then a
	 * load on each side): either this sees the killer and wakes it, or
	 * the killer sees the tasklet idle.
	 */
	old = udma_fetch_and(&t->state, ~TASKLET_STATE_RUN);
	if (old & TASKLET_STATE_SCHED)
		enqueue(t);
	if (atomic_read(&pool.killers))
		udma_park_wake(&pool.done);
}

/*
 * One idle pool thread at a time polls the queue before parking; the others
 * park at once. On a small machine that keeps the pool from taking CPU time
 * from the submitter and the controller while it waits.
 */
static void *pool_thread(void *arg)
{
	struct pool_thread *self = arg;

	udma_trace_thread_role(UDMA_TRACE_TASKLET, NULL, (int)(self - pool.threads));
	for (;;) {
		struct tasklet_struct *t = dequeue();
		int idle = 0;

		if (t) {
			run_one(t);
			continue;
		}
		/* A token that guards no data: acquire and release (pairs with
		 * the atomic_set_release below, the previous holder's) only
		 * keep the polling between its taking and its return. */
		if (atomic_try_cmpxchg_acquire(&pool.spinner, &idle, 1)) {
			udma_park_wait(&self->park, work_queued, NULL, udma_tasklet_poll_ns());
			atomic_set_release(&pool.spinner, 0);
		} else {
			udma_park_wait(&self->park, work_queued, NULL, 0);
		}
	}
	return NULL;
}

static void pool_start(void)
{
	const char *s = getenv("UDMA_TASKLET_THREADS");
	/* Half the CPUs: the other half submit and run the controllers. */
	long n = s ? strtol(s, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN) / 2;
	int cpus[POOL_MAX], ncpus = 0;
	sigset_t all, old;
	pthread_attr_t attr;
	cpu_set_t allowed;

	udma_fork_watch();	/* the pool's threads will not be in a child */

	if (n < 1)
		n = 1;
	if (n > 4 && !s)
		n = 4;
	if (n > POOL_MAX)
		n = POOL_MAX;
	if (udma_sim() && !s)
		n = 2;	/* the same pool on every machine: the same schedules */
	/* A small machine: a thread per CPU this process may use, bound to it. */
	if (!s && !udma_sim() && udma_cpus_scarce() && !sched_getaffinity(0, sizeof(allowed), &allowed)) {
		for (int c = 0; c < CPU_SETSIZE && ncpus < POOL_MAX; c++)
			if (CPU_ISSET(c, &allowed))
				cpus[ncpus++] = c;
		if (ncpus > 1)
			n = ncpus;
		else
			ncpus = 0;
	}
	for (long i = 0; i < n; i++) {
		udma_park_init(&pool.threads[i].park);
		pool.threads[i].cpu = ncpus ? cpus[i] : -1;
	}
	pool.nthreads = (int)n;
	udma_park_init(&pool.done);

	/* Pool threads take no signals: the program's handlers run elsewhere. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < n; i++) {
		pthread_t tid;
		int err = -1;
		char name[16];

		snprintf(name, sizeof(name), "tasklet%ld", i);
		if (ncpus) {	/* born bound, so it never runs elsewhere */
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(cpus[i], &one);
			pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
			err = udma_sim_thread_create(&tid, &attr, name, pool_thread, &pool.threads[i]);
			pthread_attr_setaffinity_np(&attr, sizeof(allowed), &allowed);
			if (err)	/* not bound: still a pool thread */
				WRITE_ONCE(pool.threads[i].cpu, -1);
		}
		if (err && udma_sim_thread_create(&tid, &attr, name, pool_thread, &pool.threads[i])) {
			if (i == 0)
				abort();	/* no context to run any callback in */
			break;
		}
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *))
{
	/*
	 * Start the pool now, not at the first tasklet_schedule: that one
	 * comes from a controller's hardware thread, under its channel lock,
	 * and thread creation there (tens of ms under sanitizers) stalls the
	 * first transfer enough to underrun a FIFO.
	 */
	pthread_once(&pool_once, pool_start);
	t->next = NULL;
	t->state = 0;
	t->count = 0;
	t->use_callback = true;
	t->callback = callback;
	t->func = NULL;
	t->data = 0;
}

void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data)
{
	tasklet_setup(t, NULL);
	t->use_callback = false;
	t->func = func;
	t->data = data;
}

void tasklet_schedule(struct tasklet_struct *t)
{
	/*
	 * Fully ordered, as the kernel's (test_and_set_bit): callers may
	 * order their own accesses against it. Its release pairs with the
	 * acquire of SCHED's clearing in run_one.
	 */
	int old = udma_fetch_or(&t->state, TASKLET_STATE_SCHED);

	/* Already queued, or running: its runner re-queues it. */
	if (old & (TASKLET_STATE_SCHED | TASKLET_STATE_RUN))
		return;
	pthread_once(&pool_once, pool_start);
	enqueue(t);
}

void tasklet_hi_schedule(struct tasklet_struct *t)
{
	tasklet_schedule(t);
}

struct kill_wait {
	struct tasklet_struct *t;
};

static bool tasklet_idle(void *arg)
{
	struct kill_wait *kw = arg;

	return !(tasklet_state(kw->t) & (TASKLET_STATE_SCHED | TASKLET_STATE_RUN));
}

void tasklet_kill(struct tasklet_struct *t)
{
	struct kill_wait kw = { t };

	if (udma_in_tasklet()) {
		udma_diag(__func__, "called from tasklet context: it would wait for a tasklet that may be waiting for it; refused");
		return;
	}
	if (tasklet_idle(&kw))
		return;
	pthread_once(&pool_once, pool_start);
	atomic_inc(&pool.killers);
	/* Full barrier, the count before tasklet_idle's look at state: pairs
	 * with run_one's fully ordered clearing of RUN, before its load of
	 * killers. */
	smp_mb__after_atomic();
	udma_park_wait(&pool.done, tasklet_idle, &kw, udma_poll_ns());
	atomic_dec(&pool.killers);	/* relaxed: a stale count costs a wake-up */
}

void tasklet_disable(struct tasklet_struct *t)
{
	struct kill_wait kw = { t };

	udma_fetch_add_relaxed(&t->count, 1);
	/* Full barrier, count before the load of state: pairs with the one
	 * in run_one, between RUN and its load of count. */
	smp_mb__after_atomic();
	/* As in the kernel: wait for a run in progress to end. */
	if (running_here != t) {
		while (tasklet_state(kw.t) & TASKLET_STATE_RUN)
			udma_yield();
	}
}

void tasklet_enable(struct tasklet_struct *t)
{
	/* Release: pairs with run_one's acquire load of count. */
	udma_fetch_sub_release(&t->count, 1);
}

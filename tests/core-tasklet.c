/* SPDX-License-Identifier: MIT */
/* Tasklets: a schedule runs once, reschedules coalesce, never two runs at once, tasklet_kill waits, disable defers. */
#include <udmaengine/provider.h>

#include "helpers.h"

static _Thread_local bool is_scheduler;	/* set on threads that schedule */

struct probe {
	struct tasklet_struct t;
	struct t_counter runs;
	struct t_counter started;
	int in_flight;		/* atomic */
	int max_in_flight;	/* atomic */
	int bad_context;	/* atomic: ran on a scheduler, or !udma_in_tasklet() */
	/* first run blocks until released */
	int block_first;	/* atomic */
	pthread_mutex_t gate_lock;
	pthread_cond_t gate_cond;
	bool gate_open;
	int finished;		/* atomic: runs that returned */
	unsigned int spin_us;	/* sleep in the body */
	uint64_t busy_ns;	/* busy-wait in the body */
	unsigned long data_seen;	/* tasklet_init data */
};

static void probe_body(struct probe *p)
{
	int now = __atomic_add_fetch(&p->in_flight, 1, __ATOMIC_SEQ_CST);
	int max = __atomic_load_n(&p->max_in_flight, __ATOMIC_SEQ_CST);

	while (now > max && !__atomic_compare_exchange_n(&p->max_in_flight, &max, now, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	if (is_scheduler || !udma_in_tasklet())
		__atomic_fetch_add(&p->bad_context, 1, __ATOMIC_SEQ_CST);
	t_counter_bump(&p->started);
	if (__atomic_exchange_n(&p->block_first, 0, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&p->gate_lock);
		while (!p->gate_open)
			pthread_cond_wait(&p->gate_cond, &p->gate_lock);
		pthread_mutex_unlock(&p->gate_lock);
	}
	if (p->spin_us)
		t_sleep_us(p->spin_us);
	if (p->busy_ns) {
		uint64_t end = t_now_ns() + p->busy_ns;

		while (t_now_ns() < end)
			;
	}
	__atomic_sub_fetch(&p->in_flight, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&p->finished, 1, __ATOMIC_SEQ_CST);
	t_counter_bump(&p->runs);
}

static void probe_cb(struct tasklet_struct *t)
{
	probe_body(from_tasklet(p, t, struct probe, t));
}

static struct probe *g_init_probe;

static void probe_func(unsigned long data)
{
	g_init_probe->data_seen = data;
	probe_body(g_init_probe);
}

static void probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	t_counter_init(&p->runs);
	t_counter_init(&p->started);
	pthread_mutex_init(&p->gate_lock, NULL);
	pthread_cond_init(&p->gate_cond, NULL);
	tasklet_setup(&p->t, probe_cb);
}

static void gate_open(struct probe *p)
{
	pthread_mutex_lock(&p->gate_lock);
	p->gate_open = true;
	pthread_cond_broadcast(&p->gate_cond);
	pthread_mutex_unlock(&p->gate_lock);
}

static int state_of(struct probe *p)
{
	return __atomic_load_n(&p->t.state, __ATOMIC_SEQ_CST);
}

/* One schedule, one run, off the scheduling thread; tasklet_init passes data. */
static void runs_once(void)
{
	struct probe p;

	probe_init(&p);
	tasklet_schedule(&p.t);
	CHECK(t_counter_wait(&p.runs, 1, 10000));
	t_sleep_us(20000);	/* the point: no second run */
	CHECK_EQ(t_counter_get(&p.runs), 1);
	CHECK_EQ(state_of(&p), 0);
	tasklet_kill(&p.t);	/* before p is reused */

	/* tasklet_init: func(data) */
	probe_init(&p);
	g_init_probe = &p;
	tasklet_init(&p.t, probe_func, 0xfeedul);
	tasklet_hi_schedule(&p.t);
	CHECK(t_counter_wait(&p.runs, 1, 10000));
	tasklet_kill(&p.t);
	CHECK_EQ(p.data_seen, 0xfeedul);
	CHECK_EQ(t_counter_get(&p.runs), 1);
	CHECK_EQ(__atomic_load_n(&p.bad_context, __ATOMIC_SEQ_CST), 0);
}

/*
 * Scheduled while running: it runs once more afterwards. Scheduled again
 * while that rerun is still pending: nothing more, the schedules coalesce.
 */
static void while_running(void)
{
	struct probe p;

	probe_init(&p);
	p.block_first = 1;
	tasklet_schedule(&p.t);
	CHECK(t_counter_wait(&p.started, 1, 10000));	/* running, blocked */
	CHECK(state_of(&p) & TASKLET_STATE_RUN);
	tasklet_schedule(&p.t);
	CHECK(state_of(&p) & TASKLET_STATE_SCHED);
	tasklet_schedule(&p.t);
	tasklet_schedule(&p.t);
	t_sleep_us(20000);	/* the point: the rerun waits for the first run */
	CHECK_EQ(t_counter_get(&p.started), 1);
	gate_open(&p);
	CHECK(t_counter_wait(&p.runs, 2, 10000));
	tasklet_kill(&p.t);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&p.runs), 2);
	CHECK_EQ(__atomic_load_n(&p.max_in_flight, __ATOMIC_SEQ_CST), 1);
	CHECK_EQ(state_of(&p), 0);
}

/* Disabled: scheduled, but runs only after tasklet_enable, and once. */
static void disabled(void)
{
	struct probe p;

	probe_init(&p);
	tasklet_disable(&p.t);
	tasklet_schedule(&p.t);
	tasklet_schedule(&p.t);
	t_sleep_us(20000);	/* the point: a disabled tasklet does not run */
	CHECK_EQ(t_counter_get(&p.started), 0);
	CHECK(state_of(&p) & TASKLET_STATE_SCHED);
	tasklet_schedule(&p.t);
	tasklet_enable(&p.t);
	CHECK(t_counter_wait(&p.runs, 1, 10000));
	tasklet_kill(&p.t);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&p.runs), 1);

	/* tasklet_disable waits for a run in progress to end */
	probe_init(&p);
	p.spin_us = 30000;
	tasklet_schedule(&p.t);
	CHECK(t_counter_wait(&p.started, 1, 10000));
	tasklet_disable(&p.t);
	CHECK_EQ(__atomic_load_n(&p.finished, __ATOMIC_SEQ_CST), 1);
	tasklet_enable(&p.t);
	tasklet_kill(&p.t);
}

/* tasklet_kill returns only once the tasklet is neither scheduled nor running. */
static void kill_waits(void)
{
	struct probe p;

	probe_init(&p);
	tasklet_kill(&p.t);	/* idle: returns at once */
	p.block_first = 1;
	p.spin_us = 5000;
	tasklet_schedule(&p.t);
	CHECK(t_counter_wait(&p.started, 1, 10000));
	tasklet_schedule(&p.t);	/* a rerun is due too */
	gate_open(&p);		/* racing with the kill below */
	tasklet_kill(&p.t);
	CHECK_EQ(__atomic_load_n(&p.finished, __ATOMIC_SEQ_CST), 2);
	CHECK_EQ(state_of(&p), 0);
	t_sleep_us(20000);
	CHECK_EQ(t_counter_get(&p.runs), 2);
}

/* From a tasklet, tasklet_kill is refused with a diagnostic and returns. */
struct killer {
	struct tasklet_struct t;
	struct tasklet_struct *victim;
	int diags;	/* diagnostics the kill reported */
	struct t_counter done;
};

static void killer_cb(struct tasklet_struct *t)
{
	struct killer *k = from_tasklet(k, t, struct killer, t);
	int before = t_diag_count();

	tasklet_kill(k->victim);	/* would wait for itself: refused */
	k->diags = t_diag_count() - before;
	t_counter_bump(&k->done);
}

static void kill_from_tasklet(void)
{
	struct killer k, other;
	struct probe p;

	memset(&k, 0, sizeof(k));
	t_counter_init(&k.done);
	tasklet_setup(&k.t, killer_cb);
	k.victim = &k.t;
	t_diag_reset();
	tasklet_schedule(&k.t);
	CHECK(t_counter_wait(&k.done, 1, 10000));
	tasklet_kill(&k.t);
	CHECK_EQ(k.diags, 1);
	CHECK_DIAG("tasklet_kill");
	CHECK_DIAG("tasklet context");

	/* killing another, blocked tasklet from a tasklet: refused too, no deadlock */
	probe_init(&p);
	p.block_first = 1;
	tasklet_schedule(&p.t);
	CHECK(t_counter_wait(&p.started, 1, 10000));
	memset(&other, 0, sizeof(other));
	t_counter_init(&other.done);
	tasklet_setup(&other.t, killer_cb);
	other.victim = &p.t;
	t_diag_reset();
	tasklet_schedule(&other.t);
	CHECK(t_counter_wait(&other.done, 1, 10000));
	CHECK_EQ(other.diags, 1);
	CHECK_DIAG("tasklet context");
	gate_open(&p);
	tasklet_kill(&p.t);
	tasklet_kill(&other.t);
	CHECK_EQ(t_counter_get(&p.runs), 1);
}

/* Four threads schedule it 10000 times each: never two runs at once. */
#define THREADS 4
#define SCHEDULES 10000

static void *scheduler_thread(void *arg)
{
	struct probe *p = arg;

	is_scheduler = true;
	for (int i = 0; i < SCHEDULES; i++) {
		uint64_t end = t_now_ns() + 1000;

		tasklet_schedule(&p->t);
		while (t_now_ns() < end)	/* spread the schedules over the runs */
			;
		if ((i & 255) == 0)
			sched_yield();
	}
	return NULL;
}

static int hammer(void)
{
	pthread_t tids[THREADS];
	struct probe p;
	int runs;

	probe_init(&p);
	p.busy_ns = 3000;	/* a window for a second runner to get in */
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&tids[i], NULL, scheduler_thread, &p) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(tids[i], NULL);
	tasklet_kill(&p.t);
	CHECK_EQ(state_of(&p), 0);
	runs = t_counter_get(&p.runs);
	CHECK(runs >= 1 && runs <= THREADS * SCHEDULES);
	CHECK_EQ(__atomic_load_n(&p.finished, __ATOMIC_SEQ_CST), runs);
	t_sleep_us(20000);	/* the point: nothing after tasklet_kill */
	CHECK_EQ(t_counter_get(&p.runs), runs);
	CHECK_EQ(__atomic_load_n(&p.max_in_flight, __ATOMIC_SEQ_CST), 1);
	CHECK_EQ(__atomic_load_n(&p.bad_context, __ATOMIC_SEQ_CST), 0);
	return runs;
}

int main(void)
{
	int runs;

	/* Several pool threads, so a tasklet could run twice at once if the
	 * library let it (the default here may be a single thread). */
	setenv("UDMA_TASKLET_THREADS", "4", 1);
	t_diag_capture();
	is_scheduler = true;	/* main schedules too */
	CHECK(!udma_in_tasklet());
	runs_once();
	while_running();
	disabled();
	kill_waits();
	kill_from_tasklet();
	runs = hammer();
	udma_set_diag_handler(NULL, NULL);
	printf("core-tasklet: runs once per schedule, coalesces, reruns after a running schedule, "
	       "disable defers, kill waits and is refused in tasklets; %d schedules gave %d "
	       "serial runs\n", THREADS * SCHEDULES, runs);
	return 0;
}

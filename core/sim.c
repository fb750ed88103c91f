/* SPDX-License-Identifier: MIT */
/*
 * Sim mode's scheduler: one thread at a time, switching only at
 * udmaengine's synchronization points, in simulated time.
 *
 * Every scheduled thread is a real thread that waits on its own futex word
 * (go) for its turn. The thread whose turn it is (the token holder) is the
 * only one that reads or writes the scheduler's state, so none of it needs
 * a lock: the hand-off is a release store of the next thread's go and its
 * acquire load, which also orders, for ThreadSanitizer, everything the two
 * threads do around it.
 *
 * At each point the holder picks the next thread among the runnable ones:
 *   random  uniformly, from the seeded generator;
 *   pct     the runnable thread of highest priority; priorities are random
 *           and d - 1 seeded change points lower the running thread's
 *           (Burckhardt et al., ASPLOS 2010): a bug of depth d is found
 *           with probability at least 1 / (n * k^(d-1)).
 * Time moves by UDMA_SIM_STEP_NS per point (a thread that polls sees the
 * clock move) and jumps to the next deadline when every thread waits.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <udma/atomic.h>
#include <udma/sim.h>
#include <udmaengine/spinlock.h>

#include "sim-internal.h"

int udma_sim_on;

enum { T_RUNNABLE, T_BLOCKED, T_SLEEPING, T_DONE };

#define SIM_THREADS_MAX 256
#define SIM_LOG 4096		/* scheduling decisions kept for UDMA_SIM_LOG */
#define SIM_CHANGES_MAX 16	/* pct: change points */

struct sim_thread {
	int id;
	int state;
	char name[24];
	unsigned int go;	/* atomic, the futex word: 1 when it is this thread's turn */
	const void *obj;	/* T_BLOCKED: what it waits for */
	uint64_t wake_at;	/* T_SLEEPING, T_BLOCKED: UINT64_MAX for never */
	bool timed_out;
	uint64_t prio;		/* pct */
	uint64_t yield_ns;	/* the next udma_sim_yield's sleep: doubles while it polls */
	pthread_t pthread;
	void *(*fn)(void *);
	void *arg;
};

struct sim_log {
	uint64_t step, now;
	int tid, next;		/* the thread at the point, the one that ran after it */
	const char *what;	/* the point */
	const void *pc;		/* where it was called from */
};

static struct {
	uint64_t seed, rng;
	bool pct;
	unsigned int depth;
	uint64_t change_at[SIM_CHANGES_MAX];
	uint64_t now, step_ns, burst_ns, bytes_per_s, limit_ns;
	uint64_t steps;		/* atomic (the watchdog reads it): points passed */
	uint64_t switches, digest;
	int nthreads;
	struct sim_thread *threads[SIM_THREADS_MAX];
	struct sim_thread *current;
	struct sim_log log[SIM_LOG];
	unsigned int log_show;	/* UDMA_SIM_LOG: decisions printed at the end */
	unsigned int watchdog_s;
	unsigned int violations;
	bool exiting;
} sim;

static __thread struct sim_thread *self;

/* ---- the generator: splitmix64, so seeds 1, 2, 3 give unrelated streams ---- */

static uint64_t next_random(void)
{
	uint64_t z = (sim.rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- hand-off ---- */

static void futex_wait(unsigned int *word, unsigned int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(unsigned int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void wait_turn(struct sim_thread *t)
{
	/* acquire: pairs with hand_to's release, after everything the last
	 * holder did */
	while (!smp_load_acquire(&t->go))
		futex_wait(&t->go, 0);
	WRITE_ONCE(t->go, 0);	/* only the next hand_to, ours, sets it again */
}

static void hand_to(struct sim_thread *next)
{
	__atomic_store_n(&sim.current, next, __ATOMIC_RELAXED);	/* the watchdog reads it */
	smp_store_release(&next->go, 1);
	futex_wake(&next->go);
}

/* ---- reports ---- */

static void log_line(const struct sim_log *l)
{
	Dl_info info;
	char where[160] = "";

	if (l->pc && dladdr(l->pc, &info) && info.dli_fname) {
		const char *base = strrchr(info.dli_fname, '/');

		snprintf(where, sizeof(where), " (%s+0x%lx)", base ? base + 1 : info.dli_fname,
			 (unsigned long)((const char *)l->pc - (const char *)info.dli_fbase));
	}
	fprintf(stderr, "udma-sim: #%llu t=%lluns %s at %s%s -> %s\n", (unsigned long long)l->step,
		(unsigned long long)l->now, sim.threads[l->tid]->name, l->what, where,
		l->next == l->tid ? "same" : sim.threads[l->next]->name);
}

/* The last @n scheduling decisions: which thread ran from which point. */
static void show_log(unsigned int n)
{
	uint64_t end = sim.steps, from;

	if (n > SIM_LOG)
		n = SIM_LOG;
	from = end > n ? end - n : 0;
	if (!n)
		return;
	fprintf(stderr, "udma-sim: the last %llu scheduling decisions: step, simulated time, the thread at a synchronization point (the caller's address: addr2line -fe FILE 0xOFFSET), the thread that ran next\n",
		(unsigned long long)(end - from));
	for (uint64_t s = from; s < end; s++)
		log_line(&sim.log[s % SIM_LOG]);
}

static void summary(void)
{
	fflush(stdout);
	fprintf(stderr,
		"udma-sim: seed=%llu strategy=%s switches=%llu steps=%llu threads=%d time=%llu.%09llus digest=%016llx violations=%u\n",
		(unsigned long long)sim.seed, sim.pct ? "pct" : "random",
		(unsigned long long)sim.switches, (unsigned long long)sim.steps, sim.nthreads,
		(unsigned long long)(sim.now / 1000000000u), (unsigned long long)(sim.now % 1000000000u),
		(unsigned long long)sim.digest, sim.violations);
}

/* A run that cannot go on (deadlock, time limit): says why, then ends it. */
static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("udma-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	show_log(sim.log_show ? sim.log_show : 32);
	summary();
	_exit(UDMA_SIM_EXIT_STUCK);
}

void udma_sim_violation(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("udma-sim: violation: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!sim.violations++)
		show_log(sim.log_show ? sim.log_show : 32);
}

static void at_exit(void)
{
	sim.exiting = true;
	if (sim.log_show)
		show_log(sim.log_show);
	summary();
	if (sim.violations) {
		fflush(NULL);
		_exit(UDMA_SIM_EXIT_VIOLATION);
	}
}

/* ---- picking the next thread ---- */

static void wake_expired(void)
{
	for (int i = 0; i < sim.nthreads; i++) {
		struct sim_thread *t = sim.threads[i];

		if ((t->state == T_SLEEPING || t->state == T_BLOCKED) && t->wake_at <= sim.now) {
			t->timed_out = t->state == T_BLOCKED;
			t->state = T_RUNNABLE;
		}
	}
}

static struct sim_thread *pick(void)
{
	struct sim_thread *best = NULL;
	int n = 0;

	for (int i = 0; i < sim.nthreads; i++) {
		struct sim_thread *t = sim.threads[i];

		if (t->state != T_RUNNABLE)
			continue;
		n++;
		if (sim.pct ? !best || t->prio > best->prio : 1)
			best = t;
	}
	if (sim.pct || n <= 1)
		return best;
	n = (int)(next_random() % (uint64_t)n);
	for (int i = 0; i < sim.nthreads; i++)
		if (sim.threads[i]->state == T_RUNNABLE && n-- == 0)
			return sim.threads[i];
	return NULL;
}

/* Everyone waits: the clock jumps to the first deadline. */
static void advance_to_deadline(void)
{
	uint64_t first = UINT64_MAX;

	for (int i = 0; i < sim.nthreads; i++) {
		struct sim_thread *t = sim.threads[i];

		if ((t->state == T_SLEEPING || t->state == T_BLOCKED) && t->wake_at < first)
			first = t->wake_at;
	}
	if (first == UINT64_MAX) {
		char who[512];
		size_t len = 0;

		who[0] = 0;
		for (int i = 0; i < sim.nthreads && len < sizeof(who) - 64; i++)
			if (sim.threads[i]->state == T_BLOCKED)
				len += (size_t)snprintf(who + len, sizeof(who) - len, "%s%s", len ? ", " : "",
							sim.threads[i]->name);
		fail("deadlock at t=%llu ns: every thread waits and no deadline is set (waiting: %s)",
		     (unsigned long long)sim.now, who);
	}
	if (first > sim.now)
		sim.now = first;
	wake_expired();
}

/*
 * The holder @t reached a point (@what, from @pc); its state says whether it
 * can go on. Picks who runs next; returns when it is @t's turn again (never,
 * for a thread that is done).
 */
static void schedule(struct sim_thread *t, const char *what, const void *pc)
{
	struct sim_thread *next;
	uint64_t step = sim.steps;
	bool done;

	__atomic_store_n(&sim.steps, step + 1, __ATOMIC_RELAXED);
	sim.now += sim.step_ns;
	if (sim.now > sim.limit_ns && !sim.exiting)
		fail("simulated time passed UDMA_SIM_LIMIT_MS (%llu ms): a hang, or a run longer than the limit",
		     (unsigned long long)(sim.limit_ns / 1000000));
	for (unsigned int i = 0; sim.pct && i + 1 < sim.depth; i++)
		if (sim.change_at[i] == step)
			t->prio = i;	/* below every initial priority (>= depth) */
	wake_expired();
	while (!(next = pick()))
		advance_to_deadline();
	sim.log[step % SIM_LOG] = (struct sim_log){ step, sim.now, t->id, next->id, what, pc };
	/* FNV-1a over who ran after each point */
	sim.digest = (sim.digest ^ (uint64_t)(next->id + 1)) * 0x100000001b3ull;
	if (next == t)
		return;
	sim.switches++;
	/* From hand_to on, the state is the next holder's: read ours before. */
	done = t->state == T_DONE;
	hand_to(next);
	if (!done)
		wait_turn(t);
}

/* ---- the hooks ---- */

bool udma_sim_scheduled(void)
{
	return udma_sim() && self;
}

static void point_at(const char *what, const void *pc)
{
	struct sim_thread *t = self;

	if (!t)
		return;
	t->yield_ns = 0;
	schedule(t, what, pc);
}

void udma_sim_point(const char *what)
{
	point_at(what, __builtin_return_address(0));
}

bool udma_sim_block(const void *obj, uint64_t deadline, const char *what)
{
	struct sim_thread *t = self;

	if (!t)
		return true;
	t->state = T_BLOCKED;
	t->obj = obj;
	t->wake_at = deadline;
	t->timed_out = false;
	t->yield_ns = 0;
	schedule(t, what, __builtin_return_address(0));
	return !t->timed_out;
}

void udma_sim_wake(const void *obj)
{
	if (!self)
		return;
	for (int i = 0; i < sim.nthreads; i++) {
		struct sim_thread *t = sim.threads[i];

		if (t->state == T_BLOCKED && t->obj == obj) {
			t->state = T_RUNNABLE;
			t->timed_out = false;
		}
	}
}

void sim_sleep_at(uint64_t ns, const char *what, const void *pc)
{
	struct sim_thread *t = self;

	t->state = T_SLEEPING;
	t->wake_at = sim.now + ns;
	schedule(t, what, pc);
}

void udma_sim_sleep_ns(uint64_t ns)
{
	if (!self)
		return;
	self->yield_ns = 0;
	sim_sleep_at(ns, "sleep", __builtin_return_address(0));
}

void udma_sim_yield(void)
{
	struct sim_thread *t = self;

	if (!t) {
		sched_yield();
		return;
	}
	/* A thread that polls: 1 us, doubling to 1 ms while nothing else
	 * it does is a synchronization point, so a long timeout is reached
	 * in a few thousand steps. */
	t->yield_ns = t->yield_ns ? (t->yield_ns < 1000000 ? t->yield_ns * 2 : t->yield_ns) : 1000;
	sim_sleep_at(t->yield_ns, "yield", __builtin_return_address(0));
}

uint64_t udma_sim_clock(void)
{
	return sim.now;
}

uint64_t udma_sim_now_ns(void)
{
	return udma_sim_on ? sim.now : 0;
}

bool udma_sim_active(void)
{
	return udma_sim_on;
}

/* ---- locks ---- */

void udma_sim_spin_lock(int *locked)
{
	if (!self) {	/* not scheduled: the lock as it is outside sim mode */
		if (__atomic_exchange_n(locked, 1, __ATOMIC_ACQUIRE))
			spin_lock_slow((spinlock_t *)locked);
		return;
	}
	point_at("spin_lock", __builtin_return_address(0));
	/* The holder's unlock is a plain store (spin_unlock stays one
	 * instruction outside sim mode): look again every microsecond. */
	while (__atomic_exchange_n(locked, 1, __ATOMIC_ACQUIRE))
		udma_sim_block(locked, sim.now + 1000, "spin_lock (contended)");
}

int udma_sim_mutex_lock(pthread_mutex_t *m)
{
	int err;

	if (!self || !udma_sim_on)
		return pthread_mutex_lock(m);
	point_at("mutex_lock", __builtin_return_address(0));
	while ((err = pthread_mutex_trylock(m)) == EBUSY)
		udma_sim_block(m, sim.now + 1000, "mutex_lock (contended)");	/* as spin_lock */
	return err;
}

int udma_sim_mutex_unlock(pthread_mutex_t *m)
{
	int err = pthread_mutex_unlock(m);

	if (udma_sim_on)
		udma_sim_wake(m);
	return err;
}

bool udma_sim_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	bool woken;

	udma_sim_mutex_unlock(m);
	woken = udma_sim_block(c, deadline, "wait");
	udma_sim_mutex_lock(m);
	return woken;
}

/* ---- threads ---- */

static struct sim_thread *sim_register(const char *name)
{
	struct sim_thread *t;

	if (sim.nthreads == SIM_THREADS_MAX)
		fail("more than %d threads", SIM_THREADS_MAX);
	t = calloc(1, sizeof(*t));
	if (!t)
		fail("out of memory for a thread");
	t->id = sim.nthreads;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
	t->state = T_RUNNABLE;
	t->wake_at = UINT64_MAX;
	/* pct: distinct random priorities, all above the change points' */
	t->prio = sim.depth + (next_random() >> 16) * SIM_THREADS_MAX + (uint64_t)t->id;
	sim.threads[sim.nthreads++] = t;
	return t;
}

/* A thread of udmaengine's started outside sim mode: too late to start it. */
static bool started_threads;

static void *trampoline(void *arg)
{
	struct sim_thread *t = arg;
	void *ret;

	self = t;
	wait_turn(t);
	ret = t->fn(t->arg);
	t->state = T_DONE;
	udma_sim_wake(t);	/* its joiner */
	schedule(t, "exit", NULL);
	self = NULL;
	return ret;
}

int udma_sim_thread_create(pthread_t *pt, const pthread_attr_t *attr, const char *name,
			   void *(*fn)(void *), void *arg)
{
	struct sim_thread *t;
	int err;

	if (!udma_sim_on || !self) {
		__atomic_store_n(&started_threads, true, __ATOMIC_RELAXED);
		return pthread_create(pt, attr, fn, arg);
	}
	t = sim_register(name);
	t->fn = fn;
	t->arg = arg;
	err = pthread_create(&t->pthread, attr, trampoline, t);
	if (err) {
		t->state = T_DONE;
		return err;
	}
	*pt = t->pthread;
	udma_sim_point("thread_create");
	return 0;
}

int udma_thread_create(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg)
{
	return udma_sim_thread_create(thread, NULL, name, fn, arg);
}

int udma_thread_join(pthread_t thread, void **ret)
{
	if (udma_sim_on && self) {
		for (int i = 0; i < sim.nthreads; i++) {
			struct sim_thread *t = sim.threads[i];

			/* fn is cleared once joined: a later thread may reuse the id */
			if (t->fn && pthread_equal(t->pthread, thread)) {
				while (t->state != T_DONE)
					udma_sim_block(t, UINT64_MAX, "join");
				t->fn = NULL;
				break;
			}
		}
	}
	/* the thread is done with the schedule: this returns at once */
	return pthread_join(thread, ret);
}

/* ---- the watchdog: a thread blocked outside udmaengine stops the clock ---- */

static void *watchdog(void *unused)
{
	uint64_t last = UINT64_MAX;
	unsigned int still = 0;

	(void)unused;
	for (;;) {
		uint64_t steps = __atomic_load_n(&sim.steps, __ATOMIC_RELAXED);

		sleep(1);
		if (steps != last) {
			last = steps;
			still = 0;
			continue;
		}
		if (++still < sim.watchdog_s)
			continue;
		{
			struct sim_thread *t = __atomic_load_n(&sim.current, __ATOMIC_RELAXED);

			fprintf(stderr,
				"udma-sim: no synchronization point for %u s: thread %s is blocked outside udmaengine (a pthread lock, condition variable or sleep? docs/simulation.md) or loops without calling it\n",
				sim.watchdog_s, t ? t->name : "?");
			_exit(UDMA_SIM_EXIT_STUCK);
		}
	}
	return NULL;
}

/* ---- starting ---- */

static void sanitizer_death(void)
{
	show_log(sim.log_show ? sim.log_show : 32);
	summary();
}

/* ASan and TSan call this when they report and end the run. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void fatal_signal(int sig)
{
	/* not async-signal-safe, but the process is ending anyway; the
	 * schedule is what makes the crash reproducible */
	show_log(sim.log_show);
	summary();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int env_u64(const char *name, uint64_t def, uint64_t *out)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "udma-sim: %s=%s is not a number\n", name, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int udma_sim_start(uint64_t seed)
{
	uint64_t depth, steps, mbps, limit_ms, log, wd;
	const char *strategy = getenv("UDMA_SIM_STRATEGY");
	pthread_t wt;

	if (udma_sim_on)
		return -EALREADY;
	if (__atomic_load_n(&started_threads, __ATOMIC_RELAXED)) {
		fprintf(stderr, "udma-sim: udma_sim_start: too late, udmaengine already runs threads\n");
		return -EBUSY;
	}
	if (env_u64("UDMA_SIM_DEPTH", 3, &depth) || env_u64("UDMA_SIM_STEPS", 2000, &steps) ||
	    env_u64("UDMA_SIM_BW_MBPS", 8000, &mbps) || env_u64("UDMA_SIM_STEP_NS", 20, &sim.step_ns) ||
	    env_u64("UDMA_SIM_BURST_NS", 100, &sim.burst_ns) ||
	    env_u64("UDMA_SIM_LIMIT_MS", 600000, &limit_ms) || env_u64("UDMA_SIM_LOG", 0, &log) ||
	    env_u64("UDMA_SIM_WATCHDOG_S", 30, &wd))
		return -EINVAL;
	if (strategy && strcmp(strategy, "random") && strcmp(strategy, "pct")) {
		fprintf(stderr, "udma-sim: UDMA_SIM_STRATEGY=%s: random or pct\n", strategy);
		return -EINVAL;
	}
	if (depth < 1 || depth > SIM_CHANGES_MAX || !steps || !mbps) {
		fprintf(stderr, "udma-sim: UDMA_SIM_DEPTH is 1..%d, UDMA_SIM_STEPS and UDMA_SIM_BW_MBPS above 0\n",
			SIM_CHANGES_MAX);
		return -EINVAL;
	}
	sim.seed = seed;
	sim.rng = seed;
	sim.pct = strategy && !strcmp(strategy, "pct");
	sim.depth = (unsigned int)depth;
	sim.bytes_per_s = mbps * 1000000u;
	sim.limit_ns = limit_ms * 1000000u;
	sim.log_show = log == 1 ? 64 : (unsigned int)(log > SIM_LOG ? SIM_LOG : log);
	sim.watchdog_s = wd ? (unsigned int)wd : 30;
	sim.digest = 0xcbf29ce484222325ull;
	for (unsigned int i = 0; i + 1 < sim.depth; i++)
		sim.change_at[i] = next_random() % steps;
	self = sim_register("main");
	sim.current = self;
	WRITE_ONCE(udma_sim_on, 1);
	atexit(at_exit);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(sanitizer_death);
	if (sim.log_show) {
		signal(SIGSEGV, fatal_signal);
		signal(SIGBUS, fatal_signal);
		signal(SIGABRT, fatal_signal);
		signal(SIGFPE, fatal_signal);
		signal(SIGILL, fatal_signal);
	}
	if (!pthread_create(&wt, NULL, watchdog, NULL))
		pthread_detach(wt);
	return 0;
}

uint64_t udma_sim_burst_ns(size_t bytes)
{
	return sim.burst_ns + (uint64_t)((double)bytes * 1e9 / (double)sim.bytes_per_s);
}

/* Before main(), before any other constructor of the library starts a thread. */
__attribute__((constructor(101))) static void sim_from_env(void)
{
	const char *s = getenv("UDMA_SIM_SEED");
	char *end;
	unsigned long long seed;

	if (!s || !*s)
		return;
	errno = 0;
	seed = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "udma-sim: UDMA_SIM_SEED=%s is not a number\n", s);
		exit(2);
	}
	if (udma_sim_start(seed))
		exit(2);
}

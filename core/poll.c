/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include <udma/atomic.h>
#include <udma/poll.h>

#include <sched.h>
#include <unistd.h>

static uint64_t poll_ns_value, tasklet_poll_ns_value;

static int max_spinners;	/* threads polling at once, at most */
static atomic_t spinners;	/* threads polling now */
static pthread_once_t poll_once = PTHREAD_ONCE_INIT;

static uint64_t env_us(const char *name, long def)
{
	const char *s = getenv(name);
	long us = s ? strtol(s, NULL, 10) : def;

	return us < 0 ? 0 : (uint64_t)us * 1000u;
}

static void poll_read_env(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	poll_ns_value = env_us("UDMA_POLL_US", 20);
	/* On two CPUs a polling pool thread takes the CPU the controller and
	 * the submitter need: it parks at once there. */
	tasklet_poll_ns_value = env_us("UDMA_TASKLET_POLL_US", cpus > 2 ? 20 : 0);
	/* Leave a CPU to the threads doing work: pollers that outnumber the
	 * CPUs only delay the thread that would end their wait. */
	max_spinners = cpus > 2 ? (int)cpus - 1 : 1;
	if (getenv("UDMA_MAX_POLLERS"))
		max_spinners = atoi(getenv("UDMA_MAX_POLLERS"));
}

uint64_t udma_poll_ns(void)
{
	pthread_once(&poll_once, poll_read_env);
	return poll_ns_value;
}

uint64_t udma_tasklet_poll_ns(void)
{
	pthread_once(&poll_once, poll_read_env);
	return tasklet_poll_ns_value;
}

static bool spin_begin(void)
{
	pthread_once(&poll_once, poll_read_env);
	/* relaxed: a count of pollers, guarding no data */
	if (atomic_inc_return_relaxed(&spinners) <= max_spinners)
		return true;
	atomic_dec(&spinners);
	return false;
}

static void spin_end(void)
{
	atomic_dec(&spinners);
}

/*
 * Sleeping: on Linux a futex on a wake-up sequence number, so a wake is one
 * system call and the woken thread takes no lock on the way out; elsewhere
 * a mutex and condition variable. Either way a waiter announces itself
 * (waiters) before its last look at ready(), and a waker publishes before
 * it reads waiters, so one of them always sees the other.
 */
#if defined(__linux__) && !defined(UDMA_NO_FUTEX)
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>

static void sleep_until_woken(struct udma_park *p, unsigned int seq)
{
	syscall(SYS_futex, &p->seq, FUTEX_WAIT_PRIVATE, seq, NULL, NULL, 0);
}

static void wake_all(struct udma_park *p)
{
	/*
	 * Fully ordered: the futex word is compared by the kernel, outside
	 * C11's model, so the bump is made visible with a full barrier of
	 * its own rather than by relying on FUTEX_WAKE's (on x86 a locked
	 * add either way).
	 */
	udma_fetch_add(&p->seq, 1);
	syscall(SYS_futex, &p->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
#else
static void sleep_until_woken(struct udma_park *p, unsigned int seq)
{
	pthread_mutex_lock(&p->lock);
	/* p->lock orders it against wake_all's bump */
	while (READ_ONCE(p->seq) == seq)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

static void wake_all(struct udma_park *p)
{
	pthread_mutex_lock(&p->lock);
	udma_fetch_add_relaxed(&p->seq, 1);	/* p->lock orders it */
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}
#endif

void udma_park_init(struct udma_park *p)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->seq = 0;
	p->waiters = 0;
}

void udma_park_destroy(struct udma_park *p)
{
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
}

/* Sim mode: no polling (simulated time would not move), no futex: the
 * scheduler runs someone else until udma_park_wake. */
static void sim_park_wait(struct udma_park *p, bool (*ready)(void *arg), void *arg)
{
	udma_sim_point("park");
	while (!ready(arg))
		udma_sim_block(p, UINT64_MAX, "park");
}

void udma_park_wait(struct udma_park *p, bool (*ready)(void *arg), void *arg,
		    uint64_t spin_ns)
{
	if (udma_sim() && udma_sim_scheduled()) {
		sim_park_wait(p, ready, arg);
		return;
	}
	if (ready(arg))
		return;
	/*
	 * This thread just woke a pool thread to run callbacks, and CPUs are
	 * scarce: let it have this CPU first, then poll. Parking instead
	 * would leave the CPU idle once the callbacks are done, and in a VM
	 * waking an idle CPU for the next request takes tens of microseconds.
	 */
	if (spin_ns && udma_tasklet_took_cpu())
		sched_yield();
	if (spin_ns && spin_begin()) {
		uint64_t deadline = udma_now_ns() + spin_ns;
		unsigned int i = 0;
		bool done = false;

		while (!done) {
			cpu_relax();
			done = ready(arg);
			if ((++i & 63) == 0 && udma_now_ns() >= deadline)
				break;
		}
		spin_end();
		if (done)
			return;
	}

	for (;;) {
		/* The wake-up count before ready()'s loads (the barrier below
		 * orders them): a wake-up that ready() misses bumps it after
		 * this load, and the sleep then returns at once. */
		unsigned int seq = READ_ONCE(p->seq);
		bool done;

		udma_fetch_add_relaxed(&p->waiters, 1);
		/*
		 * Full barrier, the announcement above before ready()'s loads:
		 * pairs with the one a waker has between its publish and
		 * udma_park_wake's load of waiters. A store then a load
		 * on each side: either ready() sees the publish, or the waker
		 * sees this waiter and wakes it.
		 */
		smp_mb__after_atomic();
		done = ready(arg);
		if (!done)
			sleep_until_woken(p, seq);	/* returns at once if seq moved */
		/* relaxed: a waker that still counts this waiter only wakes
		 * in vain; a look at ready() that fails announces again */
		udma_fetch_sub_relaxed(&p->waiters, 1);
		if (done || ready(arg))
			return;
	}
}

bool udma_park_wake(struct udma_park *p)
{
	/*
	 * No barrier here: the caller has one between its publish and this
	 * call (a fully ordered RMW, smp_store_mb(), smp_mb()), as the
	 * kernel's waitqueue_active() asks of its callers; every caller's
	 * publish is such an operation already, so a barrier here would be a
	 * second one on every kick. It pairs with the smp_mb__after_atomic()
	 * in udma_park_wait.
	 */
	if (udma_sim())
		udma_sim_wake(p);
	if (READ_ONCE(p->waiters) == 0)
		return false;
	wake_all(p);
	return true;
}

bool udma_cpus_scarce(void)
{
	pthread_once(&poll_once, poll_read_env);
	return max_spinners <= 1;
}

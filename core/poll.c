/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "poll.h"

#include <unistd.h>

static uint64_t poll_ns_value, tasklet_poll_ns_value;
static int max_spinners;	/* threads polling at once, at most */
static int spinners;		/* atomic: threads polling now */
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
	tasklet_poll_ns_value = env_us("UDMA_TASKLET_POLL_US", 5);
	/* Leave a CPU to the threads doing work: pollers that outnumber the
	 * CPUs only delay the thread that would end their wait. */
	max_spinners = cpus > 2 ? (int)cpus - 1 : 1;
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
	if (__atomic_add_fetch(&spinners, 1, __ATOMIC_RELAXED) <= max_spinners)
		return true;
	__atomic_sub_fetch(&spinners, 1, __ATOMIC_RELAXED);
	return false;
}

static void spin_end(void)
{
	__atomic_sub_fetch(&spinners, 1, __ATOMIC_RELAXED);
}

void udma_park_init(struct udma_park *p)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->waiters = 0;
}

void udma_park_destroy(struct udma_park *p)
{
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
}

void udma_park_wait(struct udma_park *p, bool (*ready)(void *arg), void *arg,
		    uint64_t spin_ns)
{
	if (ready(arg))
		return;
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

	pthread_mutex_lock(&p->lock);
	/* Announce, then re-check: pairs with the waker's publish-then-load. */
	__atomic_fetch_add(&p->waiters, 1, __ATOMIC_SEQ_CST);
	while (!ready(arg))
		pthread_cond_wait(&p->cond, &p->lock);
	__atomic_fetch_sub(&p->waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&p->lock);
}

void udma_park_wake(struct udma_park *p)
{
	if (__atomic_load_n(&p->waiters, __ATOMIC_SEQ_CST) == 0)
		return;
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "poll.h"

static uint64_t poll_ns_value;
static pthread_once_t poll_once = PTHREAD_ONCE_INIT;

static void poll_read_env(void)
{
	const char *s = getenv("UDMA_POLL_US");
	long us = s ? strtol(s, NULL, 10) : 20;

	if (us < 0)
		us = 0;
	poll_ns_value = (uint64_t)us * 1000u;
}

uint64_t udma_poll_ns(void)
{
	pthread_once(&poll_once, poll_read_env);
	return poll_ns_value;
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
	if (spin_ns) {
		uint64_t deadline = udma_now_ns() + spin_ns;
		unsigned int i = 0;

		for (;;) {
			cpu_relax();
			if (ready(arg))
				return;
			if ((++i & 63) == 0 && udma_now_ns() >= deadline)
				break;
		}
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

/* SPDX-License-Identifier: MIT */
/*
 * dmaperf --ring: the bound. Copies go to a copy thread (where the
 * controller thread runs) through a bare single-producer ring: 32-byte
 * entries, the head published once per batch, the tail once per run of
 * copies, no checks, descriptors, cookies, locks or callbacks. No design
 * that hands copies to another thread does better on this machine, so the
 * distance from udmaengine's columns to this one is what the API and its
 * bookkeeping cost, and the distance from this one to memcpy is what the
 * hand-off itself costs.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmaperf.h"

struct ring_entry {
	uint64_t dst, src, len, unused;
};

struct ring {
	const struct opts *o;
	struct ring_entry *e;
	unsigned long mask;
	_Alignas(64) unsigned long head;	/* atomic: published by the client */
	_Alignas(64) unsigned long tail;	/* atomic: copies done, by the copier */
	_Alignas(64) int stop;			/* atomic: the client is done */
};

static void *copier(void *arg)
{
	struct ring *r = arg;
	unsigned long t = 0;

	if (r->o->pin >= 0)
		dmaperf_pin(r->o->pin + 1);
	for (;;) {
		unsigned long h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

		if (h == t) {
			if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
				return NULL;
			relax();
			continue;
		}
		for (; t != h; t++) {
			const struct ring_entry *e = &r->e[t & r->mask];

			memcpy((void *)(uintptr_t)e->dst, (const void *)(uintptr_t)e->src, e->len);
		}
		__atomic_store_n(&r->tail, t, __ATOMIC_RELEASE);
	}
}

struct result dmaperf_ring(const struct opts *o, unsigned char *src, unsigned char *dst,
			   size_t size)
{
	unsigned int depth = depth_for(size, o->depth), batch = at_most_depth(size, o->depth, o->batch);
	size_t slots = o->ws / size, slot = 0;
	struct ring r = { .o = o };
	unsigned long entries = 1, head = 0;
	uint64_t t0, deadline, t;
	pthread_t tid;

	while (entries < depth)
		entries *= 2;
	r.e = aligned_alloc(64, entries * sizeof(*r.e));
	if (!r.e) {
		fprintf(stderr, "dmaperf: no memory for the ring\n");
		exit(1);
	}
	r.mask = entries - 1;
	pthread_create(&tid, NULL, copier, &r);
	t0 = now_ns();
	deadline = t0 + (uint64_t)o->time_ms * 1000000u;
	do {
		while (head + batch - __atomic_load_n(&r.tail, __ATOMIC_ACQUIRE) > depth)
			relax();
		for (unsigned int i = 0; i < batch; i++, head++) {
			r.e[head & r.mask] = (struct ring_entry){ (uintptr_t)(dst + slot * size),
								  (uintptr_t)(src + slot * size),
								  size, 0 };
			if (++slot == slots)
				slot = 0;
		}
		__atomic_store_n(&r.head, head, __ATOMIC_RELEASE);
		t = now_ns();
	} while (t < deadline);
	while (__atomic_load_n(&r.tail, __ATOMIC_ACQUIRE) != head)
		relax();
	t = now_ns();
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(tid, NULL);
	free(r.e);
	return rate(head, size, t - t0);
}

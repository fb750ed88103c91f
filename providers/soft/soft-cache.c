/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's descriptor cache, so the fast path never mallocs.
 *
 * Two arrays of free descriptors per channel. Whoever frees (hardware
 * thread, tasklet, terminate) appends to @freed under free_lock; prep takes
 * from @cache under vc.submit_lock, and when it runs dry swaps the two
 * arrays in one short hold of free_lock. Arrays, not a linked free list:
 * each descriptor was last written on the freeing thread's CPU, and prep
 * knows the addresses of the next few without touching them, so it fetches
 * them ahead instead of taking one dependent cache miss per descriptor.
 */
#include <stdlib.h>

#include "soft-internal.h"

#define CACHE_PREFETCH 4	/* descriptors fetched ahead of the one prep takes */

struct soft_desc *soft_cache_get(struct soft_chan *sc)
{
	struct soft_desc *d;

	if (sc->cache_pos == sc->cache_len) {
		struct soft_desc **empty = sc->cache;
		size_t cap = sc->cache_cap;
		spin_lock(&sc->free_lock);
		sc->cache = sc->freed;
		sc->cache_len = sc->freed_len;
		sc->cache_cap = sc->freed_cap;
		sc->freed = empty;
		sc->freed_len = 0;
		sc->freed_cap = cap;
		spin_unlock(&sc->free_lock);
		sc->cache_pos = 0;
		if (!sc->cache_len)
			return NULL;
		/* plain copies came back untouched, still tagged SUBMITTED */
		for (size_t i = 0; i < sc->cache_len; i++)
			__atomic_store_n(&sc->cache[i]->vd.tx.udma_state, UDMA_DESC_FREED,
					 __ATOMIC_RELEASE);
		for (size_t i = 1; i < CACHE_PREFETCH && i < sc->cache_len; i++)
			soft_prefetch_desc(sc->cache[i]);
	}
	d = sc->cache[sc->cache_pos++];
	if (sc->cache_pos + CACHE_PREFETCH - 1 < sc->cache_len)
		soft_prefetch_desc(sc->cache[sc->cache_pos + CACHE_PREFETCH - 1]);
	return d;
}

/* Appends @n descriptors to @sc's freed array. */
static void put_freed(struct soft_chan *sc, struct soft_desc **ds, size_t n)
{
	spin_lock(&sc->free_lock);
	if (sc->freed_len + n > sc->freed_cap) {
		size_t cap = sc->freed_cap ? sc->freed_cap : 64;
		struct soft_desc **v;

		while (cap < sc->freed_len + n)
			cap *= 2;
		v = realloc(sc->freed, cap * sizeof(*v));
		if (!v) {	/* no room to cache them: give them back to malloc */
			spin_unlock(&sc->free_lock);
			for (size_t i = 0; i < n; i++)
				free(ds[i]);
			return;
		}
		sc->freed = v;
		sc->freed_cap = cap;
	}
	for (size_t i = 0; i < n; i++)
		sc->freed[sc->freed_len++] = ds[i];
	spin_unlock(&sc->free_lock);
}

/*
 * Between soft_free_batch_begin and _end (the hardware thread completing a
 * batch, a tasklet run, a terminate freeing its queue), the descriptors a
 * thread frees collect here and go to their channel's cache together, in
 * the order they were freed: one hold of free_lock per batch, not per
 * descriptor. Brackets nest (a callback may terminate); entries of another
 * channel push out the ones held.
 */
#define FREE_BATCH 64

static _Thread_local int batch_depth;
static _Thread_local struct soft_chan *batch_sc;	/* whose descriptors batch[] holds */
static _Thread_local struct soft_desc *batch[FREE_BATCH];
static _Thread_local size_t batch_len;

static void batch_flush(void)
{
	if (batch_len)
		put_freed(batch_sc, batch, batch_len);
	batch_len = 0;
}

void soft_free_batch_begin(struct virt_dma_chan *vc)
{
	(void)vc;
	batch_depth++;
}

void soft_free_batch_end(struct virt_dma_chan *vc)
{
	(void)vc;
	if (--batch_depth == 0)
		batch_flush();
}

/* The descriptor goes in the batch by address only: its lines stay where
 * they are, on the client's CPU, until prep takes it again. */
void soft_desc_free_plain(struct soft_chan *sc, struct soft_desc *d)
{
	if (batch_depth) {
		if (batch_sc != sc || batch_len == FREE_BATCH) {
			batch_flush();
			batch_sc = sc;
		}
		batch[batch_len++] = d;
		return;
	}
	put_freed(sc, &d, 1);
}

void soft_desc_free(struct virt_dma_desc *vd)
{
	struct soft_desc *d = container_of(vd, struct soft_desc, vd);
	struct soft_chan *sc = to_soft_chan(vd->tx.chan);

	if (d->segs != &d->seg0)
		free(d->segs);
	d->segs = NULL;
	if (d->fifo)
		soft_fifo_put(d->fifo);
	d->fifo = NULL;
	if (udma_get_strict() != UDMA_STRICT_OFF) {
		struct soft_desc *oldest;

		spin_lock(&sc->vc.submit_lock);
		oldest = sc->quarantine[sc->quarantine_next];
		sc->quarantine[sc->quarantine_next] = d;
		sc->quarantine_next = (sc->quarantine_next + 1) % SOFT_QUARANTINE;
		spin_unlock(&sc->vc.submit_lock);
		d = oldest;
		if (!d)
			return;
	}
	soft_desc_free_plain(sc, d);
}

void soft_cache_drain(struct soft_chan *sc)
{
	spin_lock(&sc->vc.submit_lock);
	spin_lock(&sc->free_lock);
	for (size_t i = sc->cache_pos; i < sc->cache_len; i++)
		free(sc->cache[i]);
	for (size_t i = 0; i < sc->freed_len; i++)
		free(sc->freed[i]);

	free(sc->cache);
	free(sc->freed);
	sc->cache = sc->freed = NULL;
	sc->cache_pos = sc->cache_len = sc->cache_cap = 0;
	sc->freed_len = sc->freed_cap = 0;
	for (int i = 0; i < SOFT_QUARANTINE; i++) {
		free(sc->quarantine[i]);
		sc->quarantine[i] = NULL;
	}
	spin_unlock(&sc->free_lock);
	spin_unlock(&sc->vc.submit_lock);
}

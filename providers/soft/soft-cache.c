/* SPDX-License-Identifier: MIT */
/*
 * The soft controller's descriptor cache, so the fast path never mallocs.
 *
 * Two arrays of free descriptors per channel. Whoever frees (hardware
 * thread, tasklet, terminate) appends to @freed under free_lock, a plain
 * copy by address only; prep takes from @cache under vc.submit_lock, 16 at
 * a time into the calling thread's stash (below), and when it runs dry
 * swaps the two arrays in one short hold of free_lock. Arrays, not a linked
 * free list: prep knows the addresses of the next few descriptors without
 * touching them, so it fetches them ahead instead of taking one dependent
 * cache miss per descriptor.
 */
#include <stdlib.h>
#include <string.h>

#include "soft-internal.h"

#define CACHE_PREFETCH 4	/* descriptors fetched ahead of the one prep takes */

/* The cache ran dry: what was freed meanwhile becomes the cache, in one
 * short hold of free_lock. vc.submit_lock held. */
static void cache_swap(struct soft_chan *sc)
{
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
}

/* Takes the cache's next descriptor. Plain copies came back untouched,
 * still tagged SUBMITTED: from here on they read as freed. */
static struct soft_desc *cache_take(struct soft_chan *sc)
{
	struct soft_desc *d = sc->cache[sc->cache_pos++];

	/* release: pairs with the smp_load_acquire()s of udma_state (core's
	 * submit.c and metadata.c), as virt-dma.c's tag of a freed one does */
	smp_store_release(&d->vd.tx.udma_state, UDMA_DESC_FREED);
	return d;
}

struct soft_desc *soft_cache_get(struct soft_chan *sc)
{
	if (sc->cache_pos == sc->cache_len) {
		cache_swap(sc);
		if (!sc->cache_len)
			return NULL;
		for (size_t i = 1; i < CACHE_PREFETCH && i < sc->cache_len; i++)
			soft_prefetch_desc(sc->cache[i]);
	}
	if (sc->cache_pos + CACHE_PREFETCH < sc->cache_len)
		soft_prefetch_desc(sc->cache[sc->cache_pos + CACHE_PREFETCH]);
	return cache_take(sc);
}

void soft_cache_put(struct soft_chan *sc, struct soft_desc **ds, size_t n)
{
	if (!n)
		return;
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
		soft_cache_put(batch_sc, batch, batch_len);
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
static void soft_desc_free_plain(struct soft_chan *sc, struct soft_desc *d)
{
	if (batch_depth) {
		if (batch_sc != sc || batch_len == FREE_BATCH) {
			batch_flush();
			batch_sc = sc;
		}
		batch[batch_len++] = d;
		return;
	}
	soft_cache_put(sc, &d, 1);
}

void soft_desc_free(struct virt_dma_desc *vd)
{
	struct soft_desc *d = container_of(vd, struct soft_desc, vd);
	struct soft_chan *sc = to_soft_chan(vd->tx.chan);

	if (d->segs != &d->seg0)
		free(d->segs);
	if (d->fifo)
		soft_fifo_put(d->fifo);
	soft_desc_reset(sc, d);	/* prep's fast path sets only what a copy changes */
	if (udma_strict_now() != UDMA_STRICT_OFF) {
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

struct soft_desc *soft_desc_new(struct soft_chan *sc)
{
	struct soft_desc *d = aligned_alloc(64, (sizeof(*d) + 63) & ~(size_t)63);

	if (!d)
		return NULL;
	/* it may be freed (stashed, then released) before any prep fills it in */
	memset(d, 0, sizeof(*d));
	soft_desc_reset(sc, d);
	spin_lock(&sc->vc.submit_lock);
	list_add_tail(&d->vd.node, &sc->vc.desc_allocated);
	spin_unlock(&sc->vc.submit_lock);
	return d;
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

/*
 * ---- the prep side's per-thread stash ----
 *
 * Prep takes descriptors from a stash in the calling thread, filled
 * SOFT_STASH_DESCS at a time under submit_lock: a client streaming on a channel
 * takes no lock at prep, only at submit. A stashed descriptor is on
 * desc_allocated like a prepared one, so releasing the channel frees it
 * wherever it is stashed; the channel's epoch then changes, and a stash
 * whose epoch is not its channel's is never used again.
 *
 * A thread keeps stashes for SOFT_STASH_SLOTS channels. One it drops (for
 * another channel, or at thread exit) goes back to its channel if that is
 * still open: the table of open epochs says so under live_lock, which
 * release also takes, so the channel cannot go away meanwhile.
 */
_Thread_local struct soft_stash soft_stashes[SOFT_STASH_SLOTS];
static _Thread_local unsigned int stash_victim;
static _Thread_local bool stash_armed;	/* stash_key set: stash_exit runs at exit */

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct soft_chan **live;		/* open channels, under live_lock */
static size_t live_len, live_cap;
static uint64_t last_epoch;		/* under live_lock */
static pthread_key_t stash_key;
static pthread_once_t stash_once = PTHREAD_ONCE_INIT;

/* Gives @slot's descriptors back to its channel if it is still open. */
static void stash_return(struct soft_stash *slot)
{
	if (slot->n) {
		udma_mutex_lock(&live_lock);
		for (size_t i = 0; i < live_len; i++) {
			struct soft_chan *sc = live[i];

			/* stable: written under live_lock, held */
			if (sc != slot->sc || READ_ONCE(sc->epoch) != slot->epoch)
				continue;
			spin_lock(&sc->vc.submit_lock);
			for (unsigned int k = 0; k < slot->n; k++)
				list_del(&slot->d[k]->vd.node);	/* off desc_allocated */
			spin_unlock(&sc->vc.submit_lock);
			soft_cache_put(sc, slot->d, slot->n);
			break;
		}
		udma_mutex_unlock(&live_lock);
	}
	*slot = (struct soft_stash){ 0 };
}

static void stash_exit(void *unused)
{
	(void)unused;
	for (int i = 0; i < SOFT_STASH_SLOTS; i++)
		stash_return(&soft_stashes[i]);
}

static void stash_init(void)
{
	pthread_key_create(&stash_key, stash_exit);
}

void soft_stash_open(struct soft_chan *sc)
{
	pthread_once(&stash_once, stash_init);
	udma_mutex_lock(&live_lock);
	if (live_len == live_cap) {
		size_t cap = live_cap ? live_cap * 2 : 16;
		struct soft_chan **v = realloc(live, cap * sizeof(*v));

		if (!v) {	/* no stash for this channel: prep locks instead */
			udma_mutex_unlock(&live_lock);
			return;
		}
		live = v;
		live_cap = cap;
	}
	live[live_len++] = sc;
	/* relaxed: a name prep compares (soft_stash_pop), publishing nothing */
	WRITE_ONCE(sc->epoch, ++last_epoch);
	udma_mutex_unlock(&live_lock);
}

void soft_stash_close(struct soft_chan *sc)
{
	udma_mutex_lock(&live_lock);
	for (size_t i = 0; i < live_len; i++) {
		if (live[i] == sc) {
			live[i] = live[--live_len];
			break;
		}
	}
	WRITE_ONCE(sc->epoch, 0);	/* relaxed: as in soft_stash_open */
	udma_mutex_unlock(&live_lock);
}

/*
 * Fills @slot for @sc: descriptors from the cache (or malloc), each put on
 * desc_allocated, to be taken in the cache's order (d[n - 1] first). Their
 * lines are not fetched here: soft_stash_pop fetches a few ahead of use.
 * False if not even one could be had.
 */
static bool stash_fill(struct soft_chan *sc, struct soft_stash *slot)
{
	unsigned int n;

	spin_lock(&sc->vc.submit_lock);
	if (sc->cache_pos == sc->cache_len)
		cache_swap(sc);
	n = sc->cache_len - sc->cache_pos < SOFT_STASH_DESCS ?
		    (unsigned int)(sc->cache_len - sc->cache_pos) : SOFT_STASH_DESCS;
	for (unsigned int k = 0; k < n; k++) {
		struct soft_desc *d = cache_take(sc);

		list_add_tail(&d->vd.node, &sc->vc.desc_allocated);
		slot->d[n - 1 - k] = d;
	}
	spin_unlock(&sc->vc.submit_lock);
	if (n == 0) {
		if (!(slot->d[0] = soft_desc_new(sc)))
			return false;
		n = 1;
	}
	slot->n = n;
	return true;
}

/* soft_stash_pop's slow path: another slot, a refill, or no stash. */
struct soft_desc *soft_stash_get(struct soft_chan *sc)
{
	uint64_t epoch = READ_ONCE(sc->epoch);	/* relaxed: as in soft_stash_pop */
	struct soft_stash *slot = &soft_stashes[0];

	if (!epoch)
		return NULL;
	for (int i = 1; i < SOFT_STASH_SLOTS && slot->sc != sc; i++) {
		if (soft_stashes[i].sc == sc) {	/* to the front: most recently used */
			struct soft_stash t = soft_stashes[0];

			soft_stashes[0] = soft_stashes[i];
			soft_stashes[i] = t;
		}
	}
	if (slot->sc == sc && slot->epoch == epoch && slot->n)
		return slot->d[--slot->n];
	if (slot->sc != sc) {	/* the front slot goes to a victim's place */
		struct soft_stash *victim = &soft_stashes[1 + stash_victim++ % (SOFT_STASH_SLOTS - 1)];

		stash_return(victim);
		*victim = *slot;
		*slot = (struct soft_stash){ 0 };
	} else if (slot->epoch != epoch) {
		*slot = (struct soft_stash){ 0 };	/* a closed channel's: freed with it */
	}
	if (!stash_armed) {
		pthread_once(&stash_once, stash_init);
		pthread_setspecific(stash_key, soft_stashes);
		stash_armed = true;
	}
	slot->sc = sc;
	slot->epoch = epoch;
	if (!stash_fill(sc, slot))
		return NULL;
	return slot->d[--slot->n];
}

/* SPDX-License-Identifier: MIT */
/*
 * The engine handshake: how client calls (issue, pause, resume, terminate,
 * synchronize, teardown) and a provider's own thread (the soft controller's
 * hardware thread, the CUDA provider's completion thread) tell each other
 * what changed, on the poll-then-park wait of <udma/poll.h>.
 *
 * Who writes what. Clients write the four words of the clients' line:
 * @doorbell, bumped by every change the thread must see (udma_engine_kick:
 * work issued, a FIFO level moved, and each call below); @stop_gen, bumped
 * by udma_engine_stop (terminate), under the provider's own lock, which
 * also orders it against the thread's completions; @paused; @exit. The
 * thread writes @ack_gen, the last stop generation it saw while holding
 * nothing of an older one, and @state, where it is as pause sees it
 * (RUNNING between bursts, IDLE between batches, PARKED for pause or in a
 * stall). The thread waits on @thread_park for the doorbell, or for resume
 * or stop while parked; pause and wait_ack wait on @client_park.
 *
 * Each wait is a store followed by a load on one side meeting a store
 * followed by a load on the other, with a full barrier between the two on
 * both sides, so that at least one side sees the other's store. The
 * barriers: a kick's fully ordered doorbell++ (which also orders the flag
 * a client stored before it), smp_store_mb() of ack_gen and state, and
 * udma_park_wait's barrier after its waiters++. Every load is an acquire,
 * pairing with a release store or RMW of the same word (the flags',
 * smp_store_mb()'s, the kick's), so that what one side did before its
 * store is seen by the other:
 *
 *   kick      doorbell++, then thread_park's waiters (udma_park_wake)
 *   wait      waiters++, then the doorbell (udma_park_wait's ready)
 *             -> a kick is never lost: either the waiter sees the bumped
 *                doorbell, or the kicker sees it waiting and wakes it.
 *   pause     paused = 1, then state (waits while RUNNING)
 *   burst     state = RUNNING, then paused (udma_engine_may_run)
 *             -> either pause sees RUNNING and waits for PARKED or IDLE,
 *                or the thread sees paused and parks before its next burst.
 *   ack/idle  ack_gen or state, then client_park's waiters
 *   wait_ack  waiters++, then ack_gen (pause: then state)
 *             -> a waiting client is never left asleep past the answer.
 *   resume, stop, exit   the flag, then a kick (doorbell++, waiters)
 *   parked    waiters++, then paused, stop_gen and exit
 *             -> a thread parked for pause always wakes for its end.
 *
 * Layout. The clients' line is the struct's last 16 bytes, and begins a
 * cache line when the member begins one (declare it UDMA_CACHELINE_ALIGNED):
 * a provider that publishes words of its own with each kick (the soft
 * controller's issue count) declares them right after the member, so that
 * the thread fetches one line per issue, not two. The thread's own words
 * and the two parks (written only when someone parks; read by every kick,
 * ack and idle) are on lines of their own before it.
 *
 * Private to the source tree (include/private is never installed), as
 * <udma/engine.h>. The out-of-line functions (core/engine.c) and the
 * poll-then-park calls the inline ones make are exported from
 * libudmaengine.so for the CUDA provider, a library of its own.
 */
#ifndef UDMA_PRIVATE_ENGINE_H
#define UDMA_PRIVATE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include <udma/atomic.h>
#include <udma/poll.h>

enum udma_engine_state {
	UDMA_ENGINE_IDLE,	/* between batches: moves nothing (the initial state) */
	UDMA_ENGINE_RUNNING,	/* between bursts of a transfer */
	UDMA_ENGINE_PARKED,	/* stopped mid-transfer: by pause, or a stall */
};

#define UDMA_ENGINE_LINE 64
#define UDMA_ENGINE_ROUND(n) (((n) + UDMA_ENGINE_LINE - 1) / UDMA_ENGINE_LINE * UDMA_ENGINE_LINE)

struct udma_engine {
	/* The thread's line: written by the thread, read by pause and wait_ack. */
	union {
		struct {
			unsigned int ack_gen;	/* atomic: pairs with wait_ack's load */
			int state;		/* atomic, enum udma_engine_state: pairs
						   with pause's load */
			/* read-only once set: called before the thread parks
			 * mid-transfer (pause, a stall) */
			void (*before_park)(struct udma_engine *e);
		};
		char thread_line_[UDMA_ENGINE_LINE];
	};
	union {
		struct {
			struct udma_park thread_park;	/* the thread waits here */
			struct udma_park client_park;	/* pause and wait_ack wait here */
		};
		char parks_[UDMA_ENGINE_ROUND(2 * sizeof(struct udma_park))];
	};
	/* The clients' line. All atomic, written by clients, read by the thread. */
	unsigned int doorbell;	/* pairs with thread_park's waiters */
	unsigned int stop_gen;	/* the thread's may_run and flushes compare it */
	int paused;		/* pairs with state (pause), thread_park's waiters (resume) */
	int exit;		/* pairs with thread_park's waiters */
};

_Static_assert(offsetof(struct udma_engine, doorbell) % UDMA_ENGINE_LINE == 0,
	       "the clients' line begins a cache line");
_Static_assert(sizeof(struct udma_engine) - offsetof(struct udma_engine, doorbell) == 16,
	       "the clients' line leaves its rest to the provider");

/*
 * @before_park (may be NULL): what the thread does before it parks
 * mid-transfer, e.g. hand completions it held back to their callbacks.
 */
void udma_engine_init(struct udma_engine *e, void (*before_park)(struct udma_engine *e));
void udma_engine_destroy(struct udma_engine *e);

/* ---- client side ---- */

/* News for the thread: wakes it if it waits for the doorbell. */
static inline void udma_engine_kick(struct udma_engine *e)
{
	/* Fully ordered: the full barrier udma_park_wake wants before its
	 * load of waiters, pairing with the waiter's after its waiters++;
	 * and a release, for udma_engine_doorbell's acquire, of whatever the
	 * caller stored before (a flag, a provider's own words). */
	udma_fetch_add(&e->doorbell, 1);
	udma_park_wake(&e->thread_park);
}

/*
 * Terminate: the thread stops at its next burst boundary and completes
 * nothing of the generation it ran; pause ends. Call it under the lock the
 * thread's completions check the generation under; kick once that lock is
 * dropped (the thread takes it as soon as it wakes). Returns the new
 * generation, for udma_engine_wait_ack.
 */
unsigned int udma_engine_stop(struct udma_engine *e);

/* The current stop generation (the thread's, and synchronize's, to wait for). */
static inline unsigned int udma_engine_gen(const struct udma_engine *e)
{
	/* acquire: pairs with udma_engine_stop's release */
	return smp_load_acquire(&e->stop_gen);
}

/*
 * Synchronize: kicks, then waits until the thread has acknowledged @gen
 * (udma_engine_ack): it holds nothing of an older generation.
 */
void udma_engine_wait_ack(struct udma_engine *e, unsigned int gen);

/*
 * Pause: the thread parks at its next burst boundary. Returns once it is
 * not running: parked, stalled, or idle (and then it takes no new work
 * until resume: see udma_engine_paused).
 */
void udma_engine_pause(struct udma_engine *e);
/* Resume: clears pause and wakes the thread. */
void udma_engine_resume(struct udma_engine *e);

static inline bool udma_engine_paused(const struct udma_engine *e)
{
	/* acquire: pairs with the smp_store_release()s of paused (engine.c) */
	return smp_load_acquire(&e->paused);
}

/* Teardown: the thread leaves at its next look (udma_engine_exiting). */
void udma_engine_exit(struct udma_engine *e);

/* ---- thread side ---- */

/* The doorbell now: taken before looking for work, waited on after. */
static inline unsigned int udma_engine_doorbell(const struct udma_engine *e)
{
	/* acquire: pairs with udma_engine_kick's fully ordered doorbell++ */
	return smp_load_acquire(&e->doorbell);
}

/* Kicked since @bell was read? */
static inline bool udma_engine_rang(const struct udma_engine *e, unsigned int bell)
{
	return udma_engine_doorbell(e) != bell;
}

/* Waits until kicked since @bell was read: polls, then parks. */
void udma_engine_wait(struct udma_engine *e, unsigned int bell);

static inline bool udma_engine_exiting(const struct udma_engine *e)
{
	/* acquire: pairs with udma_engine_exit's smp_store_release */
	return smp_load_acquire(&e->exit);
}

/*
 * Holding nothing of a generation before @gen (read with udma_engine_gen
 * before the thread looked for new work): wakes wait_ack.
 */
static inline void udma_engine_ack(struct udma_engine *e, unsigned int gen)
{
	/* Store, then full barrier: before udma_park_wake's load of waiters,
	 * pairing with wait_ack's barrier after its waiters++; its release
	 * pairs with acked()'s acquire (core/engine.c). */
	smp_store_mb(e->ack_gen, gen);
	udma_park_wake(&e->client_park);
}

/* The thread starts a batch of transfers: pause waits for it from here. */
static inline void udma_engine_running(struct udma_engine *e)
{
	/* Store, then full barrier, before may_run's load of paused: pairs
	 * with the barrier of pause's kick, between its store of paused and
	 * its load of state. Either pause sees RUNNING and waits, or the
	 * thread sees paused and parks. */
	smp_store_mb(e->state, UDMA_ENGINE_RUNNING);
}

/* The batch is over: a waiting pause may return. */
static inline void udma_engine_idle(struct udma_engine *e)
{
	/* Store, then full barrier, before udma_park_wake's load of waiters:
	 * pairs with pause's barrier after its waiters++; its release pairs
	 * with not_running()'s acquire (core/engine.c). */
	smp_store_mb(e->state, UDMA_ENGINE_IDLE);
	udma_park_wake(&e->client_park);
}

bool udma_engine_may_run_slow(struct udma_engine *e, unsigned int gen);

/*
 * At a burst boundary, between udma_engine_running and _idle: false if
 * stopped since @gen or exiting; while paused, parks (PARKED, after
 * before_park) until resumed or stopped. The common case is three loads.
 */
static inline bool udma_engine_may_run(struct udma_engine *e, unsigned int gen)
{
	/* after udma_engine_running's (or park_end's) smp_store_mb of state */
	if (__builtin_expect(udma_engine_gen(e) == gen && !udma_engine_exiting(e) &&
			     !udma_engine_paused(e), 1))
		return true;
	return udma_engine_may_run_slow(e, gen);
}

/*
 * A stalled engine: parks (PARKED, after before_park: pause sees it still)
 * until stopped since @gen or exiting.
 */
void udma_engine_stall(struct udma_engine *e, unsigned int gen);

#endif /* UDMA_PRIVATE_ENGINE_H */

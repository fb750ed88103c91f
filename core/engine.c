/* SPDX-License-Identifier: MIT */
/*
 * The engine handshake's slow paths (<udma/engine.h>): everything that
 * waits, and the client calls, which are rare next to a kick.
 */
#include <udma/engine.h>

void udma_engine_init(struct udma_engine *e, void (*before_park)(struct udma_engine *e))
{
	e->ack_gen = 0;
	e->state = UDMA_ENGINE_IDLE;
	e->before_park = before_park;
	udma_park_init(&e->thread_park);
	udma_park_init(&e->client_park);
	e->doorbell = 0;
	e->stop_gen = 0;
	e->paused = 0;
	e->exit = 0;
}

void udma_engine_destroy(struct udma_engine *e)
{
	udma_park_destroy(&e->thread_park);
	udma_park_destroy(&e->client_park);
}

/* ---- client side ---- */

unsigned int udma_engine_stop(struct udma_engine *e)
{
	/* Release, both: pair with the thread's acquire loads of them (the
	 * accessors in <udma/engine.h>). The caller's kick, once the lock is
	 * dropped, is the full barrier between them and its load of waiters
	 * (a thread parked for pause reads them after its waiters++). */
	unsigned int gen = udma_fetch_add_release(&e->stop_gen, 1) + 1;

	smp_store_release(&e->paused, 0);
	return gen;
}

struct ack_wait {
	const struct udma_engine *e;
	unsigned int gen;
};

static bool acked(void *arg)
{
	const struct ack_wait *w = arg;

	/* After this caller's waiters++ and barrier (udma_park_wait), meeting
	 * udma_engine_ack's smp_store_mb then waiters load. Acquire: pairs
	 * with that store's release, so that the caller sees the thread
	 * done with the older generation. Wrap-safe. */
	return (int)(smp_load_acquire(&w->e->ack_gen) - w->gen) >= 0;
}

void udma_engine_wait_ack(struct udma_engine *e, unsigned int gen)
{
	struct ack_wait w = { e, gen };

	udma_engine_kick(e);	/* out of its wait: to see the generation and ack it */
	udma_park_wait(&e->client_park, acked, &w, udma_poll_ns());
}

static bool not_running(void *arg)
{
	const struct udma_engine *e = arg;

	/* Meets the thread's smp_store_mb of RUNNING then paused load (after
	 * pause's kick), and of PARKED/IDLE then waiters load (after the
	 * park's barrier). Acquire: pairs with those stores' release, so
	 * that pause returns with the thread's last burst seen. */
	return smp_load_acquire(&e->state) != UDMA_ENGINE_RUNNING;
}

void udma_engine_pause(struct udma_engine *e)
{
	/* Release: pairs with udma_engine_paused's acquire. The kick's fully
	 * ordered RMW is the full barrier between it and not_running()'s load
	 * of state (meeting the thread's smp_store_mb of RUNNING then load of
	 * paused). */
	smp_store_release(&e->paused, 1);
	udma_engine_kick(e);	/* out of a wait for work (a FIFO's), to see it */
	udma_park_wait(&e->client_park, not_running, e, udma_poll_ns());
}

void udma_engine_resume(struct udma_engine *e)
{
	/* Release: pairs with udma_engine_paused's acquire, so that the
	 * thread resumes after what the client did while it was paused. The
	 * kick's fully ordered RMW is the full barrier between it and the
	 * load of waiters (meeting the parked thread's waiters++ then paused
	 * load). */
	smp_store_release(&e->paused, 0);
	udma_engine_kick(e);
}

void udma_engine_exit(struct udma_engine *e)
{
	/* release and kick, as resume's paused */
	smp_store_release(&e->exit, 1);
	udma_engine_kick(e);
}

/* ---- thread side ---- */

struct bell_wait {
	const struct udma_engine *e;
	unsigned int bell;
};

static bool rang(void *arg)
{
	const struct bell_wait *w = arg;

	/* after the park's barrier: meets the kick's doorbell++ then waiters
	 * load */
	return udma_engine_rang(w->e, w->bell);
}

void udma_engine_wait(struct udma_engine *e, unsigned int bell)
{
	struct bell_wait w = { e, bell };

	udma_park_wait(&e->thread_park, rang, &w, udma_poll_ns());
}

struct gen_wait {
	const struct udma_engine *e;
	unsigned int gen;
};

static bool stopped(const struct gen_wait *w)
{
	return udma_engine_gen(w->e) != w->gen || udma_engine_exiting(w->e);
}

static bool resumed_or_stopped(void *arg)
{
	const struct gen_wait *w = arg;

	/* after the park's barrier: meets resume's and stop's store then kick */
	return stopped(w) || !udma_engine_paused(w->e);
}

static bool terminated(void *arg)
{
	return stopped(arg);
}

/* Parked mid-transfer: pause may return; the caller waits. */
static void park_begin(struct udma_engine *e)
{
	if (e->before_park)
		e->before_park(e);
	/* Store, then full barrier, as udma_engine_idle's */
	smp_store_mb(e->state, UDMA_ENGINE_PARKED);
	udma_park_wake(&e->client_park);
}

/* Moving again: stored before the next look at paused (may_run). */
static void park_end(struct udma_engine *e)
{
	smp_store_mb(e->state, UDMA_ENGINE_RUNNING);	/* as udma_engine_running's */
}

__attribute__((noinline)) bool udma_engine_may_run_slow(struct udma_engine *e, unsigned int gen)
{
	struct gen_wait w = { e, gen };

	for (;;) {
		if (stopped(&w))
			return false;
		if (!udma_engine_paused(e))
			return true;
		park_begin(e);
		/* no polling: a pause lasts as long as its client wants */
		udma_park_wait(&e->thread_park, resumed_or_stopped, &w, 0);
		park_end(e);
	}
}

void udma_engine_stall(struct udma_engine *e, unsigned int gen)
{
	struct gen_wait w = { e, gen };

	park_begin(e);
	udma_park_wait(&e->thread_park, terminated, &w, 0);
	park_end(e);
}

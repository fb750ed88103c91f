/* SPDX-License-Identifier: MIT */
/*
 * The engine handshake (<udma/engine.h>) on its own: a thread that runs
 * transfers in "bursts" the way a provider's thread does, and a client that
 * issues work and kicks, pauses and resumes, stops and waits for the
 * acknowledgement, and finally makes the thread exit. Checked:
 *
 *   - no lost wake-up: every issue is taken, whether the thread was
 *     polling or parked (each wait is bounded: a stuck one fails the test);
 *   - pause returns only once the thread is parked or idle: no burst moves
 *     from then until resume, and a parked thread called before_park;
 *   - wait_ack returns only after the thread acknowledged the generation:
 *     it holds nothing older, and nothing stopped ever completes;
 *   - may_run is false after stop (and after exit), true for the new
 *     generation; exit ends a thread parked for pause.
 *
 * A watchdog fails the test, naming the phase, if a blocking call (pause,
 * wait_ack, join) does not return within WATCHDOG_S.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <udma/engine.h>

#include "helpers.h"

#define WATCHDOG_S 20		/* a blocking call that takes longer is stuck */
#define WAIT_NS (10ull * 1000000000u)	/* a bounded wait that takes longer failed */
#define FOREVER 0xffffffffu	/* bursts of a transfer that only a stop ends */

static void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* ---- the watchdog ---- */

static const char *phase = "start";	/* atomic */
static uint64_t phase_deadline;		/* atomic: 0 while nothing blocks */

static void blocking(const char *what)
{
	__atomic_store_n(&phase, what, __ATOMIC_SEQ_CST);
	__atomic_store_n(&phase_deadline, udma_now_ns() + WATCHDOG_S * 1000000000ull,
			 __ATOMIC_SEQ_CST);
}

static void unblocked(void)
{
	__atomic_store_n(&phase_deadline, 0, __ATOMIC_SEQ_CST);
}

static void *watchdog(void *arg)
{
	for (;;) {
		uint64_t d = __atomic_load_n(&phase_deadline, __ATOMIC_SEQ_CST);

		if (d && udma_now_ns() > d) {
			fprintf(stderr, "engine-handshake: stuck in %s for %d s (a lost wake-up?)\n",
				__atomic_load_n(&phase, __ATOMIC_SEQ_CST), WATCHDOG_S);
			_exit(1);
		}
		sleep_us(10000);
	}
	return arg;
}

/* ---- a provider: its lock, its queue, its thread ---- */

struct sim {
	struct udma_engine eng UDMA_CACHELINE_ALIGNED;
	pthread_t thread;
	pthread_mutex_t lock;	/* the provider's lock: stops and completions */

	/* Under @lock: */
	unsigned long issued;	/* transfers issued */
	unsigned long taken;	/* ... taken by the thread (or dropped by a stop) */
	unsigned int bursts_each;	/* bursts of each transfer issued next */
	unsigned long done;	/* completed */
	unsigned long dropped;	/* not done when a stop came: never completes */

	/* Atomic, written by the thread: */
	unsigned long bursts;	/* bursts moved */
	int moving;		/* inside a burst */
	int holding;		/* holds transfers taken at hold_gen */
	unsigned int hold_gen;
	unsigned long parks;	/* before_park calls */
};

static struct sim S;

static void before_park(struct udma_engine *e)
{
	struct sim *s = container_of(e, struct sim, eng);

	/* parking mid-transfer: never inside a burst */
	CHECK(!__atomic_load_n(&s->moving, __ATOMIC_SEQ_CST));
	__atomic_fetch_add(&s->parks, 1, __ATOMIC_SEQ_CST);
}

static void burst(void)
{
	for (int i = 0; i < 64; i++)
		cpu_relax();
}

/* Runs @n transfers of @each bursts, as a provider's thread runs a batch. */
static void run_batch(struct sim *s, unsigned long n, unsigned int each, unsigned int gen)
{
	udma_engine_running(&s->eng);
	for (unsigned long t = 0; t < n; t++) {
		for (unsigned int b = 0; b < each; b++) {
			if (!udma_engine_may_run(&s->eng, gen))
				goto stopped;
			__atomic_store_n(&s->moving, 1, __ATOMIC_SEQ_CST);
			burst();
			__atomic_fetch_add(&s->bursts, 1, __ATOMIC_SEQ_CST);
			__atomic_store_n(&s->moving, 0, __ATOMIC_SEQ_CST);
		}
		/* completes unless stopped since: under the lock the stop takes */
		pthread_mutex_lock(&s->lock);
		if (udma_engine_gen(&s->eng) == gen)
			s->done++;
		pthread_mutex_unlock(&s->lock);
	}
stopped:
	__atomic_store_n(&s->holding, 0, __ATOMIC_SEQ_CST);
	udma_engine_idle(&s->eng);
}

static void *sim_thread(void *arg)
{
	struct sim *s = arg;

	for (;;) {
		unsigned int bell = udma_engine_doorbell(&s->eng), gen, each = 0;
		unsigned long n = 0;

		pthread_mutex_lock(&s->lock);
		gen = udma_engine_gen(&s->eng);
		if (!udma_engine_paused(&s->eng)) {
			n = s->issued - s->taken;
			s->taken = s->issued;
			each = s->bursts_each;
		}
		if (n) {
			__atomic_store_n(&s->hold_gen, gen, __ATOMIC_SEQ_CST);
			__atomic_store_n(&s->holding, 1, __ATOMIC_SEQ_CST);
		}
		pthread_mutex_unlock(&s->lock);
		udma_engine_ack(&s->eng, gen);

		if (udma_engine_exiting(&s->eng))
			break;
		if (n) {
			run_batch(s, n, each, gen);
			continue;
		}
		udma_engine_wait(&s->eng, bell);
	}
	return NULL;
}

/* ---- the client ---- */

static void issue(struct sim *s, unsigned long n, unsigned int each)
{
	pthread_mutex_lock(&s->lock);
	s->issued += n;
	s->bursts_each = each;
	pthread_mutex_unlock(&s->lock);
	udma_engine_kick(&s->eng);
}

static unsigned long done_of(struct sim *s)
{
	unsigned long d;

	pthread_mutex_lock(&s->lock);
	d = s->done;
	pthread_mutex_unlock(&s->lock);
	return d;
}

static unsigned long bursts_of(struct sim *s)
{
	return __atomic_load_n(&s->bursts, __ATOMIC_SEQ_CST);
}

/* Waits, bounded, until done reaches @want; fails the test if it does not. */
static void wait_done(struct sim *s, unsigned long want, const char *what)
{
	uint64_t end = udma_now_ns() + WAIT_NS;

	while (done_of(s) < want) {
		if (udma_now_ns() > end) {
			fprintf(stderr, "engine-handshake: %s: %lu of %lu done after %llu s: a lost wake-up\n",
				what, done_of(s), want, WAIT_NS / 1000000000ull);
			exit(1);
		}
		sched_yield();
	}
}

/* Waits, bounded, until the thread has moved a burst more than @than. */
static void wait_bursts(struct sim *s, unsigned long than, const char *what)
{
	uint64_t end = udma_now_ns() + WAIT_NS;

	while (bursts_of(s) <= than) {
		if (udma_now_ns() > end) {
			fprintf(stderr, "engine-handshake: %s: no burst moved\n", what);
			exit(1);
		}
		sched_yield();
	}
}

/* Terminate as a provider does it: stop under the lock, drop what is not
 * done, kick once the lock is dropped; then synchronize. */
static unsigned int terminate_sync(struct sim *s)
{
	unsigned int gen;

	pthread_mutex_lock(&s->lock);
	gen = udma_engine_stop(&s->eng);
	s->dropped = s->issued - s->done;	/* what completes later is counted twice */
	s->taken = s->issued;
	pthread_mutex_unlock(&s->lock);
	udma_engine_kick(&s->eng);

	blocking("wait_ack");
	udma_engine_wait_ack(&s->eng, gen);
	unblocked();
	/* acknowledged: the thread holds nothing older than gen */
	CHECK((int)(__atomic_load_n(&s->eng.ack_gen, __ATOMIC_SEQ_CST) - gen) >= 0);
	if (__atomic_load_n(&s->holding, __ATOMIC_SEQ_CST))
		CHECK((int)(__atomic_load_n(&s->hold_gen, __ATOMIC_SEQ_CST) - gen) >= 0);
	return gen;
}

/* Pauses and checks that nothing moves until resume. */
static void pause_checked(struct sim *s, bool expect_parked)
{
	unsigned long b0, parks0 = __atomic_load_n(&s->parks, __ATOMIC_SEQ_CST);

	blocking("pause");
	udma_engine_pause(&s->eng);
	unblocked();
	/* (state may read RUNNING for a moment yet: a thread that took work
	 * just before the pause stores it, then sees the pause and parks
	 * before its first burst) */
	CHECK(!__atomic_load_n(&s->moving, __ATOMIC_SEQ_CST));
	b0 = bursts_of(s);
	sleep_us(300 + (unsigned)(rand() % 700));
	CHECK_EQ(bursts_of(s), b0);	/* paused: not one burst more */
	CHECK(!__atomic_load_n(&s->moving, __ATOMIC_SEQ_CST));
	if (expect_parked) {
		CHECK_EQ(__atomic_load_n(&s->eng.state, __ATOMIC_SEQ_CST), UDMA_ENGINE_PARKED);
		CHECK(__atomic_load_n(&s->parks, __ATOMIC_SEQ_CST) > parks0);
	}
}

/* ---- a second client that only kicks, as a FIFO whose level moves ---- */

static int kicker_stop;	/* atomic */

static void *kicker(void *arg)
{
	struct sim *s = arg;

	while (!__atomic_load_n(&kicker_stop, __ATOMIC_SEQ_CST)) {
		udma_engine_kick(&s->eng);
		sleep_us((unsigned)(rand() % 200));
	}
	return NULL;
}

/* ---- phases ---- */

/* may_run and the generations, with no thread at all. */
static void no_thread(void)
{
	struct udma_engine e;
	unsigned int gen, bell;

	udma_engine_init(&e, NULL);
	gen = udma_engine_gen(&e);
	bell = udma_engine_doorbell(&e);
	CHECK(udma_engine_may_run(&e, gen));
	CHECK(!udma_engine_rang(&e, bell));
	udma_engine_kick(&e);
	CHECK(udma_engine_rang(&e, bell));
	udma_engine_wait(&e, bell);	/* rang already: returns at once */

	CHECK_EQ(udma_engine_stop(&e), gen + 1);
	CHECK(!udma_engine_may_run(&e, gen));	/* stopped: false, and no park */
	CHECK(udma_engine_may_run(&e, gen + 1));

	/* a stop ends a pause: may_run for the old generation is false, not parked */
	__atomic_store_n(&e.paused, 1, __ATOMIC_SEQ_CST);
	CHECK(udma_engine_paused(&e));
	CHECK_EQ(udma_engine_stop(&e), gen + 2);
	CHECK(!udma_engine_paused(&e));
	CHECK(!udma_engine_may_run(&e, gen + 1));

	/* pause with no thread running returns at once: IDLE */
	udma_engine_pause(&e);
	CHECK(udma_engine_paused(&e));
	udma_engine_resume(&e);
	CHECK(!udma_engine_paused(&e));

	/* ack by hand: wait_ack for an acknowledged generation returns at once */
	udma_engine_ack(&e, gen + 2);
	udma_engine_wait_ack(&e, gen + 2);
	udma_engine_wait_ack(&e, gen + 1);

	udma_engine_exit(&e);
	CHECK(udma_engine_exiting(&e));
	CHECK(!udma_engine_may_run(&e, gen + 2));	/* exiting: false */
	udma_engine_destroy(&e);
	printf("engine-handshake: may_run, stop, ack and exit without a thread\n");
}

/* Issue, wait, issue: the thread polls and parks between issues. */
static void no_lost_wakeup(struct sim *s)
{
	unsigned long want = done_of(s);
	unsigned int rounds = 20000;

	for (unsigned int i = 0; i < rounds; i++) {
		/* now and then long enough for the thread to stop polling and park */
		if (i % 500 == 0)
			sleep_us(200);
		else if (rand() % 8 == 0)
			sleep_us((unsigned)(rand() % 40));
		issue(s, 1 + (unsigned long)(rand() % 3), 1);
		pthread_mutex_lock(&s->lock);
		want = s->issued - s->dropped;
		pthread_mutex_unlock(&s->lock);
		wait_done(s, want, "issue after issue");
	}
	printf("engine-handshake: %u issues each taken and done, polling or parked\n", rounds);
}

/* Pause mid-transfer and at random points of a batch, and while idle. */
static void pause_resume(struct sim *s)
{
	unsigned int rounds = 300, parked_seen = 0;

	for (unsigned int i = 0; i < rounds; i++) {
		unsigned long want, b0 = bursts_of(s);

		if (i % 2) {
			/* a transfer only a stop ends: always mid-transfer, so
			 * pause finds it running and it parks */
			issue(s, 1, FOREVER);
			wait_bursts(s, b0, "before pause");
			pause_checked(s, true);
			parked_seen++;
			b0 = bursts_of(s);
			udma_engine_resume(&s->eng);
			wait_bursts(s, b0, "after resume");	/* it moves again */
			terminate_sync(s);
			continue;
		}
		issue(s, 2, 400);
		pthread_mutex_lock(&s->lock);
		want = s->issued - s->dropped;
		pthread_mutex_unlock(&s->lock);
		if (rand() % 2)
			sleep_us((unsigned)(rand() % 50));	/* wherever it is */
		pause_checked(s, false);
		if (__atomic_load_n(&s->eng.state, __ATOMIC_SEQ_CST) == UDMA_ENGINE_PARKED)
			parked_seen++;
		udma_engine_resume(&s->eng);
		wait_done(s, want, "after resume");
	}

	/* Paused while idle: issued work waits for resume. */
	for (unsigned int i = 0; i < 50; i++) {
		unsigned long d0 = done_of(s), want;

		pause_checked(s, false);
		CHECK_EQ(__atomic_load_n(&s->eng.state, __ATOMIC_SEQ_CST), UDMA_ENGINE_IDLE);
		issue(s, 1, 1);
		sleep_us(200);
		CHECK_EQ(done_of(s), d0);	/* not taken while paused */
		pthread_mutex_lock(&s->lock);
		want = s->issued - s->dropped;
		pthread_mutex_unlock(&s->lock);
		udma_engine_resume(&s->eng);
		wait_done(s, want, "issued while paused, after resume");
	}
	printf("engine-handshake: %u pauses mid-transfer and idle: nothing moved until resume "
	       "(%u parked, before_park %lu times)\n",
	       rounds + 50, parked_seen, __atomic_load_n(&s->parks, __ATOMIC_SEQ_CST));
}

/* Stop a transfer only a stop ends, at random points; also while paused. */
static void stop_ack(struct sim *s)
{
	unsigned int rounds = 300;

	for (unsigned int i = 0; i < rounds; i++) {
		unsigned long b0 = bursts_of(s);

		issue(s, 1 + (unsigned long)(rand() % 4), FOREVER);
		switch (i % 3) {
		case 0:
			wait_bursts(s, b0, "before stop");	/* running */
			break;
		case 1:
			wait_bursts(s, b0, "before pause");
			pause_checked(s, true);			/* parked for pause */
			break;
		default:
			if (rand() % 2)
				sleep_us((unsigned)(rand() % 50));	/* wherever it is */
			break;
		}
		terminate_sync(s);
		CHECK(!udma_engine_paused(&s->eng));	/* a stop ends a pause */
	}

	/* and the engine still runs the next generation's work */
	{
		unsigned long want;

		issue(s, 3, 2);
		pthread_mutex_lock(&s->lock);
		want = s->issued - s->dropped;
		pthread_mutex_unlock(&s->lock);
		wait_done(s, want, "after the stops");
	}
	printf("engine-handshake: %u stops: wait_ack returned once acknowledged, "
	       "nothing stopped completed\n", rounds);
}

int main(void)
{
	pthread_t dog, kick;
	unsigned long parks;

	srand(2026);
	pthread_create(&dog, NULL, watchdog, NULL);
	pthread_detach(dog);

	no_thread();

	pthread_mutex_init(&S.lock, NULL);
	udma_engine_init(&S.eng, before_park);
	CHECK(pthread_create(&S.thread, NULL, sim_thread, &S) == 0);

	no_lost_wakeup(&S);
	pause_resume(&S);
	stop_ack(&S);

	/* the same again with a second client kicking all along: spurious
	 * wake-ups change nothing */
	pthread_create(&kick, NULL, kicker, &S);
	no_lost_wakeup(&S);
	pause_resume(&S);
	stop_ack(&S);
	__atomic_store_n(&kicker_stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(kick, NULL);

	/* Exit ends a thread parked for pause, mid-transfer. */
	{
		unsigned long b0 = bursts_of(&S);

		issue(&S, 1, FOREVER);
		wait_bursts(&S, b0, "before the last pause");
		pause_checked(&S, true);
		parks = __atomic_load_n(&S.parks, __ATOMIC_SEQ_CST);
		udma_engine_exit(&S.eng);
		blocking("join after exit");
		pthread_join(S.thread, NULL);
		unblocked();
		CHECK(parks > 0);
	}

	/* Invariant of the whole run: each transfer either completed before a
	 * stop or was dropped by one (but the last, which exit left), and a
	 * stopped one never completed later. */
	pthread_mutex_lock(&S.lock);
	CHECK_EQ(S.done + S.dropped + 1, S.issued);
	pthread_mutex_unlock(&S.lock);

	udma_engine_destroy(&S.eng);
	pthread_mutex_destroy(&S.lock);
	printf("engine-handshake: exit ended a thread parked for pause\n");
	return 0;
}

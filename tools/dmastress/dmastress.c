/* SPDX-License-Identifier: MIT */
/*
 * dmastress: seeded random traffic on shared soft channels, checking the
 * promises that matter when threads race each other and the controller.
 *
 *   dmastress [--seed=N] [--threads=N] [--channels=N] [--ops=N] [--max-len=N] [-q]
 *
 * --ops is the total: the threads share it, each doing its part exactly.
 *
 * Each thread, with its own PRNG seeded from --seed, repeatedly picks a
 * channel and an action: prep+submit a copy (with a callback, or polled),
 * a batch of copies (udma_submit_memcpy_batch; some polled, which the soft
 * controller queues with no descriptor),
 * issue_pending, terminate_async+synchronize, terminate_sync, pause+resume,
 * tx_status, or release the channel and request a new one. Every submitted
 * copy gets a record; the run checks that
 *   - a callback runs at most once per record, and only on a live record;
 *   - a called-back copy's destination equals its source, byte for byte;
 *   - after a synchronize that followed a terminate, no record submitted
 *     before that terminate is called back (records are kept, marked dead,
 *     until the end, so a late callback is seen rather than a use-after-free);
 *   - at the end every record was either called back exactly once
 *     (completed) or never (terminated): accounted for exactly once.
 * Any violation is a finding; the last line counts them and the exit status
 * is 1 if there was one (2: bad options). The same seed and thread count
 * give the same choices.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <udmaengine/dmaengine.h>
#include <udmaengine/soft.h>

#include "cli.h"
#include "progress.h"

#define MAX_THREADS 64
#define MAX_CHANNELS 16
#define MAX_OPS 1000000000000ull	/* days of running: a typo, not a plan */
#define REC_LIVE 0x11fe11feu
#define REC_DEAD 0xdeadbeefu

struct opts {
	uint64_t seed;
	unsigned int threads, channels, max_len;
	uint64_t ops;
	int quiet;
};

/* One shared channel slot: the channel in it may be released and replaced. */
struct slot {
	pthread_rwlock_t use;		/* read: any call on chan; write: replace it */
	pthread_mutex_t control;	/* one terminate+synchronize or pause+resume at a time */
	struct dma_chan *chan;
	uint64_t term_started;		/* atomic: terminates begun on this slot */
	uint64_t term_finished;		/* atomic: terminate calls returned */
	uint64_t synced;		/* atomic: terminates known finished, in start order */
};

struct record {
	unsigned int magic;		/* REC_LIVE, REC_DEAD once its fate is sealed */
	int callbacks;			/* atomic */
	int polled;
	struct slot *slot;
	uint64_t epoch0;		/* slot->term_started read before prep */
	bool quiet_start;		/* no terminate was in flight at prep */
	uint64_t epoch;			/* slot->term_started read after submit returned */
	dma_cookie_t cookie;
	unsigned char *src, *dst;
	size_t len;
	struct record *next;		/* owner's list */
};

static struct opts opt;
static struct slot slots[MAX_CHANNELS];
static uint64_t findings;		/* atomic */
static uint64_t stat_ops, stat_done, stat_dead, stat_bytes, stat_misuse;	/* atomic */
static dma_cap_mask_t memcpy_mask;
/* workers that have finished their operations: the progress loop's end */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static unsigned int nr_done;

static void finding(const char *what, const struct record *r)
{
	if (__atomic_fetch_add(&findings, 1, __ATOMIC_RELAXED) < 20)
		fprintf(stderr, "dmastress: FINDING: %s (record %p cookie %d len %zu)\n", what,
			(const void *)r, r ? r->cookie : 0, r ? r->len : 0);
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Diagnostics: a shared channel makes some misuse unavoidable; count it. */
static void on_diag(void *arg, const char *line)
{
	(void)arg;
	if (strstr(line, "between dmaengine_terminate_async and dmaengine_synchronize"))
		__atomic_fetch_add(&stat_misuse, 1, __ATOMIC_RELAXED);
	else if (!strstr(line, "is not held"))	/* a slot being replaced */
		fprintf(stderr, "dmastress: unexpected diagnostic: %s\n", line),
			__atomic_fetch_add(&findings, 1, __ATOMIC_RELAXED);
}

static void on_callback(void *param)
{
	struct record *r = param;

	if (__atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) != REC_LIVE) {
		finding("callback after synchronize, on a dead record", r);
		return;
	}
	if (memcmp(r->src, r->dst, r->len))
		finding("data mismatch in a completed copy", r);
	if (__atomic_add_fetch(&r->callbacks, 1, __ATOMIC_RELEASE) != 1)
		finding("second callback for one descriptor", r);
}

/* A record is settled when called back, or covered by a synchronize. */
static void settle(struct record *r)
{
	if (__atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) != REC_LIVE)
		return;
	if (__atomic_load_n(&r->callbacks, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&r->magic, REC_DEAD, __ATOMIC_RELEASE);
		__atomic_fetch_add(&stat_done, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&stat_bytes, r->len, __ATOMIC_RELAXED);
	} else if (__atomic_load_n(&r->slot->synced, __ATOMIC_ACQUIRE) > r->epoch) {
		/* terminated: it may never be called back from now on */
		__atomic_store_n(&r->magic, REC_DEAD, __ATOMIC_RELEASE);
		__atomic_fetch_add(&stat_dead, 1, __ATOMIC_RELAXED);
	}
}

static void mark_synced(struct slot *s, uint64_t started)
{
	uint64_t cur = __atomic_load_n(&s->synced, __ATOMIC_ACQUIRE);

	while (cur < started + 1 &&
	       !__atomic_compare_exchange_n(&s->synced, &cur, started + 1, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
}

static void do_terminate(struct slot *s, bool sync_call)
{
	uint64_t k;

	pthread_mutex_lock(&s->control);
	k = __atomic_fetch_add(&s->term_started, 1, __ATOMIC_ACQ_REL);
	if (sync_call) {
		if (dmaengine_terminate_sync(s->chan))
			finding("terminate_sync failed", NULL);
		__atomic_fetch_add(&s->term_finished, 1, __ATOMIC_ACQ_REL);
	} else {
		if (dmaengine_terminate_async(s->chan))
			finding("terminate_async failed", NULL);
		__atomic_fetch_add(&s->term_finished, 1, __ATOMIC_ACQ_REL);
		dmaengine_synchronize(s->chan);
	}
	mark_synced(s, k);
	pthread_mutex_unlock(&s->control);
}

/* A record for a new copy of random length and bytes on @s, not yet
 * prepared. */
static struct record *new_record(struct slot *s, uint64_t *rng)
{
	struct record *r = calloc(1, sizeof(*r));

	r->len = 1 + rnd(rng) % opt.max_len;
	r->src = malloc(r->len);
	r->dst = malloc(r->len);
	r->slot = s;
	r->magic = REC_LIVE;
	r->epoch0 = __atomic_load_n(&s->term_started, __ATOMIC_ACQUIRE);
	r->quiet_start = __atomic_load_n(&s->term_finished, __ATOMIC_ACQUIRE) == r->epoch0;
	for (size_t i = 0; i < r->len; i += 8) {
		uint64_t x = rnd(rng);

		memcpy(r->src + i, &x, r->len - i < 8 ? r->len - i : 8);
	}
	memset(r->dst, 0, r->len);
	return r;
}

static void drop_record(struct record *r)
{
	free(r->src);
	free(r->dst);
	free(r);
}

/* A submitted record goes on the owner's list. */
static void submitted(struct record *r, dma_cookie_t cookie, struct record **list)
{
	r->cookie = cookie;
	r->epoch = __atomic_load_n(&r->slot->term_started, __ATOMIC_ACQUIRE);
	r->next = *list;
	*list = r;
}

static struct record *submit_copy(struct slot *s, uint64_t *rng, struct record **list)
{
	struct record *r = new_record(s, rng);
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(s->chan, (dma_addr_t)(uintptr_t)r->dst,
				       (dma_addr_t)(uintptr_t)r->src, r->len, DMA_PREP_INTERRUPT);
	if (!tx) {
		finding("prep failed", r);
		drop_record(r);
		return NULL;
	}
	r->polled = rnd(rng) % 8 == 0;
	if (!r->polled) {
		tx->callback = on_callback;
		tx->callback_param = r;
	}
	cookie = dmaengine_submit(tx);
	if (cookie < 0)
		finding("submit failed", r);
	submitted(r, cookie, list);
	return r;
}

static void poll_one(struct record *r);

/* 1..8 copies in one udma_submit_memcpy_batch, an eighth of them polled. */
#define STRESS_BATCH 8

static void submit_batch(struct slot *s, uint64_t *rng, struct record **list)
{
	struct record *r[STRESS_BATCH];
	struct udma_copy c[STRESS_BATCH];
	unsigned int n = 1 + (unsigned int)(rnd(rng) % STRESS_BATCH);
	dma_cookie_t last = 0;
	int got;

	for (unsigned int i = 0; i < n; i++) {
		r[i] = new_record(s, rng);
		r[i]->polled = rnd(rng) % 8 == 0;
		c[i] = (struct udma_copy){ .dst = (dma_addr_t)(uintptr_t)r[i]->dst,
					   .src = (dma_addr_t)(uintptr_t)r[i]->src, .len = r[i]->len };
		if (!r[i]->polled) {
			c[i].callback = on_callback;
			c[i].callback_param = r[i];
		}
	}
	got = udma_submit_memcpy_batch(s->chan, c, n, 0, &last);
	if (got != (int)n)
		finding("batch submit refused a copy", NULL);
	for (unsigned int i = 0; i < n; i++) {
		if ((int)i < got)	/* cookies run on by one within the batch */
			submitted(r[i], last - (dma_cookie_t)(got - 1 - (int)i), list);
		else
			drop_record(r[i]);
	}
	for (int i = 0; i < got; i++)
		if (r[i]->polled)
			poll_one(r[i]);
}

/*
 * Polled copies have no callback: complete means tx_status says so. A
 * terminated cookie also reads complete once later cookies complete (as in
 * the kernel), so only a copy that no terminate raced with (none in flight
 * at prep, none begun since) counts as completed; the wait gives up when a
 * terminate begins, since a terminated cookie may never read complete.
 */
static void poll_one(struct record *r)
{
	struct slot *s = r->slot;

	dma_async_issue_pending(s->chan);
	for (unsigned int spins = 0;; spins++) {
		if (__atomic_load_n(&s->term_started, __ATOMIC_ACQUIRE) != r->epoch0 ||
		    !r->quiet_start)
			return;
		if (dmaengine_tx_status(s->chan, r->cookie, NULL) == DMA_COMPLETE)
			break;
		if (spins > 64)
			sched_yield();
	}
	if (__atomic_load_n(&s->term_started, __ATOMIC_ACQUIRE) != r->epoch0)
		return;
	if (memcmp(r->src, r->dst, r->len))
		finding("data mismatch in a polled copy", r);
	__atomic_store_n(&r->callbacks, 1, __ATOMIC_RELEASE);
}

static void replace_channel(struct slot *s)
{
	uint64_t k;

	pthread_rwlock_wrlock(&s->use);
	k = __atomic_fetch_add(&s->term_started, 1, __ATOMIC_ACQ_REL);
	dma_release_channel(s->chan);	/* with work in flight: terminates and synchronizes */
	__atomic_fetch_add(&s->term_finished, 1, __ATOMIC_ACQ_REL);
	mark_synced(s, k);
	s->chan = dma_request_channel(memcpy_mask, NULL, NULL);
	if (!s->chan)
		finding("no channel after release", NULL);
	pthread_rwlock_unlock(&s->use);
}

/*
 * Moves settled records from @live to @graveyard. The graveyard keeps them
 * allocated and marked dead until the end, so a late callback finds a dead
 * record instead of freed memory.
 */
static void settle_list(struct record **live, struct record **graveyard)
{
	for (struct record **pp = live, *r; (r = *pp);) {
		settle(r);
		if (r->magic == REC_DEAD) {
			free(r->src);	/* a late callback stops at the magic */
			free(r->dst);
			r->src = r->dst = NULL;
			*pp = r->next;
			r->next = *graveyard;
			*graveyard = r;
		} else {
			pp = &r->next;
		}
	}
}

static void *worker(void *arg)
{
	uint64_t rng = opt.seed * 0x9e3779b97f4a7c15ull + (uintptr_t)arg + 1;
	/* --ops is the total: the first ops % threads threads do one more */
	uint64_t my_ops = opt.ops / opt.threads + ((uintptr_t)arg < opt.ops % opt.threads);
	struct record *list = NULL, *graveyard = NULL, *r;

	for (uint64_t i = 0; i < my_ops; i++) {
		struct slot *s = &slots[rnd(&rng) % opt.channels];
		unsigned int action = (unsigned int)(rnd(&rng) % 100);

		if (action == 99) {
			replace_channel(s);
			__atomic_fetch_add(&stat_ops, 1, __ATOMIC_RELAXED);
			continue;
		}
		pthread_rwlock_rdlock(&s->use);
		if (action < 35) {
			r = submit_copy(s, &rng, &list);
			if (r && r->polled)
				poll_one(r);
		} else if (action < 45) {
			submit_batch(s, &rng, &list);
		} else if (action < 75) {
			dma_async_issue_pending(s->chan);
		} else if (action < 82) {
			do_terminate(s, false);
		} else if (action < 86) {
			do_terminate(s, true);
		} else if (action < 90) {
			if (pthread_mutex_trylock(&s->control) == 0) {
				if (dmaengine_pause(s->chan) || dmaengine_resume(s->chan))
					finding("pause/resume failed", NULL);
				pthread_mutex_unlock(&s->control);
			}
		} else if (list) {
			struct dma_tx_state st;

			dmaengine_tx_status(s->chan, list->cookie, &st);
		}
		pthread_rwlock_unlock(&s->use);
		__atomic_fetch_add(&stat_ops, 1, __ATOMIC_RELAXED);

		if ((i & 63) == 0)
			settle_list(&list, &graveyard);
	}
	/* drain: everything issued either completes or is terminated */
	for (unsigned int c = 0; c < opt.channels; c++) {
		pthread_rwlock_rdlock(&slots[c].use);
		dma_async_issue_pending(slots[c].chan);
		pthread_rwlock_unlock(&slots[c].use);
	}
	pthread_mutex_lock(&done_lock);
	nr_done++;
	pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&done_lock);
	/* hand back one list: the live ones first, then the settled */
	if (!list)
		return graveyard;
	for (r = list; r->next; r = r->next)
		;
	r->next = graveyard;
	return list;
}

static const char usage_text[] =
	"usage: dmastress [options]\n"
	"Seeded random traffic from several threads on shared soft channels: copies\n"
	"(single, batched, polled), issue, terminate, pause, status, channel release.\n"
	"Every copy is verified and accounted for; a broken promise is a FINDING.\n"
	"The same seed and thread count make the same choices.\n"
	"Options take their value as --opt=VALUE or --opt VALUE.\n\n"
	"  --ops=N           operations in all, split across the threads (100000)\n"
	"  --threads=N       client threads, 1..64 (4)\n"
	"  --channels=N      shared channels, 1..16 (4)\n"
	"  --max-len=BYTES   longest copy, 1..64M, suffixes K, M (4096)\n"
	"  --seed=N          seed of every thread's choices (1)\n"
	"  -q, --quiet       no progress line on stderr (shown for runs over 2 s)\n"
	"  -h, --help        this text\n"
	"  --version         the udmaengine version\n\n"
	"Exit status: 0 no findings, 1 findings (counted in the last line), 2 bad options.\n";

enum { OPT_OPS = 256, OPT_THREADS, OPT_CHANNELS, OPT_MAX_LEN, OPT_SEED, OPT_VERSION };

static const struct option longopts[] = {
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "max-len", required_argument, NULL, OPT_MAX_LEN },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void parse(int argc, char **argv)
{
	int c;

	cli_prog = "dmastress";
	opt = (struct opts){ .seed = 1, .threads = 4, .channels = 4, .ops = 100000, .max_len = 4096 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			exit(CLI_EXIT_PASS);
		case OPT_VERSION:
			cli_version();
		case 'q':
			opt.quiet = 1;
			break;
		case OPT_OPS:
			opt.ops = cli_opt_u64("ops", optarg, 1, MAX_OPS);
			break;
		case OPT_THREADS:
			opt.threads = (unsigned int)cli_opt_u64("threads", optarg, 1, MAX_THREADS);
			break;
		case OPT_CHANNELS:
			opt.channels = (unsigned int)cli_opt_u64("channels", optarg, 1, MAX_CHANNELS);
			break;
		case OPT_MAX_LEN:
			opt.max_len = (unsigned int)cli_opt_size("max-len", optarg, 1, 64u << 20);
			break;
		case OPT_SEED:
			opt.seed = cli_opt_u64("seed", optarg, 0, UINT64_MAX);
			break;
		default:
			cli_bad_option(c, argv, longopts);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
}

int main(int argc, char **argv)
{
	struct udma_soft_config cfg = { .residue_granularity = DMA_RESIDUE_GRANULARITY_BURST,
					.burst_bytes = 4096 };
	pthread_t tid[MAX_THREADS];
	struct record *lists[MAX_THREADS];
	struct dma_device *dev;
	struct timespec t0, t1;
	struct progress prog;
	uint64_t records = 0;
	double secs;

	parse(argc, argv);
	udma_set_diag_handler(on_diag, NULL);
	cfg.nr_channels = opt.channels + 1;	/* one spare for replace_channel */
	dev = udma_soft_create(&cfg);
	if (IS_ERR(dev)) {
		fprintf(stderr, "dmastress: udma_soft_create: %ld\n", PTR_ERR(dev));
		return CLI_EXIT_FAIL;
	}
	dma_cap_zero(memcpy_mask);
	dma_cap_set(DMA_MEMCPY, memcpy_mask);
	for (unsigned int c = 0; c < opt.channels; c++) {
		pthread_rwlock_init(&slots[c].use, NULL);
		pthread_mutex_init(&slots[c].control, NULL);
		slots[c].chan = dma_request_channel(memcpy_mask, NULL, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int t = 0; t < opt.threads; t++)
		pthread_create(&tid[t], NULL, worker, (void *)(uintptr_t)t);
	progress_start(&prog, "dmastress", "operations", opt.ops, opt.quiet);
	pthread_mutex_lock(&done_lock);
	while (nr_done < opt.threads) {
		struct timespec ts;

		/* done_cond uses CLOCK_REALTIME: a wake-up now and then is all it takes */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&done_cond, &done_lock, &ts) == ETIMEDOUT) {
			pthread_mutex_unlock(&done_lock);
			progress_update(&prog, __atomic_load_n(&stat_ops, __ATOMIC_RELAXED));
			pthread_mutex_lock(&done_lock);
		}
	}
	pthread_mutex_unlock(&done_lock);
	progress_end(&prog);
	for (unsigned int t = 0; t < opt.threads; t++)
		pthread_join(tid[t], (void **)&lists[t]);

	/* Stop everything; then every record must settle. */
	for (unsigned int c = 0; c < opt.channels; c++) {
		uint64_t k = __atomic_fetch_add(&slots[c].term_started, 1, __ATOMIC_ACQ_REL);

		dma_release_channel(slots[c].chan);
		__atomic_fetch_add(&slots[c].term_finished, 1, __ATOMIC_ACQ_REL);
		mark_synced(&slots[c], k);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (unsigned int t = 0; t < opt.threads; t++) {
		for (struct record *r = lists[t], *n; r; r = n) {
			n = r->next;
			settle(r);	/* no-op for records settled during the run */
			if (r->magic != REC_DEAD)
				finding("record neither completed nor terminated", r);
			if (r->callbacks > 1)
				finding("record called back more than once", r);
			records++;
			free(r->src);
			free(r->dst);
			free(r);
		}
	}
	if (udma_soft_destroy(dev))
		finding("controller could not be destroyed", NULL);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("dmastress: seed %llu, %u threads x %u channels: %llu operations in %.2f s "
	       "(%.0f ops/s), %llu copies: %llu completed (%llu bytes verified), %llu terminated, "
	       "%llu expected misuse reports; %llu findings\n",
	       (unsigned long long)opt.seed, opt.threads, opt.channels,
	       (unsigned long long)stat_ops, secs, (double)stat_ops / secs,
	       (unsigned long long)records, (unsigned long long)stat_done,
	       (unsigned long long)stat_bytes, (unsigned long long)stat_dead,
	       (unsigned long long)stat_misuse, (unsigned long long)findings);
	if (stat_done + stat_dead != records)
		fprintf(stderr, "dmastress: FINDING: %llu records, %llu accounted\n",
			(unsigned long long)records, (unsigned long long)(stat_done + stat_dead)),
			findings++;
	return findings ? CLI_EXIT_FAIL : CLI_EXIT_PASS;
}

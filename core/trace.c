/* SPDX-License-Identifier: MIT */
/*
 * Descriptor timelines in the Chrome trace-event JSON format (Perfetto UI).
 *
 * Each thread appends fixed-size binary records to its own buffer, with no
 * lock: a buffer is a table of chunks that never move, and its length is
 * published with a release store after each record, so udma_trace_stop
 * reads every buffer while its thread may still be appending. A thread
 * takes the registry lock once, when it first traces.
 *
 * A buffer grows a chunk at a time up to UDMA_TRACE_BUF_MB; then it is a
 * ring of the chunks it has, and a new record overwrites the oldest one
 * (the newest events are the ones that explain a failure). Writing into
 * memory it has written before is also what keeps tracing cheap: a
 * page's first touch costs more than the records put in it. The writer
 * counts what was overwritten. UDMA_TRACE_MAX_MB bounds all buffers
 * together: a thread that cannot grow becomes a ring of what it has, or,
 * with fewer than two chunks, drops records and counts them.
 *
 * A new trace (a new generation) reuses a buffer and its chunks: its
 * owner empties it at its first record of the new generation. Buffers of
 * threads that exited are freed after the file is written.
 *
 * Records are turned into JSON only at stop, sorted by time.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <udmaengine/provider.h>
#include <udmaengine/trace.h>

#include "internal.h"
#include <udma/trace-hooks.h>

#define CHUNK_SHIFT 14			/* 16384 records (768 KiB) a chunk */
#define CHUNK (1u << CHUNK_SHIFT)
#define MAX_CHUNKS 2048			/* per thread */
#define DEFAULT_BUF_MB 16		/* per thread: about 350000 records */
#define DEFAULT_MAX_MB 1024		/* all buffers together */
#define FIFO_TID_BASE 0x40000000	/* FIFO tracks: not a real thread id */

int udma_tracing;
int udma_trace_tsc;

struct tbuf {
	struct tbuf *next;		/* registry, under reg_lock */
	int tid;
	char name[48];			/* under reg_lock once registered */
	unsigned int gen;		/* atomic: the trace its records belong to */
	size_t len;			/* atomic: records published, overwritten ones too */
	size_t ring;			/* atomic: 0 while growing; then chunks in the ring */
	uint64_t dropped;		/* atomic */
	bool starved;			/* owner only: no chunk at all; records are dropped */
	int orphan;			/* atomic: its thread exited */
	struct udma_trace_rec *cur;	/* owner only: the chunk len is in */
	struct udma_trace_rec *chunks[MAX_CHUNKS];	/* written before len covers them */
};

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;	/* start, stop */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;	/* bufs, fifo names */
static struct tbuf *bufs;
static unsigned int cur_gen;		/* atomic */
static bool active;			/* under ctl_lock */
static FILE *out;
static pid_t out_pid;			/* a forked child does not write the parent's file */
static uint64_t tick0, ns0;
static atomic_long_t chunks_used;	/* a count against max_chunks: relaxed */
static size_t max_chunks;
static size_t buf_chunks;		/* per thread, at most */

static char (*fifo_names)[32];		/* under reg_lock */
static uint32_t nfifo, fifo_cap;

static pthread_key_t buf_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct tbuf *me;
static _Thread_local struct {
	enum udma_trace_role role;
	const void *what;
	int index;
} my_role;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	if (udma_sim())
		return udma_sim_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the calling thread's buffer ---- */

static void buf_gone(void *p)
{
	/* release: the thread's last records before the flag; pairs with
	 * free_orphans' smp_load_acquire */
	smp_store_release(&((struct tbuf *)p)->orphan, 1);
}

static void make_key(void)
{
	pthread_key_create(&buf_key, buf_gone);
}

void udma_trace_thread_role(enum udma_trace_role role, const void *what, int index)
{
	my_role.role = role;
	my_role.what = what;
	my_role.index = index;
}

static void name_thread(struct tbuf *b)
{
	char n[16] = "";

	switch (my_role.role) {
	case UDMA_TRACE_HW:
		snprintf(b->name, sizeof(b->name), "%s hw", dma_chan_name(my_role.what));
		return;
	case UDMA_TRACE_TASKLET:
		snprintf(b->name, sizeof(b->name), "tasklet %d", my_role.index);
		return;
	case UDMA_TRACE_DEVICE:
		snprintf(b->name, sizeof(b->name), "%s device", (const char *)my_role.what);
		return;
	case UDMA_TRACE_CLIENT:
		break;
	}
	if (pthread_getname_np(pthread_self(), n, sizeof(n)) == 0 && n[0])
		snprintf(b->name, sizeof(b->name), "%s", n);
	else
		snprintf(b->name, sizeof(b->name), "client %d", b->tid);
}

static __attribute__((noinline)) struct tbuf *attach(unsigned int gen)
{
	struct tbuf *b = me;

	if (!b) {
		pthread_once(&key_once, make_key);
		b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
		b->tid = (int)syscall(SYS_gettid);
		name_thread(b);
		udma_mutex_lock(&reg_lock);
		b->next = bufs;
		bufs = b;
		udma_mutex_unlock(&reg_lock);
		pthread_setspecific(buf_key, b);
		me = b;
	}
	if (READ_ONCE(b->gen) != gen) {	/* a new trace */
		WRITE_ONCE(b->len, 0);
		WRITE_ONCE(b->ring, 0);
		WRITE_ONCE(b->dropped, 0);
		b->starved = false;
		/* release: the resets above before the generation; pairs with
		 * write_file's smp_load_acquire of gen */
		smp_store_release(&b->gen, gen);
	}
	return b;
}

/* A new chunk for chunk index @ci, or NULL at the limits. */
static struct udma_trace_rec *grow(struct tbuf *b, size_t ci)
{
	struct udma_trace_rec *c;

	if (ci >= MAX_CHUNKS || ci >= buf_chunks)
		return NULL;
	if ((size_t)atomic_long_inc_return_relaxed(&chunks_used) > max_chunks) {
		atomic_long_dec(&chunks_used);
		return NULL;
	}
	/* populated in one call: faulting its pages in one by one as records
	 * arrive cost the recording thread more than the records themselves */
	c = mmap(NULL, CHUNK * sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c == MAP_FAILED) {
		atomic_long_dec(&chunks_used);
		return NULL;
	}
	b->chunks[ci] = c;	/* published with the length that first covers it */
	return c;
}

/*
 * The chunk that record @n (the first of its chunk) goes into: the next
 * one while the buffer grows (kept from an earlier trace, or new), else
 * the oldest of the ring. NULL: drop it.
 */
static __attribute__((noinline)) struct udma_trace_rec *next_chunk(struct tbuf *b, size_t n)
{
	size_t ci = n >> CHUNK_SHIFT;
	size_t ring = READ_ONCE(b->ring);

	if (b->starved)
		return NULL;
	if (!ring) {
		if (ci < MAX_CHUNKS && (b->chunks[ci] || grow(b, ci)))
			return b->chunks[ci];
		if (ci < 2) {	/* too little to turn around in */
			b->starved = true;
			return NULL;
		}
		ring = ci;	/* published with the length that first covers it */
		WRITE_ONCE(b->ring, ring);
	}
	return b->chunks[ci % ring];
}

void udma_trace_emit(const struct udma_trace_rec *r)
{
	unsigned int gen = READ_ONCE(cur_gen);
	struct tbuf *b = me;
	struct udma_trace_rec *c;
	size_t n;

	if (__builtin_expect(!b || READ_ONCE(b->gen) != gen, 0)) {
		b = attach(gen);
		if (!b)
			return;
	}
	n = READ_ONCE(b->len);	/* only this thread writes it */
	c = b->cur;
	if (__builtin_expect(!(n & (CHUNK - 1)), 0)) {
		c = next_chunk(b, n);
		if (!c) {
			WRITE_ONCE(b->dropped, READ_ONCE(b->dropped) + 1);	/* this thread's */
			return;
		}
		b->cur = c;
	}
	c[n & (CHUNK - 1)] = *r;
	/* release: the record (and a new chunk's pointer, a ring's size)
	 * before the length that covers it; pairs with write_file's
	 * smp_load_acquire of len */
	smp_store_release(&b->len, n + 1);
}

void udma_trace_slice(enum udma_trace_kind kind, const struct dma_chan *chan, uint64_t t0,
		      int32_t cookie, uint64_t v0)
{
	struct udma_trace_rec r = { .t0 = t0, .t1 = udma_trace_now(), .v0 = v0, .cookie = cookie,
				    .key = udma_trace_key(chan), .kind = (uint16_t)kind };

	if (t0)	/* 0: tracing was off when the slice began */
		udma_trace_emit(&r);
}

void udma_trace_prep(const struct dma_chan *chan, uint64_t t0, uint64_t len, unsigned int dir)
{
	struct udma_trace_rec r = { .t0 = t0, .t1 = udma_trace_now(), .v0 = len,
				    .key = udma_trace_key(chan), .kind = UT_PREP, .x = (uint16_t)dir };

	if (t0)
		udma_trace_emit(&r);
}

void udma_trace_instant(enum udma_trace_kind kind, const struct dma_chan *chan, int32_t cookie,
			uint64_t v0, uint64_t v1, unsigned int x)
{
	uint64_t now = udma_trace_now();
	struct udma_trace_rec r = { .t0 = now, .t1 = now, .v0 = v0, .v1 = v1, .cookie = cookie,
				    .key = udma_trace_key(chan), .kind = (uint16_t)kind,
				    .x = (uint16_t)x };

	udma_trace_emit(&r);
}

void udma_trace_flow(const struct dma_chan *chan, int32_t cookie, char phase, uint64_t t0,
		     uint64_t t1)
{
	struct udma_trace_rec r = { .t0 = t0, .t1 = t1, .cookie = cookie,
				    .key = udma_trace_key(chan), .kind = UT_FLOW,
				    .x = (uint16_t)phase };

	if (t0)
		udma_trace_emit(&r);
}

void udma_trace_fifo(enum udma_trace_kind kind, uint32_t id, uint64_t v0)
{
	uint64_t now = udma_trace_now();
	struct udma_trace_rec r = { .t0 = now, .t1 = now, .v0 = v0, .key = id,
				    .kind = (uint16_t)kind };

	udma_trace_emit(&r);
}

uint32_t udma_trace_fifo_id(const char *name)
{
	uint32_t id = 0;

	udma_mutex_lock(&reg_lock);
	if (nfifo == fifo_cap) {
		uint32_t cap = fifo_cap ? 2 * fifo_cap : 16;
		void *p = realloc(fifo_names, cap * sizeof(*fifo_names));

		if (p) {
			fifo_names = p;
			fifo_cap = cap;
		}
	}
	if (nfifo < fifo_cap) {
		snprintf(fifo_names[nfifo], sizeof(fifo_names[0]), "%s", name);
		id = ++nfifo;
	}
	udma_mutex_unlock(&reg_lock);
	return id;
}

/* ---- start and stop ---- */

static bool clock_is_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	char s[16] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	if (f) {
		if (!fgets(s, sizeof(s), f))
			s[0] = 0;
		fclose(f);
	}
	/* the kernel trusts the TSC as its clock: it is constant and synchronized */
	return strncmp(s, "tsc", 3) == 0;
#else
	return false;
#endif
}

static void at_exit(void)
{
	udma_trace_stop();
}

static void exit_hook(void)
{
	atexit(at_exit);
}

int udma_trace_start(const char *path)
{
	static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
	const char *mb = getenv("UDMA_TRACE_MAX_MB"), *per = getenv("UDMA_TRACE_BUF_MB");
	long max_mb = mb ? strtol(mb, NULL, 10) : DEFAULT_MAX_MB;
	long buf_mb = per ? strtol(per, NULL, 10) : DEFAULT_BUF_MB;
	FILE *f;

	if (!path || !path[0]) {
		udma_diag(__func__, "path is %s", path ? "empty" : "NULL");
		return -EINVAL;
	}
	udma_mutex_lock(&ctl_lock);
	if (active) {
		udma_mutex_unlock(&ctl_lock);
		udma_diag(__func__, "tracing already (udma_trace_stop first)");
		return -EBUSY;
	}
	f = fopen(path, "w");
	if (!f) {
		int err = errno;

		udma_mutex_unlock(&ctl_lock);
		udma_diag(__func__, "%s: %s", path, strerror(err));
		return -err;
	}
	out = f;
	out_pid = getpid();
	if (max_mb < 1)
		max_mb = DEFAULT_MAX_MB;
	max_chunks = (size_t)max_mb * 1024 * 1024 / (CHUNK * sizeof(struct udma_trace_rec));
	if (max_chunks < 1)
		max_chunks = 1;
	if (buf_mb < 1)
		buf_mb = DEFAULT_BUF_MB;
	buf_chunks = (size_t)buf_mb * 1024 * 1024 / (CHUNK * sizeof(struct udma_trace_rec));
	if (buf_chunks < 2)
		buf_chunks = 2;
	udma_trace_tsc = !udma_sim() && clock_is_tsc();
	ns0 = mono_ns();
	tick0 = udma_trace_now();
	/* ctl_lock serializes the writers. Release: the settings above before
	 * the new generation. The emitters read it with READ_ONCE (an acquire
	 * would cost every record), so nothing pairs with it: x86's ordering
	 * of loads is what has an emitter see the settings after it. */
	smp_store_release(&cur_gen, cur_gen + 1);
	active = true;
	pthread_once(&exit_once, exit_hook);
	/* release, as cur_gen's: the hooks read it with READ_ONCE */
	smp_store_release(&udma_tracing, 1);
	udma_observe(UDMA_OBSERVE_TRACE, true);
	udma_mutex_unlock(&ctl_lock);
	return 0;
}

static void arm_env(void)
{
	const char *path = getenv("UDMA_TRACE");

	if (path && path[0])
		udma_trace_start(path);
}

void udma_trace_arm(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, arm_env);
}

/* ---- writing the file ---- */

/* An event to write: a record, or the flow step of a slice record (@flow:
 * its phase), placed at the middle of the slice, where it binds. */
struct ref {
	uint64_t t0, t1;
	const struct udma_trace_rec *r;
	int tid;
	char flow;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	if (x->t1 != y->t1)	/* the enclosing slice first */
		return x->t1 > y->t1 ? -1 : 1;
	return (x->r > y->r) - (x->r < y->r);
}

struct writer {
	FILE *f;
	int pid;
	double ns_per_tick;
	bool first;
	char (*fifos)[32];	/* fifo_names as they were at stop */
	uint32_t nfifo;
};

static uint64_t to_ns(const struct writer *w, uint64_t t)
{
	if (t <= tick0)
		return ns0;
	return ns0 + (uint64_t)((double)(t - tick0) * w->ns_per_tick);
}

static void put_ts(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned int)(ns % 1000));
}

static void chan_str(char *s, size_t n, uint32_t key)
{
	if (key == UINT32_MAX)
		snprintf(s, n, "?");
	else
		snprintf(s, n, "dma%uchan%u", key >> 16, key & 0xffff);
}

static const char *fifo_str(const struct writer *w, uint32_t key)
{
	return key && key <= w->nfifo ? w->fifos[key - 1] : "?";
}

static void begin(struct writer *w, const char *ph, const char *name, const char *cat, int tid,
		  uint64_t ns)
{
	fprintf(w->f, "%s\n{\"ph\":\"%s\",\"name\":\"%s\",\"cat\":\"%s\",\"pid\":%d,\"tid\":%d",
		w->first ? "" : ",", ph, name, cat, w->pid, tid);
	put_ts(w->f, "ts", ns);
	w->first = false;
}

static void flow(struct writer *w, char phase, uint32_t key, int32_t cookie, int tid, uint64_t ns)
{
	char ph[2] = { phase, 0 };

	begin(w, ph, "desc", "desc", tid, ns);
	fprintf(w->f, ",\"id\":\"%" PRIx64 "\",\"bp\":\"e\"}", (uint64_t)key << 32 | (uint32_t)cookie);
}

static const char *dir_str(unsigned int d)
{
	static const char *const n[] = { "MEM_TO_MEM", "MEM_TO_DEV", "DEV_TO_MEM", "DEV_TO_DEV" };

	return d < 4 ? n[d] : "none";
}

static const char *result_str(unsigned int r)
{
	static const char *const n[] = { "NOERROR", "READ_FAILED", "WRITE_FAILED", "ABORTED",
					 "TERMINATED" };

	return r < 5 ? n[r] : "?";
}

static const char *status_str(unsigned int s)
{
	static const char *const n[] = { "COMPLETE", "IN_PROGRESS", "PAUSED", "ERROR" };

	return s < 4 ? n[s] : "?";
}

static const char *fault_str(uint64_t k)
{
	static const char *const n[] = { "none", "read", "write", "abort", "corrupt", "slow", "stall" };

	return k < 7 ? n[k] : "?";
}

static void write_rec(struct writer *w, const struct ref *e)
{
	static const char *const names[UT_KINDS] = {
		[UT_PREP] = "prep", [UT_SUBMIT] = "submit", [UT_BATCH] = "batch",
		[UT_ISSUE] = "issue", [UT_RUN] = "run", [UT_BURST] = "burst", [UT_PLAIN] = "run",
		[UT_WAIT] = "wait request", [UT_COMPLETE] = "complete", [UT_TASKLET] = "tasklet",
		[UT_CALLBACK] = "callback", [UT_TERMINATE] = "terminate_async",
		[UT_SYNCHRONIZE] = "synchronize", [UT_PAUSE] = "pause", [UT_RESUME] = "resume",
		[UT_INJECT] = "inject", [UT_FAULT] = "fault", [UT_UNPLUG] = "unplug",
		[UT_TX_STATUS] = "tx_status", [UT_UNDERRUN] = "underrun", [UT_OVERRUN] = "overrun",
		[UT_REQUEST] = "request",
	};
	const struct udma_trace_rec *r = e->r;
	uint64_t t0 = to_ns(w, e->t0), t1 = to_ns(w, e->t1);
	FILE *f = w->f;
	char ch[32];

	if (e->flow || r->kind == UT_FLOW) {
		flow(w, e->flow ? e->flow : (char)r->x, r->key, r->cookie, e->tid, t0);
		return;
	}
	chan_str(ch, sizeof(ch), r->key);
	if (r->kind <= UT_CALLBACK) {
		const char *cat = r->kind <= UT_ISSUE ? "client" : r->kind <= UT_COMPLETE ? "hw" : "tasklet";

		begin(w, "X", names[r->kind], cat, e->tid, t0);
		put_ts(f, "dur", t1 - t0);
		fprintf(f, ",\"args\":{\"channel\":\"%s\"", ch);
	}
	switch (r->kind) {
	case UT_PREP:
		fprintf(f, ",\"length\":%" PRIu64 ",\"direction\":\"%s\"}}", r->v0, dir_str(r->x));
		break;
	case UT_SUBMIT:
		fprintf(f, ",\"cookie\":%d}}", r->cookie);
		break;
	case UT_BATCH:
		fprintf(f, ",\"copies\":%" PRIu64 ",\"first_cookie\":%d,\"last_cookie\":%d}}", r->v0,
			r->cookie - (int32_t)r->v0 + 1, r->cookie);
		break;
	case UT_ISSUE:
	case UT_TASKLET:
		if (r->kind == UT_TASKLET)
			fprintf(f, ",\"callbacks\":%" PRIu64, r->v0);
		fputs("}}", f);
		break;
	case UT_RUN:
		fprintf(f, ",\"cookie\":%d,\"length\":%" PRIu64 ",\"residue\":%" PRIu64
			",\"result\":\"%s\",\"direction\":\"%s\"}}", r->cookie, r->v0, r->v1,
			result_str((unsigned int)r->last), dir_str(r->x));
		break;
	case UT_BURST:
	case UT_WAIT:
		fprintf(f, ",\"cookie\":%d,\"bytes\":%" PRIu64 "}}", r->cookie, r->v0);
		break;
	case UT_PLAIN:
		fprintf(f, ",\"first_cookie\":%d,\"last_cookie\":%d,\"copies\":%" PRIu64
			",\"bytes\":%" PRIu64 "}}", r->cookie, r->last, r->v1, r->v0);
		break;
	case UT_COMPLETE:
		fprintf(f, ",\"first_cookie\":%d,\"last_cookie\":%d,\"callbacks\":%" PRIu64 "}}",
			r->cookie, r->last, r->v0);
		break;
	case UT_CALLBACK:
		fprintf(f, ",\"cookie\":%d,\"result\":\"%s\",\"residue\":%" PRIu64 "}}", r->cookie,
			result_str((unsigned int)r->last), r->v1);
		break;
	case UT_UNDERRUN:
	case UT_OVERRUN:
	case UT_REQUEST:
		begin(w, "i", names[r->kind], "fifo", FIFO_TID_BASE + (int)r->key, t0);
		fprintf(f, ",\"s\":\"t\",\"args\":{\"fifo\":\"%s\",\"bytes\":%" PRIu64 "}}",
			fifo_str(w, r->key), r->v0);
		break;
	case UT_LEVEL:
		begin(w, "C", fifo_str(w, r->key), "fifo", e->tid, t0);
		fprintf(f, ",\"args\":{\"level\":%" PRIu64 "}}", r->v0);
		break;
	case UT_UNPLUG:
		begin(w, "i", names[r->kind], "control", e->tid, t0);
		fprintf(f, ",\"s\":\"t\",\"args\":{\"device\":\"dma%u\"}}", r->key >> 16);
		break;
	default:	/* the channel's instants */
		begin(w, "i", names[r->kind], r->kind == UT_FAULT ? "hw" : "control", e->tid, t0);
		fprintf(f, ",\"s\":\"t\",\"args\":{\"channel\":\"%s\"", ch);
		if (r->kind == UT_INJECT)
			fprintf(f, ",\"fault\":\"%s\",\"one_in\":%" PRIu64, fault_str(r->v0), r->v1);
		if (r->kind == UT_FAULT)
			fprintf(f, ",\"cookie\":%d,\"fault\":\"%s\"", r->cookie, fault_str(r->v0));
		if (r->kind == UT_TX_STATUS)
			fprintf(f, ",\"cookie\":%d,\"status\":\"%s\",\"residue\":%" PRIu64, r->cookie,
				status_str(r->x), r->v1);
		fputs("}}", f);
	}
}

struct snap {
	struct tbuf *b;
	size_t from, len;	/* the records still held */
	size_t ring;
	uint64_t first;		/* the earliest time among them */
	uint64_t dropped;
	int tid;
	char name[48];
};

static void meta(struct writer *w, const char *what, int tid, const char *name)
{
	fprintf(w->f, "%s\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,\"args\":{\"name\":\"",
		w->first ? "" : ",", what, w->pid, tid);
	for (const char *c = name; *c; c++)	/* names are the program's: escape them */
		fprintf(w->f, (unsigned char)*c < 0x20 || *c == '"' || *c == '\\' ? "\\u%04x" : "%c",
			(unsigned char)*c);
	fputs("\"}}", w->f);
	w->first = false;
}

static int write_file(FILE *f, unsigned int gen)
{
	struct writer w = { f, (int)getpid(), 1.0, true, NULL, 0 };
	struct snap *s = NULL;
	struct ref *refs = NULL;
	size_t ns = 0, cap = 0, total = 0, k = 0;
	uint64_t dropped = 0, overwritten = 0, ns1, t1;
	char comm[64] = "udmaengine";
	bool *fifo_used;
	FILE *c;

	/* the TSC's rate, measured over at least 2 ms (other clocks count ns:
	 * the simulated one would not move while this loop waits) */
	do {
		ns1 = mono_ns();
		t1 = udma_trace_now();
	} while (udma_trace_tsc && ns1 - ns0 < 2000000);
	if (t1 > tick0)
		w.ns_per_tick = (double)(ns1 - ns0) / (double)(t1 - tick0);

	udma_mutex_lock(&reg_lock);
	for (struct tbuf *b = bufs; b; b = b->next) {
		/* acquire: pairs with attach's smp_store_release of gen */
		if (smp_load_acquire(&b->gen) != gen)
			continue;
		if (ns == cap) {
			void *p = realloc(s, (cap = cap ? 2 * cap : 16) * sizeof(*s));

			if (!p)
				break;
			s = p;
		}
		s[ns].b = b;
		/* acquire: pairs with udma_trace_emit's smp_store_release of
		 * len; ring and the chunks it covers were stored before it */
		s[ns].len = smp_load_acquire(&b->len);
		s[ns].ring = READ_ONCE(b->ring);
		s[ns].from = 0;
		/* a ring's oldest chunk is skipped: a record its thread adds
		 * while this reads would land there */
		if (s[ns].ring && (s[ns].len >> CHUNK_SHIFT) + 2 > s[ns].ring)
			s[ns].from = ((s[ns].len >> CHUNK_SHIFT) + 2 - s[ns].ring) << CHUNK_SHIFT;
		s[ns].dropped = READ_ONCE(b->dropped);
		s[ns].tid = b->tid;
		memcpy(s[ns].name, b->name, sizeof(s[ns].name));
		total += s[ns].len - s[ns].from;
		overwritten += s[ns].from;
		dropped += s[ns].dropped;
		ns++;
	}
	fifo_used = calloc(nfifo + 1, sizeof(*fifo_used));
	w.fifos = malloc((nfifo + 1) * sizeof(*w.fifos));
	if (w.fifos) {
		w.nfifo = nfifo;
		if (nfifo)
			memcpy(w.fifos, fifo_names, nfifo * sizeof(*w.fifos));
	}
	udma_mutex_unlock(&reg_lock);

	refs = malloc((total ? 2 * total : 1) * sizeof(*refs));	/* room for slices' flows */
	if (!refs || !fifo_used || !w.fifos) {
		free(refs);
		free(s);
		free(fifo_used);
		free(w.fifos);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ns; i++) {
		s[i].first = UINT64_MAX;
		for (size_t j = s[i].from; j < s[i].len; j++) {
			size_t ci = s[i].ring ? (j >> CHUNK_SHIFT) % s[i].ring : j >> CHUNK_SHIFT;
			const struct udma_trace_rec *r = &s[i].b->chunks[ci][j & (CHUNK - 1)];

			uint64_t mid = r->t0 + (r->t1 - r->t0) / 2;
			char phase = r->kind == UT_SUBMIT ? 's' : r->kind == UT_RUN ? 't'
				   : r->kind == UT_CALLBACK ? 'f' : 0;

			if (r->t0 < s[i].first)
				s[i].first = r->t0;
			if (r->kind == UT_FLOW)
				refs[k++] = (struct ref){ mid, mid, r, s[i].tid, 0 };
			else
				refs[k++] = (struct ref){ r->t0, r->t1, r, s[i].tid, 0 };
			if (phase && r->cookie > 0)
				refs[k++] = (struct ref){ mid, mid, r, s[i].tid, phase };
			if ((r->kind == UT_UNDERRUN || r->kind == UT_OVERRUN || r->kind == UT_REQUEST) &&
			    r->key <= w.nfifo)
				fifo_used[r->key] = true;
		}
	}
	qsort(refs, k, sizeof(*refs), ref_cmp);

	c = fopen("/proc/self/comm", "r");
	if (c) {
		if (fgets(comm, sizeof(comm), c))
			comm[strcspn(comm, "\n")] = 0;
		fclose(c);
	}
	fputs("{\"displayTimeUnit\":\"ns\",", f);
	fprintf(f, "\"otherData\":{\"clock\":\"%s\",\"dropped_events\":%" PRIu64
		",\"overwritten_events\":%" PRIu64 "},",
		udma_trace_tsc ? "tsc" : udma_sim() ? "simulated" : "CLOCK_MONOTONIC", dropped,
		overwritten);
	fputs("\"traceEvents\":[", f);
	meta(&w, "process_name", w.pid, comm);
	for (size_t i = 0; i < ns; i++)
		meta(&w, "thread_name", s[i].tid, s[i].name);
	for (uint32_t i = 1; i <= w.nfifo; i++) {
		char n[48];

		if (!fifo_used[i])
			continue;
		snprintf(n, sizeof(n), "fifo %s", w.fifos[i - 1]);
		meta(&w, "thread_name", FIFO_TID_BASE + (int)i, n);
	}
	for (size_t i = 0; i < ns; i++) {	/* where a ring's track begins */
		if (!s[i].from)
			continue;
		begin(&w, "i", "events overwritten", "trace", s[i].tid, to_ns(&w, s[i].first));
		fprintf(f, ",\"s\":\"t\",\"args\":{\"overwritten\":%zu}}", s[i].from);
	}
	for (size_t i = 0; i < k; i++)
		write_rec(&w, &refs[i]);
	for (size_t i = 0; i < ns; i++) {
		if (!s[i].dropped)
			continue;
		begin(&w, "i", "events dropped", "trace", s[i].tid, ns1);
		fprintf(f, ",\"s\":\"t\",\"args\":{\"dropped\":%" PRIu64 "}}", s[i].dropped);
	}
	fputs("\n]}\n", f);
	free(refs);
	free(s);
	free(fifo_used);
	free(w.fifos);
	return ferror(f) ? -EIO : 0;
}

/* Frees the buffers of threads that exited; ctl_lock held, not tracing. */
static void free_orphans(void)
{
	struct tbuf **p, *b;

	udma_mutex_lock(&reg_lock);
	for (p = &bufs; (b = *p);) {
		/* acquire: pairs with buf_gone's smp_store_release */
		if (!smp_load_acquire(&b->orphan)) {
			p = &b->next;
			continue;
		}
		*p = b->next;
		for (size_t i = 0; i < MAX_CHUNKS && b->chunks[i]; i++) {
			munmap(b->chunks[i], CHUNK * sizeof(*b->chunks[i]));
			atomic_long_dec(&chunks_used);
		}
		free(b);
	}
	udma_mutex_unlock(&reg_lock);
}

int udma_trace_stop(void)
{
	int ret = 0;

	udma_mutex_lock(&ctl_lock);
	if (!active) {
		udma_mutex_unlock(&ctl_lock);
		return -EINVAL;
	}
	smp_store_release(&udma_tracing, 0);	/* as in udma_trace_start */
	udma_observe(UDMA_OBSERVE_TRACE, false);
	active = false;
	if (getpid() == out_pid) {
		ret = write_file(out, READ_ONCE(cur_gen));
		if (fclose(out) && !ret)
			ret = -errno;
		free_orphans();
	}
	out = NULL;
	udma_mutex_unlock(&ctl_lock);
	return ret;
}

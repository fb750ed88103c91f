/* SPDX-License-Identifier: MIT */
/*
 * Simulated peripheral FIFOs: a ring of bytes behind a data register, a
 * request line the soft controller reads, and a device side that runs by
 * itself at a byte rate (a thread that drains into sink or fills from
 * source) or is driven by hand with push/pop.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soft-internal.h"
#include <udma/trace-hooks.h>
#include <udma/telemetry-hooks.h>

struct udma_fifo {
	uint64_t reg;			/* the data register: its address is the FIFO's DMA address */
	char name[32];
	enum dma_transfer_direction dir;
	size_t depth, width;
	uint64_t rate;
	void (*sink)(void *arg, const void *data, size_t len);
	size_t (*source)(void *arg, void *data, size_t len);
	void *arg;
	struct list_head node;		/* on fifo_list, until destroyed */
	int refs;			/* under fifo_list_lock */

	pthread_mutex_t lock;		/* protects everything below */
	uint8_t *ring;
	size_t head;			/* index of the oldest byte */
	struct udma_fifo_stats stats;	/* .level is the ring's fill */
	struct soft_chan *attached;	/* kicked when the level changes */
	bool started;			/* TX: first data arrived, the device runs */
	bool stop;			/* rate thread: leave */
	pthread_cond_t tick;		/* rate thread sleeps here, stop wakes it */
	pthread_t thread;
	bool has_thread;
	uint32_t trace_id;		/* its tracks' id, given at its first traced event */
};

static pthread_mutex_t fifo_list_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(fifo_list);
/*
 * Every prep asks whether its memory touches a data register. The answer is
 * almost always no: soft_regs_lo/hi bound every register ever on fifo_list
 * (written under fifo_list_lock, read without it: soft_fifo_may_touch), so
 * most preps never take the lock.
 */
uintptr_t soft_regs_lo = UINTPTR_MAX, soft_regs_hi;

/* ---- the ring; fifo->lock held ---- */

/* A traced event of @f; f->lock held. */
static __attribute__((noinline, cold)) void fifo_trace(struct udma_fifo *f,
						       enum udma_trace_kind kind, uint64_t v)
{
	if (!f->trace_id)
		f->trace_id = udma_trace_fifo_id(f->name);
	udma_trace_fifo(kind, f->trace_id, v);
}

static size_t ring_put(struct udma_fifo *f, const uint8_t *src, size_t len)
{
	size_t room = f->depth - f->stats.level;
	size_t n = len < room ? len : room;
	size_t tail = (f->head + f->stats.level) % f->depth;
	size_t first = n < f->depth - tail ? n : f->depth - tail;

	memcpy(f->ring + tail, src, first);
	memcpy(f->ring, src + first, n - first);
	f->stats.level += n;
	if (udma_trace_on() && n)
		fifo_trace(f, UT_LEVEL, f->stats.level);
	return n;
}

static size_t ring_get(struct udma_fifo *f, uint8_t *dst, size_t len)
{
	size_t n = len < f->stats.level ? len : f->stats.level;
	size_t first = n < f->depth - f->head ? n : f->depth - f->head;

	memcpy(dst, f->ring + f->head, first);
	memcpy(dst + first, f->ring, n - first);
	f->head = (f->head + n) % f->depth;
	f->stats.level -= n;
	if (udma_trace_on() && n)
		fifo_trace(f, UT_LEVEL, f->stats.level);
	return n;
}

/* The level changed: the request line may now ask. Called unlocked. */
static void kick(struct udma_fifo *f)
{
	struct soft_chan *sc;

	udma_mutex_lock(&f->lock);
	sc = f->attached;
	if (sc)
		udma_engine_kick(&sc->eng);	/* takes at most the engine's park lock */
	udma_mutex_unlock(&f->lock);
}

/* ---- the device side, running at f->rate ---- */

/* Tick so that one tick moves at most a quarter of the FIFO, 100 us..1 ms. */
static uint64_t tick_ns(const struct udma_fifo *f)
{
	uint64_t t = (uint64_t)((double)f->depth / 4 * 1e9 / (double)f->rate);

	if (t > 1000000)
		t = 1000000;
	if (t < 100000)
		t = 100000;
	return t;
}

static void *rate_thread(void *arg)
{
	struct udma_fifo *f = arg;
	uint64_t start = udma_now_ns(), due_total = 0, period = tick_ns(f);
	uint8_t *buf = malloc(f->depth);
	struct timespec ts;
	/* at most 4 ticks' worth at once: ordinary wake-up jitter is caught up */
	size_t catch_up = (size_t)((double)period * 4e-9 * (double)f->rate);

	udma_trace_thread_role(UDMA_TRACE_DEVICE, f->name, 0);
	catch_up -= catch_up % f->width;
	if (catch_up > f->depth)
		catch_up = f->depth;
	if (catch_up < f->width)
		catch_up = f->width;

	udma_mutex_lock(&f->lock);
	while (!f->stop && buf) {
		uint64_t now = udma_now_ns();
		/* bytes due since start, so rounding never drifts; whole words only */
		uint64_t due_now = (uint64_t)((double)(now - start) * 1e-9 * (double)f->rate);
		size_t due = (size_t)(due_now - due_total), n;

		due -= due % f->width;
		due_total += due;
		if (due > catch_up) {
			/*
			 * This thread ran late (a loaded machine): the device's clock
			 * stood still with it. Time it did not run is neither an
			 * underrun nor an overrun, which mean the FIFO was empty (TX)
			 * or full (RX) when the device needed it; nor does it drain a
			 * whole FIFO at once, leaving a DMA just as late no time.
			 */
			due = catch_up;
		}
		if (f->dir == DMA_MEM_TO_DEV) {
			if (!f->started)
				due = 0;
			n = ring_get(f, buf, due);
			f->stats.underruns += due - n;
			if (udma_trace_on() && due > n)
				fifo_trace(f, UT_UNDERRUN, due - n);
			f->stats.bytes += n;
			if (n) {
				udma_mutex_unlock(&f->lock);
				f->sink(f->arg, buf, n);
				kick(f);
				udma_mutex_lock(&f->lock);
			}
		} else if (due) {
			size_t in;

			udma_mutex_unlock(&f->lock);
			n = f->source(f->arg, buf, due);
			udma_mutex_lock(&f->lock);
			if (n > due)
				n = due;
			/* only bytes the source sent to a full FIFO are overruns */
			in = ring_put(f, buf, n);
			f->stats.overruns += n - in;
			if (udma_trace_on() && n > in)
				fifo_trace(f, UT_OVERRUN, n - in);
			f->stats.bytes += in;
			if (in) {
				udma_mutex_unlock(&f->lock);
				kick(f);
				udma_mutex_lock(&f->lock);
			}
		}
		now += period;
		ts.tv_sec = (time_t)(now / 1000000000u);
		ts.tv_nsec = (long)(now % 1000000000u);
		if (!f->stop && udma_sim_scheduled())
			udma_sim_cond_wait(&f->tick, &f->lock, now);
		else if (!f->stop)
			pthread_cond_timedwait(&f->tick, &f->lock, &ts);
	}
	udma_mutex_unlock(&f->lock);
	free(buf);
	return NULL;
}

/* ---- public API ---- */

static const char *bad_fifo_config(const struct udma_fifo_config *c)
{
	if (!c->name || !c->name[0] || strlen(c->name) >= 32)
		return "name is missing or longer than 31 characters";
	if (c->dir != DMA_MEM_TO_DEV && c->dir != DMA_DEV_TO_MEM)
		return "dir is not DMA_MEM_TO_DEV (TX) or DMA_DEV_TO_MEM (RX)";
	if (c->width != 1 && c->width != 2 && c->width != 4 && c->width != 8)
		return "width is not 1, 2, 4 or 8 bytes";
	if (c->depth == 0 || c->depth % c->width || c->depth > (1u << 24))
		return "depth is 0, not a multiple of width, or over 16 MiB";
	if (c->rate && c->dir == DMA_MEM_TO_DEV && !c->sink)
		return "rate is set but sink is NULL (a TX device drains into sink)";
	if (c->rate && c->dir == DMA_DEV_TO_MEM && !c->source)
		return "rate is set but source is NULL (an RX device fills from source)";
	return NULL;
}

struct udma_fifo *udma_fifo_create(const struct udma_fifo_config *cfg)
{
	struct udma_fifo *f;
	pthread_condattr_t ca;
	const char *bad = cfg ? bad_fifo_config(cfg) : "cfg is NULL";

	if (udma_forked_child(__func__))
		return ERR_PTR(-ENODEV);
	if (bad) {
		udma_diag(__func__, "%s", bad);
		return ERR_PTR(-EINVAL);
	}
	udma_trace_arm();	/* UDMA_TRACE: a FIFO may come before any device */
	f = calloc(1, sizeof(*f));
	if (!f || !(f->ring = malloc(cfg->depth))) {
		udma_diag(__func__, "out of memory for a FIFO of %zu bytes", cfg->depth);
		free(f);
		return ERR_PTR(-ENOMEM);
	}
	strcpy(f->name, cfg->name);
	f->dir = cfg->dir;
	f->depth = cfg->depth;
	f->width = cfg->width;
	f->rate = cfg->rate;
	f->sink = cfg->sink;
	f->source = cfg->source;
	f->arg = cfg->arg;
	f->refs = 1;
	pthread_mutex_init(&f->lock, NULL);
	/* rate_thread's deadlines are CLOCK_MONOTONIC (udma_now_ns) */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->tick, &ca);
	pthread_condattr_destroy(&ca);
	if (f->rate) {
		if (udma_sim_thread_create(&f->thread, NULL, f->name, rate_thread, f)) {
			udma_diag(__func__, "%s: cannot start the device thread", f->name);
			pthread_cond_destroy(&f->tick);
			pthread_mutex_destroy(&f->lock);
			free(f->ring);
			free(f);
			return ERR_PTR(-EAGAIN);
		}
		f->has_thread = true;
	}
	udma_mutex_lock(&fifo_list_lock);
	list_add_tail(&f->node, &fifo_list);
	/* Relaxed: no store-then-load pattern meets them. They come before
	 * @f is returned, and whatever carries its address to a caller orders
	 * them before that caller's check (soft_fifo_may_touch); fifo_list_lock
	 * orders them against other creates. */
	if ((uintptr_t)&f->reg < soft_regs_lo)
		WRITE_ONCE(soft_regs_lo, (uintptr_t)&f->reg);
	if ((uintptr_t)(&f->reg + 1) > soft_regs_hi)
		WRITE_ONCE(soft_regs_hi, (uintptr_t)(&f->reg + 1));
	udma_mutex_unlock(&fifo_list_lock);
	return f;
}

static void fifo_free(struct udma_fifo *f)
{
	pthread_cond_destroy(&f->tick);
	pthread_mutex_destroy(&f->lock);
	free(f->ring);
	free(f);
}

void udma_fifo_destroy(struct udma_fifo *fifo)
{
	int refs;

	if (udma_forked_child(__func__))
		return;
	if (!fifo || IS_ERR(fifo)) {
		udma_diag(__func__, "fifo is NULL or an error pointer");
		return;
	}
	if (fifo->has_thread) {
		udma_mutex_lock(&fifo->lock);
		fifo->stop = true;
		udma_cond_signal(&fifo->tick);
		udma_mutex_unlock(&fifo->lock);
		udma_thread_join(fifo->thread, NULL);
		fifo->has_thread = false;
	}
	udma_mutex_lock(&fifo_list_lock);
	list_del(&fifo->node);
	refs = --fifo->refs;
	udma_mutex_unlock(&fifo_list_lock);
	if (refs)
		udma_diag(__func__, "%s: still in use (a channel's slave config or a descriptor); "
			  "freed when the last lets go of it", fifo->name);
	else
		fifo_free(fifo);
}

dma_addr_t udma_fifo_addr(const struct udma_fifo *fifo)
{
	if (!fifo || IS_ERR(fifo)) {
		udma_diag(__func__, "fifo is NULL or an error pointer");
		return 0;
	}
	return (dma_addr_t)(uintptr_t)&fifo->reg;
}

size_t udma_fifo_push(struct udma_fifo *fifo, const void *buf, size_t len)
{
	size_t in;

	if (udma_forked_child(__func__))
		return 0;
	if (!fifo || IS_ERR(fifo) || (!buf && len)) {
		udma_diag(__func__, fifo && !IS_ERR(fifo) ? "buf is NULL" : "fifo is NULL or an error pointer");
		return 0;
	}
	udma_mutex_lock(&fifo->lock);
	in = ring_put(fifo, buf, len);
	fifo->stats.overruns += len - in;
	if (udma_trace_on() && len > in)
		fifo_trace(fifo, UT_OVERRUN, len - in);
	fifo->stats.bytes += in;
	if (in && fifo->dir == DMA_MEM_TO_DEV)
		fifo->started = true;
	udma_mutex_unlock(&fifo->lock);
	if (in)
		kick(fifo);
	return in;
}

size_t udma_fifo_pop(struct udma_fifo *fifo, void *buf, size_t len)
{
	size_t out;

	if (udma_forked_child(__func__))
		return 0;
	if (!fifo || IS_ERR(fifo) || (!buf && len)) {
		udma_diag(__func__, fifo && !IS_ERR(fifo) ? "buf is NULL" : "fifo is NULL or an error pointer");
		return 0;
	}
	udma_mutex_lock(&fifo->lock);
	out = ring_get(fifo, buf, len);
	if (fifo->dir == DMA_MEM_TO_DEV)	/* RX: a CPU reading leftovers, not the device */
		fifo->stats.bytes += out;
	udma_mutex_unlock(&fifo->lock);
	if (out)
		kick(fifo);
	return out;
}

/* Telemetry's view: fifo_list, then each FIFO's lock, never the reverse. */
void soft_fifo_walk(void (*fn)(const struct udma_fifo_info *info, void *arg), void *arg)
{
	struct udma_fifo *f;
	struct udma_fifo_info info;

	udma_mutex_lock(&fifo_list_lock);
	list_for_each_entry(f, &fifo_list, struct udma_fifo, node) {
		memcpy(info.name, f->name, sizeof(info.name));
		info.dir = f->dir;
		info.depth = f->depth;
		info.width = f->width;
		info.rate = f->rate;
		udma_mutex_lock(&f->lock);
		info.st = f->stats;
		udma_mutex_unlock(&f->lock);
		fn(&info, arg);
	}
	udma_mutex_unlock(&fifo_list_lock);
}

void udma_fifo_stats(const struct udma_fifo *fifo, struct udma_fifo_stats *st)
{
	struct udma_fifo *f = (struct udma_fifo *)fifo;

	if (!fifo || IS_ERR(fifo) || !st) {
		udma_diag(__func__, st ? "fifo is NULL or an error pointer" : "st is NULL");
		return;
	}
	udma_mutex_lock(&f->lock);
	*st = f->stats;
	udma_mutex_unlock(&f->lock);
}

/* ---- the controller's side ---- */

struct udma_fifo *soft_fifo_get(dma_addr_t reg)
{
	struct udma_fifo *f, *found = NULL;

	udma_mutex_lock(&fifo_list_lock);
	list_for_each_entry(f, &fifo_list, struct udma_fifo, node) {
		if ((dma_addr_t)(uintptr_t)&f->reg == reg) {
			f->refs++;
			found = f;
			break;
		}
	}
	udma_mutex_unlock(&fifo_list_lock);
	return found;
}

const char *soft_fifo_overlap(dma_addr_t addr, size_t len)
{
	struct udma_fifo *f;
	const char *name = NULL;

	if (!soft_fifo_may_touch(addr, len))
		return NULL;
	udma_mutex_lock(&fifo_list_lock);
	list_for_each_entry(f, &fifo_list, struct udma_fifo, node) {
		dma_addr_t reg = (dma_addr_t)(uintptr_t)&f->reg;

		if (addr < reg + sizeof(f->reg) && reg < addr + len) {
			name = f->name;
			break;
		}
	}
	udma_mutex_unlock(&fifo_list_lock);
	return name;
}

void soft_fifo_hold(struct udma_fifo *fifo)
{
	udma_mutex_lock(&fifo_list_lock);
	fifo->refs++;
	udma_mutex_unlock(&fifo_list_lock);
}

void soft_fifo_put(struct udma_fifo *fifo)
{
	int refs;

	udma_mutex_lock(&fifo_list_lock);
	refs = --fifo->refs;
	udma_mutex_unlock(&fifo_list_lock);
	if (refs == 0)
		fifo_free(fifo);
}

const char *soft_fifo_name(const struct udma_fifo *fifo)
{
	return fifo->name;
}

enum dma_transfer_direction soft_fifo_dir(const struct udma_fifo *fifo)
{
	return fifo->dir;
}

size_t soft_fifo_width(const struct udma_fifo *fifo)
{
	return fifo->width;
}

size_t soft_fifo_depth(const struct udma_fifo *fifo)
{
	return fifo->depth;
}

size_t soft_fifo_request(struct udma_fifo *fifo)
{
	size_t n;

	udma_mutex_lock(&fifo->lock);
	n = fifo->dir == DMA_MEM_TO_DEV ? fifo->depth - fifo->stats.level : fifo->stats.level;
	udma_mutex_unlock(&fifo->lock);
	return n;
}

void soft_fifo_trace_request(struct udma_fifo *fifo, size_t len)
{
	udma_mutex_lock(&fifo->lock);
	fifo_trace(fifo, UT_REQUEST, len);
	udma_mutex_unlock(&fifo->lock);
}

void soft_fifo_dma_write(struct udma_fifo *fifo, const void *src, size_t len)
{
	udma_mutex_lock(&fifo->lock);
	ring_put(fifo, src, len);
	fifo->started = true;
	udma_mutex_unlock(&fifo->lock);
}

void soft_fifo_dma_read(struct udma_fifo *fifo, void *dst, size_t len)
{
	udma_mutex_lock(&fifo->lock);
	ring_get(fifo, dst, len);
	udma_mutex_unlock(&fifo->lock);
}

void soft_fifo_attach(struct udma_fifo *fifo, struct soft_chan *sc)
{
	udma_mutex_lock(&fifo->lock);
	fifo->attached = sc;
	udma_mutex_unlock(&fifo->lock);
}

void soft_fifo_detach(struct udma_fifo *fifo, struct soft_chan *sc)
{
	udma_mutex_lock(&fifo->lock);
	if (fifo->attached == sc)
		fifo->attached = NULL;
	udma_mutex_unlock(&fifo->lock);
}

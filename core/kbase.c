/* SPDX-License-Identifier: MIT */
/*
 * The library half of the kernel-source tree (include/kernel): printk,
 * the clock behind jiffies, delays, the wait primitive under completions
 * and wait queues, and managed (devm_*) resources.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <udmaengine/kbase.h>
#include <udma/sim.h>

/* ---- printk ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_cont;	/* stream of the last line, for KERN_CONT */

int udma_vprintk(const char *fmt, va_list ap)
{
	FILE *out = stderr;	/* the kernel's default level is warning */
	bool cont = false;
	int n;

	if (fmt[0] == '\001' && fmt[1]) {
		char level = fmt[1];

		fmt += 2;
		if (level >= '5' && level <= '7')
			out = stdout;
		else if (level == 'c')
			cont = true;
	}
	udma_mutex_lock(&log_lock);
	if (cont && log_cont)
		out = log_cont;
	/* stdout first, so the two streams keep the order lines were logged in */
	if (out == stderr)
		fflush(stdout);
	n = vfprintf(out, fmt, ap);
	fflush(out);
	log_cont = out;
	udma_mutex_unlock(&log_lock);
	return n;
}

int udma_printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = udma_vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* ---- time ---- */

uint64_t udma_clock_ns(void)
{
	struct timespec ts;

	if (udma_sim())
		return udma_sim_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t udma_clock_ticks(unsigned int hz)
{
	struct timespec ts;

	if (udma_sim())
		return udma_sim_clock() / (1000000000u / hz);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * hz + (uint64_t)ts.tv_nsec / (1000000000u / hz);
}

void udma_sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	if (udma_sim_scheduled()) {
		udma_sim_sleep_ns(us * 1000);
		return;
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void udma_spin_ns(uint64_t ns)
{
	uint64_t end = udma_clock_ns() + ns;

	if (udma_sim_scheduled()) {	/* a busy wait takes the CPU: so does this */
		udma_sim_sleep_ns(ns);
		return;
	}
	while (udma_clock_ns() < end)
		;
}

/* ---- waiting ---- */

void udma_waitq_init(struct udma_waitq *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
}

void udma_waitq_lock(struct udma_waitq *q)
{
	udma_mutex_lock(&q->lock);
}

void udma_waitq_unlock(struct udma_waitq *q)
{
	udma_mutex_unlock(&q->lock);
}

void udma_waitq_wake(struct udma_waitq *q)
{
	pthread_cond_broadcast(&q->cond);
	if (udma_sim())
		udma_sim_wake(&q->cond);
}

bool udma_waitq_wait(struct udma_waitq *q, uint64_t deadline_ns)
{
	struct timespec ts;
	uint64_t now;

	if (udma_sim_scheduled())
		return udma_sim_cond_wait(&q->cond, &q->lock, deadline_ns) ||
		       udma_clock_ns() < deadline_ns;
	if (deadline_ns == UINT64_MAX) {
		pthread_cond_wait(&q->cond, &q->lock);
		return true;
	}
	now = udma_clock_ns();
	if (now >= deadline_ns)
		return false;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
	/* the condition variable is statically initialised (DECLARE_COMPLETION),
	 * so it cannot be set to the monotonic clock: name the clock per wait */
	ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
	ts.tv_nsec = (long)(deadline_ns % 1000000000u);
	pthread_cond_clockwait(&q->cond, &q->lock, CLOCK_MONOTONIC, &ts);
#else
	clock_gettime(CLOCK_REALTIME, &ts);
	{
		uint64_t at = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec +
			      (deadline_ns - now);

		ts.tv_sec = (time_t)(at / 1000000000u);
		ts.tv_nsec = (long)(at % 1000000000u);
	}
	pthread_cond_timedwait(&q->cond, &q->lock, &ts);
#endif
	return udma_clock_ns() < deadline_ns;
}

/* ---- kmalloc ---- */

static bool kmalloc_aligned(size_t size)
{
	return size > 16 && size <= 4096 && (size & (size - 1)) == 0;
}

/* The fallback: exactly @size bytes, no chunk slack claimed. */
static void *udma_kmalloc_exact(size_t size, bool zero)
{
	void *p = kmalloc_aligned(size) ? aligned_alloc(size, size) : malloc(size);

	if (p && zero)
		memset(p, 0, size);
	return p;
}

void *udma_kmalloc(size_t size, bool zero)
{
	size_t usable;
	void *p;

	if (!size)
		return UDMA_ZERO_SIZE_PTR;
	if (size > UDMA_KMALLOC_MAX_SIZE)
		return NULL;
	/* the kernel aligns power-of-two objects to their size; some drivers
	 * rely on it for hardware descriptors */
	p = kmalloc_aligned(size) ? aligned_alloc(size, size) : malloc(size);
	if (!p)
		return NULL;
	/*
	 * The object is the whole chunk, as a slab object is its whole size
	 * class (what udma_krealloc copies and zeroes). Asking for the chunk's
	 * size again makes that so for the compiler too, whose object-size
	 * checks (_FORTIFY_SOURCE) would stop a memset past the first size;
	 * realloc within a chunk keeps it in place, alignment included.
	 */
	usable = malloc_usable_size(p);
	if (usable > size) {
		void *q = realloc(p, usable);

		if (!q) {
			usable = size;		/* p is still ours, as it was */
		} else if (kmalloc_aligned(size) && ((uintptr_t)q & (size - 1))) {
			free(q);		/* moved, and lost its alignment */
			return udma_kmalloc_exact(size, zero);
		} else {
			p = q;
		}
	}
	if (zero)
		memset(p, 0, usable);
	return p;
}

void *udma_krealloc(const void *p, size_t new_size, bool zero)
{
	size_t old;
	void *q;

	if (!new_size) {
		if ((uintptr_t)p > (uintptr_t)UDMA_ZERO_SIZE_PTR)
			free((void *)p);
		return UDMA_ZERO_SIZE_PTR;
	}
	if ((uintptr_t)p <= (uintptr_t)UDMA_ZERO_SIZE_PTR)
		return udma_kmalloc(new_size, zero);
	if (new_size > UDMA_KMALLOC_MAX_SIZE)
		return NULL;
	old = malloc_usable_size((void *)p);
	if (new_size <= old)
		return (void *)p;	/* fits where it is, as the kernel keeps it */
	q = udma_kmalloc(new_size, false);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	if (zero)
		memset((char *)q + old, 0, malloc_usable_size(q) - old);
	free((void *)p);
	return q;
}

/* ---- managed resources ---- */

struct devres {
	struct devres *prev;	/* the one added before: release walks back */
	struct device *dev;
	void (*action)(void *);	/* NULL: an allocation, data follows */
	void *data;
	max_align_t payload[];
};

static pthread_mutex_t devres_lock = PTHREAD_MUTEX_INITIALIZER;
static struct devres *devres_last;

static void devres_push(struct devres *dr)
{
	udma_mutex_lock(&devres_lock);
	dr->prev = devres_last;
	devres_last = dr;
	udma_mutex_unlock(&devres_lock);
}

void *udma_devres_alloc(struct device *dev, size_t size, bool zero)
{
	struct devres *dr;

	if (size > SIZE_MAX - sizeof(*dr))
		return NULL;
	dr = zero ? calloc(1, sizeof(*dr) + size) : malloc(sizeof(*dr) + size);
	if (!dr)
		return NULL;
	dr->dev = dev;
	dr->action = NULL;
	dr->data = dr->payload;
	devres_push(dr);
	return dr->payload;
}

/* Unlinks and returns @dev's entry for @data (an allocation when !action). */
static struct devres *devres_take(struct device *dev, const void *data)
{
	struct devres **link, *dr = NULL;

	udma_mutex_lock(&devres_lock);
	for (link = &devres_last; *link; link = &(*link)->prev) {
		if ((*link)->dev == dev && (*link)->data == data) {
			dr = *link;
			*link = dr->prev;
			break;
		}
	}
	udma_mutex_unlock(&devres_lock);
	return dr;
}

void udma_devres_free(struct device *dev, const void *ptr)
{
	struct devres *dr;

	if (!ptr)
		return;
	dr = devres_take(dev, ptr);
	if (!dr) {
		fprintf(stderr, "udmaengine: devm_kfree: %p is not a managed allocation of this device\n",
			ptr);
		return;
	}
	free(dr);
}

int udma_devres_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devres *dr = malloc(sizeof(*dr));

	if (!dr)
		return -ENOMEM;
	dr->dev = dev;
	dr->action = action;
	dr->data = data;
	devres_push(dr);
	return 0;
}

void udma_devres_release_all(struct device *dev)
{
	for (;;) {
		struct devres **link, *dr = NULL;

		/* one at a time: an action may add or free others */
		udma_mutex_lock(&devres_lock);
		for (link = &devres_last; *link; link = &(*link)->prev) {
			if (!dev || (*link)->dev == dev) {
				dr = *link;
				*link = dr->prev;
				break;
			}
		}
		udma_mutex_unlock(&devres_lock);
		if (!dr)
			return;
		if (dr->action)
			dr->action(dr->data);
		free(dr);
	}
}

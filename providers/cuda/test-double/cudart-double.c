/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of the CUDA runtime calls the udmaengine CUDA provider uses
 * (see cudart-double.h for what it models and how tests steer it). Linked
 * only into test programs; libudmaengine_cuda uses the real libcudart.
 *
 * Model: one process-wide "device context" (sticky error, memory books),
 * a worker thread per stream running its operations in order, and events
 * that name a point in a stream's sequence of operations.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#include "cudart-double.h"

#define PAGE 4096u

/* ---- the context: configuration, books, injections (g_lock) ---- */

enum range_kind { R_DEVICE, R_HOST_ALLOC, R_REGISTERED };

struct range {
	uintptr_t base;
	size_t len;
	enum range_kind kind;
	struct range *next;
};

struct injection {
	bool active;
	unsigned int skip;
	enum cudart_double_when when;
	cudaError_t err;
};

struct freed {
	uintptr_t base;
	size_t len;
	struct freed *next;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_hold_cond = PTHREAD_COND_INITIALIZER;
static int g_count = 1, g_engines = 2;
static size_t g_max_pitch = 2147483647u;
static bool g_unified = true;
static cudaError_t g_init_err = cudaSuccess;
static bool g_hold;
static struct range *g_ranges;
static struct injection g_inj[CUDART_DOUBLE_HOST_REGISTER + 1];
static struct freed *g_freed;

static int g_sticky;			/* atomic: cudaError_t of the fault, 0: none */
static unsigned int g_delay_us;		/* atomic */
static struct cudart_double_stats g_st;	/* each field updated atomically */

static _Thread_local int t_device;
static _Thread_local cudaError_t t_last;

#define STAT_ADD(field, v) __atomic_fetch_add(&g_st.field, (v), __ATOMIC_RELAXED)

static cudaError_t sticky(void)
{
	return (cudaError_t)__atomic_load_n(&g_sticky, __ATOMIC_ACQUIRE);
}

/* Every call that fails leaves its error for cudaGetLastError, as the runtime does. */
static cudaError_t fail(cudaError_t err)
{
	if (err != cudaSuccess)
		t_last = err;
	return err;
}

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(uintptr_t)(PAGE - 1);
}

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
}

/* The range holding @p (registered host memory counts whole pages). g_lock held. */
static struct range *find_range(uintptr_t p)
{
	for (struct range *r = g_ranges; r; r = r->next) {
		uintptr_t lo = r->base, hi = r->base + r->len;

		if (r->kind == R_REGISTERED) {
			lo = page_down(lo);
			hi = page_up(hi);
		}
		if (p >= lo && p < hi)
			return r;
	}
	return NULL;
}

static enum cudaMemoryType type_of(const void *p)
{
	enum cudaMemoryType t = cudaMemoryTypeUnregistered;
	struct range *r;

	pthread_mutex_lock(&g_lock);
	r = find_range((uintptr_t)p);
	if (r)
		t = r->kind == R_DEVICE ? cudaMemoryTypeDevice : cudaMemoryTypeHost;
	pthread_mutex_unlock(&g_lock);
	return t;
}

/*
 * Whether [p, p + len) starts in one allocation or registration and ends in
 * another, or outside any. The runtime refuses such an operation
 * (cudaErrorInvalidValue): a copy or memset reaches one allocation per
 * side, even when two registrations are adjacent, and pageable memory that
 * shares a page with a registration counts as part of it (both seen on an
 * H200, CUDA 13.0).
 */
static bool spans_two(const void *p, size_t len)
{
	struct range *first, *last;

	if (!p || !len)
		return false;
	pthread_mutex_lock(&g_lock);
	first = find_range((uintptr_t)p);
	last = find_range((uintptr_t)p + len - 1);
	pthread_mutex_unlock(&g_lock);
	return first != last;
}

static void add_range(uintptr_t base, size_t len, enum range_kind kind)
{
	struct range *r = malloc(sizeof(*r));

	if (!r)
		abort();	/* a test double out of memory: nothing sensible to do */
	r->base = base;
	r->len = len;
	r->kind = kind;
	pthread_mutex_lock(&g_lock);
	r->next = g_ranges;
	g_ranges = r;
	pthread_mutex_unlock(&g_lock);
}

/* Removes the range of @kind starting at @base; false if there is none. */
static bool del_range(uintptr_t base, enum range_kind kind, size_t *len)
{
	struct range **pp, *r = NULL;

	pthread_mutex_lock(&g_lock);
	for (pp = &g_ranges; *pp; pp = &(*pp)->next) {
		if ((*pp)->base == base && (*pp)->kind == kind) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&g_lock);
	if (r && len)
		*len = r->len;
	free(r);
	return r != NULL;
}

/* The injected error for the next operation of @kind, if it is due. */
static cudaError_t take_injection(enum cudart_double_op kind, enum cudart_double_when *when)
{
	enum cudart_double_op kinds[2] = { kind, CUDART_DOUBLE_ANY };
	cudaError_t err = cudaSuccess;

	pthread_mutex_lock(&g_lock);
	for (int i = 0; i < (kind == CUDART_DOUBLE_HOST_REGISTER ? 1 : 2); i++) {
		struct injection *in = &g_inj[kinds[i]];

		if (!in->active || err != cudaSuccess)
			continue;
		if (in->skip) {
			in->skip--;
			continue;
		}
		in->active = false;
		*when = in->when;
		err = in->err;
	}
	pthread_mutex_unlock(&g_lock);
	return err;
}

/* ---- streams: a worker thread each ---- */

struct dbl_op {
	enum cudart_double_op kind;
	unsigned char *dst;
	const unsigned char *src;
	size_t n;			/* MEMCPY, MEMSET */
	int value;
	size_t dpitch, spitch, width, height;	/* MEMCPY2D */
	cudaError_t fault;		/* injected AT_RUN */
	struct dbl_op *next;
};

struct CUstream_st {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* work queued, or an operation done */
	struct dbl_op *head, *tail;	/* head is running or next */
	uint64_t enq, done;
	bool exit;
	pthread_t thread;
};

struct CUevent_st {
	pthread_mutex_t lock;
	cudaStream_t stream;		/* NULL: never recorded */
	uint64_t target;		/* complete once stream->done reaches it */
};

static bool overlaps_freed(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	bool hit = false;

	if (!len)
		return false;
	pthread_mutex_lock(&g_lock);
	for (struct freed *f = g_freed; f && !hit; f = f->next)
		hit = a < f->base + f->len && f->base < a + len;
	pthread_mutex_unlock(&g_lock);
	return hit;
}

static size_t extent(size_t pitch, size_t width, size_t height)
{
	return width && height ? (height - 1) * pitch + width : 0;
}

static bool touches_freed(const struct dbl_op *op)
{
	switch (op->kind) {
	case CUDART_DOUBLE_MEMCPY:
		return overlaps_freed(op->dst, op->n) || overlaps_freed(op->src, op->n);
	case CUDART_DOUBLE_MEMSET:
		return overlaps_freed(op->dst, op->n);
	case CUDART_DOUBLE_MEMCPY2D:
		return overlaps_freed(op->dst, extent(op->dpitch, op->width, op->height)) ||
		       overlaps_freed(op->src, extent(op->spitch, op->width, op->height));
	default:
		return false;
	}
}

static void run(const struct dbl_op *op)
{
	int none = 0;

	if (sticky() != cudaSuccess) {
		STAT_ADD(ops_dropped, 1);	/* a failed context runs nothing */
		return;
	}
	if (op->fault != cudaSuccess) {
		__atomic_compare_exchange_n(&g_sticky, &none, (int)op->fault, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		STAT_ADD(ops_faulted, 1);
		return;
	}
	if (touches_freed(op)) {
		STAT_ADD(late_accesses, 1);
		return;
	}
	switch (op->kind) {
	case CUDART_DOUBLE_MEMCPY:
		memcpy(op->dst, op->src, op->n);
		break;
	case CUDART_DOUBLE_MEMSET:
		memset(op->dst, op->value, op->n);
		break;
	case CUDART_DOUBLE_MEMCPY2D:
		for (size_t r = 0; r < op->height; r++)
			memcpy(op->dst + r * op->dpitch, op->src + r * op->spitch, op->width);
		break;
	default:
		break;
	}
	STAT_ADD(ops_run, 1);
}

static void gate_and_delay(void)
{
	unsigned int us = __atomic_load_n(&g_delay_us, __ATOMIC_RELAXED);

	pthread_mutex_lock(&g_lock);
	while (g_hold)
		pthread_cond_wait(&g_hold_cond, &g_lock);
	pthread_mutex_unlock(&g_lock);
	if (us) {
		struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
}

static void *worker(void *arg)
{
	cudaStream_t s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct dbl_op *op;

		while (!s->head && !s->exit)
			pthread_cond_wait(&s->cond, &s->lock);
		if (!s->head)
			break;
		op = s->head;
		pthread_mutex_unlock(&s->lock);

		gate_and_delay();
		run(op);

		pthread_mutex_lock(&s->lock);
		s->head = op->next;
		if (!s->head)
			s->tail = NULL;
		s->done++;
		pthread_cond_broadcast(&s->cond);
		free(op);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Queues @op on @s, or fails it at launch as injected. Takes @op. */
static cudaError_t launch(cudaStream_t s, struct dbl_op *op)
{
	enum cudart_double_when when = CUDART_DOUBLE_AT_LAUNCH;
	cudaError_t err = sticky();

	if (err == cudaSuccess && !s)
		err = cudaErrorInvalidResourceHandle;	/* the provider never uses stream 0 */
	if (err == cudaSuccess) {
		err = take_injection(op->kind, &when);
		if (err != cudaSuccess && when == CUDART_DOUBLE_AT_RUN) {
			op->fault = err;
			err = cudaSuccess;
		}
	}
	if (err != cudaSuccess) {
		free(op);
		return fail(err);
	}
	op->next = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->tail)
		s->tail->next = op;
	else
		s->head = op;
	s->tail = op;
	s->enq++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	STAT_ADD(ops_launched, 1);
	return cudaSuccess;
}

static struct dbl_op *new_op(enum cudart_double_op kind)
{
	struct dbl_op *op = calloc(1, sizeof(*op));

	if (!op)
		abort();
	op->kind = kind;
	return op;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned int flags)
{
	cudaStream_t s;

	(void)flags;
	if (!stream)
		return fail(cudaErrorInvalidValue);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	s = calloc(1, sizeof(*s));
	if (!s)
		return fail(cudaErrorMemoryAllocation);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, worker, s)) {
		free(s);
		return fail(cudaErrorMemoryAllocation);
	}
	STAT_ADD(live_streams, 1);
	*stream = s;
	return cudaSuccess;
}

/* Finishes the queued work first, as the runtime does, then goes away. */
cudaError_t cudaStreamDestroy(cudaStream_t s)
{
	if (!s)
		return fail(cudaErrorInvalidResourceHandle);
	pthread_mutex_lock(&s->lock);
	s->exit = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
	STAT_ADD(live_streams, -1);
	return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t s)
{
	uint64_t target;

	if (!s)
		return fail(cudaErrorInvalidResourceHandle);
	STAT_ADD(stream_syncs, 1);
	pthread_mutex_lock(&s->lock);
	target = s->enq;
	while (s->done < target)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return fail(sticky());
}

/* ---- events ---- */

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags)
{
	cudaEvent_t e;

	(void)flags;
	if (!event)
		return fail(cudaErrorInvalidValue);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	e = calloc(1, sizeof(*e));
	if (!e)
		return fail(cudaErrorMemoryAllocation);
	pthread_mutex_init(&e->lock, NULL);
	STAT_ADD(live_events, 1);
	*event = e;
	return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t e)
{
	if (!e)
		return fail(cudaErrorInvalidResourceHandle);
	pthread_mutex_destroy(&e->lock);
	free(e);
	STAT_ADD(live_events, -1);
	return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s)
{
	uint64_t target;

	if (!e || !s)
		return fail(cudaErrorInvalidResourceHandle);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	pthread_mutex_lock(&s->lock);
	target = s->enq;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&e->lock);
	e->stream = s;
	e->target = target;
	pthread_mutex_unlock(&e->lock);
	STAT_ADD(events_recorded, 1);
	return cudaSuccess;
}

static bool event_done(cudaEvent_t e, bool wait)
{
	cudaStream_t s;
	uint64_t target;
	bool done = true;

	pthread_mutex_lock(&e->lock);
	s = e->stream;
	target = e->target;
	pthread_mutex_unlock(&e->lock);
	if (!s)
		return true;	/* never recorded: complete, as in CUDA */
	pthread_mutex_lock(&s->lock);
	while (wait && s->done < target)
		pthread_cond_wait(&s->cond, &s->lock);
	done = s->done >= target;
	pthread_mutex_unlock(&s->lock);
	return done;
}

cudaError_t cudaEventSynchronize(cudaEvent_t e)
{
	if (!e)
		return fail(cudaErrorInvalidResourceHandle);
	event_done(e, true);
	return fail(sticky());
}

cudaError_t cudaEventQuery(cudaEvent_t e)
{
	if (!e)
		return fail(cudaErrorInvalidResourceHandle);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	return event_done(e, false) ? cudaSuccess : cudaErrorNotReady;
}

/* ---- asynchronous copies ---- */

/* Pageable memory works (the runtime stages it) but is not asynchronous: counted. */
static void note_pageable(const void *p, size_t len)
{
	if (len && type_of(p) == cudaMemoryTypeUnregistered)
		STAT_ADD(pageable_async, 1);
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count,
			    enum cudaMemcpyKind kind, cudaStream_t stream)
{
	struct dbl_op *op;

	if ((unsigned int)kind > cudaMemcpyDefault)
		return fail(cudaErrorInvalidMemcpyDirection);
	if (count && (!dst || !src))
		return fail(cudaErrorInvalidValue);
	if (spans_two(dst, count) || spans_two(src, count))
		return fail(cudaErrorInvalidValue);
	note_pageable(dst, count);
	note_pageable(src, count);
	op = new_op(CUDART_DOUBLE_MEMCPY);
	op->dst = dst;
	op->src = src;
	op->n = count;
	return launch(stream, op);
}

cudaError_t cudaMemsetAsync(void *dst, int value, size_t count, cudaStream_t stream)
{
	struct dbl_op *op;

	/* a memset is GPU work: it reaches device and pinned memory only */
	if (count && (!dst || type_of(dst) == cudaMemoryTypeUnregistered ||
		      type_of((const char *)dst + count - 1) == cudaMemoryTypeUnregistered ||
		      spans_two(dst, count)))
		return fail(cudaErrorInvalidValue);
	op = new_op(CUDART_DOUBLE_MEMSET);
	op->dst = dst;
	op->value = value & 0xff;
	op->n = count;
	return launch(stream, op);
}

cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch,
			      size_t width, size_t height, enum cudaMemcpyKind kind,
			      cudaStream_t stream)
{
	size_t max_pitch;
	struct dbl_op *op;

	if ((unsigned int)kind > cudaMemcpyDefault)
		return fail(cudaErrorInvalidMemcpyDirection);
	pthread_mutex_lock(&g_lock);
	max_pitch = g_max_pitch;
	pthread_mutex_unlock(&g_lock);
	if (width > dpitch || width > spitch)
		return fail(cudaErrorInvalidPitchValue);
	if (height > 1 && (dpitch > max_pitch || spitch > max_pitch))
		return fail(cudaErrorInvalidPitchValue);
	if (width && height && (!dst || !src))
		return fail(cudaErrorInvalidValue);
	if (spans_two(dst, extent(dpitch, width, height)) ||
	    spans_two(src, extent(spitch, width, height)))
		return fail(cudaErrorInvalidValue);
	if (width && height) {
		note_pageable(dst, extent(dpitch, width, height));
		note_pageable(src, extent(spitch, width, height));
	}
	op = new_op(CUDART_DOUBLE_MEMCPY2D);
	op->dst = dst;
	op->src = src;
	op->dpitch = dpitch;
	op->spitch = spitch;
	op->width = width;
	op->height = height;
	if (!width || !height)
		op->height = op->width = 0;
	return launch(stream, op);
}

/* ---- synchronous copies and allocations (tests make device memory with them) ---- */

cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
	if ((unsigned int)kind > cudaMemcpyDefault)
		return fail(cudaErrorInvalidMemcpyDirection);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	if (count && (!dst || !src))
		return fail(cudaErrorInvalidValue);
	if (spans_two(dst, count) || spans_two(src, count))
		return fail(cudaErrorInvalidValue);
	if (count)
		memcpy(dst, src, count);
	return cudaSuccess;
}

static cudaError_t alloc_range(void **ptr, size_t size, size_t align, enum range_kind kind)
{
	void *p;

	if (!ptr)
		return fail(cudaErrorInvalidValue);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	*ptr = NULL;
	if (!size)
		return cudaSuccess;
	p = aligned_alloc(align, (size + align - 1) / align * align);
	if (!p)
		return fail(cudaErrorMemoryAllocation);
	memset(p, 0xcd, size);	/* fresh GPU memory holds whatever it held */
	add_range((uintptr_t)p, size, kind);
	if (kind == R_DEVICE)
		STAT_ADD(live_device_allocs, 1);
	*ptr = p;
	return cudaSuccess;
}

/* Pages of its own: device memory shares no page with host memory, whose
 * registrations count whole pages. */
cudaError_t cudaMalloc(void **ptr, size_t size)
{
	return alloc_range(ptr, size, PAGE, R_DEVICE);
}

cudaError_t cudaMallocHost(void **ptr, size_t size)
{
	return alloc_range(ptr, size, PAGE, R_HOST_ALLOC);
}

/* Frees even in a failed context, so tests clean up after an injected fault. */
cudaError_t cudaFree(void *ptr)
{
	if (!ptr)
		return cudaSuccess;
	if (!del_range((uintptr_t)ptr, R_DEVICE, NULL))
		return fail(cudaErrorInvalidValue);
	STAT_ADD(live_device_allocs, -1);
	free(ptr);
	return cudaSuccess;
}

cudaError_t cudaFreeHost(void *ptr)
{
	if (!ptr)
		return cudaSuccess;
	if (!del_range((uintptr_t)ptr, R_HOST_ALLOC, NULL))
		return fail(cudaErrorInvalidValue);
	free(ptr);
	return cudaSuccess;
}

/* ---- pinning ---- */

cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags)
{
	enum cudart_double_when when;
	uintptr_t lo, hi;
	cudaError_t err;
	bool overlap = false, host_alloc = false;

	(void)flags;
	if (sticky() != cudaSuccess)
		return fail(sticky());
	if (!ptr || !size)
		return fail(cudaErrorInvalidValue);
	err = take_injection(CUDART_DOUBLE_HOST_REGISTER, &when);
	if (err != cudaSuccess)
		return fail(err);
	/* the runtime pins whole pages: one page cannot be registered twice */
	lo = page_down((uintptr_t)ptr);
	hi = page_up((uintptr_t)ptr + size);
	pthread_mutex_lock(&g_lock);
	for (struct range *r = g_ranges; r && !overlap; r = r->next) {
		if (r->kind == R_DEVICE)
			continue;
		overlap = lo < page_up(r->base + r->len) && page_down(r->base) < hi;
		host_alloc = overlap && r->kind == R_HOST_ALLOC;
	}
	pthread_mutex_unlock(&g_lock);
	/* cudaMallocHost memory is refused as an invalid value, not as
	 * registered already (seen on an H200, CUDA 13.0) */
	if (host_alloc)
		return fail(cudaErrorInvalidValue);
	if (overlap)
		return fail(cudaErrorHostMemoryAlreadyRegistered);
	add_range((uintptr_t)ptr, size, R_REGISTERED);
	STAT_ADD(host_registers, 1);
	STAT_ADD(live_registrations, 1);
	STAT_ADD(pinned_bytes, size);
	return cudaSuccess;
}

cudaError_t cudaHostUnregister(void *ptr)
{
	size_t len = 0;

	if (!del_range((uintptr_t)ptr, R_REGISTERED, &len))
		return fail(cudaErrorHostMemoryNotRegistered);
	STAT_ADD(host_unregisters, 1);
	STAT_ADD(live_registrations, -1);
	__atomic_fetch_sub(&g_st.pinned_bytes, len, __ATOMIC_RELAXED);
	return cudaSuccess;
}

cudaError_t cudaPointerGetAttributes(struct cudaPointerAttributes *at, const void *ptr)
{
	if (!at || !ptr)
		return fail(cudaErrorInvalidValue);
	if (sticky() != cudaSuccess)
		return fail(sticky());
	memset(at, 0, sizeof(*at));
	at->type = type_of(ptr);
	at->device = at->type == cudaMemoryTypeUnregistered ? -2 : 0;
	if (at->type == cudaMemoryTypeDevice)
		at->devicePointer = (void *)ptr;
	if (at->type == cudaMemoryTypeHost)
		at->devicePointer = at->hostPointer = (void *)ptr;
	return cudaSuccess;
}

/* ---- devices and errors ---- */

cudaError_t cudaGetDeviceCount(int *count)
{
	cudaError_t err;
	int n;

	if (!count)
		return fail(cudaErrorInvalidValue);
	pthread_mutex_lock(&g_lock);
	err = g_init_err;
	n = g_count;
	pthread_mutex_unlock(&g_lock);
	*count = 0;
	if (err != cudaSuccess)
		return fail(err);
	if (n <= 0)
		return fail(cudaErrorNoDevice);
	*count = n;
	return cudaSuccess;
}

static bool device_ok(int device)
{
	bool ok;

	pthread_mutex_lock(&g_lock);
	ok = g_init_err == cudaSuccess && device >= 0 && device < g_count;
	pthread_mutex_unlock(&g_lock);
	return ok;
}

cudaError_t cudaGetDevice(int *device)
{
	if (!device)
		return fail(cudaErrorInvalidValue);
	*device = t_device;
	return cudaSuccess;
}

cudaError_t cudaSetDevice(int device)
{
	if (!device_ok(device))
		return fail(cudaErrorInvalidDevice);
	t_device = device;
	return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
	if (!value)
		return fail(cudaErrorInvalidValue);
	if (!device_ok(device))
		return fail(cudaErrorInvalidDevice);
	pthread_mutex_lock(&g_lock);
	switch (attr) {
	case cudaDevAttrAsyncEngineCount:
		*value = g_engines;
		break;
	case cudaDevAttrMaxPitch:
		*value = g_max_pitch > INT32_MAX ? INT32_MAX : (int)g_max_pitch;
		break;
	case cudaDevAttrUnifiedAddressing:
		*value = g_unified;
		break;
	default:
		pthread_mutex_unlock(&g_lock);
		return fail(cudaErrorInvalidValue);
	}
	pthread_mutex_unlock(&g_lock);
	return cudaSuccess;
}

/* A sticky error stays; any other is returned once and cleared. */
cudaError_t cudaGetLastError(void)
{
	cudaError_t err = sticky() != cudaSuccess ? sticky() : t_last;

	t_last = cudaSuccess;
	return err;
}

static const struct {
	cudaError_t err;
	const char *name, *text;
} names[] = {
	{ cudaSuccess, "cudaSuccess", "no error" },
	{ cudaErrorInvalidValue, "cudaErrorInvalidValue", "invalid argument" },
	{ cudaErrorMemoryAllocation, "cudaErrorMemoryAllocation", "out of memory" },
	{ cudaErrorInitializationError, "cudaErrorInitializationError", "initialization error" },
	{ cudaErrorInvalidPitchValue, "cudaErrorInvalidPitchValue", "invalid pitch argument" },
	{ cudaErrorInvalidDevicePointer, "cudaErrorInvalidDevicePointer", "invalid device pointer" },
	{ cudaErrorInvalidMemcpyDirection, "cudaErrorInvalidMemcpyDirection", "invalid copy direction for memcpy" },
	{ cudaErrorInsufficientDriver, "cudaErrorInsufficientDriver",
	  "CUDA driver version is insufficient for CUDA runtime version" },
	{ cudaErrorNoDevice, "cudaErrorNoDevice", "no CUDA-capable device is detected" },
	{ cudaErrorInvalidDevice, "cudaErrorInvalidDevice", "invalid device ordinal" },
	{ cudaErrorECCUncorrectable, "cudaErrorECCUncorrectable", "uncorrectable ECC error encountered" },
	{ cudaErrorInvalidResourceHandle, "cudaErrorInvalidResourceHandle", "invalid resource handle" },
	{ cudaErrorNotReady, "cudaErrorNotReady", "device not ready" },
	{ cudaErrorIllegalAddress, "cudaErrorIllegalAddress", "an illegal memory access was encountered" },
	{ cudaErrorLaunchTimeout, "cudaErrorLaunchTimeout", "the launch timed out and was terminated" },
	{ cudaErrorHostMemoryAlreadyRegistered, "cudaErrorHostMemoryAlreadyRegistered",
	  "part or all of the requested memory range is already mapped" },
	{ cudaErrorHostMemoryNotRegistered, "cudaErrorHostMemoryNotRegistered",
	  "pointer does not correspond to a registered memory region" },
	{ cudaErrorHardwareStackError, "cudaErrorHardwareStackError", "hardware stack error" },
	{ cudaErrorIllegalInstruction, "cudaErrorIllegalInstruction", "an illegal instruction was encountered" },
	{ cudaErrorMisalignedAddress, "cudaErrorMisalignedAddress", "misaligned address" },
	{ cudaErrorInvalidAddressSpace, "cudaErrorInvalidAddressSpace", "operation not supported on global/shared address space" },
	{ cudaErrorInvalidPc, "cudaErrorInvalidPc", "invalid program counter" },
	{ cudaErrorLaunchFailure, "cudaErrorLaunchFailure", "unspecified launch failure" },
	{ cudaErrorUnknown, "cudaErrorUnknown", "unknown error" },
};

const char *cudaGetErrorName(cudaError_t error)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == error)
			return names[i].name;
	return "cudaErrorUnknown";
}

const char *cudaGetErrorString(cudaError_t error)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == error)
			return names[i].text;
	return "unrecognized error code";
}

/* ---- the test's controls ---- */

void cudart_double_reset(void)
{
	struct freed *f;

	pthread_mutex_lock(&g_lock);
	g_count = 1;
	g_engines = 2;
	g_max_pitch = 2147483647u;
	g_unified = true;
	g_init_err = cudaSuccess;
	g_hold = false;
	pthread_cond_broadcast(&g_hold_cond);
	memset(g_inj, 0, sizeof(g_inj));
	f = g_freed;
	g_freed = NULL;
	pthread_mutex_unlock(&g_lock);
	while (f) {
		struct freed *next = f->next;

		free(f);
		f = next;
	}
	__atomic_store_n(&g_sticky, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g_delay_us, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.ops_launched, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.ops_run, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.ops_faulted, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.ops_dropped, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.late_accesses, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.pageable_async, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.events_recorded, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.stream_syncs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.host_registers, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g_st.host_unregisters, 0, __ATOMIC_RELAXED);
	t_last = cudaSuccess;
}

void cudart_double_set_devices(int count, int engines)
{
	pthread_mutex_lock(&g_lock);
	g_count = count;
	g_engines = engines;
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_set_max_pitch(size_t pitch)
{
	pthread_mutex_lock(&g_lock);
	g_max_pitch = pitch;
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_set_unified(bool unified)
{
	pthread_mutex_lock(&g_lock);
	g_unified = unified;
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_fail_init(cudaError_t err)
{
	pthread_mutex_lock(&g_lock);
	g_init_err = err;
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_inject(enum cudart_double_op op, unsigned int skip,
			  enum cudart_double_when when, cudaError_t err)
{
	if ((unsigned int)op > CUDART_DOUBLE_HOST_REGISTER)
		abort();
	pthread_mutex_lock(&g_lock);
	g_inj[op] = (struct injection){ err != cudaSuccess, skip, when, err };
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_hold(bool hold)
{
	pthread_mutex_lock(&g_lock);
	g_hold = hold;
	pthread_cond_broadcast(&g_hold_cond);
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_set_op_delay_us(unsigned int us)
{
	__atomic_store_n(&g_delay_us, us, __ATOMIC_RELAXED);
}

void cudart_double_mark_freed(const void *p, size_t len)
{
	struct freed *f = malloc(sizeof(*f));

	if (!f)
		abort();
	f->base = (uintptr_t)p;
	f->len = len;
	pthread_mutex_lock(&g_lock);
	f->next = g_freed;
	g_freed = f;
	pthread_mutex_unlock(&g_lock);
}

void cudart_double_clear_freed(void)
{
	struct freed *f;

	pthread_mutex_lock(&g_lock);
	f = g_freed;
	g_freed = NULL;
	pthread_mutex_unlock(&g_lock);
	while (f) {
		struct freed *next = f->next;

		free(f);
		f = next;
	}
}

void cudart_double_get_stats(struct cudart_double_stats *st)
{
#define GET(field) st->field = __atomic_load_n(&g_st.field, __ATOMIC_RELAXED)
	GET(ops_launched);
	GET(ops_run);
	GET(ops_faulted);
	GET(ops_dropped);
	GET(late_accesses);
	GET(pageable_async);
	GET(events_recorded);
	GET(stream_syncs);
	GET(host_registers);
	GET(host_unregisters);
	GET(live_registrations);
	GET(pinned_bytes);
	GET(live_streams);
	GET(live_events);
	GET(live_device_allocs);
#undef GET
}

unsigned long cudart_double_ops_pending(void)
{
	struct cudart_double_stats st;

	cudart_double_get_stats(&st);
	return st.ops_launched - st.ops_run - st.ops_faulted - st.ops_dropped - st.late_accesses;
}

/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of the CUDA runtime -- for udmaengine's tests only.
 *
 * cudart-double.c implements the calls declared in ../cuda-rt.h on the CPU
 * so the CUDA provider's logic (descriptor lifecycle, coalescing,
 * terminate/synchronize, pinning, error mapping) is tested on machines
 * without a GPU. It is not a CUDA implementation and is never linked into
 * libudmaengine_cuda:
 *   - "device memory" (cudaMalloc) is host memory, tracked so that
 *     cudaPointerGetAttributes tells it from pinned and pageable memory;
 *   - each stream is a worker thread running its operations in order;
 *     events complete when the stream has run everything recorded before
 *     them; an execution fault is sticky, as on a GPU: every later call
 *     returns it and no later operation runs;
 *   - cudaHostRegister keeps page-granular books and refuses overlaps with
 *     cudaErrorHostMemoryAlreadyRegistered, and cudaMallocHost memory with
 *     cudaErrorInvalidValue, as the runtime does;
 *   - an asynchronous copy or memset whose range on one side starts in one
 *     allocation or registration and ends in another is refused with
 *     cudaErrorInvalidValue, as the runtime does even for adjacent
 *     registrations.
 * The functions below let a test look inside and steer it.
 */
#ifndef UDMA_CUDART_DOUBLE_H
#define UDMA_CUDART_DOUBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../cuda-rt.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cudart_double_stats {
	unsigned long ops_launched;	/* async copies/memsets accepted onto a stream */
	unsigned long ops_run;		/* ... that ran and moved their bytes */
	unsigned long ops_faulted;	/* ... that raised an injected execution fault */
	unsigned long ops_dropped;	/* ... not run: the context had failed before */
	unsigned long late_accesses;	/* ... that would have touched memory marked freed
					   (cudart_double_mark_freed); not touched */
	unsigned long pageable_async;	/* ... given pageable (unregistered) host memory */
	unsigned long events_recorded;
	unsigned long stream_syncs;	/* cudaStreamSynchronize calls */
	unsigned long host_registers;	/* successful cudaHostRegister calls */
	unsigned long host_unregisters;	/* successful cudaHostUnregister calls */
	long live_registrations;
	size_t pinned_bytes;		/* bytes registered now */
	long live_streams;
	long live_events;
	long live_device_allocs;
};

enum cudart_double_op {
	CUDART_DOUBLE_ANY,		/* any of the three below */
	CUDART_DOUBLE_MEMCPY,		/* cudaMemcpyAsync */
	CUDART_DOUBLE_MEMSET,		/* cudaMemsetAsync */
	CUDART_DOUBLE_MEMCPY2D,		/* cudaMemcpy2DAsync */
	CUDART_DOUBLE_HOST_REGISTER,	/* cudaHostRegister (AT_LAUNCH only) */
};

enum cudart_double_when {
	CUDART_DOUBLE_AT_LAUNCH,	/* the call returns the error, nothing is queued */
	CUDART_DOUBLE_AT_RUN,		/* queued; when it runs it faults: sticky error */
};

/*
 * Back to a fresh process: no sticky error, no injection, no hold, no delay,
 * no freed marks, counters 0 (live objects stay, and stay counted), and one
 * device with 2 copy engines, unified addressing and a 2 GiB max pitch.
 */
void cudart_double_reset(void);
/* cudaGetDeviceCount says @count (0: cudaErrorNoDevice); each has @engines copy engines. */
void cudart_double_set_devices(int count, int engines);
void cudart_double_set_max_pitch(size_t pitch);
void cudart_double_set_unified(bool unified);
/* cudaGetDeviceCount fails with @err (cudaSuccess: works again), e.g. no driver. */
void cudart_double_fail_init(cudaError_t err);
/*
 * The operation of kind @op that comes after @skip more of its kind fails
 * with @err, @when. One injection at a time per kind; a new one replaces it.
 */
void cudart_double_inject(enum cudart_double_op op, unsigned int skip,
			  enum cudart_double_when when, cudaError_t err);
/* While held, no stream starts another operation (one running finishes). */
void cudart_double_hold(bool hold);
/* Each operation takes at least @us microseconds to run. */
void cudart_double_set_op_delay_us(unsigned int us);
/*
 * The test freed (or is about to free) [p, p + len): any operation that
 * runs afterwards and would touch it is counted in late_accesses and
 * skipped instead.
 */
void cudart_double_mark_freed(const void *p, size_t len);
void cudart_double_clear_freed(void);
void cudart_double_get_stats(struct cudart_double_stats *st);
/* Operations queued on streams and not yet run. */
unsigned long cudart_double_ops_pending(void);

#ifdef __cplusplus
}
#endif

#endif /* UDMA_CUDART_DOUBLE_H */

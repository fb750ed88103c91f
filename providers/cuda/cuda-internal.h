/* SPDX-License-Identifier: MIT */
/* What the CUDA controller's files share. */
#ifndef UDMA_CUDA_INTERNAL_H
#define UDMA_CUDA_INTERNAL_H

#include <pthread.h>

#include <udmaengine/virt-dma.h>
#include <udmaengine/cuda.h>

#include "cuda-rt.h"
#include <udma/engine.h>
#include <udma/virt-dma-fast.h>

#define CUDA_MAX_CHANNELS	64
#define CUDA_MAX_INFLIGHT	1024
#define CUDA_DEFAULT_INFLIGHT	16
#define CUDA_MAX_LEN		UINT32_MAX	/* residue and result.residue are u32 */

enum cuda_kind {
	CUDA_COPY,	/* memcpy: a cudaMemcpyAsync per piece */
	CUDA_FILL,	/* memset: a cudaMemsetAsync per piece */
	CUDA_COPY2D,	/* interleaved: a cudaMemcpy2DAsync per chunk of the frame,
			   a cudaMemcpyAsync per row piece where it crosses regions */
};

/*
 * One runtime call: @height rows of @width bytes (a plain copy or memset
 * when @height is 1). A memcpy or memset is one op unless a side crosses
 * from one pinned region into another (cuda_pins_piece): then one per piece.
 */
struct cuda_op2d {
	void *dst;
	size_t dpitch;
	const void *src;
	size_t spitch;
	size_t width;
	size_t height;
};

struct cuda_desc {
	struct virt_dma_desc vd;
	enum cuda_kind kind;
	int value;			/* CUDA_FILL byte */
	unsigned int nops;
	struct cuda_op2d *ops;		/* == &op0 when nops <= 1 */
	struct cuda_op2d op0;
	size_t total;			/* bytes the descriptor moves */

	/*
	 * Created with the descriptor and kept while it sits in the channel's
	 * cache, so the fast path creates no CUDA objects.
	 */
	cudaEvent_t event;

	/*
	 * Launch state. Written by the launcher (launch_lock held) before it
	 * sets @launched under vc.lock; the completion thread reads the
	 * rest only after it saw @launched under vc.lock.
	 */
	bool launched;			/* its work is on the stream (or refused) */
	bool has_event;			/* @event recorded right after its work */
	bool stream_sync;		/* recording failed: wait for the whole stream */
	cudaError_t launch_err;		/* the runtime refused the copy itself */

	struct cuda_desc *next_free;	/* on the channel's descriptor cache */
};

struct cuda_dev;

struct cuda_chan {
	struct virt_dma_chan vc;
	struct cuda_dev *cd;
	cudaStream_t stream;
	pthread_t thread;		/* the completion thread */
	bool thread_started;

	/*
	 * One launcher at a time (issue_pending, resume, the completion
	 * thread refilling): the stream's order is then the order of
	 * @inflight. Synchronize and pause take it to know no launch is half
	 * done. Taken before vc.lock, never inside it.
	 */
	pthread_mutex_t launch_lock;
	unsigned int since_event;	/* under launch_lock: launched since the last event */

	/* Under vc.lock: */
	struct list_head inflight;	/* handed to the stream, in stream order */
	unsigned int ninflight;

	/*
	 * The handshake with the completion thread (<udma/engine.h>): its
	 * doorbell (work launched), terminate's stop generation (bumped
	 * under vc.lock, which completions check it under) and the thread's
	 * acknowledgement, which synchronize waits for; pause, which the
	 * launcher reads; exit.
	 */
	struct udma_engine eng UDMA_CACHELINE_ALIGNED;

	/* Descriptor cache: freed descriptors keep their CUDA event. */
	spinlock_t cache_lock;
	struct cuda_desc *cache;	/* under cache_lock */
	unsigned int cached;		/* under cache_lock */
};

/* Host memory this controller pinned, page-aligned, refcounted (cuda-map.c). */
struct cuda_region;
struct cuda_mapping;
#define CUDA_MAP_BUCKETS 256

struct cuda_pins {
	pthread_mutex_t lock;
	struct cuda_region *regions;	/* sorted by address, not overlapping */
	struct cuda_mapping *buckets[CUDA_MAP_BUCKETS];
	unsigned long nmappings;
	size_t page;
};

struct cuda_dev {
	struct dma_device dma;
	struct device dev;		/* carries the dma_map_ops that pin */
	char name[32];
	int index;			/* CUDA device ordinal */
	unsigned int nr;
	unsigned int max_inflight;
	size_t max_pitch;		/* cudaDevAttrMaxPitch */
	int fault;			/* atomic: first execution fault seen (cudaError_t) */
	struct cuda_pins pins;
	struct cuda_chan chans[];
};

static inline struct cuda_chan *to_cuda_chan(struct dma_chan *chan)
{
	return container_of(to_virt_chan(chan), struct cuda_chan, vc);
}

static inline struct cuda_desc *to_cuda_desc(struct virt_dma_desc *vd)
{
	return container_of(vd, struct cuda_desc, vd);
}

/*
 * Makes @cd's GPU current on this thread for calls that create objects or
 * need the device; returns what to give back to cuda_dev_leave, which
 * restores the caller's own current device (a client may use another GPU).
 */
int cuda_dev_enter(const struct cuda_dev *cd);
void cuda_dev_leave(const struct cuda_dev *cd, int prev);

/* cuda-engine.c */
void *cuda_chan_thread(void *arg);
void cuda_launch_more(struct cuda_chan *cc);
void cuda_issue_pending(struct dma_chan *chan);
int cuda_terminate_all(struct dma_chan *chan);
void cuda_synchronize(struct dma_chan *chan);
int cuda_pause(struct dma_chan *chan);
int cuda_resume(struct dma_chan *chan);
enum dma_status cuda_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
			       struct dma_tx_state *state);

/* cuda-prep.c */
struct dma_async_tx_descriptor *cuda_prep_memcpy(struct dma_chan *chan, dma_addr_t dst,
						 dma_addr_t src, size_t len, unsigned long flags);
struct dma_async_tx_descriptor *cuda_prep_memset(struct dma_chan *chan, dma_addr_t dst,
						 int value, size_t len, unsigned long flags);
struct dma_async_tx_descriptor *cuda_prep_interleaved(struct dma_chan *chan,
						      struct dma_interleaved_template *xt,
						      unsigned long flags);
void cuda_desc_free(struct virt_dma_desc *vd);
void cuda_cache_drain(struct cuda_chan *cc);

/* cuda-map.c */
extern const struct dma_map_ops cuda_map_ops;
void cuda_pins_init(struct cuda_pins *pins);
/*
 * The length of the first piece of a @len-byte copy from @src to @dst (or
 * memset of @dst, @src 0) that neither side carries from one of this
 * controller's registrations into another or into memory outside them:
 * the runtime refuses an operation that does.
 */
size_t cuda_pins_piece(struct cuda_dev *cd, uintptr_t dst, uintptr_t src, size_t len);
/* Unpins what clients left mapped; returns how many mappings that was. */
unsigned long cuda_pins_release(struct cuda_dev *cd);

#endif /* UDMA_CUDA_INTERNAL_H */

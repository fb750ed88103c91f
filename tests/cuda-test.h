/* SPDX-License-Identifier: MIT */
/*
 * What the CUDA provider's tests share, on top of helpers.h. Header only:
 * every tests/cuda-*.c is a test program (providers/cuda/CMakeLists.txt
 * builds each twice).
 *
 * T_DOUBLE: built against the CPU test double of the CUDA runtime
 * (cudart-double.h), where a test can hold streams, slow operations down,
 * inject errors and count what the "GPU" touched. Otherwise it runs on the
 * real runtime and a real GPU, and skips (77) when there is none.
 */
#ifndef UDMA_TEST_CUDA_H
#define UDMA_TEST_CUDA_H

#include "helpers.h"

#include <udmaengine/cuda.h>

#include "cuda-rt.h"

#ifdef UDMA_CUDA_DOUBLE
#include "cudart-double.h"
#define T_DOUBLE 1
#else
#define T_DOUBLE 0
#endif

#define T_SKIP 77

/* Start of every test: a fresh double, or a GPU (else skip). */
static inline void t_cuda_start(const char *test)
{
#if T_DOUBLE
	(void)test;
	cudart_double_reset();
#else
	int n = 0;
	cudaError_t err = cudaGetDeviceCount(&n);

	if (err != cudaSuccess || n == 0) {
		printf("%s (real runtime): SKIP: no CUDA device (cudaGetDeviceCount: %s)\n", test,
		       err != cudaSuccess ? cudaGetErrorName(err) : "0 devices");
		exit(T_SKIP);
	}
#endif
	t_diag_capture();
}

static inline struct dma_device *t_cuda_create(const struct udma_cuda_config *cfg)
{
	struct dma_device *d = udma_cuda_create(cfg);

	if (IS_ERR(d)) {
		fprintf(stderr, "udma_cuda_create failed: %ld (%s)\n", PTR_ERR(d), t_diag_last());
		exit(1);
	}
	return d;
}

/* A channel of CUDA controller @dev (not of another controller). */
static inline struct dma_chan *t_cuda_chan(struct dma_device *dev)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, udma_cuda_filter, dev);
	if (!chan) {
		fprintf(stderr, "no free channel on the CUDA controller\n");
		exit(1);
	}
	CHECK(chan->device == dev);
	return chan;
}

static inline void *t_dev_alloc(size_t len)
{
	void *p = NULL;
	cudaError_t err = cudaMalloc(&p, len);

	if (err != cudaSuccess || !p) {
		fprintf(stderr, "cudaMalloc(%zu): %s\n", len, cudaGetErrorName(err));
		exit(1);
	}
	return p;
}

static inline void t_dev_free(void *p)
{
	CHECK_EQ(cudaFree(p), cudaSuccess);
}

/*
 * A page-aligned copy of host memory for the runtime's own cudaMemcpy. The
 * test's buffers come from malloc and may share a page with a buffer
 * mapped (pinned) for a channel; the runtime counts such a page as
 * registered and refuses a copy that runs from it into unregistered memory.
 * Pages of their own share nothing.
 */
static inline void *t_staging(size_t len)
{
	void *p = aligned_alloc(4096, (len + 4095) / 4096 * 4096);

	CHECK(p != NULL);
	return p;
}

static inline void t_to_dev(void *dev, const void *host, size_t len)
{
	void *tmp = t_staging(len);

	memcpy(tmp, host, len);
	CHECK_EQ(cudaMemcpy(dev, tmp, len, cudaMemcpyDefault), cudaSuccess);
#if !T_DOUBLE
	/* from pageable memory cudaMemcpy may return before the data landed,
	 * and the channels' non-blocking streams do not wait for it */
	CHECK_EQ(cudaDeviceSynchronize(), cudaSuccess);
#endif
	free(tmp);
}

static inline void t_from_dev(void *host, const void *dev, size_t len)
{
	void *tmp = t_staging(len);

	CHECK_EQ(cudaMemcpy(tmp, dev, len, cudaMemcpyDefault), cudaSuccess);
	memcpy(host, tmp, len);
	free(tmp);
}

/* Fills device memory with one byte value (through a host copy). */
static inline void t_dev_fill(void *dev, int value, size_t len)
{
	void *tmp = t_alloc(len);

	memset(tmp, value, len);
	t_to_dev(dev, tmp, len);
	free(tmp);
}

/* A device pointer as a DMA address: with unified addressing, its value. */
static inline dma_addr_t t_dptr(const void *p)
{
	return (dma_addr_t)(uintptr_t)p;
}

static inline dma_addr_t t_map(struct dma_chan *chan, void *p, size_t len,
			       enum dma_data_direction dir)
{
	dma_addr_t a = dma_map_single(chan->device->dev, p, len, dir);

	if (a == DMA_MAPPING_ERROR) {
		fprintf(stderr, "dma_map_single(%p, %zu) failed: %s\n", p, len, t_diag_last());
		exit(1);
	}
	return a;
}

static inline void t_unmap(struct dma_chan *chan, dma_addr_t a, size_t len,
			   enum dma_data_direction dir)
{
	dma_unmap_single(chan->device->dev, a, len, dir);
}

static inline enum cudaMemoryType t_mem_type(const void *p)
{
	struct cudaPointerAttributes at;

	memset(&at, 0, sizeof(at));
	CHECK_EQ(cudaPointerGetAttributes(&at, p), cudaSuccess);
	return at.type;
}

/* callback_result recorder: one per descriptor. */
struct t_res {
	struct t_counter *done;		/* bumped once per call */
	int calls;			/* atomic */
	int seq;			/* order of the call among all recorders sharing @order */
	int *order;			/* atomic counter shared by a batch, or NULL */
	enum dmaengine_tx_result result;
	uint32_t residue;
};

static inline void t_res_init(struct t_res *r, struct t_counter *done, int *order)
{
	memset(r, 0, sizeof(*r));
	r->done = done;
	r->order = order;
	r->seq = -1;
}

static inline void t_res_callback(void *param, const struct dmaengine_result *res)
{
	struct t_res *r = param;

	r->result = res->result;
	r->residue = res->residue;
	if (r->order)
		r->seq = __atomic_fetch_add(r->order, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELEASE);
	if (r->done)
		t_counter_bump(r->done);
}

/* Prepares, hooks @r (may be NULL) and submits; CHECKs every step. */
static inline dma_cookie_t t_submit(struct dma_async_tx_descriptor *tx, struct t_res *r)
{
	dma_cookie_t cookie;

	if (!tx) {
		fprintf(stderr, "prep failed: %s\n", t_diag_last());
		exit(1);
	}
	if (r) {
		tx->callback_result = t_res_callback;
		tx->callback_param = r;
	}
	cookie = dmaengine_submit(tx);
	CHECK(cookie >= DMA_MIN_COOKIE);
	return cookie;
}

#endif /* UDMA_TEST_CUDA_H */

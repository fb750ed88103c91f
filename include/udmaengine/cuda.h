/* SPDX-License-Identifier: MIT */
/*
 * The CUDA controller: a GPU's copy engines behind the DMAengine API.
 *
 * A client moves host<->device and device<->device memory with
 * dmaengine_prep_dma_memcpy / _memset / _interleaved_dma, callbacks and
 * termination exactly as with any other controller. Link
 * libudmaengine_cuda (CMake: udmaengine::udmaengine_cuda) and the CUDA
 * runtime; libudmaengine itself never depends on CUDA. docs/cuda.md has
 * the whole story.
 *
 * Addresses (dma_addr_t):
 *   device memory   (dma_addr_t)(uintptr_t)p for p from cudaMalloc (any GPU:
 *                   copies between GPUs go peer to peer), or managed memory
 *   host memory     dma_map_single(chan->device->dev, p, len, dir) or
 *                   dma_map_sg(): pins it (cudaHostRegister) until
 *                   dma_unmap_*; memory from cudaMallocHost/cudaHostAlloc
 *                   may be passed as (dma_addr_t)(uintptr_t)p as it is
 *   Anything else (plain malloc memory that was not mapped) is refused at
 *   prep with a diagnostic: a copy engine cannot reach pageable memory.
 *
 * What the channels do (dma_get_slave_caps says the same):
 *   caps         DMA_MEMCPY, DMA_MEMSET, DMA_INTERLEAVE (DMA_PRIVATE); no
 *                slave or cyclic transfers; directions DMA_MEM_TO_MEM only
 *   channel      one CUDA stream (non-blocking); by default one channel per
 *                copy engine (cudaDevAttrAsyncEngineCount, at least 1)
 *   residue      DMA_RESIDUE_GRANULARITY_DESCRIPTOR: a copy is done or not,
 *                dmaengine_tx_status reports residue 0; a failed
 *                descriptor's callback_result carries its whole length
 *   interleaved  memory to memory, src_inc and dst_inc; each chunk of the
 *                frame becomes one cudaMemcpy2DAsync of numf rows (pitch =
 *                the frame's stride, i.e. chunk size + icg for one chunk)
 *   callbacks    DMA_PREP_INTERRUPT descriptors record a CUDA event; the
 *                others complete (and are called back, if they have a
 *                callback) together with the next one that does
 *   pause        synchronous: no further descriptor is handed to the stream
 *                and dmaengine_pause returns once the ones already handed
 *                over (at most max_inflight) have run to their end. A copy
 *                on the GPU cannot be stopped half way; pending descriptors
 *                are held back until dmaengine_resume
 *   terminate    descriptors not yet on the stream are dropped; those on it
 *                cannot be recalled: dmaengine_synchronize waits for them
 *                (cudaStreamSynchronize), after which the GPU touches none
 *                of their memory and none of their callbacks runs (R6)
 *   errors       callback_result: DMA_TRANS_ABORTED when the runtime refused
 *                the copy at launch or the device context had failed before;
 *                an execution fault (cudaErrorIllegalAddress, ...) is
 *                DMA_TRANS_WRITE_FAILED for a memset and DMA_TRANS_READ_FAILED
 *                for a copy (CUDA does not say which side faulted)
 */
#ifndef UDMAENGINE_CUDA_H
#define UDMAENGINE_CUDA_H

#include <udmaengine/dmaengine.h>

#ifdef __cplusplus
extern "C" {
#endif

struct udma_cuda_config {
	int device;			/* CUDA device ordinal, as cudaSetDevice counts */
	unsigned int nr_channels;	/* 0: one per copy engine; at most 64 */
	unsigned int max_inflight;	/* descriptors a channel hands to its stream
					   ahead of their completion; 0: 16; at most 1024 */
	const char *name;		/* the controller's struct device name;
					   NULL: "cuda<device>" */
};

/*
 * Creates and registers a controller on a GPU; @cfg NULL: GPU 0, one channel
 * per copy engine. ERR_PTR(-ENODEV) with a diagnostic when there is no such
 * GPU (no driver, no device, device out of range), -EINVAL for a bad @cfg,
 * -ENOMEM or -EIO when the runtime cannot create the streams.
 */
struct dma_device *udma_cuda_create(const struct udma_cuda_config *cfg);
/* Unregisters and frees; -EBUSY while a channel is held, -EINVAL if @dev is not one. */
int udma_cuda_destroy(struct dma_device *dev);
/*
 * dma_request_channel filter: channels of the CUDA controller @dev (a struct
 * dma_device * from udma_cuda_create), or of any CUDA controller if NULL.
 */
bool udma_cuda_filter(struct dma_chan *chan, void *dev);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_CUDA_H */

/* SPDX-License-Identifier: MIT */
/*
 * The CUDA controller's prep ops: each request becomes a cuda_desc holding
 * the runtime calls that will perform it. The core checked the generic
 * arguments; these check what only this controller knows: that both sides
 * are memory a copy engine can reach, and the 2D geometry's limits.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cuda-internal.h"

#define CUDA_CACHE_MAX 256

/* Back to the cache, or gone with its event if the cache is full. */
static void cache_put(struct cuda_chan *cc, struct cuda_desc *d)
{
	bool keep;

	spin_lock(&cc->cache_lock);
	keep = cc->cached < CUDA_CACHE_MAX;
	if (keep) {
		d->next_free = cc->cache;
		cc->cache = d;
		cc->cached++;
	}
	spin_unlock(&cc->cache_lock);
	if (!keep) {
		/* complete: its work finished, or synchronize waited for it */
		if (cudaEventDestroy(d->event) != cudaSuccess)
			cudaGetLastError();
		free(d);
	}
}

static struct cuda_desc *desc_alloc(struct cuda_chan *cc, unsigned int nops)
{
	struct cuda_desc *d;
	cudaEvent_t event;

	spin_lock(&cc->cache_lock);
	d = cc->cache;
	if (d) {
		cc->cache = d->next_free;
		cc->cached--;
	}
	spin_unlock(&cc->cache_lock);
	if (!d) {
		cudaError_t err;
		int prev;

		d = malloc(sizeof(*d));
		if (!d)
			return NULL;
		prev = cuda_dev_enter(cc->cd);	/* events belong to the current device */
		err = cudaEventCreateWithFlags(&d->event, cudaEventDisableTiming);
		cuda_dev_leave(cc->cd, prev);
		if (err != cudaSuccess) {
			cudaGetLastError();
			udma_chan_diag(&cc->vc.chan, "prep", "cudaEventCreateWithFlags: %s",
				       cudaGetErrorName(err));
			free(d);
			return NULL;
		}
	}
	event = d->event;
	memset(d, 0, sizeof(*d));
	d->event = event;
	INIT_LIST_HEAD(&d->vd.node);
	d->nops = nops;
	d->ops = &d->op0;
	if (nops > 1) {
		d->ops = calloc(nops, sizeof(*d->ops));
		if (!d->ops) {
			cache_put(cc, d);
			return NULL;
		}
	}
	return d;
}

/* virt-dma's desc_free: may run with vc.lock held, so only cache_lock here. */
void cuda_desc_free(struct virt_dma_desc *vd)
{
	struct cuda_desc *d = to_cuda_desc(vd);

	if (d->ops != &d->op0)
		free(d->ops);
	d->ops = NULL;
	cache_put(to_cuda_chan(vd->tx.chan), d);
}

void cuda_cache_drain(struct cuda_chan *cc)
{
	struct cuda_desc *d;

	spin_lock(&cc->cache_lock);
	d = cc->cache;
	cc->cache = NULL;
	cc->cached = 0;
	spin_unlock(&cc->cache_lock);
	while (d) {
		struct cuda_desc *next = d->next_free;

		if (cudaEventDestroy(d->event) != cudaSuccess)
			cudaGetLastError();
		free(d);
		d = next;
	}
}

static void *no_mem(struct dma_chan *chan, const char *func)
{
	udma_chan_diag(chan, func, "out of memory for the descriptor");
	return NULL;
}

static bool len_ok(struct dma_chan *chan, const char *func, const char *what, size_t len)
{
	if (len > CUDA_MAX_LEN) {
		udma_chan_diag(chan, func, "%s %zu: larger than %" PRIu32 " (residue is 32-bit)",
			       what, len, (uint32_t)CUDA_MAX_LEN);
		return false;
	}
	return true;
}

/*
 * [first, last] must be memory a copy engine reaches: device or managed
 * memory, or pinned host memory (dma_map_single on this controller, or
 * cudaMallocHost). Pageable memory would make the runtime stage the copy
 * through its own buffers, synchronously and outside the stream order
 * terminate relies on, and a memset of it faults the GPU.
 */
static bool mem_ok(struct dma_chan *chan, const char *func, const char *what,
		   dma_addr_t first, dma_addr_t last, struct cudaPointerAttributes *first_at)
{
	if (first == 0) {
		udma_chan_diag(chan, func, "%s is 0: not a mapped address", what);
		return false;
	}
	for (int k = 0; k < 2; k++) {
		dma_addr_t a = k ? last : first;
		struct cudaPointerAttributes at;
		cudaError_t err;

		if (k && last == first)
			break;
		memset(&at, 0, sizeof(at));
		err = cudaPointerGetAttributes(&at, (const void *)(uintptr_t)a);
		if (err != cudaSuccess) {
			cudaGetLastError();
			udma_chan_diag(chan, func, "%s 0x%" PRIx64 ": cudaPointerGetAttributes: %s",
				       what, a, cudaGetErrorName(err));
			return false;
		}
		if (at.type == cudaMemoryTypeUnregistered) {
			udma_chan_diag(chan, func,
				       "%s 0x%" PRIx64 "%s is neither GPU memory nor host memory mapped "
				       "for this controller (dma_map_single on chan->device->dev)",
				       what, first, k ? " (its last byte)" : "");
			return false;
		}
		if (!k && first_at)
			*first_at = at;
	}
	return true;
}

/*
 * Pieces of a @len-byte copy (or memset: @src 0) that each stay in one
 * registration per side: one, unless a side crosses regions. @ops NULL:
 * only counts; else fills at most @max, the last taking what is left, and
 * returns how many it filled.
 */
static unsigned int pieces(struct cuda_dev *cd, uintptr_t dst, uintptr_t src, size_t len,
			   struct cuda_op2d *ops, unsigned int max)
{
	unsigned int n = 0;

	for (size_t off = 0; off < len; n++) {
		size_t k = len - off;

		if (!ops || n + 1 < max)
			k = cuda_pins_piece(cd, dst + off, src ? src + off : 0, k);
		if (ops)
			ops[n] = (struct cuda_op2d){ .dst = (void *)(dst + off),
						     .src = (const void *)(src ? src + off : 0),
						     .width = k, .height = 1,
						     .dpitch = k, .spitch = k };
		off += k;
	}
	return n;
}

/* A memcpy or memset as its pieces. */
static struct cuda_desc *linear_desc(struct cuda_chan *cc, enum cuda_kind kind,
				     uintptr_t dst, uintptr_t src, size_t len)
{
	unsigned int n = pieces(cc->cd, dst, src, len, NULL, 0);
	struct cuda_desc *d = desc_alloc(cc, n);

	if (!d)
		return NULL;
	d->nops = pieces(cc->cd, dst, src, len, d->ops, n);
	d->kind = kind;
	d->total = len;
	return d;
}

struct dma_async_tx_descriptor *cuda_prep_memcpy(struct dma_chan *chan, dma_addr_t dst,
						 dma_addr_t src, size_t len, unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_memcpy";
	struct cuda_chan *cc = to_cuda_chan(chan);
	struct cuda_desc *d;

	if (!len_ok(chan, f, "len", len))
		return NULL;
	if (dst < src + len && src < dst + len) {
		udma_chan_diag(chan, f, "dest and src overlap (%zu bytes at 0x%" PRIx64 " and 0x%" PRIx64 ")",
			       len, dst, src);
		return NULL;
	}
	if (!mem_ok(chan, f, "dest", dst, dst + len - 1, NULL) ||
	    !mem_ok(chan, f, "src", src, src + len - 1, NULL))
		return NULL;
	d = linear_desc(cc, CUDA_COPY, (uintptr_t)dst, (uintptr_t)src, len);
	if (!d)
		return no_mem(chan, f);
	return vchan_tx_prep(&cc->vc, &d->vd, flags);
}

struct dma_async_tx_descriptor *cuda_prep_memset(struct dma_chan *chan, dma_addr_t dst,
						 int value, size_t len, unsigned long flags)
{
	const char *f = "dmaengine_prep_dma_memset";
	struct cuda_chan *cc = to_cuda_chan(chan);
	struct cudaPointerAttributes at;
	struct cuda_desc *d;
	void *p = (void *)(uintptr_t)dst;

	if (!len_ok(chan, f, "len", len) || !mem_ok(chan, f, "dest", dst, dst + len - 1, &at))
		return NULL;
	/*
	 * A memset is GPU work, not a copy engine's: it writes pinned host
	 * memory through the address the GPU maps it at. With unified
	 * addressing that is the host address; ask rather than assume.
	 */
	if (at.type == cudaMemoryTypeHost) {
		if (!at.devicePointer) {
			udma_chan_diag(chan, f, "dest 0x%" PRIx64 ": host memory the GPU has no "
				       "address for (cudaPointerAttributes.devicePointer is NULL)", dst);
			return NULL;
		}
		p = at.devicePointer;
	}
	d = linear_desc(cc, CUDA_FILL, (uintptr_t)p, 0, len);
	if (!d)
		return no_mem(chan, f);
	d->value = value & 0xff;	/* cudaMemset, like memset, stores the low byte */
	return vchan_tx_prep(&cc->vc, &d->vd, flags);
}

static bool add_ok(size_t *acc, size_t v)
{
	if (*acc + v < *acc)
		return false;
	*acc += v;
	return true;
}

/*
 * The ops of an interleaved transfer (@ops NULL: only counts them): chunk j
 * of every frame as one 2D copy, or, where either side of that copy crosses
 * from one pinned region into another, as a copy per row, cut where the row
 * crosses.
 */
static size_t chunk_ops(struct cuda_dev *cd, const struct dma_interleaved_template *xt,
			size_t dstride, size_t sstride, struct cuda_op2d *ops)
{
	size_t n = 0, soff = 0, doff = 0;

	for (size_t j = 0; j < xt->frame_size; j++) {
		const struct data_chunk *c = &xt->sgl[j];
		uintptr_t dst = (uintptr_t)(xt->dst_start + doff), src = (uintptr_t)(xt->src_start + soff);
		size_t dext = (xt->numf - 1) * dstride + c->size;
		size_t sext = (xt->numf - 1) * sstride + c->size;

		if (cuda_pins_piece(cd, dst, 0, dext) == dext &&
		    cuda_pins_piece(cd, src, 0, sext) == sext) {
			if (ops)	/* one row: the pitch is never used, so no limit applies */
				ops[n] = (struct cuda_op2d){ .dst = (void *)dst, .src = (const void *)src,
							     .width = c->size, .height = xt->numf,
							     .dpitch = xt->numf > 1 ? dstride : c->size,
							     .spitch = xt->numf > 1 ? sstride : c->size };
			n++;
		} else {
			for (size_t r = 0; r < xt->numf; r++) {
				uintptr_t rd = dst + r * dstride, rs = src + r * sstride;
				unsigned int k = pieces(cd, rd, rs, c->size, NULL, 0);

				if (ops)
					k = pieces(cd, rd, rs, c->size, &ops[n], k);
				n += k;
			}
		}
		soff += c->size + dmaengine_get_src_icg(xt, c);
		doff += c->size + dmaengine_get_dst_icg(xt, c);
	}
	return n;
}

/*
 * Frames are laid out one after the other, each chunk followed by its gap,
 * so chunk j of every frame is a 2D copy: numf rows of chunk j's size, one
 * frame stride apart. With one chunk per frame that is the textbook 2D copy
 * of numf rows with pitch = size + icg.
 */
struct dma_async_tx_descriptor *cuda_prep_interleaved(struct dma_chan *chan,
						      struct dma_interleaved_template *xt,
						      unsigned long flags)
{
	const char *f = "dmaengine_prep_interleaved_dma";
	struct cuda_chan *cc = to_cuda_chan(chan);
	size_t sstride = 0, dstride = 0, frame = 0, total;
	size_t slast, dlast;	/* offset of the last byte touched on each side */
	struct cuda_desc *d;
	size_t nops;

	if (xt->dir != DMA_MEM_TO_MEM || !xt->src_inc || !xt->dst_inc) {
		udma_chan_diag(chan, f, "xt: only memory to memory with src_inc and dst_inc "
			       "(a copy engine has no fixed-address side)");
		return NULL;
	}
	if (xt->frame_size > UINT32_MAX) {
		udma_chan_diag(chan, f, "xt->frame_size %zu: too many chunks", xt->frame_size);
		return NULL;
	}
	for (size_t j = 0; j < xt->frame_size; j++) {
		const struct data_chunk *c = &xt->sgl[j];

		if (!add_ok(&frame, c->size) ||
		    !add_ok(&sstride, c->size) ||
		    !add_ok(&sstride, dmaengine_get_src_icg(xt, c)) ||
		    !add_ok(&dstride, c->size) ||
		    !add_ok(&dstride, dmaengine_get_dst_icg(xt, c))) {
			udma_chan_diag(chan, f, "xt: frame of %zu chunks is larger than memory",
				       xt->frame_size);
			return NULL;
		}
	}
	if (frame > CUDA_MAX_LEN / xt->numf) {
		udma_chan_diag(chan, f, "xt: numf %zu frames of %zu bytes: larger than %" PRIu32
			       " (residue is 32-bit)", xt->numf, frame, (uint32_t)CUDA_MAX_LEN);
		return NULL;
	}
	total = frame * xt->numf;
	if (xt->numf > 1 && (sstride > cc->cd->max_pitch || dstride > cc->cd->max_pitch)) {
		udma_chan_diag(chan, f, "xt: %s frame stride %zu exceeds the GPU's maximum pitch %zu "
			       "(cudaDevAttrMaxPitch)", sstride > cc->cd->max_pitch ? "src" : "dst",
			       sstride > cc->cd->max_pitch ? sstride : dstride, cc->cd->max_pitch);
		return NULL;
	}
	/* last byte: the last chunk of the last frame (its gap is not touched) */
	if (xt->numf - 1 > (SIZE_MAX - (sstride > dstride ? sstride : dstride)) /
			   (sstride > dstride ? sstride : dstride)) {
		udma_chan_diag(chan, f, "xt: numf %zu frames do not fit in memory", xt->numf);
		return NULL;
	}
	slast = (xt->numf - 1) * sstride + sstride -
		dmaengine_get_src_icg(xt, &xt->sgl[xt->frame_size - 1]) - 1;
	dlast = (xt->numf - 1) * dstride + dstride -
		dmaengine_get_dst_icg(xt, &xt->sgl[xt->frame_size - 1]) - 1;
	if (xt->src_start + slast < xt->src_start || xt->dst_start + dlast < xt->dst_start) {
		udma_chan_diag(chan, f, "xt: the %s side wraps around the address space",
			       xt->src_start + slast < xt->src_start ? "src" : "dst");
		return NULL;
	}
	if (!mem_ok(chan, f, "xt->dst_start", xt->dst_start, xt->dst_start + dlast, NULL) ||
	    !mem_ok(chan, f, "xt->src_start", xt->src_start, xt->src_start + slast, NULL))
		return NULL;

	nops = chunk_ops(cc->cd, xt, dstride, sstride, NULL);
	if (nops > UINT32_MAX) {
		udma_chan_diag(chan, f, "xt: %zu frames cross pinned regions in %zu pieces: too many",
			       xt->numf, nops);
		return NULL;
	}
	d = desc_alloc(cc, (unsigned int)nops);
	if (!d)
		return no_mem(chan, f);
	d->kind = CUDA_COPY2D;
	d->total = total;
	d->nops = (unsigned int)chunk_ops(cc->cd, xt, dstride, sstride, d->ops);
	return vchan_tx_prep(&cc->vc, &d->vd, flags);
}

/* SPDX-License-Identifier: MIT */
/*
 * Mapping host memory for a controller. A device with no dma_ops (the soft
 * controller) sees host addresses as they are; a backend with its own
 * address space (a GPU) installs ops that pin and translate.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct dma_map_ops *ops_of(const struct device *dev)
{
	return dev && dev->dma_ops && dev->dma_ops->map ? dev->dma_ops : NULL;
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	const struct dma_map_ops *ops = ops_of(dev);

	if (!ptr || size == 0) {
		udma_diag(__func__, ptr ? "size 0: must be > 0" : "ptr is NULL");
		return DMA_MAPPING_ERROR;
	}
	if ((unsigned int)dir > DMA_NONE || dir == DMA_NONE) {
		udma_diag(__func__, "dir %d is not a mapping direction", (int)dir);
		return DMA_MAPPING_ERROR;
	}
	return ops ? ops->map(dev, ptr, size, dir) : (dma_addr_t)(uintptr_t)ptr;
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	const struct dma_map_ops *ops = ops_of(dev);

	if (addr == DMA_MAPPING_ERROR) {
		udma_diag(__func__, "addr is DMA_MAPPING_ERROR");
		return;
	}
	if (ops && ops->unmap)
		ops->unmap(dev, addr, size, dir);
	if (udma_sim())	/* the soft controller's addresses are the host's */
		udma_sim_note_release((const void *)(uintptr_t)addr, size, "dma_unmap_single");
}

int dma_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
	       enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (!sgl || nents <= 0) {
		udma_diag(__func__, sgl ? "nents %d: must be > 0" : "sgl is NULL", nents);
		return 0;
	}
	for_each_sg(sgl, sg, nents, i) {
		if (!sg) {
			udma_diag(__func__, "sgl ends after %d entries, nents is %d", i, nents);
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		if (!sg_virt(sg) || !sg->length) {	/* named by index here, not by dma_map_single */
			udma_diag(__func__, "sgl[%d]: %s", i, sg_virt(sg) ? "length 0: must be > 0"
									: "no buffer (sg_set_buf not called?)");
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		/* anything else wrong with the entry, dma_map_single says in one line */
		sg_dma_address(sg) = dma_map_single(dev, sg_virt(sg), sg->length, dir);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			dma_unmap_sg(dev, sgl, i, dir);
			return 0;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

void dma_unmap_sg(struct device *dev, struct scatterlist *sgl, int nents,
		  enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	if (!sgl || nents <= 0)
		return;
	for_each_sg(sgl, sg, nents, i) {
		if (!sg)
			break;
		dma_unmap_single(dev, sg_dma_address(sg), sg_dma_len(sg), dir);
		sg_dma_len(sg) = 0;
	}
}

/* ---- ownership hand-over ---- */

/*
 * A full barrier: what a sync is without a provider's own op, the CPU's
 * writes before the device's reads and the device's writes before the
 * CPU's reads, in either direction. Under ThreadSanitizer, which does not
 * model fences, a fully ordered RMW of one word every sync shares stands
 * in for it (smp_mb() there uses a word of its own, so that it makes no
 * thread synchronize with another): TSan then sees a sync on one side
 * and one on the other as ordered, as a hand-over of the buffer means.
 */
static void full_fence(void)
{
#ifdef __UDMA_TSAN
	static atomic_t word;

	atomic_fetch_add(0, &word);
#else
	smp_mb();
#endif
}

static bool sync_args_ok(const char *func, dma_addr_t addr, enum dma_data_direction dir)
{
	if ((unsigned int)dir >= DMA_NONE) {
		udma_diag(func, "dir %d is not a mapping direction", (int)dir);
		return false;
	}
	if (addr == DMA_MAPPING_ERROR) {
		udma_diag(func, "addr is DMA_MAPPING_ERROR");
		return false;
	}
	return true;
}

/*
 * The CPU side of a hand-over. Without the device's op: a full fence, so
 * the CPU's earlier writes are visible before the device is told to go,
 * and its later reads see what the device wrote before it said so.
 */
static void sync_one(struct device *dev, dma_addr_t addr, size_t size,
		     enum dma_data_direction dir, bool for_cpu)
{
	const struct dma_map_ops *ops = ops_of(dev);
	void (*op)(struct device *, dma_addr_t, size_t, enum dma_data_direction) = NULL;

	if (ops)
		op = for_cpu ? ops->sync_for_cpu : ops->sync_for_device;
	if (op)
		op(dev, addr, size, dir);
	else
		full_fence();
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	if (sync_args_ok(__func__, addr, dir))
		sync_one(dev, addr, size, dir, true);
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir)
{
	if (sync_args_ok(__func__, addr, dir))
		sync_one(dev, addr, size, dir, false);
}

static void sync_sg(const char *func, struct device *dev, struct scatterlist *sgl, int nelems,
		    enum dma_data_direction dir, bool for_cpu)
{
	const struct dma_map_ops *ops = ops_of(dev);
	struct scatterlist *sg;
	int i;

	if (!sgl || nelems <= 0) {
		udma_diag(func, sgl ? "nelems %d: must be > 0" : "sg is NULL", nelems);
		return;
	}
	if (!sync_args_ok(func, 0, dir))
		return;
	/* the whole list is checked first: a refused call syncs nothing */
	for_each_sg(sgl, sg, nelems, i) {
		if (!sg) {
			udma_diag(func, "sg ends after %d entries, nelems is %d", i, nelems);
			return;
		}
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			udma_diag(func, "sg[%d]: dma address is DMA_MAPPING_ERROR", i);
			return;
		}
	}
	if (!ops || !(for_cpu ? ops->sync_for_cpu : ops->sync_for_device)) {
		full_fence();	/* one covers every entry */
		return;
	}
	for_each_sg(sgl, sg, nelems, i)
		sync_one(dev, sg_dma_address(sg), sg_dma_len(sg), dir, for_cpu);
}

void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nelems,
			 enum dma_data_direction dir)
{
	sync_sg(__func__, dev, sg, nelems, dir, true);
}

void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nelems,
			    enum dma_data_direction dir)
{
	sync_sg(__func__, dev, sg, nelems, dir, false);
}

/* ---- addressing limits ---- */

static int mask_ok(const char *func, struct device *dev)
{
	if (!dev || IS_ERR(dev)) {
		udma_diag(func, dev ? "dev is an error pointer" : "dev is NULL");
		return -EINVAL;
	}
	return 0;
}

int dma_set_mask(struct device *dev, uint64_t mask)
{
	(void)mask;
	return mask_ok(__func__, dev);
}

int dma_set_coherent_mask(struct device *dev, uint64_t mask)
{
	(void)mask;
	return mask_ok(__func__, dev);
}

int dma_set_mask_and_coherent(struct device *dev, uint64_t mask)
{
	(void)mask;
	return mask_ok(__func__, dev);
}

/* ---- coherent memory ---- */

#define COHERENT_ALIGN 4096	/* the kernel's: at least a page */

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	const struct dma_map_ops *ops = ops_of(dev);
	size_t rounded = (size + COHERENT_ALIGN - 1) & ~(size_t)(COHERENT_ALIGN - 1);
	unsigned long before;
	void *p;

	(void)gfp;
	if (!dma_handle) {
		udma_diag(__func__, "dma_handle is NULL");
		return NULL;
	}
	if (size == 0 || rounded < size) {
		udma_diag(__func__, "size %zu: %s", size, size ? "too large" : "must be > 0");
		return NULL;
	}
	p = aligned_alloc(COHERENT_ALIGN, rounded);
	if (!p) {
		udma_diag(__func__, "out of memory for %zu bytes", size);
		return NULL;
	}
	memset(p, 0, rounded);
	if (!ops) {
		*dma_handle = (dma_addr_t)(uintptr_t)p;
		return p;
	}
	before = udma_diag_count();
	*dma_handle = ops->map(dev, p, size, DMA_BIDIRECTIONAL);
	if (*dma_handle == DMA_MAPPING_ERROR) {
		/* the ops usually say why; one line either way */
		if (udma_diag_count() == before)
			udma_diag(__func__, "%s: could not map %zu bytes", dev_name(dev), size);
		free(p);
		return NULL;
	}
	return p;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
	const struct dma_map_ops *ops = ops_of(dev);

	if (!cpu_addr)
		return;
	if (ops && ops->unmap)
		ops->unmap(dev, dma_handle, size, DMA_BIDIRECTIONAL);
	if (udma_sim())
		udma_sim_note_release(cpu_addr, size, "dma_free_coherent");
	free(cpu_addr);
}

/* SPDX-License-Identifier: MIT */
/*
 * Mapping host memory for the CUDA controller: dma_map_single/dma_map_sg
 * on the controller's struct device pin the pages (cudaHostRegister) so a
 * copy engine can reach them, and the matching unmap releases them.
 *
 * The runtime pins whole pages and refuses a second registration that
 * shares a page with the first, while DMA mappings routinely share pages
 * (the entries of one scatterlist, two buffers of one malloc). So the
 * controller keeps its own books: "regions" are page-aligned ranges it
 * registered, each counting the mappings that use it, and each mapping
 * remembers the regions it took. A new mapping takes the regions that
 * already cover part of it and registers only the gaps; unmap drops its
 * references and unregisters a region nobody uses. A copy engine reaches
 * one registration per operation, even where two are adjacent, so prep
 * cuts a copy or memset wherever either side crosses from one region into
 * another (cuda_pins_piece). Memory the program
 * pinned itself (cudaMallocHost, its own cudaHostRegister) is used as it is
 * and never unregistered here. The returned dma_addr_t is the host address:
 * with unified addressing a copy engine takes it as it is.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "cuda-internal.h"

struct cuda_region {
	uintptr_t base;
	size_t len;
	unsigned int refs;		/* mappings using it */
	struct cuda_region *next;	/* sorted by base */
};

struct cuda_mapping {
	uintptr_t addr;
	size_t size;
	unsigned int nregions;
	struct cuda_region **regions;	/* the references this mapping holds */
	struct cuda_mapping *next;	/* hash chain */
};

/* One piece of a new mapping: an existing region, or a gap to register. */
struct piece {
	struct cuda_region *region;	/* NULL: a gap */
	uintptr_t base;
	size_t len;
};

static struct cuda_dev *dev_of(struct device *dev)
{
	return dev->driver_data;
}

static unsigned int bucket(uintptr_t addr)
{
	return (unsigned int)((addr >> 6) ^ (addr >> 16)) % CUDA_MAP_BUCKETS;
}

void cuda_pins_init(struct cuda_pins *pins)
{
	long pg = sysconf(_SC_PAGESIZE);

	pthread_mutex_init(&pins->lock, NULL);
	pins->regions = NULL;
	pins->nmappings = 0;
	for (int i = 0; i < CUDA_MAP_BUCKETS; i++)
		pins->buckets[i] = NULL;
	pins->page = pg > 0 ? (size_t)pg : 4096;
}

static void region_insert(struct cuda_pins *pins, struct cuda_region *r)
{
	struct cuda_region **pp = &pins->regions;

	while (*pp && (*pp)->base < r->base)
		pp = &(*pp)->next;
	r->next = *pp;
	*pp = r;
}

/* Drops one reference; the last one unpins. pins->lock held. */
static void region_put(struct cuda_pins *pins, struct cuda_region *r)
{
	struct cuda_region **pp;

	if (--r->refs)
		return;
	for (pp = &pins->regions; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	if (cudaHostUnregister((void *)r->base) != cudaSuccess)
		cudaGetLastError();	/* a failed context: the driver let go already */
	free(r);
}

/* Whether the program pinned [base, base + len) itself (cudaMallocHost, ...). */
static bool pinned_elsewhere(uintptr_t base, size_t len)
{
	for (int k = 0; k < 2; k++) {
		struct cudaPointerAttributes at = { 0 };

		if (cudaPointerGetAttributes(&at, (const void *)(base + (k ? len - 1 : 0))) != cudaSuccess) {
			cudaGetLastError();
			return false;
		}
		if (at.type == cudaMemoryTypeUnregistered)
			return false;
	}
	return true;
}

/*
 * The pieces of [a, b) in address order: regions that overlap it, and the
 * gaps between them. Returns the count, or -1 without memory.
 */
static int split(struct cuda_pins *pins, uintptr_t a, uintptr_t b, struct piece **out)
{
	struct cuda_region *r;
	struct piece *p;
	uintptr_t cur = a;
	int n = 0, max = 1;

	for (r = pins->regions; r; r = r->next)
		if (r->base < b && a < r->base + r->len)
			max += 2;
	p = calloc((size_t)max, sizeof(*p));
	if (!p)
		return -1;
	for (r = pins->regions; r && r->base < b; r = r->next) {
		if (r->base + r->len <= a)
			continue;
		if (cur < r->base)
			p[n++] = (struct piece){ NULL, cur, r->base - cur };
		p[n++] = (struct piece){ r, r->base, r->len };
		cur = r->base + r->len;
	}
	if (cur < b)
		p[n++] = (struct piece){ NULL, cur, b - cur };
	*out = p;
	return n;
}

static dma_addr_t cuda_map(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	const char *f = "dma_map_single";
	struct cuda_dev *cd = dev_of(dev);
	struct cuda_pins *pins = &cd->pins;
	uintptr_t addr = (uintptr_t)ptr, a, b;
	struct cuda_mapping *m;
	struct piece *p = NULL;
	int n, taken = 0, prev;

	(void)dir;	/* pinning is the same for every direction */
	if (addr + size < addr || addr + size > UINTPTR_MAX - pins->page) {
		udma_diag(f, "%s: ptr %p + size %zu wraps around", cd->name, ptr, size);
		return DMA_MAPPING_ERROR;
	}
	a = addr & ~(uintptr_t)(pins->page - 1);
	b = (addr + size + pins->page - 1) & ~(uintptr_t)(pins->page - 1);
	m = calloc(1, sizeof(*m));
	if (!m) {
		udma_diag(f, "%s: out of memory for the mapping", cd->name);
		return DMA_MAPPING_ERROR;
	}

	pthread_mutex_lock(&pins->lock);
	n = split(pins, a, b, &p);
	if (n < 0 || !(m->regions = calloc((size_t)n, sizeof(*m->regions)))) {
		udma_diag(f, "%s: out of memory for the mapping", cd->name);
		goto fail;
	}
	prev = cuda_dev_enter(cd);
	for (int i = 0; i < n; i++) {
		struct cuda_region *r = p[i].region;
		cudaError_t err;

		if (!r) {
			/* the program's own pinned memory (the runtime refuses to
			 * register cudaMallocHost memory again) */
			if (pinned_elsewhere(p[i].base, p[i].len))
				continue;
			err = cudaHostRegister((void *)p[i].base, p[i].len, cudaHostRegisterDefault);
			if (err == cudaErrorHostMemoryAlreadyRegistered) {
				cudaGetLastError();
				udma_diag(f, "%s: [%p, +%zu) is partly pinned outside udmaengine; "
					  "map it whole or not at all", cd->name, (void *)p[i].base, p[i].len);
				goto fail_dev;
			}
			if (err != cudaSuccess) {
				cudaGetLastError();
				udma_diag(f, "%s: cudaHostRegister(%p, %zu): %s", cd->name,
					  (void *)p[i].base, p[i].len, cudaGetErrorName(err));
				goto fail_dev;
			}
			r = calloc(1, sizeof(*r));
			if (!r) {
				if (cudaHostUnregister((void *)p[i].base) != cudaSuccess)
					cudaGetLastError();
				udma_diag(f, "%s: out of memory for the mapping", cd->name);
				goto fail_dev;
			}
			r->base = p[i].base;
			r->len = p[i].len;
			region_insert(pins, r);
		}
		r->refs++;
		m->regions[taken++] = r;
	}
	cuda_dev_leave(cd, prev);
	m->addr = addr;
	m->size = size;
	m->nregions = (unsigned int)taken;
	m->next = pins->buckets[bucket(addr)];
	pins->buckets[bucket(addr)] = m;
	pins->nmappings++;
	pthread_mutex_unlock(&pins->lock);
	free(p);
	return (dma_addr_t)addr;

fail_dev:
	while (taken)
		region_put(pins, m->regions[--taken]);
	cuda_dev_leave(cd, prev);
fail:
	pthread_mutex_unlock(&pins->lock);
	free(p);
	free(m->regions);
	free(m);
	return DMA_MAPPING_ERROR;
}

static void mapping_drop(struct cuda_pins *pins, struct cuda_mapping *m)
{
	for (unsigned int i = 0; i < m->nregions; i++)
		region_put(pins, m->regions[i]);
	free(m->regions);
	free(m);
	pins->nmappings--;
}

static void cuda_unmap(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	struct cuda_dev *cd = dev_of(dev);
	struct cuda_pins *pins = &cd->pins;
	struct cuda_mapping **pp, *m = NULL;
	int prev;

	(void)dir;
	pthread_mutex_lock(&pins->lock);
	for (pp = &pins->buckets[bucket((uintptr_t)addr)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == (uintptr_t)addr && (*pp)->size == size) {
			m = *pp;
			*pp = m->next;
			break;
		}
	}
	if (m) {
		prev = cuda_dev_enter(cd);
		mapping_drop(pins, m);
		cuda_dev_leave(cd, prev);
	}
	pthread_mutex_unlock(&pins->lock);
	if (!m)
		udma_diag("dma_unmap_single", "%s: 0x%" PRIx64 " (size %zu) is not mapped on this controller",
			  cd->name, addr, size);
}

/* How far [addr, addr + len) stays in one registration; pins->lock held. */
static size_t same_registration(const struct cuda_pins *pins, uintptr_t addr, size_t len)
{
	for (const struct cuda_region *r = pins->regions; r; r = r->next) {
		if (r->base > addr)	/* the first region after addr: cut where it starts */
			return r->base - addr < len ? r->base - addr : len;
		if (addr < r->base + r->len)	/* in r: cut where it ends */
			return r->base + r->len - addr < len ? r->base + r->len - addr : len;
	}
	return len;
}

size_t cuda_pins_piece(struct cuda_dev *cd, uintptr_t dst, uintptr_t src, size_t len)
{
	struct cuda_pins *pins = &cd->pins;
	size_t n = len;

	pthread_mutex_lock(&pins->lock);
	if (pins->regions) {
		n = same_registration(pins, dst, n);
		if (src)
			n = same_registration(pins, src, n);
	}
	pthread_mutex_unlock(&pins->lock);
	return n;
}

const struct dma_map_ops cuda_map_ops = {
	.map = cuda_map,
	.unmap = cuda_unmap,
};

unsigned long cuda_pins_release(struct cuda_dev *cd)
{
	struct cuda_pins *pins = &cd->pins;
	unsigned long n;

	pthread_mutex_lock(&pins->lock);
	n = pins->nmappings;
	for (int i = 0; i < CUDA_MAP_BUCKETS; i++) {
		while (pins->buckets[i]) {
			struct cuda_mapping *m = pins->buckets[i];

			pins->buckets[i] = m->next;
			mapping_drop(pins, m);
		}
	}
	pthread_mutex_unlock(&pins->lock);
	return n;
}

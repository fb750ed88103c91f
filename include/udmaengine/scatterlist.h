/* SPDX-License-Identifier: MIT */
/*
 * Scatter-gather tables with the kernel's names (<linux/scatterlist.h>).
 * User space has no struct page: an entry holds the buffer's address.
 * Tables are flat arrays (no chaining); sg_init_table marks the last entry.
 */
#ifndef UDMAENGINE_SCATTERLIST_H
#define UDMAENGINE_SCATTERLIST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t dma_addr_t;

struct scatterlist {
	void *buf;			/* CPU address of the segment */
	unsigned int offset;		/* kept for kernel source compatibility; 0 here */
	unsigned int length;		/* CPU length */
	dma_addr_t dma_address;		/* set by dma_map_sg */
	unsigned int dma_length;	/* set by dma_map_sg */
	bool end;			/* last entry of the table */
};

#define sg_dma_address(sg)	((sg)->dma_address)
#define sg_dma_len(sg)		((sg)->dma_length)

static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	memset(sgl, 0, sizeof(*sgl) * nents);
	if (nents)
		sgl[nents - 1].end = true;
}

static inline void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg->buf = (void *)buf;
	sg->offset = 0;
	sg->length = buflen;
}

static inline void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen)
{
	sg_init_table(sg, 1);
	sg_set_buf(sg, buf, buflen);
}

static inline void *sg_virt(const struct scatterlist *sg)
{
	return (char *)sg->buf + sg->offset;
}

static inline bool sg_is_last(const struct scatterlist *sg)
{
	return sg->end;
}

static inline void sg_mark_end(struct scatterlist *sg)
{
	sg->end = true;
}

static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
	return sg_is_last(sg) ? NULL : sg + 1;
}

#define for_each_sg(sglist, sg, nr, __i) \
	for (__i = 0, sg = (sglist); __i < (nr); __i++, sg = sg_next(sg))

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_SCATTERLIST_H */

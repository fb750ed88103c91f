/* SPDX-License-Identifier: MIT */
/*
 * Scatterlists hold buffer addresses (user space has no struct page):
 * sg_set_buf and sg_init_one fill them, sg_virt reads them back.
 */
#ifndef _UDMA_KERNEL_LINUX_SCATTERLIST_H
#define _UDMA_KERNEL_LINUX_SCATTERLIST_H

#include <string.h>

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <udmaengine/scatterlist.h>

struct sg_table {
	struct scatterlist *sgl;	/* the list */
	unsigned int nents;		/* mapped entries */
	unsigned int orig_nents;	/* entries in the list */
};

static inline void sg_unmark_end(struct scatterlist *sg)
{
	sg->end = false;
}

/* Entries up to and including the last. */
static inline int sg_nents(struct scatterlist *sg)
{
	int nents;

	for (nents = 0; sg; sg = sg_next(sg))
		nents++;
	return nents;
}

/* Entries needed to cover @len bytes, or -EINVAL when the list is shorter. */
static inline int sg_nents_for_len(struct scatterlist *sg, u64 len)
{
	int nents;
	u64 total = 0;

	if (!len)
		return 0;
	for (nents = 0; sg; sg = sg_next(sg)) {
		nents++;
		total += sg->length;
		if (total >= len)
			return nents;
	}
	return -EINVAL;
}

static inline int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp_mask)
{
	memset(table, 0, sizeof(*table));
	if (!nents)
		return -EINVAL;
	table->sgl = (struct scatterlist *)kmalloc_array(nents, sizeof(*table->sgl), gfp_mask);
	if (!table->sgl)
		return -ENOMEM;
	sg_init_table(table->sgl, nents);
	table->nents = table->orig_nents = nents;
	return 0;
}

static inline void sg_free_table(struct sg_table *table)
{
	kfree(table->sgl);
	table->sgl = NULL;
	table->nents = table->orig_nents = 0;
}

#define for_each_sgtable_sg(sgt, sg, i) for_each_sg((sgt)->sgl, sg, (sgt)->orig_nents, i)
#define for_each_sgtable_dma_sg(sgt, sg, i) for_each_sg((sgt)->sgl, sg, (sgt)->nents, i)

static inline size_t __udma_sg_copy(struct scatterlist *sgl, unsigned int nents, void *buf,
				    size_t buflen, size_t skip, bool to_buffer)
{
	struct scatterlist *sg;
	unsigned int i;
	size_t done = 0;

	for_each_sg(sgl, sg, nents, i) {
		size_t len = sg->length;
		char *p = (char *)sg_virt(sg);

		if (skip >= len) {
			skip -= len;
			continue;
		}
		p += skip;
		len -= skip;
		skip = 0;
		if (len > buflen - done)
			len = buflen - done;
		if (to_buffer)
			memcpy((char *)buf + done, p, len);
		else
			memcpy(p, (char *)buf + done, len);
		done += len;
		if (done == buflen)
			break;
	}
	return done;
}

static inline size_t sg_copy_from_buffer(struct scatterlist *sgl, unsigned int nents,
					 const void *buf, size_t buflen)
{
	return __udma_sg_copy(sgl, nents, (void *)buf, buflen, 0, false);
}

static inline size_t sg_copy_to_buffer(struct scatterlist *sgl, unsigned int nents, void *buf,
				       size_t buflen)
{
	return __udma_sg_copy(sgl, nents, buf, buflen, 0, true);
}

static inline size_t sg_pcopy_from_buffer(struct scatterlist *sgl, unsigned int nents,
					  const void *buf, size_t buflen, off_t skip)
{
	return __udma_sg_copy(sgl, nents, (void *)buf, buflen, (size_t)skip, false);
}

static inline size_t sg_pcopy_to_buffer(struct scatterlist *sgl, unsigned int nents, void *buf,
					size_t buflen, off_t skip)
{
	return __udma_sg_copy(sgl, nents, buf, buflen, (size_t)skip, true);
}

#endif /* _UDMA_KERNEL_LINUX_SCATTERLIST_H */

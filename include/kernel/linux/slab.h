/* SPDX-License-Identifier: MIT */
/*
 * kmalloc and friends on malloc, with the kernel's meaning: kmalloc(0)
 * returns ZERO_SIZE_PTR (not NULL, not dereferenceable), kfree accepts it
 * and NULL, power-of-two sizes up to a page are aligned to their size,
 * __GFP_ZERO zeroes, array forms fail on overflow. Any of them may be
 * freed with kfree (kvfree, kfree_const).
 */
#ifndef _UDMA_KERNEL_LINUX_SLAB_H
#define _UDMA_KERNEL_LINUX_SLAB_H

#include <stdlib.h>
#include <string.h>

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/types.h>
#include <udmaengine/kbase.h>
#include <udmaengine/sim.h>

#define ZERO_SIZE_PTR UDMA_ZERO_SIZE_PTR
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define ARCH_KMALLOC_MINALIGN	8
#define KMALLOC_MAX_SIZE	UDMA_KMALLOC_MAX_SIZE

static inline __must_check void *kmalloc(size_t size, gfp_t flags)
{
	return udma_kmalloc(size, (flags & __GFP_ZERO) != 0);
}

static inline __must_check void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline __must_check void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline __must_check void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

/* In sim mode the memory is also poisoned, and a transfer still using it
 * is reported (<udmaengine/sim.h>). */
static inline void kfree(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	if (__builtin_expect(udma_sim_on, 0))
		udma_sim_kfree((void *)objp);
	else
		free((void *)objp);
}

/* Clears the memory before freeing it (formerly kzfree): needs the size. */
#define kfree_sensitive(p) kfree(p)

/*
 * Resizes @p, keeping its contents up to the smaller size; @p is left
 * alone on failure. With __GFP_ZERO what grows is zeroed (the kernel's
 * rule: every allocation and resize of that memory passes it).
 */
static inline __must_check void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	return udma_krealloc(p, new_size, (flags & __GFP_ZERO) != 0);
}

static inline __must_check void *krealloc_array(void *p, size_t new_n, size_t new_size,
						gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(new_n, new_size, &bytes))
		return NULL;
	return krealloc(p, bytes, flags);
}

#define kvmalloc(size, flags)		kmalloc(size, flags)
#define kvzalloc(size, flags)		kzalloc(size, flags)
#define kvcalloc(n, size, flags)	kcalloc(n, size, flags)
#define kvmalloc_array(n, size, flags)	kmalloc_array(n, size, flags)
#define kvfree(p)			kfree(p)
#define kmalloc_node(size, flags, node)	kmalloc(size, flags)
#define kzalloc_node(size, flags, node)	kzalloc(size, flags)

static inline __must_check void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

static inline __must_check char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static inline __must_check char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kstrndup(s, strlen(s), gfp) : NULL;
}

static inline const char *kstrdup_const(const char *s, gfp_t gfp)
{
	return kstrdup(s, gfp);
}

#define kfree_const(p) kfree(p)

/* Object caches: a size, an alignment and a constructor, over kmalloc. */
struct kmem_cache {
	const char *name;
	size_t size;
	size_t align;
	void (*ctor)(void *);
};

#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x2000u)
#define SLAB_PANIC		((slab_flags_t)0x40000u)
#define SLAB_ACCOUNT		((slab_flags_t)0x4000000u)

static inline struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
						   unsigned int align, slab_flags_t flags,
						   void (*ctor)(void *))
{
	struct kmem_cache *s = (struct kmem_cache *)malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->name = name;
	s->size = size ? size : 1;
	s->align = align;
	if (flags & SLAB_HWCACHE_ALIGN && s->align < 64)
		s->align = 64;
	if (s->align < sizeof(void *))
		s->align = sizeof(void *);
	/* aligned_alloc wants a multiple of the alignment */
	s->size = (s->size + s->align - 1) / s->align * s->align;
	s->ctor = ctor;
	return s;
}

#define KMEM_CACHE(__struct, __flags) \
	kmem_cache_create(#__struct, sizeof(struct __struct), __alignof__(struct __struct), \
			  (__flags), NULL)

static inline void kmem_cache_destroy(struct kmem_cache *s)
{
	free(s);
}

static inline __must_check void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	void *p = aligned_alloc(s->align, s->size);

	if (p && (flags & __GFP_ZERO))
		memset(p, 0, s->size);
	else if (p && s->ctor)
		s->ctor(p);
	return p;
}

static inline __must_check void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc(s, flags | __GFP_ZERO);
}

static inline void kmem_cache_free(struct kmem_cache *s, void *objp)
{
	(void)s;
	free(objp);
}

#endif /* _UDMA_KERNEL_LINUX_SLAB_H */

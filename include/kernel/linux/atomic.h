/* SPDX-License-Identifier: MIT */
/*
 * atomic_t, atomic_long_t and atomic64_t with the kernel's ordering: plain
 * reads, sets and void operations are relaxed; operations that return a
 * value are fully ordered.
 */
#ifndef _UDMA_KERNEL_LINUX_ATOMIC_H
#define _UDMA_KERNEL_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <linux/types.h>

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

#define __UDMA_ATOMIC_OPS(pfx, atype, t)						\
static inline t pfx##_read(const atype *v) { return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); } \
static inline void pfx##_set(atype *v, t i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); } \
static inline t pfx##_read_acquire(const atype *v) { return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); } \
static inline void pfx##_set_release(atype *v, t i) { __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); } \
static inline void pfx##_add(t i, atype *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_sub(t i, atype *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_inc(atype *v) { __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); } \
static inline void pfx##_dec(atype *v) { __atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED); } \
static inline void pfx##_and(t i, atype *v) { __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_or(t i, atype *v) { __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); } \
static inline t pfx##_add_return(t i, atype *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline t pfx##_sub_return(t i, atype *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline t pfx##_inc_return(atype *v) { return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); } \
static inline t pfx##_dec_return(atype *v) { return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); } \
static inline t pfx##_fetch_add(t i, atype *v) { return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline t pfx##_fetch_sub(t i, atype *v) { return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline bool pfx##_inc_and_test(atype *v) { return pfx##_inc_return(v) == 0; } \
static inline bool pfx##_dec_and_test(atype *v) { return pfx##_dec_return(v) == 0; } \
static inline bool pfx##_sub_and_test(t i, atype *v) { return pfx##_sub_return(i, v) == 0; } \
static inline t pfx##_xchg(atype *v, t i) { return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST); } \
/* Returns the value found; swapped if it was @old. */					\
static inline t pfx##_cmpxchg(atype *v, t old, t i)					\
{											\
	__atomic_compare_exchange_n(&v->counter, &old, i, false, __ATOMIC_SEQ_CST,	\
				    __ATOMIC_SEQ_CST);					\
	return old;									\
}											\
static inline bool pfx##_try_cmpxchg(atype *v, t *old, t i)				\
{											\
	return __atomic_compare_exchange_n(&v->counter, old, i, false, __ATOMIC_SEQ_CST, \
					   __ATOMIC_SEQ_CST);				\
}											\
/* Adds @a unless the value is @u; true if it added. */					\
static inline bool pfx##_add_unless(atype *v, t a, t u)					\
{											\
	t c = pfx##_read(v);								\
											\
	do {										\
		if (c == u)								\
			return false;							\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));					\
	return true;									\
}											\
static inline bool pfx##_inc_not_zero(atype *v) { return pfx##_add_unless(v, 1, 0); }

__UDMA_ATOMIC_OPS(atomic, atomic_t, int)
__UDMA_ATOMIC_OPS(atomic_long, atomic_long_t, long)
__UDMA_ATOMIC_OPS(atomic64, atomic64_t, s64)

#undef __UDMA_ATOMIC_OPS

#endif /* _UDMA_KERNEL_LINUX_ATOMIC_H */

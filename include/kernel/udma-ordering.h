/* SPDX-License-Identifier: MIT */
/*
 * Memory ordering under the kernel's names, defined once for both users:
 * the kernel tree (<linux/compiler.h> and <linux/atomic.h> include this
 * file) and the library itself (include/private's <udma/atomic.h> includes
 * it by its path in the source tree). It sits in the kernel tree because
 * that tree is installed and include/private is not; it is a header of its
 * own, not part of <linux/compiler.h>, because the library must not get
 * that header's annotations (its object-like `noinline` would break every
 * __attribute__((noinline)) in the library and the providers). Besides the
 * C library it needs only <linux/types.h> (atomic_t, atomic_long_t,
 * atomic64_t, s64), found next to it, so neither user needs include/kernel
 * on its include path. Not a kernel header: kernel code includes
 * <linux/compiler.h> or <linux/atomic.h>.
 *
 * GNU C (statement expressions, __typeof__), on the GCC/Clang __atomic
 * builtins, with the kernel's meanings:
 *
 *   READ_ONCE, WRITE_ONCE           one untorn access the compiler neither
 *                                   merges nor repeats: relaxed atomics, so
 *                                   ThreadSanitizer sees intended races
 *   smp_load_acquire, *_acquire     acquire: later accesses stay after it
 *   smp_store_release, *_release    release: earlier accesses stay before
 *   *_relaxed, void atomic ops      atomic, and no ordering at all
 *   (atomic_inc, atomic_or, ...)
 *   xchg, cmpxchg, try_cmpxchg and  fully ordered: as if an smp_mb() came
 *   atomic ops that return a value  right before and right after
 *   smp_mb()                        full barrier: orders every earlier
 *                                   access before every later one,
 *                                   including a store before a load
 *   smp_mb__before/after_atomic()   make an adjacent void or relaxed atomic
 *                                   op (or a failed cmpxchg) fully ordered
 *
 * A failed cmpxchg or try_cmpxchg is only a relaxed load, whatever its
 * suffix, as in the kernel; add smp_mb__after_atomic() where the value it
 * found must be ordered.
 *
 * Fully ordered operations are seq_cst read-modify-writes. On x86 a locked
 * instruction is a full barrier as it is; C11 orders a seq_cst operation
 * only against other seq_cst ones, not against a later READ_ONCE, so
 * elsewhere a full fence follows the operation, as the kernel's own
 * fallbacks do.
 */
#ifndef _UDMA_KERNEL_UDMA_ORDERING_H
#define _UDMA_KERNEL_UDMA_ORDERING_H

#include "linux/types.h"

#if defined(__SANITIZE_THREAD__)
#define __UDMA_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define __UDMA_TSAN 1
#endif
#endif

#if defined(__x86_64__) || defined(__i386__)
#define __UDMA_RMW_IS_FULL_BARRIER 1
#endif

/* The compiler's barrier: no memory access moves across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val) __atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#ifdef __UDMA_TSAN
/*
 * ThreadSanitizer does not model fences (and GCC warns that it ignores
 * them). A seq_cst read-modify-write of a word on this thread's stack is a
 * full barrier on the hardware too (a locked instruction on x86), one TSan
 * understands; no other thread touches the word, so it makes no thread
 * synchronize with another and hides no race.
 */
#define __udma_fence()	__extension__ ({					\
	int __udma_fence_word = 0;						\
	__atomic_fetch_add(&__udma_fence_word, 0, __ATOMIC_SEQ_CST);		\
	(void)0;								\
})
#define smp_mb()	__udma_fence()
#define smp_rmb()	__udma_fence()
#define smp_wmb()	__udma_fence()
#else
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#define mb()		smp_mb()
#define rmb()		smp_rmb()
#define wmb()		smp_wmb()

#ifdef __UDMA_RMW_IS_FULL_BARRIER
/* every atomic read-modify-write is a locked instruction: a full barrier */
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()
/* @expr, a seq_cst read-modify-write, fully ordered */
#define __udma_full(expr)	(expr)
#else
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define __udma_full(expr)	__extension__ ({				\
	__typeof__(expr) __udma_full_ret = (expr);				\
	smp_mb();								\
	__udma_full_ret;							\
})
#endif

/* A store, then a full barrier: the store is ordered before later loads. */
#define smp_store_mb(var, value)	do { (void)xchg(&(var), (value)); } while (0)

/* ---- read-modify-write of a plain lvalue, through its address ---- */

#define __udma_cmpxchg(p, old, new, order) __extension__ ({			\
	__typeof__(*(p)) __udma_cmpxchg_old = (old);				\
	__atomic_compare_exchange_n((p), &__udma_cmpxchg_old, (new), 0,		\
				    (order), __ATOMIC_RELAXED);			\
	__udma_cmpxchg_old;							\
})
#define __udma_try_cmpxchg(p, oldp, new, order)					\
	__atomic_compare_exchange_n((p), (oldp), (new), 0, (order), __ATOMIC_RELAXED)

/* Stores @v in *@p; returns what was there. */
#define xchg(p, v)		__udma_full(__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST))
#define xchg_relaxed(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_RELAXED)
#define xchg_acquire(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)
#define xchg_release(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_RELEASE)

/* Stores @new in *@p if it holds @old; returns what it held. */
#define cmpxchg(p, old, new)	__udma_full(__udma_cmpxchg(p, old, new, __ATOMIC_SEQ_CST))
#define cmpxchg_relaxed(p, old, new)	__udma_cmpxchg(p, old, new, __ATOMIC_RELAXED)
#define cmpxchg_acquire(p, old, new)	__udma_cmpxchg(p, old, new, __ATOMIC_ACQUIRE)
#define cmpxchg_release(p, old, new)	__udma_cmpxchg(p, old, new, __ATOMIC_RELEASE)

/* Stores @new in *@p if it holds *@oldp and returns true; else loads what
 * it holds into *@oldp and returns false. */
#define try_cmpxchg(p, oldp, new)						\
	__udma_full(__udma_try_cmpxchg(p, oldp, new, __ATOMIC_SEQ_CST))
#define try_cmpxchg_relaxed(p, oldp, new)	__udma_try_cmpxchg(p, oldp, new, __ATOMIC_RELAXED)
#define try_cmpxchg_acquire(p, oldp, new)	__udma_try_cmpxchg(p, oldp, new, __ATOMIC_ACQUIRE)
#define try_cmpxchg_release(p, oldp, new)	__udma_try_cmpxchg(p, oldp, new, __ATOMIC_RELEASE)

/* ---- atomic_t, atomic_long_t, atomic64_t (types: <linux/types.h>) ---- */

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

#define __UDMA_ATOMIC_OPS(pfx, atype, t)						\
static inline t pfx##_read(const atype *v) { return READ_ONCE(v->counter); }		\
static inline void pfx##_set(atype *v, t i) { WRITE_ONCE(v->counter, i); }		\
static inline t pfx##_read_acquire(const atype *v) { return smp_load_acquire(&v->counter); } \
static inline void pfx##_set_release(atype *v, t i) { smp_store_release(&v->counter, i); } \
static inline void pfx##_add(t i, atype *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_sub(t i, atype *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_inc(atype *v) { __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); } \
static inline void pfx##_dec(atype *v) { __atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED); } \
static inline void pfx##_and(t i, atype *v) { __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_or(t i, atype *v) { __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); } \
static inline t pfx##_add_return(t i, atype *v)						\
{ return __udma_full(__atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST)); }		\
static inline t pfx##_sub_return(t i, atype *v)						\
{ return __udma_full(__atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST)); }		\
static inline t pfx##_inc_return(atype *v) { return pfx##_add_return(1, v); }		\
static inline t pfx##_dec_return(atype *v) { return pfx##_sub_return(1, v); }		\
static inline t pfx##_inc_return_relaxed(atype *v)					\
{ return __atomic_add_fetch(&v->counter, 1, __ATOMIC_RELAXED); }			\
static inline t pfx##_fetch_add(t i, atype *v)						\
{ return __udma_full(__atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST)); }		\
static inline t pfx##_fetch_sub(t i, atype *v)						\
{ return __udma_full(__atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST)); }		\
static inline bool pfx##_inc_and_test(atype *v) { return pfx##_inc_return(v) == 0; }	\
static inline bool pfx##_dec_and_test(atype *v) { return pfx##_dec_return(v) == 0; }	\
static inline bool pfx##_sub_and_test(t i, atype *v) { return pfx##_sub_return(i, v) == 0; } \
static inline t pfx##_xchg(atype *v, t i) { return xchg(&v->counter, i); }		\
static inline t pfx##_cmpxchg(atype *v, t old, t i) { return cmpxchg(&v->counter, old, i); } \
static inline bool pfx##_try_cmpxchg(atype *v, t *old, t i)				\
{ return try_cmpxchg(&v->counter, old, i); }						\
static inline bool pfx##_try_cmpxchg_acquire(atype *v, t *old, t i)			\
{ return try_cmpxchg_acquire(&v->counter, old, i); }					\
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

#endif /* _UDMA_KERNEL_UDMA_ORDERING_H */

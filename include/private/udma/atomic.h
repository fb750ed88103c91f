/* SPDX-License-Identifier: MIT */
/*
 * The library's atomics and barriers, under the kernel's names: READ_ONCE,
 * WRITE_ONCE, smp_load_acquire, smp_store_release, smp_mb() and friends,
 * xchg, cmpxchg, try_cmpxchg (with _relaxed, _acquire, _release), and
 * atomic_t, atomic_long_t and atomic64_t with their operations. They are
 * defined once, in the kernel tree's udma-ordering.h, which the kernel
 * tree's <linux/compiler.h> and <linux/atomic.h> include as well: that
 * file is installed and this one is not. The path below is its place in
 * the source tree, so no include/kernel on the include path is needed
 * (that would put the kernel tree's <linux/...> before the system's).
 *
 * Never together with <stdatomic.h>: C11 defines atomic_fetch_add and
 * others there as macros. Never from a public header: a user's program
 * must not get these names from udmaengine.
 *
 * Below, the one thing the kernel has no name for: a read-modify-write of
 * a plain integer field that a public struct declares (struct dma_chan's
 * udma.flags, struct tasklet_struct's state), which keeps its plain type
 * for the ABI and for C++. The kernel's atomic_fetch_<op>() family, on the
 * field's address instead of an atomic_t, with the same ordering: no
 * suffix is fully ordered, _relaxed, _acquire and _release as the kernel
 * has them. Each returns the value the field held before.
 */
#ifndef UDMA_PRIVATE_ATOMIC_H
#define UDMA_PRIVATE_ATOMIC_H

#include "../../kernel/udma-ordering.h"

#define __udma_fetch_op(op, p, i)	__udma_full(op((p), (i), __ATOMIC_SEQ_CST))

#define udma_fetch_add(p, i)		__udma_fetch_op(__atomic_fetch_add, p, i)
#define udma_fetch_add_relaxed(p, i)	__atomic_fetch_add((p), (i), __ATOMIC_RELAXED)
#define udma_fetch_add_release(p, i)	__atomic_fetch_add((p), (i), __ATOMIC_RELEASE)
#define udma_fetch_sub_relaxed(p, i)	__atomic_fetch_sub((p), (i), __ATOMIC_RELAXED)
#define udma_fetch_sub_release(p, i)	__atomic_fetch_sub((p), (i), __ATOMIC_RELEASE)
#define udma_fetch_or(p, i)		__udma_fetch_op(__atomic_fetch_or, p, i)
#define udma_fetch_or_relaxed(p, i)	__atomic_fetch_or((p), (i), __ATOMIC_RELAXED)
#define udma_fetch_and(p, i)		__udma_fetch_op(__atomic_fetch_and, p, i)
#define udma_fetch_and_relaxed(p, i)	__atomic_fetch_and((p), (i), __ATOMIC_RELAXED)
#define udma_fetch_and_acquire(p, i)	__atomic_fetch_and((p), (i), __ATOMIC_ACQUIRE)
#define udma_fetch_and_release(p, i)	__atomic_fetch_and((p), (i), __ATOMIC_RELEASE)

#endif /* UDMA_PRIVATE_ATOMIC_H */

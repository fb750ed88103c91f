/* SPDX-License-Identifier: MIT */
/*
 * The kernel's compiler annotations, in GNU C. Names the C library may
 * also define (__always_inline) are kept as it has them.
 */
#ifndef _UDMA_KERNEL_LINUX_COMPILER_H
#define _UDMA_KERNEL_LINUX_COMPILER_H

#include <linux/types.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* sparse's address spaces and section placement mean nothing here */
#ifndef __iomem
#define __iomem
#endif
#ifndef __user
#define __user
#endif
#ifndef __force
#define __force
#endif
#ifndef __bitwise
#define __bitwise
#endif
#ifndef __rcu
#define __rcu
#endif
#ifndef __percpu
#define __percpu
#endif
#ifndef __must_hold
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#endif
#ifndef __read_mostly
#define __read_mostly
#endif
#ifndef __init
#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata
#define __init_or_module
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif
#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif
#ifndef __always_unused
#define __always_unused __attribute__((__unused__))
#endif
#ifndef __used
#define __used __attribute__((__used__))
#endif
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif
#ifndef __must_check
#define __must_check __attribute__((__warn_unused_result__))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#endif
#ifndef __scanf
#define __scanf(a, b) __attribute__((__format__(scanf, a, b)))
#endif
#ifndef __cold
#define __cold __attribute__((__cold__))
#endif
#ifndef __weak
#define __weak __attribute__((__weak__))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((__noreturn__))
#endif
#ifndef __pure
#define __pure __attribute__((__pure__))
#endif
#ifndef __attribute_const__
#define __attribute_const__ __attribute__((__const__))
#endif
#ifndef __cacheline_aligned
#define __cacheline_aligned __attribute__((__aligned__(64)))
#endif
#ifndef ____cacheline_aligned
#define ____cacheline_aligned __attribute__((__aligned__(64)))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
/* A fresh identifier per use: nested macros then shadow nothing. */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))

/*
 * barrier(), READ_ONCE, WRITE_ONCE, smp_mb() and the other barriers,
 * smp_load_acquire, smp_store_release: defined once for the kernel tree
 * and the library, in udma-ordering.h (with <linux/atomic.h>'s atomics).
 */
#include "../udma-ordering.h"

#endif /* _UDMA_KERNEL_LINUX_COMPILER_H */

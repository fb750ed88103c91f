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

/*
 * ATOMIC_INIT and the operations, with xchg, cmpxchg and try_cmpxchg on
 * plain lvalues: defined once for the kernel tree and the library, in
 * udma-ordering.h, which <linux/compiler.h> includes.
 */
#include "../udma-ordering.h"

#endif /* _UDMA_KERNEL_LINUX_ATOMIC_H */

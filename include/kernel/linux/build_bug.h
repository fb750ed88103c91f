/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_BUILD_BUG_H
#define _UDMA_KERNEL_LINUX_BUILD_BUG_H

#include <linux/compiler.h>

/* A negative bit-field width: a compile error when @e is a true constant. */
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON(condition) ((void)BUILD_BUG_ON_ZERO(condition))
#define BUILD_BUG_ON_MSG(cond, msg) BUILD_BUG_ON(cond)
/* An error only where the call survives optimisation, as in the kernel. */
extern void __udma_build_bug(void) __attribute__((__error__("BUILD_BUG failed")));
#define BUILD_BUG() __udma_build_bug()
/* <assert.h> undefines it before its own definition, so either order works. */
#undef static_assert
#define static_assert(expr, ...) _Static_assert(expr, "" __VA_ARGS__)

#endif /* _UDMA_KERNEL_LINUX_BUILD_BUG_H */

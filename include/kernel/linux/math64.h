/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_MATH64_H
#define _UDMA_KERNEL_LINUX_MATH64_H

#include <linux/types.h>

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = (u32)(dividend % divisor);
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline s64 div_s64(s64 dividend, s32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

static inline s64 div64_s64(s64 dividend, s64 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_ul(u64 dividend, unsigned long divisor)
{
	return dividend / divisor;
}

/* Divides the u64 lvalue @n in place by @base; evaluates to the remainder. */
#define do_div(n, base)							\
	({								\
		u32 __udma_base = (base);				\
		u32 __udma_rem = (u32)((n) % __udma_base);		\
		(n) = (n) / __udma_base;				\
		__udma_rem;						\
	})

#endif /* _UDMA_KERNEL_LINUX_MATH64_H */

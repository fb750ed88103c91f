/* SPDX-License-Identifier: MIT */
/* Overflow-checked arithmetic and allocation sizes that saturate at SIZE_MAX. */
#ifndef _UDMA_KERNEL_LINUX_OVERFLOW_H
#define _UDMA_KERNEL_LINUX_OVERFLOW_H

#include <stdint.h>

#include <linux/compiler.h>

/* True on overflow; *d gets the wrapped result. */
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

static inline size_t __must_check size_mul(size_t factor1, size_t factor2)
{
	size_t bytes;

	if (check_mul_overflow(factor1, factor2, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_add(size_t addend1, size_t addend2)
{
	size_t bytes;

	if (check_add_overflow(addend1, addend2, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_sub(size_t minuend, size_t subtrahend)
{
	size_t bytes;

	if (minuend == SIZE_MAX || subtrahend == SIZE_MAX ||
	    check_sub_overflow(minuend, subtrahend, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)
#define array3_size(a, b, c)	size_mul(size_mul(a, b), c)
/* Bytes for *@p with @count elements in its trailing array @member. */
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member), count))
#define struct_size_t(type, member, count) \
	struct_size((type *)NULL, member, count)
#define flex_array_size(p, member, count) size_mul(sizeof(*(p)->member), count)

#endif /* _UDMA_KERNEL_LINUX_OVERFLOW_H */

/* SPDX-License-Identifier: MIT */
/*
 * The kernel's everyday macros. The uapi <linux/kernel.h> comes first:
 * <sys/sysinfo.h> includes it by this name.
 */
#ifndef _UDMA_KERNEL_LINUX_KERNEL_H
#define _UDMA_KERNEL_LINUX_KERNEL_H

#ifdef __has_include_next
#if __has_include_next(<linux/kernel.h>)
#include_next <linux/kernel.h>
#endif
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/types.h>

#define U8_MAX		((u8)~0U)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define S8_MIN		((s8)(-S8_MAX - 1))
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))

#ifndef container_of
/* Checks that @ptr points to what @member is; nested uses get fresh names. */
#define __udma_container_of(ptr, type, member, mptr)				\
	({									\
		void *mptr = (void *)(ptr);					\
		_Static_assert(__same_type(*(ptr), ((type *)0)->member) ||	\
			       __same_type(*(ptr), void),			\
			       "pointer type mismatch in container_of()");	\
		((type *)(void *)((char *)mptr - offsetof(type, member)));	\
	})
#define container_of(ptr, type, member) \
	__udma_container_of(ptr, type, member, __UNIQUE_ID(mptr))
#endif

#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

/*
 * min and max evaluate each argument once; nested uses get fresh names.
 * Unlike min_t, they compare in the arguments' own types: give them
 * arguments of one type.
 */
#define __udma_cmp(op, x, y, ux, uy)			\
	({						\
		__typeof__(x) ux = (x);			\
		__typeof__(y) uy = (y);			\
		ux op uy ? ux : uy;			\
	})
#define min(x, y)	__udma_cmp(<, x, y, __UNIQUE_ID(min_x), __UNIQUE_ID(min_y))
#define max(x, y)	__udma_cmp(>, x, y, __UNIQUE_ID(max_x), __UNIQUE_ID(max_y))
#define min_t(type, x, y) __udma_cmp(<, (type)(x), (type)(y), __UNIQUE_ID(min_x), __UNIQUE_ID(min_y))
#define max_t(type, x, y) __udma_cmp(>, (type)(x), (type)(y), __UNIQUE_ID(max_x), __UNIQUE_ID(max_y))
#define min3(x, y, z)	min((__typeof__(x))min(x, y), z)
#define max3(x, y, z)	max((__typeof__(x))max(x, y), z)
#define umin(x, y)	min_t(unsigned long long, x, y)
#define umax(x, y)	max_t(unsigned long long, x, y)
#define clamp(val, lo, hi)	min((__typeof__(val))max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi)	clamp_t(__typeof__(val), val, lo, hi)

#define swap(a, b)						\
	do {							\
		__typeof__(a) __udma_swap_tmp = (a);		\
		(a) = (b);					\
		(b) = __udma_swap_tmp;				\
	} while (0)

#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define DIV_ROUND_UP_ULL(ll, d)	((unsigned long long)DIV_ROUND_UP((unsigned long long)(ll), (d)))
#define DIV_ROUND_DOWN_ULL(ll, d) ((unsigned long long)(ll) / (d))
#define DIV_ROUND_CLOSEST(x, divisor)					\
	({								\
		__typeof__(x) __udma_x = (x);				\
		__typeof__(divisor) __udma_d = (divisor);		\
		(((__typeof__(x))-1) > 0 || ((__typeof__(divisor))-1) > 0 ||	\
		 (((__udma_x) > 0) == ((__udma_d) > 0))) ?		\
			(((__udma_x) + ((__udma_d) / 2)) / (__udma_d)) :	\
			(((__udma_x) - ((__udma_d) / 2)) / (__udma_d));	\
	})
#define roundup(x, y)		((((x) + ((y) - 1)) / (y)) * (y))
#define rounddown(x, y)		((x) - ((x) % (y)))

/* Power-of-two @a: */
#define __ALIGN_MASK(x, mask)	(((x) + (mask)) & ~(mask))
#define ALIGN(x, a)		__ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define ALIGN_DOWN(x, a)	ALIGN((x) - ((a) - 1), (a))
#define PTR_ALIGN(p, a)		((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a)	((__typeof__(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define __round_mask(x, y)	((__typeof__(x))((y) - 1))
#define round_up(x, y)		((((x) - 1) | __round_mask(x, y)) + 1)
#define round_down(x, y)	((x) & ~__round_mask(x, y))

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_16_bits(n)	((u16)((n) >> 16))
#define lower_16_bits(n)	((u16)((n) & 0xffff))

/* No preemption points to offer: the scheduler preempts threads itself. */
#define might_sleep()		do { } while (0)
#define might_sleep_if(c)	do { (void)(c); } while (0)

/* Like vsnprintf, but returns what was written, not what would have been. */
static inline __printf(3, 0) int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int n;

	if (!size)
		return 0;
	n = vsnprintf(buf, size, fmt, args);
	if (n < 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

/*
 * kstrto*: the whole string (one trailing newline allowed) is the number;
 * -EINVAL otherwise, -ERANGE when it does not fit.
 */
static inline int __udma_kstrtoull(const char *s, unsigned int base, unsigned long long max,
				   unsigned long long *res)
{
	char *end;
	unsigned long long v;

	if (*s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, (int)base);
	if (end == s || (*end && !(end[0] == '\n' && !end[1])))
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*res = v;
	return 0;
}

static inline int __udma_kstrtoll(const char *s, unsigned int base, long long min_v,
				  long long max_v, long long *res)
{
	unsigned long long u;
	int err;

	if (*s == '-') {
		err = __udma_kstrtoull(s + 1, base, (unsigned long long)LLONG_MAX + 1, &u);
		if (err)
			return err;
		if (u > (unsigned long long)-(min_v + 1) + 1)
			return -ERANGE;
		*res = u ? -(long long)(u - 1) - 1 : 0;
		return 0;
	}
	err = __udma_kstrtoull(s, base, (unsigned long long)max_v, &u);
	if (!err)
		*res = (long long)u;
	return err;
}

static inline int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	return __udma_kstrtoull(s, base, ULLONG_MAX, res);
}

static inline int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = __udma_kstrtoull(s, base, ULONG_MAX, &v);

	if (!err)
		*res = (unsigned long)v;
	return err;
}

static inline int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = __udma_kstrtoull(s, base, UINT_MAX, &v);

	if (!err)
		*res = (unsigned int)v;
	return err;
}

static inline int kstrtoll(const char *s, unsigned int base, long long *res)
{
	return __udma_kstrtoll(s, base, LLONG_MIN, LLONG_MAX, res);
}

static inline int kstrtol(const char *s, unsigned int base, long *res)
{
	long long v;
	int err = __udma_kstrtoll(s, base, LONG_MIN, LONG_MAX, &v);

	if (!err)
		*res = (long)v;
	return err;
}

static inline int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = __udma_kstrtoll(s, base, INT_MIN, INT_MAX, &v);

	if (!err)
		*res = (int)v;
	return err;
}

static inline int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

#endif /* _UDMA_KERNEL_LINUX_KERNEL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The kernel's integer types. The system's uapi <linux/types.h> (the __u8
 * family, __le32, ...) comes first: system headers include it by this name
 * too, and the two must agree. u64 is unsigned long long, as in the kernel,
 * so "%llu" prints it without a warning.
 */
#ifndef _UDMA_KERNEL_LINUX_TYPES_H
#define _UDMA_KERNEL_LINUX_TYPES_H

#ifdef __has_include_next
#if __has_include_next(<linux/types.h>)
#include_next <linux/types.h>
#define _UDMA_HAVE_UAPI_TYPES
#endif
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <udmaengine/scatterlist.h>	/* dma_addr_t */

#ifndef _UDMA_HAVE_UAPI_TYPES
typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __le16;
typedef __u16 __be16;
typedef __u32 __le32;
typedef __u32 __be32;
typedef __u64 __le64;
typedef __u64 __be64;
#endif

typedef __s8 s8;
typedef __u8 u8;
typedef __s16 s16;
typedef __u16 u16;
typedef __s32 s32;
typedef __u32 u32;
typedef __s64 s64;
typedef __u64 u64;

typedef u64 phys_addr_t;
typedef u64 resource_size_t;
/* <udmaengine/dmaengine.h> may have defined it already, for dma_alloc_coherent */
#ifndef UDMA_GFP_T_DEFINED
#define UDMA_GFP_T_DEFINED
typedef unsigned int gfp_t;
#endif
typedef unsigned int slab_flags_t;
typedef unsigned int fmode_t;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

typedef struct {
	s64 counter;
} atomic64_t;

#define DECLARE_BITMAP(name, bits) \
	unsigned long name[((bits) + 8 * sizeof(long) - 1) / (8 * sizeof(long))]

#endif /* _UDMA_KERNEL_LINUX_TYPES_H */

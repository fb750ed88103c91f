/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_ERR_H
#define _UDMA_KERNEL_LINUX_ERR_H

#include <errno.h>

#include <linux/compiler.h>
#include <udmaengine/err.h>

/* The kernel's internal errnos, which user space has no name for. */
#ifndef ERESTARTSYS
#define ERESTARTSYS	512
#endif
#ifndef EPROBE_DEFER
#define EPROBE_DEFER	517
#endif
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

#endif /* _UDMA_KERNEL_LINUX_ERR_H */

/* SPDX-License-Identifier: MIT */
/* Error pointers as in <linux/err.h>: a negative errno folded into a pointer. */
#ifndef UDMAENGINE_ERR_H
#define UDMAENGINE_ERR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_ERRNO 4095

#define IS_ERR_VALUE(x) ((uintptr_t)(x) >= (uintptr_t)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)(intptr_t)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)(intptr_t)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE(ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_ERR_H */

/* SPDX-License-Identifier: MIT */
#ifndef _UDMA_KERNEL_LINUX_STRING_H
#define _UDMA_KERNEL_LINUX_STRING_H

#include <string.h>
#include <sys/types.h>

#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/slab.h>		/* kstrdup, kmemdup: declared here in the kernel */

/*
 * Copies @src into @dest (@count bytes), always terminated; returns the
 * length copied, or -E2BIG when @src did not fit.
 */
static inline ssize_t strscpy(char *dest, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dest, src, count - 1);
		dest[count - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dest, src, len + 1);
	return (ssize_t)len;
}

/* strscpy, then zeroes the rest of @dest. */
static inline ssize_t strscpy_pad(char *dest, const char *src, size_t count)
{
	ssize_t written = strscpy(dest, src, count);

	if (written >= 0 && (size_t)written + 1 < count)
		memset(dest + written + 1, 0, count - (size_t)written - 1);
	return written;
}

static inline bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	if (*s1 == '\n' && !s1[1] && !*s2)
		return true;
	return false;
}

/* Length of @prefix if @str starts with it, else 0. */
static inline size_t str_has_prefix(const char *str, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(str, prefix, len) == 0 ? len : 0;
}

/* The first byte of @start that is not @c, or NULL when all @bytes are. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;

	for (size_t i = 0; i < bytes; i++)
		if (p[i] != (u8)c)
			return (void *)(p + i);
	return NULL;
}

static inline void *memset32(u32 *s, u32 v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		s[i] = v;
	return s;
}

static inline void *memset64(u64 *s, u64 v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		s[i] = v;
	return s;
}

#endif /* _UDMA_KERNEL_LINUX_STRING_H */

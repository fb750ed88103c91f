/* SPDX-License-Identifier: MIT */
/*
 * The kernel dmatest's buffer patterns, byte for byte, so a failure reads
 * the same in both. Every source byte has bit 7 (PATTERN_SRC) set, every
 * destination byte has it clear; bytes the engine must copy also carry
 * PATTERN_COPY, bytes it must overwrite PATTERN_OVERWRITE; the low five
 * bits are the inverted byte index. After a transfer a wrong byte tells
 * what went wrong: a destination byte without PATTERN_COPY was not copied,
 * one outside the transfer with PATTERN_SRC was copied where it should not
 * have been, one with the wrong low bits came from the wrong place.
 *
 * memset uses one index (PATTERN_MEMSET_IDX) for every byte, so the whole
 * copy area holds the same value: the one the engine is asked to fill with.
 */
#include "dmatest.h"

/* The kernel's cap on mismatches printed per checked area. */
#define MAX_ERROR_COUNT	32

static inline uint8_t inv_idx(unsigned int index, bool is_memset)
{
	unsigned int v = is_memset ? PATTERN_MEMSET_IDX : index;

	return (uint8_t)(~v & PATTERN_COUNT_MASK);
}

static void fill(uint8_t *buf, unsigned int start, unsigned int len, unsigned int buf_size,
		 uint8_t base, uint8_t inside, bool is_memset)
{
	unsigned int i;

	for (i = 0; i < start; i++)
		buf[i] = base | inv_idx(i, is_memset);
	for (; i < start + len; i++)
		buf[i] = base | inside | inv_idx(i, is_memset);
	for (; i < buf_size; i++)
		buf[i] = base | inv_idx(i, is_memset);
}

void dmatest_init_src(uint8_t *buf, unsigned int start, unsigned int len,
		      unsigned int buf_size, bool is_memset)
{
	fill(buf, start, len, buf_size, PATTERN_SRC, PATTERN_COPY, is_memset);
}

void dmatest_init_dst(uint8_t *buf, unsigned int start, unsigned int len,
		      unsigned int buf_size, bool is_memset)
{
	fill(buf, start, len, buf_size, PATTERN_DST, PATTERN_OVERWRITE, is_memset);
}

/* One wrong byte, worded as the kernel words it. */
static void mismatch(const char *thread, uint8_t actual, uint8_t pattern, unsigned int index,
		     unsigned int counter, bool is_srcbuf, bool is_memset)
{
	uint8_t diff = actual ^ pattern;
	uint8_t expected = pattern | inv_idx(counter, is_memset);
	const char *what;

	if (is_srcbuf)
		what = "overwritten!";
	else if ((pattern & PATTERN_COPY) && (diff & (PATTERN_COPY | PATTERN_OVERWRITE)))
		what = "not copied!";
	else if (diff & PATTERN_SRC)
		what = "was copied!";
	else
		what = "mismatch!";
	dmatest_log("%s: %sbuf[0x%x] %s Expected %02x, got %02x", thread,
		    is_srcbuf ? "src" : "dst", index, what, expected, actual);
}

unsigned int dmatest_verify(const char *thread, const uint8_t *buf, unsigned int start,
			    unsigned int end, unsigned int counter, uint8_t pattern,
			    bool is_srcbuf, bool is_memset)
{
	unsigned int errors = 0;

	for (unsigned int i = start; i < end; i++, counter++) {
		uint8_t expected = pattern | inv_idx(counter, is_memset);

		if (buf[i] == expected)
			continue;
		if (errors < MAX_ERROR_COUNT)
			mismatch(thread, buf[i], pattern, i, counter, is_srcbuf, is_memset);
		errors++;
	}
	if (errors > MAX_ERROR_COUNT)
		dmatest_log("%s: %u errors suppressed", thread, errors - MAX_ERROR_COUNT);
	return errors;
}

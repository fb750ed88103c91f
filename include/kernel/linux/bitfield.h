/* SPDX-License-Identifier: MIT */
/* Register fields described by their mask. */
#ifndef _UDMA_KERNEL_LINUX_BITFIELD_H
#define _UDMA_KERNEL_LINUX_BITFIELD_H

#include <linux/bits.h>

#define __bf_shf(x) (__builtin_ffsll(x) - 1)

#define FIELD_MAX(_mask) ((_mask) >> __bf_shf(_mask))
#define FIELD_FIT(_mask, _val) \
	(!((((__typeof__(_mask))(_val)) << __bf_shf(_mask)) & ~(_mask)))
#define FIELD_PREP(_mask, _val) \
	((((__typeof__(_mask))(_val)) << __bf_shf(_mask)) & (_mask))
#define FIELD_GET(_mask, _reg) \
	((__typeof__(_mask))(((_reg) & (_mask)) >> __bf_shf(_mask)))

#endif /* _UDMA_KERNEL_LINUX_BITFIELD_H */

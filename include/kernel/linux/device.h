/* SPDX-License-Identifier: MIT */
/*
 * struct device is udmaengine's (name, dma_ops, driver_data): kernel code
 * declares its own devices and gives them a name. dev_* messages start
 * with that name. Managed (devm_*) resources are released after the
 * module exits have run (see <udmaengine/kbase.h>).
 */
#ifndef _UDMA_KERNEL_LINUX_DEVICE_H
#define _UDMA_KERNEL_LINUX_DEVICE_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <udmaengine/dmaengine.h>
#include <udmaengine/kbase.h>

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

#define dev_printk(level, dev, fmt, ...) \
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_emerg(dev, fmt, ...)  dev_printk(KERN_EMERG, dev, fmt, ##__VA_ARGS__)
#define dev_alert(dev, fmt, ...)  dev_printk(KERN_ALERT, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)   dev_printk(KERN_CRIT, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)    dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)   dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)   dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#ifdef DEBUG
#define dev_dbg(dev, fmt, ...)    dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
#else
#define dev_dbg(dev, fmt, ...) \
	no_printk(KERN_DEBUG "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#endif
#define dev_vdbg(dev, fmt, ...) \
	no_printk(KERN_DEBUG "%s: " fmt, dev_name(dev), ##__VA_ARGS__)

#define dev_err_once(dev, fmt, ...) \
	printk_once(KERN_ERR "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_warn_once(dev, fmt, ...) \
	printk_once(KERN_WARNING "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_info_once(dev, fmt, ...) \
	printk_once(KERN_INFO "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err_ratelimited(dev, fmt, ...)  dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited(dev, fmt, ...) dev_warn(dev, fmt, ##__VA_ARGS__)
#define dev_info_ratelimited(dev, fmt, ...) dev_info(dev, fmt, ##__VA_ARGS__)
#define dev_dbg_ratelimited(dev, fmt, ...)  dev_dbg(dev, fmt, ##__VA_ARGS__)

/* Reports @err (quietly for -EPROBE_DEFER) and returns it. */
#define dev_err_probe(dev, err, fmt, ...)					\
	({									\
		int __udma_probe_err = (err);					\
		if (__udma_probe_err != -EPROBE_DEFER)				\
			dev_err(dev, "error %d: " fmt, __udma_probe_err, ##__VA_ARGS__); \
		__udma_probe_err;						\
	})

static inline __must_check void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return udma_devres_alloc(dev, size, (gfp & __GFP_ZERO) != 0);
}

static inline __must_check void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | __GFP_ZERO);
}

static inline __must_check void *devm_kmalloc_array(struct device *dev, size_t n, size_t size,
						    gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return devm_kmalloc(dev, bytes, flags);
}

static inline __must_check void *devm_kcalloc(struct device *dev, size_t n, size_t size,
					      gfp_t flags)
{
	return devm_kmalloc_array(dev, n, size, flags | __GFP_ZERO);
}

static inline void devm_kfree(struct device *dev, const void *p)
{
	udma_devres_free(dev, p);
}

static inline __must_check void *devm_kmemdup(struct device *dev, const void *src, size_t len,
					      gfp_t gfp)
{
	void *p = devm_kmalloc(dev, len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

static inline __must_check char *devm_kstrdup(struct device *dev, const char *s, gfp_t gfp)
{
	return s ? (char *)devm_kmemdup(dev, s, strlen(s) + 1, gfp) : NULL;
}

static inline int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	return udma_devres_add_action(dev, action, data);
}

/* As devm_add_action, but runs @action at once when it cannot be added. */
static inline int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
					   void *data)
{
	int ret = devm_add_action(dev, action, data);

	if (ret)
		action(data);
	return ret;
}

#endif /* _UDMA_KERNEL_LINUX_DEVICE_H */

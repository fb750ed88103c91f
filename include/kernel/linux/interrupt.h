/* SPDX-License-Identifier: MIT */
/*
 * Tasklets (<udmaengine/tasklet.h>) with the kernel's from_tasklet, which
 * takes the variable instead of its type. There are no interrupt lines:
 * irqreturn_t exists so a driver's handler, called from its own thread,
 * keeps its kernel form.
 */
#ifndef _UDMA_KERNEL_LINUX_INTERRUPT_H
#define _UDMA_KERNEL_LINUX_INTERRUPT_H

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <udmaengine/tasklet.h>

#undef from_tasklet
#define from_tasklet(var, callback_tasklet, tasklet_fieldname) \
	container_of(callback_tasklet, __typeof__(*var), tasklet_fieldname)

#define DECLARE_TASKLET(name, _callback) \
	struct tasklet_struct name = { .count = 0, .use_callback = true, .callback = _callback }
#define DECLARE_TASKLET_DISABLED(name, _callback) \
	struct tasklet_struct name = { .count = 1, .use_callback = true, .callback = _callback }
#define DECLARE_TASKLET_OLD(name, _func) \
	struct tasklet_struct name = { .count = 0, .func = _func }
#define DECLARE_TASKLET_DISABLED_OLD(name, _func) \
	struct tasklet_struct name = { .count = 1, .func = _func }

enum irqreturn {
	IRQ_NONE = (0 << 0),
	IRQ_HANDLED = (1 << 0),
	IRQ_WAKE_THREAD = (1 << 1),
};
typedef enum irqreturn irqreturn_t;
#define IRQ_RETVAL(x) ((x) ? IRQ_HANDLED : IRQ_NONE)

/* A tasklet is the only softirq context there is; there is no hard irq one. */
#define in_interrupt()		udma_in_tasklet()
#define in_softirq()		udma_in_tasklet()
#define in_serving_softirq()	udma_in_tasklet()
#define in_irq()		false
#define in_hardirq()		false
#define in_task()		(!udma_in_tasklet())

#endif /* _UDMA_KERNEL_LINUX_INTERRUPT_H */

/* SPDX-License-Identifier: MIT */
/*
 * What the kernel-source tree (include/kernel) needs from the library:
 * the log, the clock behind jiffies, sleeping and busy delays, a wait
 * primitive for completions and wait queues, and managed (devm_*)
 * resources. Kernel code does not call these directly; the <linux/...>
 * headers do, under the kernel's names.
 */
#ifndef UDMAENGINE_KBASE_H
#define UDMAENGINE_KBASE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct device;

/*
 * printk: an optional KERN_<LEVEL> prefix ("\001" and a digit) picks the
 * stream: emergency to warning on stderr, notice, info and debug on
 * stdout, no prefix at the kernel's default (warning); KERN_CONT continues
 * the previous line's stream. One call is written whole.
 */
int udma_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int udma_vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* CLOCK_MONOTONIC, in ns and in ticks of @hz. */
uint64_t udma_clock_ns(void);
uint64_t udma_clock_ticks(unsigned int hz);

/* Sleeps at least @us microseconds. */
void udma_sleep_us(uint64_t us);
/* Spins (never sleeps: callable with a spinlock held) for @ns nanoseconds. */
void udma_spin_ns(uint64_t ns);

/* A mutex and condition variable on which waiters sleep until woken. */
struct udma_waitq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};
#define UDMA_WAITQ_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER }

void udma_waitq_init(struct udma_waitq *q);
void udma_waitq_lock(struct udma_waitq *q);
void udma_waitq_unlock(struct udma_waitq *q);
/* Lock held: wakes every waiter. */
void udma_waitq_wake(struct udma_waitq *q);
/*
 * Lock held: sleeps until woken (spurious wake-ups included) or until the
 * monotonic clock reaches @deadline_ns (UINT64_MAX: no deadline). False
 * once the deadline has passed.
 */
bool udma_waitq_wait(struct udma_waitq *q, uint64_t deadline_ns);

/*
 * kmalloc's allocator (<linux/slab.h>): size 0 gives UDMA_ZERO_SIZE_PTR,
 * which free-side calls accept like NULL; power-of-two sizes from 32 to
 * 4096 are aligned to their size; @zero zeroes the whole usable block, so
 * a zeroing udma_krealloc can zero exactly what grows. Free with free().
 */
#define UDMA_ZERO_SIZE_PTR ((void *)16)
#define UDMA_KMALLOC_MAX_SIZE ((size_t)1 << 30)
void *udma_kmalloc(size_t size, bool zero);
void *udma_krealloc(const void *p, size_t new_size, bool zero);

/*
 * Managed resources (devm_*): released, last added first, by
 * udma_devres_release_all when the kernel would detach the driver, which
 * for a module run as a program is after its exits (udmaengine_kmain).
 * @dev NULL in release_all: every device's.
 */
void *udma_devres_alloc(struct device *dev, size_t size, bool zero);
void udma_devres_free(struct device *dev, const void *ptr);
int udma_devres_add_action(struct device *dev, void (*action)(void *), void *data);
void udma_devres_release_all(struct device *dev);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_KBASE_H */

// SPDX-License-Identifier: MIT
/*
 * The kernel-source tree's base, checked by a module written as kernel
 * code: list idioms, tasklets and completions, wait queues, allocation,
 * jiffies, bitops, error pointers and the arithmetic macros. Any mismatch
 * is a pr_err line and -EINVAL from module_init.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

static unsigned int loops = 1;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "times to run the checks");

static bool verbose;
module_param(verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "say which checks pass");

#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			pr_err("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			return -EINVAL;						\
		}								\
	} while (0)

struct item {
	int value;
	struct list_head node;
};

static int check_lists(void)
{
	LIST_HEAD(head);
	LIST_HEAD(other);
	struct item items[5], *it, *tmp;
	struct list_head *pos, *n;
	int i, expect;

	CHECK(list_empty(&head));
	for (i = 0; i < 5; i++) {
		items[i].value = i;
		list_add_tail(&items[i].node, &head);
	}
	expect = 0;
	list_for_each_entry(it, &head, node)
		CHECK(it->value == expect++);
	CHECK(expect == 5);
	expect = 4;
	list_for_each_entry_reverse(it, &head, node)
		CHECK(it->value == expect--);
	CHECK(expect == -1);

	it = list_first_entry(&head, struct item, node);
	CHECK(it == &items[0]);
	CHECK(list_next_entry(it, node) == &items[1]);
	CHECK(list_prev_entry(list_next_entry(it, node), node) == it);
	CHECK(list_last_entry(&head, struct item, node) == &items[4]);
	CHECK(list_is_first(&items[0].node, &head) && list_is_last(&items[4].node, &head));
	CHECK(!list_is_singular(&head) && list_count_nodes(&head) == 5);

	/* continue from an entry: the ones after it */
	it = &items[2];
	expect = 3;
	list_for_each_entry_continue(it, &head, node)
		CHECK(it->value == expect++);
	CHECK(expect == 5 && list_entry_is_head(it, &head, node));

	/* _safe: delete the odd ones while walking */
	list_for_each_entry_safe(it, tmp, &head, node)
		if (it->value & 1)
			list_del(&it->node);
	expect = 0;
	list_for_each_entry(it, &head, node) {
		CHECK(it->value == expect);
		expect += 2;
	}
	CHECK(expect == 6);

	/* splice the odd ones back at the tail: 0 2 4 1 3 */
	list_add_tail(&items[1].node, &other);
	list_add_tail(&items[3].node, &other);
	list_splice_tail(&other, &head);
	INIT_LIST_HEAD(&other);
	{
		static const int want[] = { 0, 2, 4, 1, 3 };

		i = 0;
		list_for_each(pos, &head)
			CHECK(list_entry(pos, struct item, node)->value == want[i++]);
		CHECK(i == (int)ARRAY_SIZE(want));
	}

	/* move the first to the front of another list, then cut and splice */
	list_move(&items[0].node, &other);
	CHECK(list_is_singular(&other));
	list_splice(&head, &other);	/* 2 4 1 3 0 */
	INIT_LIST_HEAD(&head);
	CHECK(list_first_entry(&other, struct item, node) == &items[2]);
	CHECK(list_last_entry(&other, struct item, node) == &items[0]);
	list_cut_position(&head, &other, &items[4].node);	/* head 2 4, other 1 3 0 */
	CHECK(list_count_nodes(&head) == 2 && list_count_nodes(&other) == 3);
	list_cut_position(&head, &other, &other);	/* nothing: head emptied */
	CHECK(list_empty(&head) && list_count_nodes(&other) == 3);

	list_for_each_safe(pos, n, &other)
		list_del_init(pos);
	CHECK(list_empty(&other));
	for (i = 0; i < 5; i++)
		list_add(&items[i].node, &head);	/* 4 3 2 1 0 */
	expect = 0;
	list_for_each_entry_safe_reverse(it, tmp, &head, node) {
		CHECK(it->value == expect++);
		list_del(&it->node);
	}
	CHECK(expect == 5 && list_empty(&head));
	return 0;
}

/* A device with a tasklet, in the shape drivers give it. */
struct kdev {
	struct device dev;
	struct tasklet_struct task;
	struct completion done;
	int runs;
	bool ran_in_tasklet;
	unsigned long old_data;
	wait_queue_head_t wq;
	int ready;
};

static void kdev_tasklet(struct tasklet_struct *t)
{
	struct kdev *kd = from_tasklet(kd, t, task);

	kd->runs++;
	kd->ran_in_tasklet = in_interrupt() && !in_task();
	complete(&kd->done);
}

static void kdev_old_tasklet(unsigned long data)
{
	struct kdev *kd = (struct kdev *)data;

	kd->old_data = data;
	complete(&kd->done);
}

static void kdev_wake_tasklet(struct tasklet_struct *t)
{
	struct kdev *kd = from_tasklet(kd, t, task);

	WRITE_ONCE(kd->ready, 1);
	wake_up(&kd->wq);
}

static int check_tasklets_and_completions(void)
{
	struct kdev *kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	unsigned long start, left;
	DECLARE_COMPLETION_ONSTACK(onstack);
	int ret = -EINVAL;

	CHECK(kd);
	kd->dev.name = "kdev0";
	init_completion(&kd->done);
	tasklet_setup(&kd->task, kdev_tasklet);

	/* nothing scheduled: times out, after the whole timeout */
	start = jiffies;
	if (wait_for_completion_timeout(&kd->done, msecs_to_jiffies(20)) != 0) {
		pr_err("wait_for_completion_timeout: completed with nothing scheduled\n");
		goto out;
	}
	if (time_before(jiffies, start + msecs_to_jiffies(20))) {
		pr_err("wait_for_completion_timeout: timed out early\n");
		goto out;
	}

	/* completed from a tasklet: remaining jiffies, > 0 */
	tasklet_schedule(&kd->task);
	left = wait_for_completion_timeout(&kd->done, msecs_to_jiffies(5000));
	if (!left || left > msecs_to_jiffies(5000) || kd->runs != 1 || !kd->ran_in_tasklet) {
		pr_err("tasklet completion: left %lu runs %d in tasklet %d\n", left, kd->runs,
		       kd->ran_in_tasklet);
		goto out;
	}
	tasklet_kill(&kd->task);
	if (in_interrupt()) {
		pr_err("module init runs in tasklet context\n");
		goto out;
	}

	/* the old interface: func and data */
	tasklet_init(&kd->task, kdev_old_tasklet, (unsigned long)kd);
	tasklet_schedule(&kd->task);
	wait_for_completion(&kd->done);
	tasklet_kill(&kd->task);
	if (kd->old_data != (unsigned long)kd) {
		pr_err("tasklet_init: data %#lx, want %p\n", kd->old_data, kd);
		goto out;
	}

	/* counting: two completes, two waits; complete_all until reinit */
	complete(&kd->done);
	complete(&kd->done);
	if (!completion_done(&kd->done) || !try_wait_for_completion(&kd->done) ||
	    !try_wait_for_completion(&kd->done) || try_wait_for_completion(&kd->done)) {
		pr_err("completion counting\n");
		goto out;
	}
	complete_all(&onstack);
	wait_for_completion(&onstack);
	if (!wait_for_completion_timeout(&onstack, 1) || !try_wait_for_completion(&onstack)) {
		pr_err("complete_all: later waits must not block\n");
		goto out;
	}
	reinit_completion(&onstack);
	if (completion_done(&onstack)) {
		pr_err("reinit_completion\n");
		goto out;
	}

	/* wait queue: a timeout, then a wake-up from a tasklet */
	init_waitqueue_head(&kd->wq);
	if (wait_event_timeout(kd->wq, READ_ONCE(kd->ready), msecs_to_jiffies(10)) != 0) {
		pr_err("wait_event_timeout: condition true with nobody setting it\n");
		goto out;
	}
	tasklet_setup(&kd->task, kdev_wake_tasklet);
	tasklet_schedule(&kd->task);
	left = wait_event_timeout(kd->wq, READ_ONCE(kd->ready), 5 * HZ);
	tasklet_kill(&kd->task);
	if (!left || !kd->ready) {
		pr_err("wait_event_timeout: not woken (left %lu)\n", left);
		goto out;
	}
	dev_info(&kd->dev, "tasklets, completions and wait queues work\n");
	ret = 0;
out:
	kfree(kd);
	return ret;
}

static int check_allocation(void)
{
	static struct device mdev = { .name = "kheaders-mem" };
	struct flex {
		int n;
		u32 words[];
	} *f;
	unsigned char *p, *q;
	char *s;
	size_t i;

	p = kmalloc(SZ_4K, GFP_KERNEL);
	CHECK(p && IS_ALIGNED((unsigned long)p, SZ_4K));
	memset(p, 0xa5, SZ_4K);
	kfree(p);
	p = kzalloc(SZ_4K, GFP_KERNEL);
	CHECK(p);
	for (i = 0; i < SZ_4K; i++)
		CHECK(p[i] == 0);
	kfree(p);

	p = kmalloc(256, GFP_ATOMIC);
	CHECK(p && IS_ALIGNED((unsigned long)p, 256));
	memset(p, 7, 256);
	q = krealloc(p, 1000, GFP_KERNEL | __GFP_ZERO);
	CHECK(q && q[0] == 7 && q[255] == 7 && q[999] == 0);
	kfree(q);

	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	CHECK(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	CHECK(kmalloc_array(SIZE_MAX / 8, 16, GFP_NOWAIT) == NULL);

	f = kzalloc(struct_size(f, words, 10), GFP_KERNEL);
	CHECK(f && struct_size(f, words, 10) == sizeof(*f) + 10 * sizeof(u32));
	CHECK(f->n == 0 && f->words[9] == 0);
	CHECK(struct_size(f, words, SIZE_MAX) == SIZE_MAX);
	kfree(f);

	s = kstrdup("kernel", GFP_KERNEL);
	CHECK(s && !strcmp(s, "kernel"));
	p = kmemdup(s, 7, GFP_KERNEL);
	CHECK(p && !memcmp(p, "kernel", 7));
	kfree(p);
	kfree(s);

	/* freed when the driver detaches: after the module exits */
	p = devm_kzalloc(&mdev, 64, GFP_KERNEL);
	CHECK(p && p[0] == 0 && p[63] == 0);
	q = devm_kcalloc(&mdev, 4, 4, GFP_KERNEL);
	CHECK(q && q[15] == 0);
	devm_kfree(&mdev, q);
	dev_set_drvdata(&mdev, p);
	CHECK(dev_get_drvdata(&mdev) == p);
	CHECK(!strcmp(dev_name(&mdev), "kheaders-mem"));
	return 0;
}

static int check_time(void)
{
	unsigned long j0, j1;

	CHECK(msecs_to_jiffies(1000) == HZ);
	CHECK(msecs_to_jiffies(1) == 1);	/* rounded up: never 0 */
	CHECK(usecs_to_jiffies(1) == 1);
	CHECK(jiffies_to_msecs(HZ) == 1000);
	CHECK(time_after(5UL, ULONG_MAX - 5));	/* across the wrap */
	CHECK(time_before(ULONG_MAX - 5, 5UL));
	CHECK(time_after_eq(7UL, 7UL) && !time_after(7UL, 7UL));

	j0 = jiffies;
	msleep(50);
	j1 = jiffies;
	CHECK(time_after(j1, j0));
	CHECK(jiffies_to_msecs(j1 - j0) >= 40);
	j0 = jiffies;
	usleep_range(1000, 2000);
	udelay(100);
	ndelay(100);
	CHECK(time_after_eq(jiffies, j0));
	return 0;
}

static int check_bits_and_arithmetic(void)
{
	DECLARE_BITMAP(map, 100);
	unsigned long bit, count = 0;
	atomic_t a = ATOMIC_INIT(1);
	DEFINE_SPINLOCK(lock);
	DEFINE_MUTEX(m);
	unsigned long flags;
	char buf[4];
	int x = 5, y = 9, z = -3;
	void *err;

	bitmap_zero(map, 100);
	set_bit(3, map);
	set_bit(70, map);
	CHECK(test_bit(3, map) && test_bit(70, map) && !test_bit(4, map));
	CHECK(test_and_set_bit(3, map) && !test_and_set_bit(99, map));
	CHECK(test_and_clear_bit(70, map) && !test_bit(70, map));
	clear_bit(99, map);
	CHECK(find_first_bit(map, 100) == 3 && find_next_bit(map, 100, 4) == 100);
	CHECK(find_first_zero_bit(map, 100) == 0);
	for_each_set_bit(bit, map, 100)
		count++;
	CHECK(count == 1);
	CHECK(BIT(5) == 32 && BIT_ULL(40) == 0x10000000000ULL);
	CHECK(GENMASK(7, 4) == 0xf0 && GENMASK_ULL(63, 32) == 0xffffffff00000000ULL);
	CHECK(hweight32(0xf0f0) == 8 && __ffs(0x80) == 7 && fls(0x80) == 8 && fls(0) == 0);
	CHECK(FIELD_PREP(GENMASK(7, 4), 0xa) == 0xa0 && FIELD_GET(GENMASK(7, 4), 0x5a) == 5);
	CHECK(is_power_of_2(64) && !is_power_of_2(48) && ilog2(4096) == 12);
	CHECK(roundup_pow_of_two(33) == 64);

	err = ERR_PTR(-ENOMEM);
	CHECK(IS_ERR(err) && PTR_ERR(err) == -ENOMEM && IS_ERR_OR_NULL(err));
	CHECK(!IS_ERR(NULL) && IS_ERR_OR_NULL(NULL) && !IS_ERR(&x));
	CHECK(PTR_ERR_OR_ZERO(&x) == 0 && PTR_ERR_OR_ZERO(err) == -ENOMEM);
	CHECK(ERR_CAST(err) == err);

	CHECK(min(x, y) == 5 && max(x, y) == 9 && min(z, x) == -3);
	CHECK(min(min(x, y), z) == -3 && max(x, max(y, z)) == 9);
	CHECK(min_t(u8, 300, 7) == 7 && max_t(int, 2u, -1) == 2);
	CHECK(min3(x, y, z) == -3 && max3(x, y, z) == 9);
	CHECK(clamp(15, 0, 10) == 10 && clamp(-4, 0, 10) == 0 && clamp(x, 0, 10) == 5);
	CHECK(DIV_ROUND_UP(10, 4) == 3 && DIV_ROUND_UP(8, 4) == 2 && DIV_ROUND_UP(0, 4) == 0);
	CHECK(DIV_ROUND_CLOSEST(10, 4) == 3 && DIV_ROUND_CLOSEST(9, 4) == 2);
	CHECK(ALIGN(13, 8) == 16 && ALIGN(16, 8) == 16 && ALIGN_DOWN(13, 8) == 8);
	CHECK(IS_ALIGNED(16, 8) && !IS_ALIGNED(12, 8));
	CHECK(round_up(5, 4) == 8 && round_down(5, 4) == 4 && roundup(7, 3) == 9);
	CHECK(upper_32_bits(0x1234567800000009ULL) == 0x12345678 &&
	      lower_32_bits(0x1234567800000009ULL) == 9);
	CHECK(SZ_1K == 1024 && SZ_4K == 4096 && SZ_1M == 1048576 && SZ_1G == 1073741824);
	swap(x, y);
	CHECK(x == 9 && y == 5);

	CHECK(strscpy(buf, "hello", sizeof(buf)) == -E2BIG && !strcmp(buf, "hel"));
	CHECK(strscpy(buf, "hi", sizeof(buf)) == 2 && !strcmp(buf, "hi"));
	{
		unsigned int u;
		int i;

		CHECK(kstrtouint("42\n", 10, &u) == 0 && u == 42);
		CHECK(kstrtoint("-17", 0, &i) == 0 && i == -17);
		CHECK(kstrtouint("4x", 10, &u) == -EINVAL);
		CHECK(kstrtouint("99999999999", 10, &u) == -ERANGE);
	}

	atomic_inc(&a);
	CHECK(atomic_read(&a) == 2 && atomic_inc_return(&a) == 3);
	atomic_set(&a, 2);
	CHECK(!atomic_dec_and_test(&a) && atomic_dec_and_test(&a));
	CHECK(atomic_cmpxchg(&a, 0, 5) == 0 && atomic_read(&a) == 5);

	spin_lock_irqsave(&lock, flags);
	spin_unlock_irqrestore(&lock, flags);
	mutex_lock(&m);
	CHECK(mutex_is_locked(&m));
	mutex_unlock(&m);
	CHECK(mutex_trylock(&m));
	mutex_unlock(&m);
	CHECK(!WARN_ON(x == 0));
	return 0;
}

static bool core_ran;

static int __init kheaders_core(void)
{
	core_ran = true;
	return 0;
}
core_initcall(kheaders_core);

static int __init kheaders_init(void)
{
	unsigned int i;
	int ret = 0;

	if (!core_ran) {
		pr_err("module_init ran before core_initcall\n");
		return -EINVAL;
	}
	for (i = 0; i < loops && !ret; i++) {
		ret = check_lists();
		if (!ret)
			ret = check_tasklets_and_completions();
		if (!ret)
			ret = check_allocation();
		if (!ret)
			ret = check_time();
		if (!ret)
			ret = check_bits_and_arithmetic();
		if (!ret && verbose)
			pr_info("round %u of %u: every check passed\n", i + 1, loops);
	}
	if (!ret)
		pr_info("the kernel base works\n");
	return ret;
}
module_init(kheaders_init);

static void __exit kheaders_exit(void)
{
	pr_info("exit\n");
}
module_exit(kheaders_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("udmaengine");
MODULE_DESCRIPTION("checks the kernel-source tree's base");

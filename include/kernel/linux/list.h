/* SPDX-License-Identifier: MIT */
/*
 * <udmaengine/list.h> with the kernel's macro signatures: the iterators
 * find the entry type with __typeof__ instead of taking it as an argument,
 * and the kernel's other list calls are added. Like udmaengine's, the
 * iterators find a node without a member access through @pos, which at the
 * end of a walk is the head's container, not a real entry.
 */
#ifndef _UDMA_KERNEL_LINUX_LIST_H
#define _UDMA_KERNEL_LINUX_LIST_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <udmaengine/list.h>

#undef list_next_entry
#undef list_entry_is_head
#undef list_for_each_entry
#undef list_for_each_entry_safe

#define __udma_list_node(pos, member) \
	((struct list_head *)(void *)((char *)(pos) + offsetof(__typeof__(*(pos)), member)))

#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_last_entry_or_null(ptr, type, member) \
	(list_empty(ptr) ? NULL : list_last_entry(ptr, type, member))
#define list_next_entry(pos, member) \
	list_entry(__udma_list_node(pos, member)->next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member) \
	list_entry(__udma_list_node(pos, member)->prev, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (__udma_list_node(pos, member) == (head))
#define list_prepare_entry(pos, head, member) \
	((pos) ? : list_entry(head, __typeof__(*(pos)), member))
#define list_safe_reset_next(pos, n, member) (n = list_next_entry(pos, member))

#define list_for_each_prev(pos, head) \
	for (pos = (head)->prev; pos != (head); pos = pos->prev)
#define list_for_each_safe(pos, n, head) \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
#define list_for_each_prev_safe(pos, n, head) \
	for (pos = (head)->prev, n = pos->prev; pos != (head); pos = n, n = pos->prev)
#define list_for_each_continue(pos, head) \
	for (pos = pos->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)					\
	for (pos = list_first_entry(head, __typeof__(*pos), member);		\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_reverse(pos, head, member)				\
	for (pos = list_last_entry(head, __typeof__(*pos), member);		\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_continue(pos, head, member)				\
	for (pos = list_next_entry(pos, member);				\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_continue_reverse(pos, head, member)			\
	for (pos = list_prev_entry(pos, member);				\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_from(pos, head, member)				\
	for (; !list_entry_is_head(pos, head, member);				\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_from_reverse(pos, head, member)			\
	for (; !list_entry_is_head(pos, head, member);				\
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member),		\
	     n = list_next_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_continue(pos, n, head, member)			\
	for (pos = list_next_entry(pos, member),				\
	     n = list_next_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_from(pos, n, head, member)			\
	for (n = list_next_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_reverse(pos, n, head, member)			\
	for (pos = list_last_entry(head, __typeof__(*pos), member),		\
	     n = list_prev_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_prev_entry(n, member))

static inline bool list_is_first(const struct list_head *list, const struct list_head *head)
{
	return list->prev == head;
}

static inline bool list_is_last(const struct list_head *list, const struct list_head *head)
{
	return list->next == head;
}

static inline bool list_is_head(const struct list_head *list, const struct list_head *head)
{
	return list == head;
}

static inline bool list_empty_careful(const struct list_head *head)
{
	const struct list_head *next = head->next;

	return next == head && next == head->prev;
}

static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

static inline void list_replace(struct list_head *old, struct list_head *entry)
{
	entry->next = old->next;
	entry->next->prev = entry;
	entry->prev = old->prev;
	entry->prev->next = entry;
}

static inline void list_replace_init(struct list_head *old, struct list_head *entry)
{
	list_replace(old, entry);
	INIT_LIST_HEAD(old);
}

static inline void list_swap(struct list_head *entry1, struct list_head *entry2)
{
	struct list_head *pos = entry2->prev;

	list_del(entry2);
	list_replace(entry1, entry2);
	if (pos == entry1)
		pos = entry2;
	list_add(entry1, pos);
}

static inline void list_bulk_move_tail(struct list_head *head, struct list_head *first,
				       struct list_head *last)
{
	first->prev->next = last->next;
	last->next->prev = first->prev;
	head->prev->next = first;
	first->prev = head->prev;
	last->next = head;
	head->prev = last;
}

static inline void list_rotate_left(struct list_head *head)
{
	if (!list_empty(head))
		list_move_tail(head->next, head);
}

static inline void list_rotate_to_front(struct list_head *list, struct list_head *head)
{
	list_move_tail(head, list);
}

/* Joins @list at the front of @head; @list itself is left as it was. */
static inline void list_splice(const struct list_head *list, struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head, head->next);
}

static inline void list_splice_tail(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head->prev, head);
}

static inline size_t list_count_nodes(struct list_head *head)
{
	struct list_head *pos;
	size_t count = 0;

	list_for_each(pos, head)
		count++;
	return count;
}

/*
 * The kernel's list_cut_position, which also handles an empty @head and
 * @entry == @head (nothing moves; @list is emptied).
 */
static inline void __udma_kernel_list_cut_position(struct list_head *list,
						   struct list_head *head,
						   struct list_head *entry)
{
	if (list_empty(head))
		return;
	if (list_is_singular(head) && entry != head && entry != head->next)
		return;
	if (entry == head)
		INIT_LIST_HEAD(list);
	else
		list_cut_position(list, head, entry);
}
#define list_cut_position(list, head, entry) __udma_kernel_list_cut_position(list, head, entry)

static inline void list_cut_before(struct list_head *list, struct list_head *head,
				   struct list_head *entry)
{
	if (head->next == entry) {
		INIT_LIST_HEAD(list);
		return;
	}
	list->next = head->next;
	list->next->prev = list;
	list->prev = entry->prev;
	list->prev->next = list;
	head->next = entry;
	entry->prev = head;
}

#endif /* _UDMA_KERNEL_LINUX_LIST_H */

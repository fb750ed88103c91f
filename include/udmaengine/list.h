/* SPDX-License-Identifier: MIT */
/*
 * Intrusive doubly linked lists with the kernel's names (<linux/list.h>), so
 * provider code written against virt-dma reads the same here.
 */
#ifndef UDMAENGINE_LIST_H
#define UDMAENGINE_LIST_H

#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

/* Keeps fields written by different threads off each other's cache line. */
#ifndef UDMA_CACHELINE_ALIGNED
#define UDMA_CACHELINE_ALIGNED __attribute__((aligned(64)))
#endif

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_add(struct list_head *entry, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head, head->next);
}

static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head->prev, head);
}

static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->next = entry;	/* a deleted node is an empty list: list_del twice is harmless */
	entry->prev = entry;
}

static inline void list_del_init(struct list_head *entry)
{
	list_del(entry);
}

static inline void list_move(struct list_head *entry, struct list_head *head)
{
	list_del(entry);
	list_add(entry, head);
}

static inline void list_move_tail(struct list_head *entry, struct list_head *head)
{
	list_del(entry);
	list_add_tail(entry, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline void __list_splice(const struct list_head *list,
				 struct list_head *prev, struct list_head *next)
{
	struct list_head *first = list->next, *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

/* Moves every entry of @list to the tail of @head and leaves @list empty. */
static inline void list_splice_tail_init(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head->prev, head);
		INIT_LIST_HEAD(list);
	}
}

static inline void list_splice_init(struct list_head *list, struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head, head->next);
		INIT_LIST_HEAD(list);
	}
}

/*
 * Moves the entries of @head from the first up to and including @entry to
 * @list (which must be empty); the rest stay on @head. O(1).
 */
static inline void list_cut_position(struct list_head *list, struct list_head *head,
				     struct list_head *entry)
{
	struct list_head *first = head->next;

	list->next = first;
	first->prev = list;
	list->prev = entry;
	head->next = entry->next;
	entry->next->prev = head;
	entry->next = list;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_first_entry_or_null(head, type, member) \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_next_entry(pos, type, member) list_entry((pos)->member.next, type, member)

/* The list_head inside @pos, found without a member access: at the end of
 * a walk @pos is the head's container, not a real entry. */
#define list_node_of(pos, type, member) \
	((struct list_head *)(void *)((char *)(pos) + offsetof(type, member)))
#define list_entry_is_head(pos, head, type, member) \
	(list_node_of(pos, type, member) == (head))

/*
 * C11 has no typeof, so unlike the kernel these take the entry type.
 * Kernel code `list_for_each_entry(vd, &head, node)` becomes
 * `list_for_each_entry(vd, &head, struct virt_dma_desc, node)`.
 */
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_entry(pos, head, type, member)				\
	for (pos = list_entry((head)->next, type, member);			\
	     !list_entry_is_head(pos, head, type, member);			\
	     pos = list_entry(list_node_of(pos, type, member)->next, type, member))
#define list_for_each_entry_safe(pos, n, head, type, member)			\
	for (pos = list_entry((head)->next, type, member),			\
	     n = list_entry(list_node_of(pos, type, member)->next, type, member);	\
	     !list_entry_is_head(pos, head, type, member);			\
	     pos = n, n = list_entry(list_node_of(n, type, member)->next, type, member))

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_LIST_H */

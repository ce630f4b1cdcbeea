/*
 * vmaprep kernel API shim: linux/list.h.
 * Models the doubly linked list insertions and removal drivers use to keep per-mapping state (a list
 * insertion in an mmap hook is state the hook acquires). struct list_head is in linux/types.h.
 */
#ifndef VMAPREP_KSHIM_LINUX_LIST_H
#define VMAPREP_KSHIM_LINUX_LIST_H

#include <linux/types.h>

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}
static inline void __list_add(struct list_head *entry, struct list_head *prev, struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}
static inline void list_add(struct list_head *entry, struct list_head *head) { __list_add(entry, head, head->next); }
static inline void list_add_tail(struct list_head *entry, struct list_head *head) { __list_add(entry, head->prev, head); }
static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->next = NULL;
	entry->prev = NULL;
}
static inline int list_empty(const struct list_head *head) { return head->next == head; }

#endif

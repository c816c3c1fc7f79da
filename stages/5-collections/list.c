/*
 * list.c - the intrusive doubly linked list; see list.h for the theory of
 * operation.
 */
#include "list.h"

#include "panic.h"

void list_init(struct list *l)
{
	l->head.next = &l->head;
	l->head.prev = &l->head;
	l->len = 0;
}

void list_node_init(struct list_node *n)
{
	n->next = LIST_POISON_NEXT;
	n->prev = LIST_POISON_PREV;
}

/* On no list: poisoned (list_node_init, or removed), or zeroed (never
 * touched).  See "Linked or not" in list.h. */
static bool node_is_unlinked(const struct list_node *n)
{
	bool poisoned =
		n->next == LIST_POISON_NEXT && n->prev == LIST_POISON_PREV;
	bool zeroed = n->next == NULL && n->prev == NULL;
	return poisoned || zeroed;
}

/* A link that no node on a list can have. */
static bool link_is_dead(const struct list_node *link)
{
	return link == NULL || link == LIST_POISON_NEXT ||
	       link == LIST_POISON_PREV;
}

bool list_node_is_linked(const struct list_node *n)
{
	return !node_is_unlinked(n);
}

/* Panics unless n may be linked: linking a node that is still on a list
 * would splice two lists together or cut its neighbours out of one. */
static void require_unlinked(const struct list_node *n, const char *fn)
{
	if (!node_is_unlinked(n))
		panic("%s: node %p is still on a list (or was never "
		      "initialised: list_node_init, or zeroed memory)",
		      fn, (const void *)n);
}

/* Panics unless n's links can be followed (n is on a list, or is a head). */
static void require_linked(const struct list_node *n, const char *fn,
			   const char *what)
{
	if (link_is_dead(n->next) || link_is_dead(n->prev))
		panic("%s: %s %p is not on a list (removed twice?)", fn, what,
		      (const void *)n);
}

size_t list_len(const struct list *l)
{
	return l->len;
}

bool list_is_empty(const struct list *l)
{
	return l->head.next == &l->head;
}

struct list_node *list_front(const struct list *l)
{
	return list_is_empty(l) ? NULL : l->head.next;
}

struct list_node *list_back(const struct list *l)
{
	return list_is_empty(l) ? NULL : l->head.prev;
}

struct list_node *list_next(const struct list *l, const struct list_node *n)
{
	return n->next == &l->head ? NULL : n->next;
}

struct list_node *list_prev(const struct list *l, const struct list_node *n)
{
	return n->prev == &l->head ? NULL : n->prev;
}

/*
 * Links n between two adjacent nodes prev and next (either may be the
 * sentinel):
 *
 *     prev <-> next      becomes      prev <-> n <-> next
 */
static void link_between(struct list *l, struct list_node *n,
			 struct list_node *prev, struct list_node *next)
{
	DEBUG_ASSERT(prev->next == next && next->prev == prev,
		     "list: inserting between nodes that are not adjacent");
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
	l->len++;
}

void list_push_front(struct list *l, struct list_node *n)
{
	require_unlinked(n, __func__);
	link_between(l, n, &l->head, l->head.next);
}

void list_push_back(struct list *l, struct list_node *n)
{
	require_unlinked(n, __func__);
	link_between(l, n, l->head.prev, &l->head);
}

void list_insert_after(struct list *l, struct list_node *pos,
		       struct list_node *n)
{
	require_linked(pos, __func__, "position");
	require_unlinked(n, __func__);
	link_between(l, n, pos, pos->next);
}

void list_insert_before(struct list *l, struct list_node *pos,
			struct list_node *n)
{
	require_linked(pos, __func__, "position");
	require_unlinked(n, __func__);
	link_between(l, n, pos->prev, pos);
}

/*
 *     prev <-> n <-> next      becomes      prev <-> next,
 *                                           n -> POISON_NEXT, POISON_PREV
 */
void list_remove(struct list *l, struct list_node *n)
{
	require_linked(n, __func__, "node");
	if (n == &l->head)
		panic("list_remove: cannot remove the list head");
	if (l->len == 0)
		panic("list_remove: node %p removed from an empty list",
		      (void *)n);
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_node_init(n);
	l->len--;
}

struct list_node *list_pop_front(struct list *l)
{
	struct list_node *n = list_front(l);
	if (n != NULL)
		list_remove(l, n);
	return n;
}

struct list_node *list_pop_back(struct list *l)
{
	struct list_node *n = list_back(l);
	if (n != NULL)
		list_remove(l, n);
	return n;
}

void list_clear(struct list *l, void (*release)(struct list_node *n))
{
	struct list_node *n;
	while ((n = list_pop_front(l)) != NULL)
		release(n);
}

void list_check(const struct list *l)
{
	const struct list_node *head = &l->head;
	const struct list_node *n = head;
	size_t steps = 0;

	/* Forwards; bounded by len so that a cycle cannot hang the check. */
	do {
		if (n->next == NULL || n->next == LIST_POISON_NEXT)
			panic("list_check: node %p after %zu steps has a %s "
			      "next link",
			      (const void *)n, steps,
			      n->next == NULL ? "NULL" : "poisoned");
		if (n->next->prev != n)
			panic("list_check: node %p: next->prev is %p, not the "
			      "node",
			      (const void *)n, (const void *)n->next->prev);
		n = n->next;
		if (++steps > l->len + 1)
			panic("list_check: more than len %zu nodes (a cycle "
			      "that misses the head?)",
			      l->len);
	} while (n != head);
	if (steps != l->len + 1)
		panic("list_check: len is %zu but the list holds %zu nodes",
		      l->len, steps - 1);

	/* Backwards: the prev links must make the same circle. */
	steps = 0;
	do {
		if (n->prev == NULL || n->prev == LIST_POISON_PREV)
			panic("list_check: node %p has a bad prev link",
			      (const void *)n);
		n = n->prev;
		if (++steps > l->len + 1)
			panic("list_check: the prev links do not return to "
			      "the head");
	} while (n != head);
}

/*
 * list.h - LinkedList: a doubly linked, intrusive, circular list, after
 * Linux's list_head.
 *
 * Theory of operation
 * -------------------
 * "Intrusive": the links live inside the objects on the list, not in nodes
 * the list allocates.  An object embeds a struct list_node, and
 * container_of() gets from the node back to the object:
 *
 *     struct task {                 container_of(node, struct task, link)
 *             int pid;              = (struct task *)((char *)node
 *             struct list_node link;        - offsetof(struct task, link))
 *     };
 *
 * The list is circular around a sentinel node, `head`, that is part of
 * struct list and belongs to no object.  An empty list is the sentinel
 * pointing at itself, so insertion and removal never test for NULL or for
 * the ends:
 *
 *     empty:     +-> head <-+          three objects:
 *                +----------+
 *                                 +-> head <-> A <-> B <-> C <-+
 *                                 +----------------------------+
 *                                     head.next = front, head.prev = back
 *
 * Linked or not.  A node removed from a list is poisoned (next =
 * LIST_POISON_NEXT, prev = LIST_POISON_PREV, non-canonical addresses on
 * x86_64), so following the links of a removed node faults at once, always
 * the same way, instead of quietly walking into a list it no longer
 * belongs to.  A node is on no list in exactly two states:
 *
 *     poisoned   list_node_init(), or removed from a list
 *     zeroed     both links NULL: a static object, kcalloc, "= {0}"
 *
 * Anything else is taken as linked.  Linking a node that is still on a
 * list would splice two lists together, or cut its neighbours out of its
 * list, and the damage would show far from the bug; so every insertion
 * checks the node first and panics ("list_push_back: node ... is still on
 * a list"), as Linux's DEBUG_LIST does.  Removing a node that is on no
 * list panics too, instead of following a NULL or poisoned link.  A node
 * in uninitialised memory (a local variable, kmalloc) holds leftovers:
 * call list_node_init before linking it.
 *
 * Allocation pattern: none.  The list never allocates or frees; the owner
 * of the objects does (see list_clear for dropping an owning list).  That
 * is why nothing here can fail, and why the kernel uses intrusive lists for
 * free lists, run queues and wait queues.
 *
 * Cost:  push/pop at either end, insert before/after a node,
 *        remove a node                  O(1)
 *        len                            O(1) (counted)
 *        find, index                    O(n): there is no indexing
 *
 * What it cannot do: an object can be on only as many lists as it has
 * list_node members; there is no random access; the list does not know
 * the type of its objects (container_of trusts the caller).
 */
#ifndef LIST_H
#define LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef container_of
/* The object of type `type` whose member `member` is at address ptr. */
#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr)-offsetof(type, member)))
#endif

/* Non-canonical on x86_64 (a general-protection fault if followed), and
 * unmapped on the host, as Linux's LIST_POISON1/2 with its poison delta. */
#define LIST_POISON_NEXT ((struct list_node *)(uintptr_t)0xdead000000000100ULL)
#define LIST_POISON_PREV ((struct list_node *)(uintptr_t)0xdead000000000122ULL)

struct list_node {
	struct list_node *next;
	struct list_node *prev;
};

/*
 * Invariants (checked by list_check): following next from head returns to
 * head after exactly len + 1 steps, following prev does the same in
 * reverse, and n->next->prev == n for every node n on the way.
 */
struct list {
	struct list_node head; /* the sentinel, never an object's node */
	size_t len;
};

/* struct list l = LIST_INIT(l); */
#define LIST_INIT(name)                                                        \
	{                                                                      \
		{&(name).head, &(name).head}, 0                                \
	}

void list_init(struct list *l);
/* Marks a node as on no list (poisoned links): needed before the first
 * link unless the node is in zeroed memory. */
void list_node_init(struct list_node *n);
/* False if the node is on no list (poisoned or zeroed, see above). */
bool list_node_is_linked(const struct list_node *n);

size_t list_len(const struct list *l);
bool list_is_empty(const struct list *l);
/* The first / last node, or NULL if the list is empty. */
struct list_node *list_front(const struct list *l);
struct list_node *list_back(const struct list *l);
/* The node after / before n, or NULL at the end / the beginning. */
struct list_node *list_next(const struct list *l, const struct list_node *n);
struct list_node *list_prev(const struct list *l, const struct list_node *n);

/* Link n at the front / the back.  Panics if n is still on a list (is
 * neither poisoned nor zeroed). */
void list_push_front(struct list *l, struct list_node *n);
void list_push_back(struct list *l, struct list_node *n);
/* Link n just after / just before pos, a node on list l.  Panics if n is
 * still on a list, or if pos is not on one. */
void list_insert_after(struct list *l, struct list_node *pos,
		       struct list_node *n);
void list_insert_before(struct list *l, struct list_node *pos,
			struct list_node *n);
/* Unlink n, a node on list l, and poison it.  Panics if n is on no list
 * (poisoned: removed twice; or zeroed: never added). */
void list_remove(struct list *l, struct list_node *n);
/* Unlink and return the first / last node, or NULL if the list is empty. */
struct list_node *list_pop_front(struct list *l);
struct list_node *list_pop_back(struct list *l);
/* Unlink every node, front to back, passing each to release (which may
 * free the object): how an owning list is dropped. */
void list_clear(struct list *l, void (*release)(struct list_node *n));
/* Panics with "list_check: <reason>" if an invariant is broken. */
void list_check(const struct list *l);

/* The object containing node `n`. */
#define list_entry(n, type, member) container_of(n, type, member)

/* Node iteration, front to back / back to front.  The list must not be
 * modified inside the loop. */
#define list_for_each(pos, l)                                                  \
	for (struct list_node *pos = (l)->head.next; pos != &(l)->head;        \
	     pos = pos->next)
#define list_for_each_reverse(pos, l)                                          \
	for (struct list_node *pos = (l)->head.prev; pos != &(l)->head;        \
	     pos = pos->prev)
/* As list_for_each, but pos may be removed (and freed) in the body. */
#define list_for_each_safe(pos, l)                                             \
	for (struct list_node *pos = (l)->head.next, *pos##_next_ = pos->next; \
	     pos != &(l)->head; pos = pos##_next_, pos##_next_ = pos->next)

/* Object iteration: `obj` is a `type *` to each object in turn. */
#define list_for_each_entry(obj, l, type, member)                              \
	for (type *obj = list_entry((l)->head.next, type, member);             \
	     &obj->member != &(l)->head;                                       \
	     obj = list_entry(obj->member.next, type, member))
#define list_for_each_entry_reverse(obj, l, type, member)                      \
	for (type *obj = list_entry((l)->head.prev, type, member);             \
	     &obj->member != &(l)->head;                                       \
	     obj = list_entry(obj->member.prev, type, member))

#endif

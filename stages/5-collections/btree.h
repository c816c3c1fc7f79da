/*
 * btree.h - BTreeMap and BTreeSet: an ordered map from uint64_t keys to
 * uintptr_t values, kept in a B-tree.
 *
 * Theory of operation
 * -------------------
 * A B-tree of minimum degree B (here 6) stores several sorted keys per
 * node, so a lookup touches few nodes and each node is a short array scan,
 * which suits caches far better than a binary tree's one key per node.
 *
 *                           +----------+
 *                           | 30 |  60 |                     root
 *                           +----------+
 *                          /     |      \
 *              +----------+ +----------+ +----------+
 *              | 10 | 20  | | 40 | 50  | | 70 | 80  |        leaves
 *              +----------+ +----------+ +----------+
 *
 *   keys[0..nkeys) sorted; an internal node has nkeys + 1 children, and
 *   every key in children[i] lies between keys[i-1] and keys[i].
 *
 * Invariants (checked by btree_check):
 *   - every node but the root holds B-1 .. 2B-1 keys; the root 1 .. 2B-1
 *     (an empty map has no root at all);
 *   - all leaves are at the same depth, so the height is O(log_B n);
 *   - keys are strictly increasing in an in-order walk;  len counts them.
 *
 * The operations, one idea per file, each with its theory at its top:
 *   btree_node.c    one node: its keys kept sorted as one goes in or comes
 *                   out, and the path from the root down to a key
 *   btree_insert.c  insert: a full node splits around its median, which
 *                   moves up; splitting the root adds a level
 *   btree_remove.c  remove: a node left short borrows a key from a sibling
 *                   or merges with it; an empty root gives up a level
 *   btree.c         lookups, iteration and ranges, drop, btree_check, and
 *                   BTreeSet
 *
 * Allocation pattern: one kmalloc per node; leaves are allocated without
 * the children array.  Insert allocates every node its splits will need
 * before it changes anything, so running out of memory leaves the tree
 * untouched.  Removal and lookup never allocate.
 *
 * Cost:  get, insert, remove   O(log n) nodes visited, O(B) work in each
 *        iteration             O(n) total, O(height) space in the iterator
 *        range [lo, hi)        O(log n + number of keys reported)
 *
 * What it cannot do: keys are plain uint64_t compared as numbers (no
 * comparator); an iterator is invalidated by any insert or remove.
 */
#ifndef BTREE_H
#define BTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BTREE_B 6		     /* minimum degree */
#define BTREE_MIN_KEYS (BTREE_B - 1) /* in every node but the root */
#define BTREE_MAX_KEYS (2 * BTREE_B - 1)
/* n >= 2 * B^(height-1) - 1, so 2^64 keys need fewer than 26 levels. */
#define BTREE_MAX_HEIGHT 32

/*
 * A node.  keys/values[0..nkeys) are in use.  children is a flexible array
 * member: an internal node is allocated with BTREE_MAX_KEYS + 1 of them and
 * uses children[0..nkeys]; a leaf is allocated without any (see
 * btree_node_size in btree_node.c), so it must never touch the array.
 */
struct btree_node {
	uint16_t nkeys;
	bool leaf;
	uint64_t keys[BTREE_MAX_KEYS];
	uintptr_t values[BTREE_MAX_KEYS];
	struct btree_node *children[];
};

struct btree {
	struct btree_node *root; /* NULL iff len == 0 */
	size_t len;		 /* number of keys */
	unsigned height;	 /* levels: 0 when empty, 1 for a lone leaf */
};

#define BTREE_INIT ((struct btree){NULL, 0, 0})

enum btree_insert_result {
	BTREE_NO_MEMORY, /* out of memory: the map is unchanged */
	BTREE_INSERTED,	 /* the key was absent and is now present */
	BTREE_REPLACED,	 /* the key was present; its value replaced */
};

void btree_init(struct btree *t);
/* Maps key to value.  On BTREE_REPLACED, *old (if not NULL) receives the
 * previous value.  BTREE_NO_MEMORY leaves the map exactly as it was. */
enum btree_insert_result btree_insert(struct btree *t, uint64_t key,
				      uintptr_t value, uintptr_t *old);
/* True if key is present; then *value (if not NULL) receives its value. */
bool btree_get(const struct btree *t, uint64_t key, uintptr_t *value);
bool btree_contains(const struct btree *t, uint64_t key);
/* Removes key; true if it was present, and then *old (if not NULL)
 * receives its value.  Never allocates. */
bool btree_remove(struct btree *t, uint64_t key, uintptr_t *old);
size_t btree_len(const struct btree *t);
/* Frees every node; the map is empty (and reusable) afterwards. */
void btree_drop(struct btree *t);
/* Panics with "btree_check: <reason>" if an invariant is broken. */
void btree_check(const struct btree *t);

/*
 * In-order iteration, optionally over a range:
 *
 *     struct btree_iter it;
 *     uint64_t k; uintptr_t v;
 *     btree_range(&it, &map, 10, 20);          // keys in [10, 20)
 *     while (btree_iter_next(&it, &k, &v))
 *             ...
 *
 * The iterator is a stack of (node, next key index) from the root down.
 * Any insert or remove invalidates it.
 */
struct btree_iter {
	struct btree_node *node[BTREE_MAX_HEIGHT];
	uint16_t pos[BTREE_MAX_HEIGHT];
	int depth;    /* top of the stack; -1 when finished */
	bool bounded; /* stop at hi */
	uint64_t hi;
};

/* Every key, ascending. */
void btree_iter_init(struct btree_iter *it, const struct btree *t);
/* The keys k with lo <= k < hi, ascending (none if lo >= hi). */
void btree_range(struct btree_iter *it, const struct btree *t, uint64_t lo,
		 uint64_t hi);
/* The next key and value (either pointer may be NULL); false at the end. */
bool btree_iter_next(struct btree_iter *it, uint64_t *key, uintptr_t *value);

/* ------------------------------------------------------------ BTreeSet */

/* A set of uint64_t: a map whose values are unused. */
struct btree_set {
	struct btree map;
};

#define BTREE_SET_INIT ((struct btree_set){BTREE_INIT})

void btree_set_init(struct btree_set *s);
/* BTREE_INSERTED, BTREE_REPLACED (already present: set unchanged), or
 * BTREE_NO_MEMORY (set unchanged). */
enum btree_insert_result btree_set_insert(struct btree_set *s, uint64_t key);
bool btree_set_contains(const struct btree_set *s, uint64_t key);
/* True if key was present. */
bool btree_set_remove(struct btree_set *s, uint64_t key);
size_t btree_set_len(const struct btree_set *s);
void btree_set_iter_init(struct btree_iter *it, const struct btree_set *s);
void btree_set_range(struct btree_iter *it, const struct btree_set *s,
		     uint64_t lo, uint64_t hi);
bool btree_set_iter_next(struct btree_iter *it, uint64_t *key);
void btree_set_drop(struct btree_set *s);
void btree_set_check(const struct btree_set *s);

#endif

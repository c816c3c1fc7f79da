/*
 * btree.c - BTreeMap and BTreeSet; see btree.h for the theory of operation.
 *
 * Insert and remove are iterative: the way down is recorded in a path
 * (the node at each depth and the child index taken), and splits, borrows
 * and merges then walk that path back up.  No parent pointers are kept.
 */
#include "btree.h"

#include "alloc.h"
#include "mem.h"
#include "panic.h"

#define B BTREE_B
#define MIN_KEYS BTREE_MIN_KEYS
#define MAX_KEYS BTREE_MAX_KEYS

/* Freed nodes are filled with this, so a stale pointer reads junk keys and
 * wild child pointers instead of plausible data. */
#define BTREE_POISON 0x6b

_Static_assert(MAX_KEYS <= UINT16_MAX, "nkeys must fit in a uint16_t");
_Static_assert(B >= 2, "a B-tree needs a minimum degree of at least 2");

/* ------------------------------------------------------------- nodes */

/* A leaf is allocated without the children array:
 *
 *     leaf       | nkeys leaf | keys[2B-1] | values[2B-1] |
 *     internal   | nkeys leaf | keys[2B-1] | values[2B-1] | children[2B] |
 */
static size_t node_size(bool leaf)
{
	return sizeof(struct btree_node) +
	       (leaf ? 0 : (MAX_KEYS + 1) * sizeof(struct btree_node *));
}

/* A new empty node, or NULL if out of memory. */
static struct btree_node *node_alloc(bool leaf)
{
	struct btree_node *n =
		kmalloc(node_size(leaf), _Alignof(struct btree_node));
	if (n != NULL) {
		n->nkeys = 0;
		n->leaf = leaf;
	}
	return n;
}

static void node_free(struct btree_node *n)
{
	size_t size = node_size(n->leaf);
	memset(n, BTREE_POISON, size);
	kfree(n, size, _Alignof(struct btree_node));
}

/* The first index i with keys[i] >= key (nkeys if there is none): where
 * key is, or the child to descend into to look for it. */
static uint16_t node_lower_bound(const struct btree_node *n, uint64_t key)
{
	uint16_t i = 0;
	while (i < n->nkeys && n->keys[i] < key)
		i++;
	return i;
}

/* Inserts key/value at index i and, in an internal node, `right` as the
 * child just after it.  Requires nkeys < MAX_KEYS. */
static void node_insert_at(struct btree_node *n, uint16_t i, uint64_t key,
			   uintptr_t value, struct btree_node *right)
{
	memmove(&n->keys[i + 1], &n->keys[i],
		(n->nkeys - i) * sizeof(n->keys[0]));
	memmove(&n->values[i + 1], &n->values[i],
		(n->nkeys - i) * sizeof(n->values[0]));
	n->keys[i] = key;
	n->values[i] = value;
	if (!n->leaf) {
		memmove(&n->children[i + 2], &n->children[i + 1],
			(n->nkeys - i) * sizeof(n->children[0]));
		n->children[i + 1] = right;
	}
	n->nkeys++;
}

/* Removes key/value at index i and, in an internal node, the child just
 * after it (children[i + 1]). */
static void node_remove_at(struct btree_node *n, uint16_t i)
{
	memmove(&n->keys[i], &n->keys[i + 1],
		(n->nkeys - i - 1) * sizeof(n->keys[0]));
	memmove(&n->values[i], &n->values[i + 1],
		(n->nkeys - i - 1) * sizeof(n->values[0]));
	if (!n->leaf)
		memmove(&n->children[i + 1], &n->children[i + 2],
			(n->nkeys - i - 1) * sizeof(n->children[0]));
	n->nkeys--;
}

/*
 * Splits a full node n around its median into n and the empty node sib
 * (of the same kind), returning the median through *key and *value:
 *
 *     n  | k0 .. k(B-2) | k(B-1) | kB .. k(2B-2) |
 *          stays in n    median   moves to sib
 *
 * Both halves get B-1 keys; in an internal node n keeps children 0..B-1
 * and sib gets children B..2B-1.
 */
static void node_split(struct btree_node *n, struct btree_node *sib,
		       uint64_t *key, uintptr_t *value)
{
	sib->nkeys = B - 1;
	memcpy(sib->keys, &n->keys[B], (B - 1) * sizeof(n->keys[0]));
	memcpy(sib->values, &n->values[B], (B - 1) * sizeof(n->values[0]));
	if (!n->leaf)
		memcpy(sib->children, &n->children[B],
		       B * sizeof(n->children[0]));
	*key = n->keys[B - 1];
	*value = n->values[B - 1];
	n->nkeys = B - 1;
}

/* ------------------------------------------------------------ lookups */

void btree_init(struct btree *t)
{
	*t = BTREE_INIT;
}

size_t btree_len(const struct btree *t)
{
	return t->len;
}

bool btree_get(const struct btree *t, uint64_t key, uintptr_t *value)
{
	const struct btree_node *n = t->root;
	while (n != NULL) {
		uint16_t i = node_lower_bound(n, key);
		if (i < n->nkeys && n->keys[i] == key) {
			if (value != NULL)
				*value = n->values[i];
			return true;
		}
		n = n->leaf ? NULL : n->children[i];
	}
	return false;
}

bool btree_contains(const struct btree *t, uint64_t key)
{
	return btree_get(t, key, NULL);
}

/* ------------------------------------------------------------- insert */

enum btree_insert_result btree_insert(struct btree *t, uint64_t key,
				      uintptr_t value, uintptr_t *old)
{
	struct btree_node *path[BTREE_MAX_HEIGHT];
	uint16_t idx[BTREE_MAX_HEIGHT];

	if (t->root == NULL) {
		struct btree_node *leaf = node_alloc(true);
		if (leaf == NULL)
			return BTREE_NO_MEMORY;
		node_insert_at(leaf, 0, key, value, NULL);
		t->root = leaf;
		t->len = 1;
		t->height = 1;
		return BTREE_INSERTED;
	}

	/* Down to the leaf; a key met on the way is replaced in place. */
	int depth = 0;
	struct btree_node *n = t->root;
	for (;;) {
		uint16_t i = node_lower_bound(n, key);
		if (i < n->nkeys && n->keys[i] == key) {
			if (old != NULL)
				*old = n->values[i];
			n->values[i] = value;
			return BTREE_REPLACED;
		}
		ASSERT(depth < BTREE_MAX_HEIGHT, "btree_insert: tree too tall");
		path[depth] = n;
		idx[depth] = i;
		if (n->leaf)
			break;
		n = n->children[i];
		depth++;
	}

	/*
	 * Preallocate.  The nodes that will split are the full ones from the
	 * leaf up to the first non-full ancestor; each needs a sibling, and
	 * if the root splits too, a new root.  Nothing is modified until all
	 * of them are in hand.
	 */
	struct btree_node *sibling[BTREE_MAX_HEIGHT];
	struct btree_node *new_root = NULL;
	int top = depth; /* the highest node that will NOT split, or -1 */
	while (top >= 0 && path[top]->nkeys == MAX_KEYS)
		top--;
	for (int d = depth; d > top; d--) {
		sibling[d] = node_alloc(path[d]->leaf);
		if (sibling[d] == NULL)
			goto out_of_memory;
	}
	if (top < 0 && (new_root = node_alloc(false)) == NULL)
		goto out_of_memory;

	/* Insert at the leaf; each split carries a median up one level. */
	uint64_t k = key;
	uintptr_t v = value;
	struct btree_node *right = NULL;
	for (int d = depth; d >= 0; d--) {
		n = path[d];
		uint16_t i = idx[d];
		if (n->nkeys < MAX_KEYS) {
			node_insert_at(n, i, k, v, right);
			t->len++;
			return BTREE_INSERTED;
		}
		uint64_t mk;
		uintptr_t mv;
		node_split(n, sibling[d], &mk, &mv);
		if (i <= B - 1)
			node_insert_at(n, i, k, v, right);
		else
			node_insert_at(sibling[d], i - B, k, v, right);
		k = mk;
		v = mv;
		right = sibling[d];
	}
	/* The root split: a new root holding the median grows the tree. */
	new_root->nkeys = 1;
	new_root->keys[0] = k;
	new_root->values[0] = v;
	new_root->children[0] = t->root;
	new_root->children[1] = right;
	t->root = new_root;
	t->height++;
	t->len++;
	return BTREE_INSERTED;

out_of_memory:
	for (int d = depth; d > top; d--) {
		if (sibling[d] == NULL)
			break;
		node_free(sibling[d]);
	}
	return BTREE_NO_MEMORY;
}

/* ------------------------------------------------------------- remove */

/* children[ci] of p is one key short: take the last key of its left
 * sibling through the parent (a rotation to the right). */
static void borrow_from_left(struct btree_node *p, uint16_t ci)
{
	struct btree_node *left = p->children[ci - 1];
	struct btree_node *n = p->children[ci];
	struct btree_node *moved_child =
		n->leaf ? NULL : left->children[left->nkeys];
	/* insert the separator at the front of n ... */
	memmove(&n->keys[1], &n->keys[0], n->nkeys * sizeof(n->keys[0]));
	memmove(&n->values[1], &n->values[0], n->nkeys * sizeof(n->values[0]));
	if (!n->leaf)
		memmove(&n->children[1], &n->children[0],
			(n->nkeys + 1) * sizeof(n->children[0]));
	n->keys[0] = p->keys[ci - 1];
	n->values[0] = p->values[ci - 1];
	if (!n->leaf)
		n->children[0] = moved_child;
	n->nkeys++;
	/* ... and left's last key replaces it in the parent */
	p->keys[ci - 1] = left->keys[left->nkeys - 1];
	p->values[ci - 1] = left->values[left->nkeys - 1];
	left->nkeys--;
}

/* The mirror image: take the first key of the right sibling. */
static void borrow_from_right(struct btree_node *p, uint16_t ci)
{
	struct btree_node *n = p->children[ci];
	struct btree_node *right = p->children[ci + 1];
	n->keys[n->nkeys] = p->keys[ci];
	n->values[n->nkeys] = p->values[ci];
	if (!n->leaf)
		n->children[n->nkeys + 1] = right->children[0];
	n->nkeys++;
	p->keys[ci] = right->keys[0];
	p->values[ci] = right->values[0];
	memmove(&right->keys[0], &right->keys[1],
		(right->nkeys - 1) * sizeof(right->keys[0]));
	memmove(&right->values[0], &right->values[1],
		(right->nkeys - 1) * sizeof(right->values[0]));
	if (!right->leaf)
		memmove(&right->children[0], &right->children[1],
			right->nkeys * sizeof(right->children[0]));
	right->nkeys--;
}

/*
 * Merges children[i + 1] of p into children[i], with the separator
 * keys[i] between them, and frees children[i + 1]:
 *
 *     p       | .. S .. |               p     | .. .. |
 *            /         \         ->           |
 *     | a b |           | c d |         | a b S c d |
 *
 * Requires the result to fit: left + 1 + right <= MAX_KEYS.
 */
static void merge_children(struct btree_node *p, uint16_t i)
{
	struct btree_node *left = p->children[i];
	struct btree_node *right = p->children[i + 1];
	uint16_t at = left->nkeys;
	left->keys[at] = p->keys[i];
	left->values[at] = p->values[i];
	memcpy(&left->keys[at + 1], right->keys,
	       right->nkeys * sizeof(right->keys[0]));
	memcpy(&left->values[at + 1], right->values,
	       right->nkeys * sizeof(right->values[0]));
	if (!left->leaf)
		memcpy(&left->children[at + 1], right->children,
		       (right->nkeys + 1) * sizeof(right->children[0]));
	left->nkeys = at + 1 + right->nkeys;
	node_remove_at(p, i); /* drops keys[i] and children[i + 1] */
	node_free(right);
}

bool btree_remove(struct btree *t, uint64_t key, uintptr_t *old)
{
	struct btree_node *path[BTREE_MAX_HEIGHT];
	uint16_t idx[BTREE_MAX_HEIGHT];
	struct btree_node *n = t->root;
	int depth = 0;
	uint16_t i;

	if (n == NULL)
		return false;
	for (;;) {
		i = node_lower_bound(n, key);
		path[depth] = n;
		idx[depth] = i;
		if (i < n->nkeys && n->keys[i] == key)
			break;
		if (n->leaf)
			return false;
		n = n->children[i];
		depth++;
	}
	if (old != NULL)
		*old = n->values[i];

	/* A key in an internal node is overwritten by its in-order
	 * predecessor, the last key of the rightmost leaf of children[i];
	 * that leaf key is the one then removed. */
	if (!n->leaf) {
		struct btree_node *target = n;
		uint16_t ti = i;
		n = n->children[i];
		depth++;
		while (!n->leaf) {
			path[depth] = n;
			idx[depth] = n->nkeys;
			n = n->children[n->nkeys];
			depth++;
		}
		i = n->nkeys - 1;
		path[depth] = n;
		idx[depth] = i;
		target->keys[ti] = n->keys[i];
		target->values[ti] = n->values[i];
	}
	node_remove_at(n, i);
	t->len--;

	/* Walk up while a node is short of keys. */
	for (int d = depth; d > 0; d--) {
		n = path[d];
		if (n->nkeys >= MIN_KEYS)
			return true;
		struct btree_node *p = path[d - 1];
		uint16_t ci = idx[d - 1];
		if (ci > 0 && p->children[ci - 1]->nkeys > MIN_KEYS) {
			borrow_from_left(p, ci);
			return true;
		}
		if (ci < p->nkeys && p->children[ci + 1]->nkeys > MIN_KEYS) {
			borrow_from_right(p, ci);
			return true;
		}
		/* Both siblings at the minimum: merge, taking a key from p. */
		merge_children(p, ci > 0 ? ci - 1 : ci);
	}

	/* The root may be left empty: it then has one child, or none. */
	struct btree_node *root = t->root;
	if (root->nkeys == 0) {
		t->root = root->leaf ? NULL : root->children[0];
		t->height--;
		node_free(root);
	}
	return true;
}

/* --------------------------------------------------------------- drop */

static void node_free_tree(struct btree_node *n)
{
	if (!n->leaf)
		for (uint16_t i = 0; i <= n->nkeys; i++)
			node_free_tree(n->children[i]);
	node_free(n);
}

void btree_drop(struct btree *t)
{
	if (t->root != NULL)
		node_free_tree(t->root);
	*t = BTREE_INIT;
}

/* -------------------------------------------------------------- check */

struct check_bounds {
	bool has_lo, has_hi;
	uint64_t lo, hi; /* exclusive */
};

/* Checks the subtree at n (at `depth`) and returns its number of keys. */
static size_t check_node(const struct btree *t, const struct btree_node *n,
			 unsigned depth, struct check_bounds b)
{
	if (n == NULL)
		panic("btree_check: NULL child at depth %u", depth);
	if (depth >= t->height)
		panic("btree_check: node at depth %u, below the height %u",
		      depth, t->height);
	if (n->leaf != (depth == t->height - 1))
		panic("btree_check: %s at depth %u, leaves are at depth %u",
		      n->leaf ? "leaf" : "internal node", depth, t->height - 1);
	if (n->nkeys > MAX_KEYS)
		panic("btree_check: node with %u keys, the maximum is %d",
		      n->nkeys, MAX_KEYS);
	if (depth == 0 ? n->nkeys == 0 : n->nkeys < MIN_KEYS)
		panic("btree_check: node at depth %u has only %u keys", depth,
		      n->nkeys);
	for (uint16_t i = 0; i < n->nkeys; i++) {
		if (i > 0 && n->keys[i - 1] >= n->keys[i])
			panic("btree_check: keys %llu, %llu out of order",
			      (unsigned long long)n->keys[i - 1],
			      (unsigned long long)n->keys[i]);
		if ((b.has_lo && n->keys[i] <= b.lo) ||
		    (b.has_hi && n->keys[i] >= b.hi))
			panic("btree_check: key %llu outside the range its "
			      "parent allows",
			      (unsigned long long)n->keys[i]);
	}
	size_t count = n->nkeys;
	if (!n->leaf) {
		for (uint16_t i = 0; i <= n->nkeys; i++) {
			struct check_bounds cb = b;
			if (i > 0) {
				cb.has_lo = true;
				cb.lo = n->keys[i - 1];
			}
			if (i < n->nkeys) {
				cb.has_hi = true;
				cb.hi = n->keys[i];
			}
			count += check_node(t, n->children[i], depth + 1, cb);
		}
	}
	return count;
}

void btree_check(const struct btree *t)
{
	if (t->root == NULL) {
		if (t->len != 0 || t->height != 0)
			panic("btree_check: no root but len %zu, height %u",
			      t->len, t->height);
		return;
	}
	if (t->height == 0 || t->height > BTREE_MAX_HEIGHT)
		panic("btree_check: height %u", t->height);
	size_t count = check_node(t, t->root, 0, (struct check_bounds){0});
	if (count != t->len)
		panic("btree_check: len is %zu but the tree holds %zu keys",
		      t->len, count);
}

/* ---------------------------------------------------------- iteration */

/*
 * Positions the iterator before the first key >= lo: from the root down,
 * push (node, first index with keys[index] >= lo).  An entry (n, i) on the
 * stack means "keys[i] of n comes next, once everything above it on the
 * stack (the subtree children[i]) is done".
 */
static void iter_seek(struct btree_iter *it, const struct btree *t, uint64_t lo)
{
	it->depth = -1;
	for (struct btree_node *n = t->root; n != NULL;) {
		uint16_t i = node_lower_bound(n, lo);
		it->depth++;
		it->node[it->depth] = n;
		it->pos[it->depth] = i;
		n = n->leaf ? NULL : n->children[i];
	}
}

void btree_iter_init(struct btree_iter *it, const struct btree *t)
{
	iter_seek(it, t, 0);
	it->bounded = false;
	it->hi = 0;
}

void btree_range(struct btree_iter *it, const struct btree *t, uint64_t lo,
		 uint64_t hi)
{
	iter_seek(it, t, lo);
	it->bounded = true;
	it->hi = hi;
}

bool btree_iter_next(struct btree_iter *it, uint64_t *key, uintptr_t *value)
{
	/* Pop the nodes whose keys are all reported. */
	while (it->depth >= 0 &&
	       it->pos[it->depth] >= it->node[it->depth]->nkeys)
		it->depth--;
	if (it->depth < 0)
		return false;
	struct btree_node *n = it->node[it->depth];
	uint16_t i = it->pos[it->depth];
	if (it->bounded && n->keys[i] >= it->hi) {
		it->depth = -1;
		return false;
	}
	if (key != NULL)
		*key = n->keys[i];
	if (value != NULL)
		*value = n->values[i];
	/* Next: the leftmost key of the subtree right of keys[i]. */
	it->pos[it->depth] = i + 1;
	if (!n->leaf) {
		for (n = n->children[i + 1]; n != NULL;
		     n = n->leaf ? NULL : n->children[0]) {
			it->depth++;
			it->node[it->depth] = n;
			it->pos[it->depth] = 0;
		}
	}
	return true;
}

/* ------------------------------------------------------------ BTreeSet */

void btree_set_init(struct btree_set *s)
{
	btree_init(&s->map);
}

enum btree_insert_result btree_set_insert(struct btree_set *s, uint64_t key)
{
	if (btree_contains(&s->map, key))
		return BTREE_REPLACED;
	return btree_insert(&s->map, key, 0, NULL);
}

bool btree_set_contains(const struct btree_set *s, uint64_t key)
{
	return btree_contains(&s->map, key);
}

bool btree_set_remove(struct btree_set *s, uint64_t key)
{
	return btree_remove(&s->map, key, NULL);
}

size_t btree_set_len(const struct btree_set *s)
{
	return btree_len(&s->map);
}

void btree_set_iter_init(struct btree_iter *it, const struct btree_set *s)
{
	btree_iter_init(it, &s->map);
}

void btree_set_range(struct btree_iter *it, const struct btree_set *s,
		     uint64_t lo, uint64_t hi)
{
	btree_range(it, &s->map, lo, hi);
}

bool btree_set_iter_next(struct btree_iter *it, uint64_t *key)
{
	return btree_iter_next(it, key, NULL);
}

void btree_set_drop(struct btree_set *s)
{
	btree_drop(&s->map);
}

void btree_set_check(const struct btree_set *s)
{
	btree_check(&s->map);
}

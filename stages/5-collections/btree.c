/*
 * btree.c - BTreeMap and BTreeSet: lookups, iteration, drop and the
 * invariant check; see btree.h for the theory of operation, btree_insert.c
 * and btree_remove.c for the two operations that change the tree.
 */
#include "btree.h"

#include "btree_node.h"
#include "panic.h"

#define MIN_KEYS BTREE_MIN_KEYS
#define MAX_KEYS BTREE_MAX_KEYS

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
		uint16_t i = btree_node_lower_bound(n, key);
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

/* --------------------------------------------------------------- drop */

static void node_free_tree(struct btree_node *n)
{
	if (!n->leaf)
		for (uint16_t i = 0; i <= n->nkeys; i++)
			node_free_tree(n->children[i]);
	btree_node_free(n);
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
		uint16_t i = btree_node_lower_bound(n, lo);
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

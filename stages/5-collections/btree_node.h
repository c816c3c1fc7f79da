/*
 * btree_node.h - a B-tree's nodes and the path down to a key, shared by
 * the files of the B-tree (btree.c, btree_insert.c, btree_remove.c).
 * Users of the map need only btree.h.
 *
 * A node is two arrays kept sorted, keys and values, and in an internal
 * node one child more than keys (struct btree_node, in btree.h).  Putting
 * a key in or taking one out shifts the arrays' tails by one place: O(B),
 * since a node never holds more than 2B-1 keys.
 */
#ifndef BTREE_NODE_H
#define BTREE_NODE_H

#include "btree.h"

/* The bytes a node is allocated with: a leaf has no children array. */
size_t btree_node_size(bool leaf);
/* A new empty node, or NULL if out of memory. */
struct btree_node *btree_node_alloc(bool leaf);
/* Frees a node, poisoned first: a stale pointer then reads junk keys and
 * wild child pointers instead of plausible data. */
void btree_node_free(struct btree_node *n);

/* The first index i with keys[i] >= key (nkeys if there is none): where
 * key is, or the child to descend into to look for it. */
uint16_t btree_node_lower_bound(const struct btree_node *n, uint64_t key);
/* Inserts key/value at index i and, in an internal node, `right` as the
 * child just after it.  Requires nkeys < BTREE_MAX_KEYS. */
void btree_node_insert_at(struct btree_node *n, uint16_t i, uint64_t key,
			  uintptr_t value, struct btree_node *right);
/* Removes key/value at index i and, in an internal node, the child just
 * after it (children[i + 1]). */
void btree_node_remove_at(struct btree_node *n, uint16_t i);

/*
 * The way from the root down to a key: node[d] is the node at depth d and
 * idx[d] the index taken there (the key's, or the child's descended into).
 * Insert and remove record it on the way down, then walk it back up to
 * split, borrow or merge: no node keeps a pointer to its parent.
 */
struct btree_path {
	struct btree_node *node[BTREE_MAX_HEIGHT];
	uint16_t idx[BTREE_MAX_HEIGHT];
	int depth; /* of the last node recorded */
};

/* Records the way from t's root (t must not be empty) down to key.  True
 * if key is in the tree: it is keys[idx[depth]] of node[depth].  False if
 * not: node[depth] is the leaf where it belongs, at idx[depth]. */
bool btree_path_find(const struct btree *t, uint64_t key, struct btree_path *p);

#endif

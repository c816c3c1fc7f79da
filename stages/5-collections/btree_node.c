/*
 * btree_node.c - a B-tree's nodes: allocating one, keeping its keys sorted
 * as one goes in or comes out, and the path from the root down to a key.
 */
#include "btree_node.h"

#include "alloc.h"
#include "mem.h"
#include "panic.h"

/* Freed nodes are filled with this (btree_node_free). */
#define BTREE_POISON 0x6b

_Static_assert(BTREE_MAX_KEYS <= UINT16_MAX, "nkeys must fit in a uint16_t");
_Static_assert(BTREE_B >= 2, "a B-tree needs a minimum degree of at least 2");

/* A leaf is allocated without the children array:
 *
 *     leaf       | nkeys leaf | keys[2B-1] | values[2B-1] |
 *     internal   | nkeys leaf | keys[2B-1] | values[2B-1] | children[2B] |
 */
size_t btree_node_size(bool leaf)
{
	return sizeof(struct btree_node) +
	       (leaf ? 0 : (BTREE_MAX_KEYS + 1) * sizeof(struct btree_node *));
}

struct btree_node *btree_node_alloc(bool leaf)
{
	struct btree_node *n =
		kmalloc(btree_node_size(leaf), _Alignof(struct btree_node));
	if (n != NULL) {
		n->nkeys = 0;
		n->leaf = leaf;
	}
	return n;
}

void btree_node_free(struct btree_node *n)
{
	size_t size = btree_node_size(n->leaf);
	memset(n, BTREE_POISON, size);
	kfree(n, size, _Alignof(struct btree_node));
}

uint16_t btree_node_lower_bound(const struct btree_node *n, uint64_t key)
{
	uint16_t i = 0;
	while (i < n->nkeys && n->keys[i] < key)
		i++;
	return i;
}

void btree_node_insert_at(struct btree_node *n, uint16_t i, uint64_t key,
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

void btree_node_remove_at(struct btree_node *n, uint16_t i)
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

bool btree_path_find(const struct btree *t, uint64_t key, struct btree_path *p)
{
	struct btree_node *n = t->root;
	for (p->depth = 0;; p->depth++) {
		ASSERT(p->depth < BTREE_MAX_HEIGHT,
		       "btree_path_find: tree too tall");
		uint16_t i = btree_node_lower_bound(n, key);
		p->node[p->depth] = n;
		p->idx[p->depth] = i;
		if (i < n->nkeys && n->keys[i] == key)
			return true;
		if (n->leaf)
			return false;
		n = n->children[i];
	}
}

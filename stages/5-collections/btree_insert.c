/*
 * btree_insert.c - putting a key into a B-tree (btree.h: the map, its
 * invariants; btree_node.h: the nodes and the path).
 *
 * Theory of operation
 * -------------------
 * Insert goes down to a leaf and puts the key there.  A leaf that would
 * hold 2B keys is split around its median, which moves up into the parent,
 * and that may split the parent in turn; splitting the root adds a level:
 *
 *     before   parent | 30 |       full leaf | a b c d e M f g h i j |
 *     after    parent | M | 30 |   left | a b c d e |   right | f g h i j |
 *
 * It never fails halfway.  Before changing anything, insert counts how many
 * nodes its splits will need (the full nodes on the path from the leaf up,
 * plus a new root if the root splits) and allocates them all first: if one
 * allocation fails, the others are freed and the tree is untouched.
 *
 * Three steps, a function each: find the leaf (btree_path_find, which
 * records the way down), allocate the splits (splits_alloc), then insert
 * and split on the way back up (insert_up).
 */
#include "btree_node.h"

#include "mem.h"

#define B BTREE_B
#define MAX_KEYS BTREE_MAX_KEYS

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

/* The nodes an insert needs before it may change anything. */
struct splits {
	struct btree_node *sibling[BTREE_MAX_HEIGHT]; /* one per split node */
	struct btree_node *new_root; /* if the root splits too, else NULL */
	int top; /* the highest node that will NOT split, or -1 */
};

/*
 * The nodes that will split are the full ones from the leaf at the end of
 * p up to the first that is not full; each needs a sibling, and if the
 * root splits too, a new root.  Allocates them all; false if memory runs
 * out, and then whatever it got is freed again.
 */
static bool splits_alloc(const struct btree_path *p, struct splits *s)
{
	s->new_root = NULL;
	s->top = p->depth;
	while (s->top >= 0 && p->node[s->top]->nkeys == MAX_KEYS)
		s->top--;
	for (int d = p->depth; d > s->top; d--) {
		s->sibling[d] = btree_node_alloc(p->node[d]->leaf);
		if (s->sibling[d] == NULL)
			goto out_of_memory;
	}
	if (s->top < 0 && (s->new_root = btree_node_alloc(false)) == NULL)
		goto out_of_memory;
	return true;

out_of_memory:
	for (int d = p->depth; d > s->top && s->sibling[d] != NULL; d--)
		btree_node_free(s->sibling[d]);
	return false;
}

/* Inserts key/value into the leaf at the end of p; each split carries a
 * median up one level, with the sibling s holds for it. */
static void insert_up(struct btree *t, const struct btree_path *p,
		      const struct splits *s, uint64_t key, uintptr_t value)
{
	struct btree_node *right = NULL;
	for (int d = p->depth; d >= 0; d--) {
		struct btree_node *n = p->node[d];
		uint16_t i = p->idx[d];
		if (n->nkeys < MAX_KEYS) {
			btree_node_insert_at(n, i, key, value, right);
			return;
		}
		uint64_t mk;
		uintptr_t mv;
		node_split(n, s->sibling[d], &mk, &mv);
		if (i <= B - 1)
			btree_node_insert_at(n, i, key, value, right);
		else
			btree_node_insert_at(s->sibling[d], i - B, key, value,
					     right);
		key = mk;
		value = mv;
		right = s->sibling[d];
	}
	/* The root split: a new root holding the median grows the tree. */
	struct btree_node *root = s->new_root;
	root->nkeys = 1;
	root->keys[0] = key;
	root->values[0] = value;
	root->children[0] = t->root;
	root->children[1] = right;
	t->root = root;
	t->height++;
}

enum btree_insert_result btree_insert(struct btree *t, uint64_t key,
				      uintptr_t value, uintptr_t *old)
{
	if (t->root == NULL) {
		struct btree_node *leaf = btree_node_alloc(true);
		if (leaf == NULL)
			return BTREE_NO_MEMORY;
		btree_node_insert_at(leaf, 0, key, value, NULL);
		t->root = leaf;
		t->len = 1;
		t->height = 1;
		return BTREE_INSERTED;
	}

	/* Down to the leaf; a key met on the way is replaced in place. */
	struct btree_path path;
	if (btree_path_find(t, key, &path)) {
		struct btree_node *n = path.node[path.depth];
		uint16_t i = path.idx[path.depth];
		if (old != NULL)
			*old = n->values[i];
		n->values[i] = value;
		return BTREE_REPLACED;
	}
	struct splits splits;
	if (!splits_alloc(&path, &splits))
		return BTREE_NO_MEMORY;
	insert_up(t, &path, &splits, key, value);
	t->len++;
	return BTREE_INSERTED;
}

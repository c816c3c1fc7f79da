/*
 * btree_remove.c - taking a key out of a B-tree (btree.h: the map, its
 * invariants; btree_node.h: the nodes and the path).
 *
 * Theory of operation
 * -------------------
 * Remove takes a key out of a leaf (a key in an internal node is first
 * swapped with its in-order predecessor, which is in a leaf).  A node left
 * with B-2 keys borrows one through the parent from a sibling that has a
 * key to spare, or else is merged with a sibling and the separating key
 * from the parent (B-2 + 1 + B-1 = 2B-2 keys), which may leave the parent
 * short in turn; an empty root is replaced by its only child.
 *
 *     borrow   parent | 40 |   left | ... 30 35 |  short | 50 |
 *          ->  parent | 35 |   left | ... 30 |     short | 40 50 |
 *
 * Removal never allocates: a borrow moves keys, a merge frees the node it
 * empties.  The way down is recorded (btree_path_find), and borrows and
 * merges walk it back up.
 */
#include "btree_node.h"

#include "mem.h"

#define MIN_KEYS BTREE_MIN_KEYS

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
	btree_node_remove_at(p, i); /* drops keys[i] and children[i + 1] */
	btree_node_free(right);
}

bool btree_remove(struct btree *t, uint64_t key, uintptr_t *old)
{
	struct btree_path path;
	if (t->root == NULL || !btree_path_find(t, key, &path))
		return false;
	int depth = path.depth;
	struct btree_node *n = path.node[depth];
	uint16_t i = path.idx[depth];
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
			path.node[depth] = n;
			path.idx[depth] = n->nkeys;
			n = n->children[n->nkeys];
			depth++;
		}
		i = n->nkeys - 1;
		path.node[depth] = n;
		path.idx[depth] = i;
		target->keys[ti] = n->keys[i];
		target->values[ti] = n->values[i];
	}
	btree_node_remove_at(n, i);
	t->len--;

	/* Walk up while a node is short of keys. */
	for (int d = depth; d > 0; d--) {
		n = path.node[d];
		if (n->nkeys >= MIN_KEYS)
			return true;
		struct btree_node *p = path.node[d - 1];
		uint16_t ci = path.idx[d - 1];
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
		btree_node_free(root);
	}
	return true;
}

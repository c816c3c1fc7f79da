// sources: stages/5-collections/btree.c stages/5-collections/btree_node.c stages/5-collections/btree_insert.c stages/5-collections/btree_remove.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
/*
 * Exercise 5.5: what a B-tree costs in nodes (stages/5-collections/
 * btree.c, btree.h):
 *
 *   size_t btree_node_count(const struct btree *t);  nodes in the tree
 *   size_t btree_node_bytes(const struct btree *t);  bytes they take, as
 *                                                    allocated (a leaf has
 *                                                    no children array)
 *
 * and, with them, the lesson's claim about the churn: two leaves and one
 * internal node, 648 bytes, and no node allocated after the first split.
 */
#include <stddef.h>

#include "btree.h"
#include "harness.h"
#include "host_alloc.h"

#define LEAF offsetof(struct btree_node, children)
#define INTERNAL (LEAF + (BTREE_MAX_KEYS + 1) * sizeof(struct btree_node *))

TEST(an_empty_tree_has_no_node)
{
	struct btree t;
	btree_init(&t);
	CHECK_EQ(btree_node_count(&t), 0);
	CHECK_EQ(btree_node_bytes(&t), 0);
}

TEST(a_full_leaf_then_a_split)
{
	struct btree t;
	btree_init(&t);
	for (uint64_t k = 0; k < BTREE_MAX_KEYS; k++)
		CHECK(btree_insert(&t, k, k, NULL) == BTREE_INSERTED);
	CHECK_EQ(btree_node_count(&t), 1);
	CHECK_EQ(btree_node_bytes(&t), LEAF);
	CHECK(btree_insert(&t, 100, 0, NULL) == BTREE_INSERTED);
	CHECK_EQ(btree_node_count(&t), 3); /* two leaves and a new root */
	CHECK_EQ(btree_node_bytes(&t), 2 * LEAF + INTERNAL);
	btree_drop(&t);
}

TEST(the_count_matches_what_was_allocated)
{
	struct btree t;
	btree_init(&t);
	size_t live = host_alloc_live();
	for (uint64_t k = 0; k < 1000; k++)
		CHECK(btree_insert(&t, k * 7919 % 1000, k, NULL) ==
		      BTREE_INSERTED);
	btree_check(&t);
	CHECK_EQ(btree_node_count(&t), host_alloc_live() - live);
	for (uint64_t k = 0; k < 1000; k += 3)
		CHECK(btree_remove(&t, k, NULL));
	CHECK_EQ(btree_node_count(&t), host_alloc_live() - live);
	btree_drop(&t);
}

/* collections_demo.c's churn, without the process records: insert pid,
 * remove pid - 16.  From the first split on, the tree only borrows. */
TEST(the_churn_settles_at_three_nodes_and_allocates_no_more)
{
	struct btree t;
	btree_init(&t);
	size_t allocations = host_alloc_count();
	for (uint64_t pid = 1; pid < 3180; pid++) {
		CHECK(btree_insert(&t, pid, pid, NULL) == BTREE_INSERTED);
		if (pid > 16)
			CHECK(btree_remove(&t, pid - 16, NULL));
	}
	CHECK_EQ(btree_len(&t), 16);
	CHECK_EQ(btree_node_count(&t), 3);
	CHECK_EQ(host_alloc_count() - allocations, 3); /* in total */
	if (BTREE_B == 6) {
		CHECK_EQ(LEAF, 184);
		CHECK_EQ(INTERNAL, 280);
		CHECK_EQ(btree_node_bytes(&t), 648);
	}
	btree_drop(&t);
}

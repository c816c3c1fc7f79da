// sources: stages/5-collections/btree.c stages/5-collections/btree_node.c stages/5-collections/btree_insert.c stages/5-collections/btree_remove.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "btree.h"
#include "harness.h"
#include "host_alloc.h"

TEST(btree_empty)
{
	size_t live = host_alloc_live();
	struct btree t;
	btree_init(&t);
	uintptr_t v = 9;
	CHECK_EQ(btree_len(&t), 0);
	CHECK(!btree_get(&t, 1, &v));
	CHECK_EQ(v, 9);
	CHECK(!btree_remove(&t, 1, &v));
	struct btree_iter it;
	btree_iter_init(&it, &t);
	CHECK(!btree_iter_next(&it, NULL, NULL));
	btree_check(&t);
	btree_drop(&t);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(btree_insert_get_replace)
{
	struct btree t = BTREE_INIT;
	uintptr_t old = 0, v = 0;
	CHECK_EQ(btree_insert(&t, 5, 50, &old), BTREE_INSERTED);
	CHECK_EQ(btree_insert(&t, 3, 30, &old), BTREE_INSERTED);
	CHECK_EQ(btree_insert(&t, 5, 55, &old), BTREE_REPLACED);
	CHECK_EQ(old, 50);
	CHECK_EQ(btree_len(&t), 2);
	CHECK(btree_get(&t, 5, &v));
	CHECK_EQ(v, 55);
	CHECK(btree_contains(&t, 3));
	CHECK(!btree_contains(&t, 4));
	CHECK_EQ(btree_insert(&t, UINT64_MAX, 1, NULL), BTREE_INSERTED);
	CHECK_EQ(btree_insert(&t, 0, 2, NULL), BTREE_INSERTED);
	CHECK(btree_get(&t, UINT64_MAX, &v));
	CHECK_EQ(v, 1);
	btree_check(&t);
	btree_drop(&t);
}

TEST(btree_splits_grow_the_tree)
{
	size_t live = host_alloc_live();
	struct btree t = BTREE_INIT;
	for (uint64_t k = 0; k < BTREE_MAX_KEYS; k++)
		CHECK_EQ(btree_insert(&t, k, k, NULL), BTREE_INSERTED);
	CHECK_EQ(t.height, 1); /* one full leaf */
	CHECK_EQ(t.root->nkeys, BTREE_MAX_KEYS);
	CHECK_EQ(btree_insert(&t, 100, 0, NULL), BTREE_INSERTED);
	btree_check(&t);
	CHECK_EQ(t.height, 2); /* root split */
	CHECK_EQ(t.root->nkeys, 1);
	CHECK_EQ(t.root->keys[0], BTREE_B - 1); /* the median */
	CHECK_EQ(host_alloc_live(), live + 3);
	for (uint64_t k = 200; k < 20200; k++) {
		CHECK_EQ(btree_insert(&t, k * 7919 % 100003, k, NULL),
			 BTREE_INSERTED);
	}
	btree_check(&t);
	CHECK(t.height >= 4);
	btree_drop(&t);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(btree_remove_rebalances_down_to_empty)
{
	size_t live = host_alloc_live();
	struct btree t = BTREE_INIT;
	for (uint64_t k = 0; k < 3000; k++)
		CHECK_EQ(btree_insert(&t, k, k * 2, NULL), BTREE_INSERTED);
	btree_check(&t);
	/* from the middle outwards, to hit borrows and merges at all levels */
	for (uint64_t j = 0; j < 3000; j++) {
		uint64_t k = j % 2 ? 1500 + j / 2 + 1 : 1500 - j / 2 - 1;
		if (j == 2999)
			k = 1500;
		if (k >= 3000)
			continue;
		uintptr_t old = 0;
		CHECK_MSG(btree_remove(&t, k, &old), "remove %llu",
			  (unsigned long long)k);
		CHECK_EQ(old, k * 2);
		CHECK(!btree_contains(&t, k));
		btree_check(&t);
	}
	CHECK_EQ(btree_len(&t), 0);
	CHECK(t.root == NULL);
	CHECK_EQ(t.height, 0);
	CHECK_EQ(host_alloc_live(), live);
	CHECK(!btree_remove(&t, 5, NULL));
	btree_drop(&t);
}

TEST(btree_iteration_in_order)
{
	struct btree t = BTREE_INIT;
	uint64_t rng = 17;
	for (int i = 0; i < 2000; i++) {
		uint64_t k = harness_rand(&rng) % 5000;
		btree_insert(&t, k, (uintptr_t)k + 1, NULL);
	}
	struct btree_iter it;
	uint64_t k, prev = 0;
	uintptr_t v;
	size_t n = 0;
	btree_iter_init(&it, &t);
	while (btree_iter_next(&it, &k, &v)) {
		if (n > 0)
			CHECK(prev < k);
		CHECK_EQ(v, k + 1);
		prev = k;
		n++;
	}
	CHECK_EQ(n, btree_len(&t));
	CHECK(!btree_iter_next(&it, &k, &v)); /* stays finished */
	btree_drop(&t);
}

TEST(btree_range_queries)
{
	struct btree t = BTREE_INIT;
	for (uint64_t k = 0; k < 1000; k += 10)
		btree_insert(&t, k, k, NULL);
	struct btree_iter it;
	uint64_t k;
	/* [25, 75): 30 40 50 60 70 */
	btree_range(&it, &t, 25, 75);
	uint64_t want = 30;
	while (btree_iter_next(&it, &k, NULL)) {
		CHECK_EQ(k, want);
		want += 10;
	}
	CHECK_EQ(want, 80);
	/* exact bounds: [30, 40) is just 30 */
	btree_range(&it, &t, 30, 40);
	CHECK(btree_iter_next(&it, &k, NULL));
	CHECK_EQ(k, 30);
	CHECK(!btree_iter_next(&it, &k, NULL));
	/* empty ranges */
	btree_range(&it, &t, 31, 39);
	CHECK(!btree_iter_next(&it, &k, NULL));
	btree_range(&it, &t, 500, 500);
	CHECK(!btree_iter_next(&it, &k, NULL));
	btree_range(&it, &t, 600, 100);
	CHECK(!btree_iter_next(&it, &k, NULL));
	btree_range(&it, &t, 995, UINT64_MAX);
	CHECK(!btree_iter_next(&it, &k, NULL));
	/* everything */
	size_t n = 0;
	btree_range(&it, &t, 0, UINT64_MAX);
	while (btree_iter_next(&it, NULL, NULL))
		n++;
	CHECK_EQ(n, 100);
	btree_drop(&t);
}

TEST(btree_set)
{
	size_t live = host_alloc_live();
	struct btree_set s = BTREE_SET_INIT;
	CHECK_EQ(btree_set_insert(&s, 4), BTREE_INSERTED);
	CHECK_EQ(btree_set_insert(&s, 2), BTREE_INSERTED);
	CHECK_EQ(btree_set_insert(&s, 4), BTREE_REPLACED);
	CHECK_EQ(btree_set_len(&s), 2);
	CHECK(btree_set_contains(&s, 2));
	CHECK(!btree_set_contains(&s, 3));
	for (uint64_t k = 100; k < 200; k++)
		CHECK_EQ(btree_set_insert(&s, k), BTREE_INSERTED);
	CHECK(btree_set_remove(&s, 2));
	CHECK(!btree_set_remove(&s, 2));
	struct btree_iter it;
	uint64_t k;
	btree_set_iter_init(&it, &s);
	CHECK(btree_set_iter_next(&it, &k));
	CHECK_EQ(k, 4);
	CHECK(btree_set_iter_next(&it, &k));
	CHECK_EQ(k, 100);
	btree_set_range(&it, &s, 150, 152);
	CHECK(btree_set_iter_next(&it, &k));
	CHECK_EQ(k, 150);
	CHECK(btree_set_iter_next(&it, &k));
	CHECK_EQ(k, 151);
	CHECK(!btree_set_iter_next(&it, &k));
	btree_set_check(&s);
	btree_set_drop(&s);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(btree_check_detects_broken_invariants)
{
	struct btree t = BTREE_INIT;
	for (uint64_t k = 0; k < 100; k++)
		btree_insert(&t, k, 0, NULL);
	struct btree_node *leaf = t.root;
	while (!leaf->leaf)
		leaf = leaf->children[0];
	uint64_t saved = leaf->keys[1];
	leaf->keys[1] = leaf->keys[0];
	EXPECT_PANIC("btree_check: keys 0, 0 out of order", btree_check(&t));
	leaf->keys[1] = 1000;
	EXPECT_PANIC("outside the range its parent allows", btree_check(&t));
	leaf->keys[1] = saved;
	uint16_t n = leaf->nkeys;
	leaf->nkeys = BTREE_MIN_KEYS - 1;
	EXPECT_PANIC("btree_check: node at depth", btree_check(&t));
	leaf->nkeys = n;
	t.len++;
	EXPECT_PANIC("btree_check: len is 101 but the tree holds 100 keys",
		     btree_check(&t));
	t.len--;
	t.height++;
	EXPECT_PANIC("btree_check: leaf at depth", btree_check(&t));
	t.height--;
	btree_check(&t);
	btree_drop(&t);
}

/* ------------------------------------------------ randomized vs. a model */

#define KEYS 1024

/* The model: a plain array indexed by key. */
static struct {
	bool present[KEYS];
	uintptr_t value[KEYS];
	size_t len;
} model;

static void model_reset(void)
{
	memset(&model, 0, sizeof model);
}

static void check_equal(const struct btree *t)
{
	btree_check(t);
	CHECK_EQ(btree_len(t), model.len);
	struct btree_iter it;
	uint64_t k;
	uintptr_t v;
	size_t want = 0;
	btree_iter_init(&it, t);
	while (btree_iter_next(&it, &k, &v)) {
		while (want < KEYS && !model.present[want])
			want++;
		CHECK_EQ(k, want);
		CHECK_EQ(v, model.value[want]);
		want++;
	}
	while (want < KEYS && !model.present[want])
		want++;
	CHECK_EQ(want, KEYS);
}

static bool random_op(struct btree *t, uint64_t *rng, unsigned key_range,
		      bool full)
{
	uint64_t r = harness_rand(rng);
	uint64_t k = (r >> 20) % key_range;
	uintptr_t v = (uintptr_t)(r >> 40), got = 0;
	switch (r % 8) {
	case 0:
	case 1:
	case 2:
	case 3: { /* insert */
		enum btree_insert_result res = btree_insert(t, k, v, &got);
		if (res == BTREE_NO_MEMORY) {
			CHECK(!model.present[k]);
			return false;
		}
		CHECK_EQ(res,
			 model.present[k] ? BTREE_REPLACED : BTREE_INSERTED);
		if (model.present[k])
			CHECK_EQ(got, model.value[k]);
		else
			model.len++;
		model.present[k] = true;
		model.value[k] = v;
		break;
	}
	case 4:
	case 5: /* remove */
		CHECK_EQ(btree_remove(t, k, &got), model.present[k]);
		if (model.present[k]) {
			CHECK_EQ(got, model.value[k]);
			model.present[k] = false;
			model.len--;
		}
		break;
	case 6: /* get */
		CHECK_EQ(btree_get(t, k, &got), model.present[k]);
		if (model.present[k])
			CHECK_EQ(got, model.value[k]);
		break;
	case 7: { /* range [k, k + span) */
		uint64_t hi = k + (r >> 50) % 64, key;
		struct btree_iter it;
		btree_range(&it, t, k, hi);
		uint64_t want = k;
		while (btree_iter_next(&it, &key, NULL)) {
			while (want < hi && !model.present[want])
				want++;
			CHECK_EQ(key, want);
			want++;
		}
		while (want < hi && want < KEYS && !model.present[want])
			want++;
		CHECK(want >= hi || want >= KEYS);
		break;
	}
	}
	if (full)
		check_equal(t);
	else
		btree_check(t);
	return true;
}

TEST(btree_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {23, 0xfeedfacecafebeefULL};
	/* a small key range exercises merges, a larger one a taller tree */
	unsigned ranges[] = {200, KEYS};
	for (size_t s = 0; s < 2; s++) {
		uint64_t rng = seeds[s];
		struct btree t = BTREE_INIT;
		model_reset();
		for (int n = 0; n < 60000; n++)
			CHECK(random_op(&t, &rng, ranges[s], n % 512 == 0));
		check_equal(&t);
		btree_drop(&t);
		CHECK_EQ(host_alloc_live(), live);
	}
}

TEST(btree_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	size_t k;
	for (k = 0;; k++) {
		uint64_t rng = 31;
		struct btree t = BTREE_INIT;
		model_reset();
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 1500; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&t, &rng, 600, n % 16 == 0);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_equal(&t);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		btree_drop(&t);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 2000);
	}
	printf("(%zu failure points)\n", k);
	CHECK(k > 20); /* the sequence did allocate many nodes */
}

/* A failure in the middle of the preallocation of a multi-level split. */
TEST(btree_failed_split_leaves_tree_unchanged)
{
	size_t live = host_alloc_live();
	struct btree t = BTREE_INIT;
	/* build a tree whose rightmost path is full at two levels */
	uint64_t next = 0;
	for (;;) {
		CHECK_EQ(btree_insert(&t, next++, 0, NULL), BTREE_INSERTED);
		struct btree_node *n = t.root;
		bool all_full = t.height >= 2;
		for (; n != NULL; n = n->leaf ? NULL : n->children[n->nkeys])
			all_full &= n->nkeys == BTREE_MAX_KEYS;
		if (all_full)
			break;
		CHECK(next < 100000);
	}
	unsigned height = t.height;
	size_t count = host_alloc_count();
	for (size_t k = 0; k <= height; k++) {
		host_alloc_fail_after(k);
		CHECK_EQ(btree_insert(&t, next, 0, NULL), BTREE_NO_MEMORY);
		host_alloc_fail_after(SIZE_MAX);
		CHECK_EQ(t.height, height);
		CHECK_EQ(btree_len(&t), next);
		CHECK(!btree_contains(&t, next));
		btree_check(&t);
	}
	CHECK_EQ(btree_insert(&t, next, 0, NULL), BTREE_INSERTED);
	/* then height siblings + a new root, all allocated up front */
	/* failed attempts allocate 0, 1, .., height nodes first */
	CHECK_EQ(host_alloc_count() - count,
		 height * (height + 1) / 2 + height + 1);
	CHECK_EQ(t.height, height + 1);
	btree_check(&t);
	btree_drop(&t);
	CHECK_EQ(host_alloc_live(), live);
}

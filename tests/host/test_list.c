// sources: stages/5-collections/list.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "harness.h"
#include "host_alloc.h"
#include "list.h"

#include "alloc.h"

struct item {
	int value;
	struct list_node link;
};

/* An owning list of items: each item is a heap object. */
static struct item *item_new(int value)
{
	struct item *it = KMALLOC_OF(struct item);
	if (it != NULL) {
		it->value = value;
		list_node_init(&it->link);
	}
	return it;
}

static void item_release(struct list_node *n)
{
	struct item *it = list_entry(n, struct item, link);
	KFREE_OF(it);
}

static int value_of(struct list_node *n)
{
	return list_entry(n, struct item, link)->value;
}

static void check_values(const struct list *l, const int *want, size_t n)
{
	list_check(l);
	CHECK_EQ(list_len(l), n);
	size_t i = 0;
	list_for_each_entry (it, l, struct item, link) {
		CHECK(i < n);
		CHECK_EQ(it->value, want[i]);
		i++;
	}
	CHECK_EQ(i, n);
	list_for_each_entry_reverse (it, l, struct item, link) {
		CHECK_EQ(it->value, want[--i]);
	}
}

TEST(list_empty)
{
	struct list l = LIST_INIT(l);
	CHECK(list_is_empty(&l));
	CHECK_EQ(list_len(&l), 0);
	CHECK(list_front(&l) == NULL);
	CHECK(list_back(&l) == NULL);
	CHECK(list_pop_front(&l) == NULL);
	CHECK(list_pop_back(&l) == NULL);
	list_check(&l);
	int n = 0;
	list_for_each (pos, &l)
		n++;
	CHECK_EQ(n, 0);
}

TEST(list_push_and_pop_both_ends)
{
	size_t live = host_alloc_live();
	struct list l;
	list_init(&l);
	list_push_back(&l, &item_new(2)->link);
	list_push_back(&l, &item_new(3)->link);
	list_push_front(&l, &item_new(1)->link);
	list_push_front(&l, &item_new(0)->link);
	int want[] = {0, 1, 2, 3};
	check_values(&l, want, 4);
	CHECK_EQ(value_of(list_front(&l)), 0);
	CHECK_EQ(value_of(list_back(&l)), 3);
	struct list_node *n = list_pop_front(&l);
	CHECK_EQ(value_of(n), 0);
	CHECK(!list_node_is_linked(n));
	item_release(n);
	n = list_pop_back(&l);
	CHECK_EQ(value_of(n), 3);
	item_release(n);
	check_values(&l, want + 1, 2);
	list_clear(&l, item_release);
	CHECK(list_is_empty(&l));
	list_check(&l);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(list_insert_and_remove_in_the_middle)
{
	size_t live = host_alloc_live();
	struct list l = LIST_INIT(l);
	struct item *a = item_new(10), *c = item_new(30);
	list_push_back(&l, &a->link);
	list_push_back(&l, &c->link);
	struct item *b = item_new(20);
	list_insert_after(&l, &a->link, &b->link);
	list_insert_before(&l, &a->link, &item_new(5)->link);
	list_insert_after(&l, &c->link, &item_new(40)->link);
	int want[] = {5, 10, 20, 30, 40};
	check_values(&l, want, 5);
	CHECK_EQ(value_of(list_next(&l, &b->link)), 30);
	CHECK_EQ(value_of(list_prev(&l, &b->link)), 10);
	CHECK(list_prev(&l, list_front(&l)) == NULL);
	CHECK(list_next(&l, list_back(&l)) == NULL);
	list_remove(&l, &b->link);
	int want2[] = {5, 10, 30, 40};
	check_values(&l, want2, 4);
	/* a removed node is poisoned */
	CHECK(b->link.next == LIST_POISON_NEXT);
	CHECK(b->link.prev == LIST_POISON_PREV);
	EXPECT_PANIC("list_remove: node", list_remove(&l, &b->link));
	KFREE_OF(b);
	list_clear(&l, item_release);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(list_iteration_both_ways_and_safe_removal)
{
	struct list l = LIST_INIT(l);
	for (int i = 0; i < 10; i++)
		list_push_back(&l, &item_new(i)->link);
	int i = 0;
	list_for_each (pos, &l)
		CHECK_EQ(value_of(pos), i++);
	list_for_each_reverse (pos, &l)
		CHECK_EQ(value_of(pos), --i);
	/* remove the odd ones while walking */
	list_for_each_safe (pos, &l) {
		if (value_of(pos) % 2) {
			list_remove(&l, pos);
			item_release(pos);
		}
	}
	int want[] = {0, 2, 4, 6, 8};
	check_values(&l, want, 5);
	list_clear(&l, item_release);
}

TEST(list_check_detects_broken_links)
{
	struct list l = LIST_INIT(l);
	struct item a = {0}, b = {0}, c = {0};
	list_push_back(&l, &a.link);
	list_push_back(&l, &b.link);
	list_push_back(&l, &c.link);
	list_check(&l);
	b.link.prev = &c.link;
	EXPECT_PANIC("list_check: node", list_check(&l));
	b.link.prev = &a.link;
	l.len = 2;
	EXPECT_PANIC("list_check: more than len 2 nodes", list_check(&l));
	l.len = 4;
	EXPECT_PANIC("list_check: len is 4 but the list holds 3 nodes",
		     list_check(&l));
	l.len = 3;
	b.link.next = LIST_POISON_NEXT;
	EXPECT_PANIC("poisoned next link", list_check(&l));
	b.link.next = &c.link;
	list_check(&l);
}

/*
 * A node may be linked only when it is on no list: poisoned (list_node_init,
 * or removed) or zeroed (never touched).  Linking a node that is still on a
 * list would tie two lists together, or cut its neighbours out of one, and
 * break it far from the bug; here it panics at the insertion.
 */
TEST(list_linking_a_node_that_is_still_linked_panics)
{
	struct list l = LIST_INIT(l), other = LIST_INIT(other);
	struct item a = {.value = 1}, b = {.value = 2}, c = {.value = 3};
	list_node_init(&a.link);
	list_node_init(&b.link);
	list_node_init(&c.link);
	list_push_back(&l, &a.link);
	list_push_back(&l, &b.link);
	list_push_back(&l, &c.link);
	CHECK(list_node_is_linked(&b.link));

	/* b is on l: on l again, or on another list */
	EXPECT_PANIC("list_push_back: node", list_push_back(&l, &b.link));
	EXPECT_PANIC("list_push_front: node", list_push_front(&l, &b.link));
	EXPECT_PANIC("is still on a list", list_push_back(&other, &b.link));
	EXPECT_PANIC("list_insert_after: node",
		     list_insert_after(&l, &a.link, &c.link));
	EXPECT_PANIC("list_insert_before: node",
		     list_insert_before(&l, &c.link, &a.link));
	EXPECT_PANIC("is still on a list",
		     list_insert_after(&l, &b.link, &b.link));
	/* the list head is not an object's node */
	EXPECT_PANIC("is still on a list", list_push_back(&other, &l.head));
	/* the refused insertions changed nothing */
	int want[] = {1, 2, 3};
	check_values(&l, want, 3);
	check_values(&other, want, 0);

	/* once removed, it may be linked again, anywhere */
	list_remove(&l, &b.link);
	list_push_front(&other, &b.link);
	int want_l[] = {1, 3}, want_other[] = {2};
	check_values(&l, want_l, 2);
	check_values(&other, want_other, 1);
}

TEST(list_removing_a_node_that_is_not_linked_panics)
{
	struct list l = LIST_INIT(l);
	struct item on = {.value = 1}, a, z = {0};
	list_node_init(&on.link);
	list_node_init(&a.link);
	list_push_back(&l, &on.link);
	/* never linked: poisoned, or zeroed */
	EXPECT_PANIC("list_remove: node", list_remove(&l, &a.link));
	EXPECT_PANIC("is not on a list", list_remove(&l, &z.link));
	list_push_back(&l, &z.link);
	list_remove(&l, &z.link);
	EXPECT_PANIC("is not on a list", list_remove(&l, &z.link));
	/* a position for an insertion must be on the list */
	EXPECT_PANIC("list_insert_after: position",
		     list_insert_after(&l, &z.link, &a.link));
	EXPECT_PANIC("list_insert_before: position",
		     list_insert_before(&l, &z.link, &a.link));
	int want[] = {1};
	check_values(&l, want, 1);
	CHECK(!list_node_is_linked(&a.link));
}

/* Zeroed memory (a static object, kcalloc, "= {0}") is a node on no list,
 * as a poisoned one is; any other content is taken as linked. */
TEST(list_zeroed_nodes_are_unlinked)
{
	static struct item s;
	struct item z = {0}, p;
	list_node_init(&p.link);
	CHECK(!list_node_is_linked(&s.link));
	CHECK(!list_node_is_linked(&z.link));
	CHECK(!list_node_is_linked(&p.link));
	struct list l = LIST_INIT(l);
	list_push_back(&l, &s.link);
	list_push_back(&l, &z.link);
	list_push_back(&l, &p.link);
	CHECK(list_node_is_linked(&s.link));
	list_check(&l);
	list_clear(&l, list_node_init);
	CHECK(!list_node_is_linked(&s.link));
	/* half poisoned, or half zeroed: neither state, so refused */
	struct item half = {0};
	half.link.next = LIST_POISON_NEXT;
	EXPECT_PANIC("is still on a list", list_push_back(&l, &half.link));
	EXPECT_PANIC("is not on a list", list_remove(&l, &half.link));
	CHECK(list_is_empty(&l));
}

/* ------------------------------------------------ randomized vs. a model */

#define MODEL_MAX 512

static struct {
	int a[MODEL_MAX];
	size_t len;
} model;

static struct list_node *nth(struct list *l, size_t i)
{
	struct list_node *n = list_front(l);
	while (i-- > 0)
		n = list_next(l, n);
	return n;
}

static void model_insert(size_t i, int x)
{
	memmove(&model.a[i + 1], &model.a[i], (model.len - i) * sizeof(int));
	model.a[i] = x;
	model.len++;
}

static void model_remove(size_t i)
{
	memmove(&model.a[i], &model.a[i + 1],
		(model.len - i - 1) * sizeof(int));
	model.len--;
}

/* Returns false if the item allocation failed (list untouched). */
static bool random_op(struct list *l, uint64_t *rng, bool full)
{
	uint64_t r = harness_rand(rng);
	int x = (int)(r >> 40);
	size_t i = model.len == 0 ? 0 : (size_t)(r >> 16) % model.len;
	unsigned op = (unsigned)(r % 8);
	if (op < 4 && model.len == MODEL_MAX)
		op += 4;
	if (op < 4) {
		struct item *it = item_new(x);
		if (it == NULL)
			return false;
		if (op == 0) {
			list_push_front(l, &it->link);
			model_insert(0, x);
		} else if (op == 1) {
			list_push_back(l, &it->link);
			model_insert(model.len, x);
		} else if (model.len == 0) {
			list_push_back(l, &it->link);
			model_insert(0, x);
		} else if (op == 2) {
			list_insert_after(l, nth(l, i), &it->link);
			model_insert(i + 1, x);
		} else {
			list_insert_before(l, nth(l, i), &it->link);
			model_insert(i, x);
		}
	} else if (model.len > 0) {
		struct list_node *n;
		if (op == 4) {
			n = list_pop_front(l);
			CHECK_EQ(value_of(n), model.a[0]);
			model_remove(0);
		} else if (op == 5) {
			n = list_pop_back(l);
			CHECK_EQ(value_of(n), model.a[model.len - 1]);
			model_remove(model.len - 1);
		} else {
			n = nth(l, i);
			CHECK_EQ(value_of(n), model.a[i]);
			list_remove(l, n);
			model_remove(i);
		}
		CHECK(!list_node_is_linked(n));
		item_release(n);
	}
	if (full)
		check_values(l, model.a, model.len);
	else
		list_check(l);
	return true;
}

TEST(list_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {101, 0x0123456789abcdefULL};
	for (size_t s = 0; s < 2; s++) {
		uint64_t rng = seeds[s];
		struct list l = LIST_INIT(l);
		model.len = 0;
		for (int n = 0; n < 60000; n++) {
			CHECK(random_op(&l, &rng, n % 128 == 0));
			CHECK_EQ(list_len(&l), model.len);
		}
		check_values(&l, model.a, model.len);
		list_clear(&l, item_release);
	}
	CHECK_EQ(host_alloc_live(), live);
}

TEST(list_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 77;
		struct list l = LIST_INIT(l);
		model.len = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 200; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&l, &rng, true);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_values(&l, model.a, model.len);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		list_clear(&l, item_release);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}

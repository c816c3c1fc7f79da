/*
 * collections_tests.c - stage 5's in-kernel tests: each collection on the
 * real kernel heap.
 *
 * The stage-4 heap is a 100 KiB bump allocator that reclaims memory only
 * when every block is freed, so the sizes here are small and every test
 * frees all it allocates.  The should-panic tests allocate nothing (their
 * collections borrow static arrays): a panic skips the rest of the test,
 * so anything they allocated would stay live forever.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "binheap.h"
#include "btree.h"
#include "deque.h"
#include "kernel_heap.h"
#include "kstring.h"
#include "ktest.h"
#include "list.h"
#include "rc.h"
#include "vec.h"

VEC_DEFINE(u32_vec, uint32_t);
DEQUE_DEFINE(int_deque, int);

static int int_cmp(const int *a, const int *b)
{
	return (*a > *b) - (*a < *b);
}
BINHEAP_DEFINE(int_heap, int, int_cmp);

/* Everything the leak test exercises: one of each collection, dropped. */
static void use_every_collection(void)
{
	struct u32_vec v;
	u32_vec_init(&v);
	for (uint32_t i = 0; i < 100; i++)
		KT_ASSERT(u32_vec_push(&v, i));
	u32_vec_drop(&v);

	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 50; i++)
		KT_ASSERT(int_deque_push_front(&d, i));
	int_deque_drop(&d);

	struct int_heap h;
	int_heap_init(&h);
	for (int i = 0; i < 50; i++)
		KT_ASSERT(int_heap_push(&h, i * 7 % 13));
	int_heap_drop(&h);

	struct btree t = BTREE_INIT;
	for (uint64_t k = 0; k < 100; k++)
		KT_ASSERT_EQ(btree_insert(&t, k, k, NULL), BTREE_INSERTED);
	for (uint64_t k = 0; k < 100; k += 2)
		KT_ASSERT(btree_remove(&t, k, NULL));
	btree_drop(&t);

	struct kstring s = kstring_new();
	KT_ASSERT(kstring_format(&s, "%d %s", 5, "five"));
	kstring_drop(&s);

	int *p = RC_NEW(int, NULL);
	KT_ASSERT(p != NULL);
	rc_box_get(p);
	KT_ASSERT(!rc_box_put(p));
	KT_ASSERT(rc_box_put(p));
}

/*
 * No leaks: every block the collections allocate is freed when they are
 * dropped, so the count of live blocks is back where it was.  (Counted,
 * not probed by address: each chapter's allocator reuses memory in its
 * own order, and chapter 8's not at once.)
 */
KTEST(collections_free_everything)
{
	size_t before = kernel_heap_stats().live;
	use_every_collection();
	KT_ASSERT_EQ(kernel_heap_stats().live, before);
}

/* ------------------------------------------------------------------ Vec */

KTEST(vec_push_get_pop)
{
	struct u32_vec v;
	u32_vec_init(&v);
	for (uint32_t i = 0; i < 200; i++)
		KT_ASSERT(u32_vec_push(&v, i * i));
	u32_vec_check(&v);
	KT_ASSERT_EQ(u32_vec_len(&v), 200);
	KT_ASSERT_EQ(u32_vec_capacity(&v), 256);
	KT_ASSERT_EQ(u32_vec_get(&v, 15), 225);
	uint32_t x;
	KT_ASSERT(u32_vec_pop(&v, &x));
	KT_ASSERT_EQ(x, 199 * 199);
	KT_ASSERT(u32_vec_insert(&v, 0, 7));
	KT_ASSERT_EQ(u32_vec_remove(&v, 1), 0);
	KT_ASSERT_EQ(u32_vec_get(&v, 0), 7);
	uint32_t sum = 0;
	vec_for_each (u32_vec, it, &v)
		sum += *it > 0;
	KT_ASSERT_EQ(sum, 199); /* 7, then 1^2 .. 198^2 */
	u32_vec_drop(&v);
}

/* A vec borrowing a static array: nothing to leak when the panic hits. */
static uint32_t three[3] = {1, 2, 3};

KTEST_SHOULD_PANIC(vec_index_out_of_bounds,
		   "index out of bounds: the len is 3 but the index is 5")
{
	struct u32_vec v = {{three, 3, 3}};
	u32_vec_get(&v, 5);
}

/* -------------------------------------------------------------- VecDeque */

KTEST(deque_wraps_and_grows_in_order)
{
	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 3; i++)
		KT_ASSERT(int_deque_push_back(&d, i));
	for (int i = 1; i <= 3; i++)
		KT_ASSERT(int_deque_push_front(&d, -i)); /* wraps, grows */
	int_deque_check(&d);
	int want = -3;
	deque_for_each (int_deque, it, &d)
		KT_ASSERT_EQ(*it, want++);
	int x;
	KT_ASSERT(int_deque_pop_front(&d, &x));
	KT_ASSERT_EQ(x, -3);
	KT_ASSERT(int_deque_pop_back(&d, &x));
	KT_ASSERT_EQ(x, 2);
	KT_ASSERT_EQ(int_deque_len(&d), 4);
	int_deque_drop(&d);
}

static int ring[4] = {10, 20, 30, 40};

KTEST_SHOULD_PANIC(deque_index_out_of_bounds,
		   "index out of bounds: the len is 3 but the index is 5")
{
	struct int_deque d = {{ring, 2, 3, 4}}; /* wrapped: 30 40 10 */
	KT_ASSERT_EQ(int_deque_get(&d, 2), 10);
	int_deque_get(&d, 5);
}

/* ----------------------------------------------------------- BinaryHeap */

KTEST(binheap_pops_greatest_first)
{
	struct int_heap h;
	int_heap_init(&h);
	for (int i = 0; i < 100; i++)
		KT_ASSERT(int_heap_push(&h, i * 37 % 101));
	int_heap_check(&h);
	int prev = 1000, x;
	while (int_heap_pop(&h, &x)) {
		KT_ASSERT(x <= prev);
		prev = x;
	}
	int_heap_drop(&h);
}

KTEST(binheap_sort_demo)
{
	int a[] = {5, -1, 9, 0, 3, 3, 12, -8};
	int_heap_sort(a, 8);
	for (int i = 1; i < 8; i++)
		KT_ASSERT(a[i - 1] <= a[i]);
	KT_ASSERT_EQ(a[0], -8);
}

/* ------------------------------------------------------------- BTreeMap */

KTEST(btree_insert_remove_range)
{
	struct btree t = BTREE_INIT;
	uintptr_t v;
	for (uint64_t k = 0; k < 300; k++)
		KT_ASSERT_EQ(btree_insert(&t, k * 7 % 300, k, NULL),
			     BTREE_INSERTED);
	btree_check(&t);
	KT_ASSERT(t.height >= 3);
	KT_ASSERT_EQ(btree_insert(&t, 14, 99, &v), BTREE_REPLACED);
	KT_ASSERT_EQ(v, 2);
	struct btree_iter it;
	uint64_t k, want = 100;
	btree_range(&it, &t, 100, 110);
	while (btree_iter_next(&it, &k, NULL))
		KT_ASSERT_EQ(k, want++);
	KT_ASSERT_EQ(want, 110);
	for (uint64_t j = 0; j < 300; j += 3) {
		KT_ASSERT(btree_remove(&t, j, NULL));
		btree_check(&t);
	}
	KT_ASSERT_EQ(btree_len(&t), 200);
	KT_ASSERT(!btree_contains(&t, 3));
	KT_ASSERT(btree_get(&t, 4, &v));
	btree_drop(&t);
}

KTEST(btree_set_basics)
{
	struct btree_set s = BTREE_SET_INIT;
	for (uint64_t k = 0; k < 50; k++)
		KT_ASSERT_EQ(btree_set_insert(&s, k * 2), BTREE_INSERTED);
	KT_ASSERT_EQ(btree_set_insert(&s, 10), BTREE_REPLACED);
	KT_ASSERT(btree_set_contains(&s, 98));
	KT_ASSERT(!btree_set_contains(&s, 97));
	KT_ASSERT(btree_set_remove(&s, 98));
	KT_ASSERT_EQ(btree_set_len(&s), 49);
	btree_set_check(&s);
	btree_set_drop(&s);
}

/* ----------------------------------------------------------- LinkedList */

struct item {
	int value;
	struct list_node link;
};

KTEST(list_intrusive_both_ways)
{
	struct item items[5];
	struct list l = LIST_INIT(l);
	for (int i = 0; i < 5; i++) {
		items[i].value = i;
		list_node_init(&items[i].link); /* the stack holds leftovers */
		list_push_back(&l, &items[i].link);
	}
	list_remove(&l, &items[2].link);
	KT_ASSERT(!list_node_is_linked(&items[2].link));
	list_insert_after(&l, &items[3].link, &items[2].link);
	list_check(&l);
	int want[] = {0, 1, 3, 2, 4}, i = 0;
	list_for_each_entry (it, &l, struct item, link)
		KT_ASSERT_EQ(it->value, want[i++]);
	list_for_each_entry_reverse (it, &l, struct item, link)
		KT_ASSERT_EQ(it->value, want[--i]);
	KT_ASSERT(list_pop_front(&l) == &items[0].link);
	KT_ASSERT(list_pop_back(&l) == &items[4].link);
	KT_ASSERT_EQ(list_len(&l), 3);
}

KTEST_SHOULD_PANIC(list_remove_twice_panics, "list_remove: node")
{
	struct item a;
	struct list l = LIST_INIT(l);
	list_node_init(&a.link);
	list_push_back(&l, &a.link);
	list_remove(&l, &a.link);
	list_remove(&l, &a.link);
}

/* --------------------------------------------------------------- Rc, Arc */

static int dropped_value;

static void record_drop(void *payload)
{
	dropped_value = *(int *)payload;
}

KTEST(rc_and_arc_release_on_last_put)
{
	int *p = RC_NEW(int, record_drop);
	KT_ASSERT(p != NULL);
	*p = 41;
	int *q = rc_box_get(p);
	KT_ASSERT_EQ(rc_box_strong_count(p), 2);
	dropped_value = 0;
	KT_ASSERT(!rc_box_put(q));
	KT_ASSERT_EQ(dropped_value, 0);
	KT_ASSERT(rc_box_put(p));
	KT_ASSERT_EQ(dropped_value, 41);

	long *a = ARC_NEW(long, NULL);
	KT_ASSERT(a != NULL);
	arc_box_get(a);
	arc_box_check(a);
	KT_ASSERT_EQ(arc_box_strong_count(a), 2);
	KT_ASSERT(!arc_box_put(a));
	KT_ASSERT(arc_box_put(a));
}

/* --------------------------------------------------------------- String */

KTEST(kstring_format_find_slice)
{
	struct kstring s;
	KT_ASSERT(kstring_from_cstr(&s, "heap: "));
	KT_ASSERT(kstring_format(&s, "%u KiB at %p", 100u, (void *)0x1000));
	KT_ASSERT(
		kstring_equals_cstr(&s, "heap: 100 KiB at 0x0000000000001000"));
	KT_ASSERT_EQ(kstring_find(&s, "KiB"), 10);
	struct str_view v = kstring_slice(&s, 6, 9);
	KT_ASSERT(str_view_equals(v, str_view_from_cstr("100")));
	kstring_check(&s);
	kstring_drop(&s);
}

// sources: stages/5-collections/deque.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "deque.h"
#include "harness.h"
#include "host_alloc.h"

DEQUE_DEFINE(int_deque, int);

struct pair {
	char tag;
	uint64_t value;
};
DEQUE_DEFINE(pair_deque, struct pair);

TEST(deque_starts_empty)
{
	size_t live = host_alloc_live();
	struct int_deque d;
	int_deque_init(&d);
	int x = 7;
	CHECK(int_deque_is_empty(&d));
	CHECK(!int_deque_pop_back(&d, &x));
	CHECK(!int_deque_pop_front(&d, &x));
	CHECK_EQ(x, 7);
	CHECK(int_deque_first(&d) == NULL);
	int_deque_check(&d);
	CHECK_EQ(host_alloc_live(), live);
	int_deque_drop(&d);
}

TEST(deque_push_pop_both_ends)
{
	struct int_deque d;
	int_deque_init(&d);
	CHECK(int_deque_push_back(&d, 1));
	CHECK(int_deque_push_back(&d, 2));
	CHECK(int_deque_push_front(&d, 0));
	CHECK(int_deque_push_front(&d, -1));
	int_deque_check(&d);
	/* [-1 0 1 2] */
	CHECK_EQ(int_deque_len(&d), 4);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(int_deque_get(&d, (size_t)i), i - 1);
	int x;
	CHECK(int_deque_pop_front(&d, &x));
	CHECK_EQ(x, -1);
	CHECK(int_deque_pop_back(&d, &x));
	CHECK_EQ(x, 2);
	CHECK(int_deque_pop_back(&d, &x));
	CHECK_EQ(x, 1);
	CHECK(int_deque_pop_front(&d, &x));
	CHECK_EQ(x, 0);
	CHECK(int_deque_is_empty(&d));
	int_deque_check(&d);
	int_deque_drop(&d);
}

TEST(deque_push_front_wraps_around)
{
	struct int_deque d;
	int_deque_init(&d);
	CHECK(int_deque_push_front(&d, 5));
	/* the first push_front lands in the last slot */
	CHECK_EQ(d.raw.head, DEQUE_MIN_CAP - 1);
	CHECK_EQ(int_deque_get(&d, 0), 5);
	int_deque_check(&d);
	int_deque_drop(&d);
}

TEST(deque_growth_keeps_order_when_wrapped)
{
	size_t live = host_alloc_live();
	struct int_deque d;
	int_deque_init(&d);
	/* fill a capacity-4 ring so that it wraps: slots | 2 3 0 1 | */
	CHECK(int_deque_push_back(&d, 0));
	CHECK(int_deque_push_back(&d, 1));
	CHECK(int_deque_push_back(&d, 2));
	int x;
	CHECK(int_deque_pop_front(&d, &x));
	CHECK(int_deque_pop_front(&d, &x));
	CHECK(int_deque_push_back(&d, 3));
	CHECK(int_deque_push_back(&d, 4));
	CHECK(int_deque_push_back(&d, 5)); /* head 2, wrapped, full */
	CHECK_EQ(int_deque_capacity(&d), 4);
	CHECK_EQ(d.raw.head, 2);
	CHECK(int_deque_push_back(&d, 6)); /* grows */
	CHECK_EQ(int_deque_capacity(&d), 8);
	CHECK_EQ(d.raw.head, 0);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(int_deque_get(&d, (size_t)i), i + 2);
	int_deque_check(&d);
	CHECK_EQ(host_alloc_live(), live + 1);
	int_deque_drop(&d);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(deque_index_out_of_bounds_panics)
{
	struct int_deque d;
	int_deque_init(&d);
	EXPECT_PANIC("index out of bounds: the len is 0 but the index is 0",
		     int_deque_get(&d, 0));
	for (int i = 0; i < 3; i++)
		CHECK(int_deque_push_front(&d, i));
	EXPECT_PANIC("index out of bounds: the len is 3 but the index is 5",
		     int_deque_get(&d, 5));
	EXPECT_PANIC("index out of bounds: the len is 3 but the index is 3",
		     int_deque_set(&d, 3, 0));
	int_deque_set(&d, 2, 40);
	CHECK_EQ(int_deque_get(&d, 2), 40);
	int_deque_drop(&d);
}

TEST(deque_for_each_in_order_across_the_wrap)
{
	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 5; i++)
		CHECK(int_deque_push_back(&d, i));
	for (int i = 1; i <= 3; i++)
		CHECK(int_deque_push_front(&d, -i)); /* [-3 -2 -1 0 1 2 3 4] */
	CHECK_EQ(int_deque_capacity(&d), 8);
	CHECK(d.raw.head > 0); /* wrapped */
	int want = -3, n = 0;
	deque_for_each (int_deque, it, &d) {
		CHECK_EQ(*it, want);
		want++;
		n++;
	}
	CHECK_EQ(n, 8);
	n = 0;
	deque_for_each (int_deque, it, &d) {
		if (*it == 0)
			break;
		n++;
	}
	CHECK_EQ(n, 3);
	int_deque_drop(&d);
}

TEST(deque_reserve_and_clear)
{
	struct pair_deque d;
	pair_deque_init(&d);
	CHECK(pair_deque_reserve(&d, 100));
	CHECK_EQ(pair_deque_capacity(&d), 128);
	CHECK(!pair_deque_reserve(&d, SIZE_MAX));
	CHECK(!pair_deque_reserve(&d, SIZE_MAX / 8));
	CHECK(pair_deque_push_front(&d, (struct pair){'a', 1}));
	CHECK_EQ(pair_deque_get(&d, 0).value, 1);
	pair_deque_clear(&d);
	CHECK(pair_deque_is_empty(&d));
	CHECK_EQ(pair_deque_capacity(&d), 128);
	pair_deque_check(&d);
	pair_deque_drop(&d);
}

TEST(deque_check_detects_broken_invariants)
{
	struct int_deque d;
	int_deque_init(&d);
	CHECK(int_deque_push_back(&d, 1));
	d.raw.head = 4;
	EXPECT_PANIC("deque_check: head 4 outside capacity 4",
		     int_deque_check(&d));
	d.raw.head = 0;
	d.raw.cap = 3;
	EXPECT_PANIC("deque_check: capacity 3 is not a power of two",
		     int_deque_check(&d));
	d.raw.cap = 4;
	d.raw.len = 5;
	EXPECT_PANIC("deque_check: len 5 exceeds capacity 4",
		     int_deque_check(&d));
	d.raw.len = 1;
	int_deque_drop(&d);
}

/* ------------------------------------------------ randomized vs. a model */

#define MODEL_MAX 4096

/* The model: a plain array, front at index 0. */
static struct {
	int a[MODEL_MAX];
	size_t len;
} model;

static void check_equal(const struct int_deque *d)
{
	int_deque_check(d);
	CHECK_EQ(int_deque_len(d), model.len);
	for (size_t i = 0; i < model.len; i++)
		CHECK_MSG(int_deque_get(d, i) == model.a[i],
			  "element %zu: %d != %d", i, int_deque_get(d, i),
			  model.a[i]);
}

static bool random_op(struct int_deque *d, uint64_t *rng, bool full)
{
	uint64_t r = harness_rand(rng);
	int x = (int)(r >> 40), got = 0;
	bool ok;
	/* bias towards pushes while small, pops while large */
	unsigned op = (unsigned)(r % 9);
	switch (op) {
	case 0:
	case 1:
		if (model.len == MODEL_MAX)
			return true;
		if (!int_deque_push_back(d, x))
			return false;
		model.a[model.len++] = x;
		break;
	case 2:
	case 3:
		if (model.len == MODEL_MAX)
			return true;
		if (!int_deque_push_front(d, x))
			return false;
		memmove(&model.a[1], &model.a[0], model.len * sizeof(int));
		model.a[0] = x;
		model.len++;
		break;
	case 4:
		ok = int_deque_pop_back(d, &got);
		CHECK_EQ(ok, model.len > 0);
		if (ok)
			CHECK_EQ(got, model.a[--model.len]);
		break;
	case 5:
		ok = int_deque_pop_front(d, &got);
		CHECK_EQ(ok, model.len > 0);
		if (ok) {
			CHECK_EQ(got, model.a[0]);
			memmove(&model.a[0], &model.a[1],
				(model.len - 1) * sizeof(int));
			model.len--;
		}
		break;
	case 6:
	case 7:
		if (model.len > 0) {
			size_t i = (size_t)(r >> 16) % model.len;
			CHECK_EQ(int_deque_get(d, i), model.a[i]);
			int_deque_set(d, i, x);
			model.a[i] = x;
		}
		break;
	case 8:
		if (!int_deque_reserve(d, (size_t)(r >> 16) % 40))
			return false;
		break;
	}
	if (full)
		check_equal(d);
	else
		int_deque_check(d);
	return true;
}

TEST(deque_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {7, 0xdeadbeefcafef00dULL};
	for (size_t s = 0; s < 2; s++) {
		uint64_t rng = seeds[s];
		struct int_deque d;
		int_deque_init(&d);
		model.len = 0;
		for (int n = 0; n < 60000; n++) {
			CHECK(random_op(&d, &rng, n % 64 == 0));
			CHECK_EQ(int_deque_len(&d), model.len);
		}
		check_equal(&d);
		int_deque_drop(&d);
	}
	CHECK_EQ(host_alloc_live(), live);
}

TEST(deque_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 3;
		struct int_deque d;
		int_deque_init(&d);
		model.len = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 500; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&d, &rng, true);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_equal(&d);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		int_deque_drop(&d);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}

// sources: stages/5-collections/vec.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
#include "harness.h"
#include "host_alloc.h"
#include "vec.h"

VEC_DEFINE(int_vec, int);

struct point {
	short x;
	long long y;
};
VEC_DEFINE(point_vec, struct point);

TEST(vec_starts_empty_and_allocates_nothing)
{
	size_t live = host_alloc_live();
	struct int_vec v;
	int_vec_init(&v);
	CHECK_EQ(int_vec_len(&v), 0);
	CHECK_EQ(int_vec_capacity(&v), 0);
	CHECK(int_vec_is_empty(&v));
	CHECK(int_vec_begin(&v) == int_vec_end(&v));
	int_vec_check(&v);
	CHECK_EQ(host_alloc_live(), live);
	int x = 5;
	CHECK(!int_vec_pop(&v, &x));
	CHECK_EQ(x, 5);
	int_vec_drop(&v);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(vec_push_get_pop)
{
	size_t live = host_alloc_live();
	struct int_vec v;
	int_vec_init(&v);
	for (int i = 0; i < 100; i++) {
		CHECK(int_vec_push(&v, i * 3));
		int_vec_check(&v);
	}
	CHECK_EQ(int_vec_len(&v), 100);
	CHECK_EQ(host_alloc_live(), live + 1);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(int_vec_get(&v, i), i * 3);
	for (int i = 99; i >= 0; i--) {
		int x;
		CHECK(int_vec_pop(&v, &x));
		CHECK_EQ(x, i * 3);
	}
	CHECK(int_vec_is_empty(&v));
	int_vec_drop(&v);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(vec_growth_doubles)
{
	struct int_vec v;
	int_vec_init(&v);
	CHECK(int_vec_push(&v, 1));
	CHECK_EQ(int_vec_capacity(&v), VEC_MIN_CAP);
	for (int i = 1; i < VEC_MIN_CAP; i++)
		CHECK(int_vec_push(&v, i));
	CHECK_EQ(int_vec_capacity(&v), VEC_MIN_CAP);
	CHECK(int_vec_push(&v, 0));
	CHECK_EQ(int_vec_capacity(&v), 2 * VEC_MIN_CAP);
	size_t before = host_alloc_count();
	for (int i = 0; i < 1000; i++)
		CHECK(int_vec_push(&v, i));
	/* 1005 elements from capacity 8: 16, 32, ..., 1024 = 7 growths */
	CHECK_EQ(host_alloc_count() - before, 7);
	CHECK_EQ(int_vec_capacity(&v), 1024);
	int_vec_drop(&v);
}

TEST(vec_set_and_at)
{
	struct int_vec v;
	int_vec_init(&v);
	for (int i = 0; i < 10; i++)
		int_vec_push_or_panic(&v, i);
	int_vec_set(&v, 3, 42);
	*int_vec_at(&v, 4) += 100;
	CHECK_EQ(int_vec_get(&v, 3), 42);
	CHECK_EQ(int_vec_get(&v, 4), 104);
	int_vec_drop(&v);
}

TEST(vec_index_out_of_bounds_panics)
{
	struct int_vec v;
	int_vec_init(&v);
	EXPECT_PANIC("index out of bounds: the len is 0 but the index is 0",
		     int_vec_get(&v, 0));
	for (int i = 0; i < 3; i++)
		CHECK(int_vec_push(&v, i));
	EXPECT_PANIC("index out of bounds: the len is 3 but the index is 5",
		     int_vec_get(&v, 5));
	EXPECT_PANIC("index out of bounds: the len is 3 but the index is 3",
		     int_vec_set(&v, 3, 1));
	EXPECT_PANIC("index out of bounds: the len is 3 but the index is "
		     "18446744073709551615",
		     int_vec_at(&v, SIZE_MAX));
	EXPECT_PANIC("removal index (is 3) should be < len (is 3)",
		     int_vec_remove(&v, 3));
	EXPECT_PANIC("insertion index (is 4) should be <= len (is 3)",
		     int_vec_insert(&v, 4, 0));
	CHECK_EQ(int_vec_len(&v), 3);
	int_vec_check(&v);
	int_vec_drop(&v);
}

TEST(vec_insert_and_remove)
{
	struct int_vec v;
	int_vec_init(&v);
	CHECK(int_vec_insert(&v, 0, 2)); /* [2] */
	CHECK(int_vec_insert(&v, 0, 0)); /* [0 2] */
	CHECK(int_vec_insert(&v, 1, 1)); /* [0 1 2] */
	CHECK(int_vec_insert(&v, 3, 3)); /* [0 1 2 3] at the end */
	CHECK(int_vec_insert(&v, 2, 9)); /* [0 1 9 2 3] growth mid-insert */
	int want[] = {0, 1, 9, 2, 3};
	CHECK_EQ(int_vec_len(&v), 5);
	for (size_t i = 0; i < 5; i++)
		CHECK_EQ(int_vec_get(&v, i), want[i]);
	CHECK_EQ(int_vec_remove(&v, 2), 9);
	CHECK_EQ(int_vec_remove(&v, 0), 0);
	CHECK_EQ(int_vec_remove(&v, 2), 3);
	CHECK_EQ(int_vec_len(&v), 2);
	CHECK_EQ(int_vec_get(&v, 0), 1);
	CHECK_EQ(int_vec_get(&v, 1), 2);
	int_vec_check(&v);
	int_vec_drop(&v);
}

TEST(vec_reserve_and_shrink_to_fit)
{
	size_t live = host_alloc_live();
	struct int_vec v;
	int_vec_init(&v);
	CHECK(int_vec_reserve(&v, 100));
	CHECK(int_vec_capacity(&v) >= 100);
	size_t count = host_alloc_count();
	for (int i = 0; i < 100; i++)
		CHECK(int_vec_push(&v, i));
	CHECK_EQ(host_alloc_count(), count);	   /* no growth after reserve */
	CHECK(!int_vec_reserve(&v, SIZE_MAX));	   /* len + n overflows */
	CHECK(!int_vec_reserve(&v, SIZE_MAX / 2)); /* bytes overflow */
	CHECK_EQ(int_vec_len(&v), 100);
	for (int i = 0; i < 90; i++)
		int_vec_remove(&v, 0);
	CHECK(int_vec_shrink_to_fit(&v));
	CHECK_EQ(int_vec_capacity(&v), 10);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(int_vec_get(&v, i), 90 + i);
	int_vec_clear(&v);
	CHECK(int_vec_shrink_to_fit(&v));
	CHECK_EQ(int_vec_capacity(&v), 0);
	CHECK_EQ(host_alloc_live(), live);
	int_vec_check(&v);
	int_vec_drop(&v);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(vec_struct_elements_and_alignment)
{
	struct point_vec v;
	point_vec_init(&v);
	for (short i = 0; i < 50; i++)
		CHECK(point_vec_push(&v, (struct point){i, -i * 1000000000LL}));
	CHECK_EQ((uintptr_t)point_vec_begin(&v) % _Alignof(struct point), 0);
	struct point p = point_vec_get(&v, 49);
	CHECK_EQ(p.x, 49);
	CHECK(p.y == -49 * 1000000000LL);
	point_vec_check(&v);
	point_vec_drop(&v);
}

TEST(vec_for_each_visits_in_order)
{
	struct int_vec v;
	int_vec_init(&v);
	int n = 0;
	vec_for_each (int_vec, it, &v)
		n++; /* empty: no iterations */
	CHECK_EQ(n, 0);
	for (int i = 0; i < 20; i++)
		CHECK(int_vec_push(&v, i));
	vec_for_each (int_vec, it, &v) {
		CHECK_EQ(*it, n);
		*it *= 2;
		n++;
	}
	CHECK_EQ(n, 20);
	CHECK_EQ(int_vec_get(&v, 19), 38);
	int_vec_drop(&v);
}

TEST(vec_push_or_panic_reports_allocation_error)
{
	struct int_vec v;
	int_vec_init(&v);
	host_alloc_fail_after(0);
	EXPECT_PANIC("allocation error: size 16, align 4",
		     int_vec_push_or_panic(&v, 1));
	host_alloc_fail_after(SIZE_MAX);
	CHECK_EQ(int_vec_len(&v), 0);
	int_vec_drop(&v);
}

TEST(vec_check_detects_broken_invariants)
{
	struct int_vec v;
	int_vec_init(&v);
	CHECK(int_vec_push(&v, 1));
	v.raw.len = v.raw.cap + 1;
	EXPECT_PANIC("vec_check: len 5 exceeds capacity 4", int_vec_check(&v));
	v.raw.len = 1;
	void *data = v.raw.data;
	v.raw.data = NULL;
	EXPECT_PANIC("vec_check: data", int_vec_check(&v));
	v.raw.data = (char *)data + 1;
	EXPECT_PANIC("is not aligned to 4", int_vec_check(&v));
	v.raw.data = data;
	int_vec_drop(&v);
}

/* ------------------------------------------------ randomized vs. a model */

#define MODEL_MAX 4096

struct model {
	int a[MODEL_MAX];
	size_t len;
};

static void check_equal(const struct int_vec *v, const struct model *m)
{
	int_vec_check(v);
	CHECK_EQ(int_vec_len(v), m->len);
	const int *p = int_vec_begin(v);
	for (size_t i = 0; i < m->len; i++)
		CHECK_MSG(p[i] == m->a[i], "element %zu: %d != %d", i, p[i],
			  m->a[i]);
}

/*
 * One random operation on both the vec and the model.  Returns false if the
 * vec reported an allocation failure, in which case the model is left
 * untouched (the vec must be too).
 */
static bool random_op(struct int_vec *v, struct model *m, uint64_t *rng,
		      bool full_compare)
{
	uint64_t r = harness_rand(rng);
	int x = (int)(r >> 40);
	size_t i;
	switch (r % 10) {
	case 0:
	case 1:
	case 2: /* push */
		if (m->len == MODEL_MAX)
			return true;
		if (!int_vec_push(v, x))
			return false;
		m->a[m->len++] = x;
		break;
	case 3:
	case 4: { /* pop */
		int got = 0;
		bool ok = int_vec_pop(v, &got);
		CHECK_EQ(ok, m->len > 0);
		if (ok)
			CHECK_EQ(got, m->a[--m->len]);
		break;
	}
	case 5: /* insert */
		if (m->len == MODEL_MAX)
			return true;
		i = (size_t)(r >> 20) % (m->len + 1);
		if (!int_vec_insert(v, i, x))
			return false;
		memmove(&m->a[i + 1], &m->a[i], (m->len - i) * sizeof(int));
		m->a[i] = x;
		m->len++;
		break;
	case 6: /* remove */
		if (m->len == 0)
			return true;
		i = (size_t)(r >> 20) % m->len;
		CHECK_EQ(int_vec_remove(v, i), m->a[i]);
		memmove(&m->a[i], &m->a[i + 1], (m->len - i - 1) * sizeof(int));
		m->len--;
		break;
	case 7: /* get / set */
		if (m->len == 0)
			return true;
		i = (size_t)(r >> 20) % m->len;
		CHECK_EQ(int_vec_get(v, i), m->a[i]);
		int_vec_set(v, i, x);
		m->a[i] = x;
		break;
	case 8: /* reserve */
		if (!int_vec_reserve(v, (size_t)(r >> 20) % 64))
			return false;
		break;
	case 9: /* shrink, rarely */
		if ((r >> 20) % 16 == 0 && !int_vec_shrink_to_fit(v))
			return false;
		break;
	}
	if (full_compare)
		check_equal(v, m);
	else
		int_vec_check(v);
	return true;
}

static struct model model;

TEST(vec_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {1, 0x9e3779b97f4a7c15ULL};
	for (size_t s = 0; s < 2; s++) {
		uint64_t rng = seeds[s];
		struct int_vec v;
		int_vec_init(&v);
		model.len = 0;
		for (int n = 0; n < 60000; n++) {
			CHECK(random_op(&v, &model, &rng, n % 64 == 0));
			CHECK_EQ(int_vec_len(&v), model.len);
		}
		check_equal(&v, &model);
		int_vec_drop(&v);
	}
	CHECK_EQ(host_alloc_live(), live);
}

TEST(vec_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 42;
		struct int_vec v;
		int_vec_init(&v);
		model.len = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 400; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&v, &model, &rng, true);
			bool injected_now =
				!before && host_alloc_failure_injected();
			/* failure reported iff a failure was injected here */
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_equal(&v, &model);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		int_vec_drop(&v);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}

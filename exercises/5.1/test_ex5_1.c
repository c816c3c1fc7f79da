// sources: stages/5-collections/vec.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
/*
 * Exercise 5.1: extend a vec by n elements with at most one allocation
 * (stages/5-collections/vec.c, vec.h):
 *
 *   bool raw_vec_extend(struct raw_vec *v, const void *src, size_t n,
 *                       size_t size, size_t align);
 *   bool name_extend(struct name *v, const T *src, size_t n);  (VEC_DEFINE)
 *
 * appends copies of src[0..n); false, with the vec unchanged, if growing
 * fails or the size overflows.  src may point into the vec itself.
 */
#include "harness.h"
#include "host_alloc.h"
#include "vec.h"

VEC_DEFINE(vec_u32, uint32_t);

static void fill(struct vec_u32 *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		CHECK(vec_u32_push(v, i));
}

TEST(extend_appends_in_order)
{
	struct vec_u32 v;
	vec_u32_init(&v);
	fill(&v, 3);
	uint32_t more[] = {10, 11, 12, 13, 14};
	CHECK(vec_u32_extend(&v, more, 5));
	vec_u32_check(&v);
	CHECK_EQ(vec_u32_len(&v), 8);
	uint32_t want[] = {0, 1, 2, 10, 11, 12, 13, 14};
	for (size_t i = 0; i < 8; i++)
		CHECK_EQ(vec_u32_get(&v, i), want[i]);
	vec_u32_drop(&v);
	CHECK_EQ(host_alloc_live(), 0);
}

TEST(extend_allocates_at_most_once)
{
	static uint32_t many[1000];
	struct vec_u32 v;
	vec_u32_init(&v);
	size_t before = host_alloc_count();
	CHECK(vec_u32_extend(&v, many, 1000));
	CHECK_EQ(host_alloc_count(), before + 1);
	CHECK(vec_u32_capacity(&v) >= 1000);
	size_t cap = vec_u32_capacity(&v);
	CHECK(vec_u32_extend(&v, many, cap - 1000)); /* fits: no allocation */
	CHECK_EQ(host_alloc_count(), before + 1);
	CHECK(vec_u32_extend(&v, many, 1000));
	CHECK_EQ(host_alloc_count(), before + 2);
	vec_u32_check(&v);
	vec_u32_drop(&v);
}

TEST(extend_failure_leaves_the_vec_unchanged)
{
	struct vec_u32 v;
	vec_u32_init(&v);
	fill(&v, 4); /* full: capacity 4 */
	struct raw_vec saved = v.raw;
	uint32_t more[] = {7, 8};
	host_alloc_fail_all(1);
	CHECK(!vec_u32_extend(&v, more, 2));
	host_alloc_fail_all(0);
	CHECK(v.raw.data == saved.data);
	CHECK_EQ(v.raw.len, saved.len);
	CHECK_EQ(v.raw.cap, saved.cap);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(vec_u32_get(&v, i), i);
	vec_u32_drop(&v);
}

TEST(extend_by_zero_or_too_many_changes_nothing)
{
	struct vec_u32 v;
	vec_u32_init(&v);
	size_t before = host_alloc_count();
	CHECK(vec_u32_extend(&v, NULL, 0));
	CHECK_EQ(host_alloc_count(), before);
	CHECK(v.raw.data == NULL);
	fill(&v, 2);
	uint32_t x = 5;
	/* n * size overflows: refused before anything is read or allocated */
	CHECK(!vec_u32_extend(&v, &x, SIZE_MAX / 2));
	CHECK_EQ(vec_u32_len(&v), 2);
	vec_u32_check(&v);
	vec_u32_drop(&v);
}

/* Growing moves the block: a src inside the vec must be read from where
 * the elements are after the move (AddressSanitizer catches a read of
 * the old block). */
TEST(extend_with_its_own_elements)
{
	struct vec_u32 v;
	vec_u32_init(&v);
	fill(&v, 4); /* full */
	CHECK(vec_u32_extend(&v, vec_u32_begin(&v), 4));
	CHECK_EQ(vec_u32_len(&v), 8);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_EQ(vec_u32_get(&v, i), i % 4);
	vec_u32_drop(&v);
}

// sources: stages/5-collections/deque.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 5
/*
 * Exercise 5.3: shrink_to_fit for the deque (stages/5-collections/
 * deque.c, deque.h):
 *
 *   bool raw_deque_shrink_to_fit(struct raw_deque *d, size_t size,
 *                                size_t align);
 *   bool name_shrink_to_fit(struct name *d);          (DEQUE_DEFINE)
 *
 * makes the capacity the smallest power of two that holds len, but not
 * below DEQUE_MIN_CAP, or frees the block when the deque is empty; the
 * elements keep their order.  Nothing is allocated when the capacity is
 * already that; false, with the deque unchanged, if the allocation fails.
 */
#include "deque.h"
#include "harness.h"
#include "host_alloc.h"

DEQUE_DEFINE(int_deque, int);

/* 16 slots, 5 elements 100..104 wrapped round the end of the block. */
static struct int_deque wrapped(void)
{
	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 16; i++)
		CHECK(int_deque_push_back(&d, i));
	int_deque_clear(&d);
	/* start the ring at slot 13: 100 101 102 in 13..15, 103 104 in 0..1 */
	d.raw.head = 13;
	for (int i = 0; i < 5; i++)
		CHECK(int_deque_push_back(&d, 100 + i));
	CHECK_EQ(int_deque_capacity(&d), 16);
	CHECK(d.raw.head + d.raw.len > d.raw.cap); /* it wraps */
	int_deque_check(&d);
	return d;
}

TEST(shrink_keeps_the_order_of_a_wrapped_ring)
{
	struct int_deque d = wrapped();
	CHECK(int_deque_shrink_to_fit(&d));
	int_deque_check(&d);
	CHECK_EQ(int_deque_capacity(&d), 8);
	CHECK_EQ(int_deque_len(&d), 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(int_deque_get(&d, i), 100 + i);
	int_deque_drop(&d);
	CHECK_EQ(host_alloc_live(), 0);
}

TEST(shrink_to_the_smallest_power_of_two)
{
	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 40; i++)
		CHECK(int_deque_push_back(&d, i));
	CHECK_EQ(int_deque_capacity(&d), 64);
	while (int_deque_len(&d) > 9)
		CHECK(int_deque_pop_front(&d, NULL));
	CHECK(int_deque_shrink_to_fit(&d));
	CHECK_EQ(int_deque_capacity(&d), 16);
	while (int_deque_len(&d) > 3)
		CHECK(int_deque_pop_front(&d, NULL));
	CHECK(int_deque_shrink_to_fit(&d));
	CHECK_EQ(int_deque_capacity(&d), DEQUE_MIN_CAP);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(int_deque_get(&d, i), 37 + i);
	int_deque_drop(&d);
}

TEST(shrink_of_an_empty_deque_frees_the_block)
{
	struct int_deque d;
	int_deque_init(&d);
	CHECK(int_deque_push_back(&d, 1));
	CHECK(int_deque_pop_back(&d, NULL));
	CHECK(int_deque_shrink_to_fit(&d));
	CHECK_EQ(int_deque_capacity(&d), 0);
	CHECK(d.raw.buf == NULL);
	CHECK_EQ(host_alloc_live(), 0);
	int_deque_check(&d);
	CHECK(int_deque_push_front(&d, 2)); /* and it still works */
	CHECK_EQ(int_deque_get(&d, 0), 2);
	int_deque_drop(&d);
}

TEST(a_failed_shrink_changes_nothing)
{
	struct int_deque d = wrapped();
	struct raw_deque saved = d.raw;
	host_alloc_fail_all(1);
	CHECK(!int_deque_shrink_to_fit(&d));
	host_alloc_fail_all(0);
	CHECK(d.raw.buf == saved.buf && d.raw.cap == saved.cap &&
	      d.raw.head == saved.head && d.raw.len == saved.len);
	int_deque_drop(&d);
}

TEST(shrink_when_already_tight_allocates_nothing)
{
	struct int_deque d;
	int_deque_init(&d);
	for (int i = 0; i < 8; i++)
		CHECK(int_deque_push_back(&d, i));
	size_t before = host_alloc_count();
	void *buf = d.raw.buf;
	CHECK(int_deque_shrink_to_fit(&d));
	CHECK_EQ(host_alloc_count(), before);
	CHECK(d.raw.buf == buf);
	int_deque_drop(&d);
}

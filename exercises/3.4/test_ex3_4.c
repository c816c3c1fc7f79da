// sources: stages/3-null-allocator/alloc.c tests/host/host_alloc.c
// stage: 3
/*
 * Exercise 3.4: kmalloc_array(n, size, align) (stages/3-null-allocator/
 * alloc.c, alloc.h): n * size bytes, not zeroed; NULL, without asking the
 * allocator, if n * size overflows or the layout is invalid.  Declared
 * with malloc, alloc_size(1, 2), alloc_align(3) and
 * ATTR_DEALLOCATED_BY(kfree, 1).
 */
#include "harness.h"

#include "alloc.h"
#include "host_alloc.h"

/* A value the compiler cannot see: a visible overflowing product is a
 * compile-time error with GCC (that is the compile-fail case). */
static size_t rt(size_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

TEST(kmalloc_array_allocates_n_times_size)
{
	size_t live = host_alloc_live();
	uint64_t *p = kmalloc_array(rt(10), sizeof *p, _Alignof(uint64_t));
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % _Alignof(uint64_t), 0);
	CHECK_EQ(host_alloc_live(), live + 1);
	for (int i = 0; i < 10; i++) /* all 80 bytes are ours (ASan) */
		p[i] = (uint64_t)i;
	kfree(p, 10 * sizeof *p, _Alignof(uint64_t));
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kmalloc_array_refuses_an_overflowing_product)
{
	size_t count = host_alloc_count();
	CHECK(kmalloc_array(rt(SIZE_MAX / 2), rt(4), 4) == NULL);
	CHECK(kmalloc_array(rt(3), rt(SIZE_MAX / 3 + 1), 1) == NULL);
	CHECK_EQ(host_alloc_count(), count); /* the allocator never asked */
}

TEST(kmalloc_array_refuses_an_invalid_alignment)
{
	CHECK(kmalloc_array(rt(2), rt(8), rt(3)) == NULL);
}

TEST(kmalloc_array_passes_a_failure_on)
{
	host_alloc_fail_all(1);
	CHECK(kmalloc_array(rt(4), rt(4), 4) == NULL);
	host_alloc_fail_all(0);
}

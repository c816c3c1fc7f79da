/*
 * Exercise 1.6: the kernel stack made 8 KiB (common/boot.S).
 */
#include "ktest.h"
#include "sections.h"

KTEST(kernel_stack_is_8_KiB)
{
	KT_ASSERT_EQ(stack_top - stack_bottom, 8192);
}

KTEST(guard_page_is_right_below_the_stack)
{
	KT_ASSERT_EQ(stack_bottom - stack_guard, 4096);
}

/* A bound the compiler cannot see, so it does not call this an infinite
 * recursion; it is never reached. */
static volatile uint64_t dive_limit = UINT64_MAX;

static __attribute__((noinline)) uint64_t dive(uint64_t n)
{
	volatile uint64_t frame[8] = {n};
	if (n == dive_limit)
		return 0;
	return dive(n + 1) + (uint64_t)frame[0];
}

KTEST_SHOULD_PANIC(an_overflow_still_hits_the_guard_page,
		   "kernel stack overflow")
{
	dive(0);
}

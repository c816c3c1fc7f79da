/*
 * Exercise 3.3: kcalloc_or_panic tells a multiplication that overflows
 * (n * size does not fit in size_t) from the other invalid layouts:
 *
 *   kcalloc_or_panic: capacity overflow: N x SIZE bytes
 *
 * as Rust's Vec says "capacity overflow".  The constants are hidden from
 * the compiler: with alloc_size(1, 2), GCC rejects a visible overflowing
 * product at compile time (exercise 3.4).
 */
#include <stdint.h>

#include "alloc.h"
#include "ktest.h"

static size_t hidden(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

KTEST_SHOULD_PANIC(an_overflowing_product_is_a_capacity_overflow,
		   "kcalloc_or_panic: capacity overflow: "
		   "9223372036854775807 x 4 bytes")
{
	kcalloc_or_panic(hidden(SIZE_MAX / 2), 4, 4);
}

KTEST_SHOULD_PANIC(another_overflowing_product,
		   "capacity overflow: 3 x 6148914691236517206 bytes")
{
	kcalloc_or_panic(3, hidden(SIZE_MAX / 3 + 1), 2);
}

KTEST_SHOULD_PANIC(rounding_up_is_still_reported_as_rounding,
		   "size overflows when rounded up to the alignment")
{
	kcalloc_or_panic(1, hidden(SIZE_MAX), 2);
}

KTEST_SHOULD_PANIC(a_product_that_fits_is_an_allocation_error,
		   "allocation error: size 400, align 8")
{
	kcalloc_or_panic(50, 8, 8);
}

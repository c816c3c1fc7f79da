/*
 * Exercise 1.1: where the arguments of a call are.
 *
 * The student writes, in stack_demo.c (declared in stack_demo.h), two
 * noinline functions:
 *   uint64_t seventh_argument_from_the_stack(uint64_t a1, ..., uint64_t a7);
 *       the 8-byte word 16 bytes above its own frame pointer
 *   long sixth_argument_offset(uint64_t a1, ..., uint64_t a6);
 *       (char *)&a6 - (char *)__builtin_frame_address(0)
 */
#include "ktest.h"
#include "stack_demo.h"

KTEST(seventh_argument_is_above_the_return_address)
{
	/* [fp] saved RBP, [fp + 8] return address, [fp + 16] the first
	 * argument the caller pushed: the seventh. */
	KT_ASSERT_EQ(seventh_argument_from_the_stack(1, 2, 3, 4, 5, 6, 7), 7);
	KT_ASSERT_EQ(seventh_argument_from_the_stack(0, 0, 0, 0, 0, 0, 77),
		     77);
}

KTEST(sixth_argument_gets_an_address_in_the_callee_frame)
{
	long off = sixth_argument_offset(1, 2, 3, 4, 5, 6);
	/* It came in R9; its address is a slot the callee made for it,
	 * below its frame pointer. */
	KT_ASSERT_MSG(off < 0,
		      "&a6 is %ld bytes from the frame pointer: expected "
		      "below it (negative)",
		      off);
	KT_ASSERT_MSG(off > -256,
		      "&a6 is %ld bytes below the frame pointer: not in "
		      "the function's own frame?",
		      off);
}

/*
 * box_copy_tests.c - a box copied by value, freed twice, on chapter 4's
 * bump heap, which panics at the second free with nothing live.  Stage 6
 * leaves this file out (each allocator reports a double free in words of
 * its own; stage 8 runs box_copy_double_free.c as a run-time bug).
 */
#include <stdint.h>

#include "box.h"
#include "ktest.h"

BOX_DEFINE(box_int, int);

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/* A box copied by value: C copies the struct, and both copies own the
 * block.  GCC rejects the plain `AUTO_BOX(box_int) b = a;` at compile time
 * (tests/compile-fail/box_copy_double_free.c; clang compiles it): here the
 * copy is made in a function the compiler does not look into.  At the end
 * of the scope b's cleanup frees the block, then a's frees it again, with
 * nothing live: the bump heap panics. */
static __attribute__((noinline)) struct box_int
box_int_copy(const struct box_int *b)
{
	return *b;
}

KTEST_SHOULD_PANIC(copied_box_is_freed_twice,
		   "freed with no block live (double free?)")
{
	AUTO_BOX(box_int) a = box_int_new(41);
	AUTO_BOX(box_int) b = box_int_copy(&a);
	/* two owners (compared through runtime(), or GCC would know) */
	KT_ASSERT(runtime((uintptr_t)a.ptr) == (uintptr_t)b.ptr);
}

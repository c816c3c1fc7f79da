// expect-gcc: -Wuse-after-free at line 29
// flags-gcc: -Istages/5-collections -ftrack-macro-expansion=0
// flags-clang: -Istages/5-collections
/*
 * Stage 5: a box copied by value.  C copies a struct with `=` like any
 * other value, so after `b = a` two boxes own the one block, and at the end
 * of the scope both cleanups free it: b's first, then a's, a double free.
 * Rust's Box and C++'s unique_ptr rule the copy out: `let b = a;` *moves*
 * a Box (a cannot be used afterwards, and only b is dropped), and a
 * unique_ptr has no copy constructor (`std::move(a)` moves it and leaves a
 * empty).  C has no way to say that a struct must not be copied.
 *
 * GCC sees the two inlined box_int_drop calls and reports the second kfree
 * (-Wuse-after-free; -fanalyzer calls it a double free).  That kfree is
 * written inside BOX_DEFINE, in box.h: with -ftrack-macro-expansion=0, GCC
 * reports it at the line where this file uses the macro (line 29), and the
 * "inlined from" line above the error names the cleanup it comes from:
 * a's, at line 35, which runs second.  The note names the first kfree, b's
 * (line 36).  clang 14 compiles this file silently; the kernel test
 * copied_box_is_freed_twice runs the same bug.
 */
#include "box.h"

int copy_a_box(void);

/* The expansion of BOX_DEFINE defines box_int_drop, so GCC reports both
 * kfree calls at this line.  The bug is at line 36. */

BOX_DEFINE(box_int, int);

int copy_a_box(void)
{
	int r;
	{
		AUTO_BOX(box_int) a = box_int_new(41);
		AUTO_BOX(box_int) b = a; /* two owners */
		r = *b.ptr;
	} /* b dropped, then a: the same block freed twice */
	return r;
}

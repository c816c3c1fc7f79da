// expect-gcc: -Wanalyzer-malloc-leak at line 33
// flags-gcc: -Istages/5-collections -O0 -fanalyzer
// flags-clang: -Istages/5-collections
/*
 * Stage 5: a new box assigned over a live one.  `a = box_int_new(42)`
 * overwrites a's pointer to the block of 41, which nothing else points to:
 * a leak.  At the end of the scope the cleanup frees the 42; the 41 stays
 * allocated for good.  Rust drops the old value of `a` when it assigns the
 * new one, and so does unique_ptr's assignment operator (it deletes what it
 * held); C's `=` just copies the struct.
 *
 * Only GCC's static analyzer reports this, and only without optimization:
 * this case compiles at -O0 (the flag comes after the checker's -O2).  At
 * -O2, the kernel's level, inlining changes what the analyzer sees and
 * it reports nothing, and plain GCC reports nothing at any level.  clang 14
 * misses it too, with and without --analyze (its analyzer knows malloc,
 * not kmalloc).  So the demo runs it, and the kernel test
 * reassigned_box_leaks_the_old_value checks that the 41 stays live.
 */
#include "box.h"

BOX_DEFINE(box_int, int);

int reassign_a_box(void);

int reassign_a_box(void)
{
	int r;
	{
		AUTO_BOX(box_int) a = box_int_new(41);
		/* the fix: box_int_drop(&a) first, and a's cleanup still
		 * frees the new box */
		a = box_int_new(42);
		r = *a.ptr;
	}
	return r;
}

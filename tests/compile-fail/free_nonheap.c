// expect-gcc: -Wfree-nonheap-object at line 18
/*
 * Stage 3: kfree is called on memory the heap never handed out, here a
 * local array on the stack.
 *
 * A free-list allocator would link a piece of the stack into its free list
 * and hand it out later; the bump heap panics ("outside the heap").
 * clang 14 misses it.
 */
#include "alloc.h"

void free_stack_buffer(void);

void free_stack_buffer(void)
{
	char buf[16];
	buf[0] = 0;
	kfree(buf, sizeof buf, 1);
}

// expect-gcc: -Walloc-size-larger-than at line 18
/*
 * Stage 3: a constant size no object can have.
 *
 * No C object may be larger than PTRDIFF_MAX bytes, so a request of
 * SIZE_MAX bytes is certainly a bug (typically a negative number converted
 * to size_t).  The alloc_size(1) attribute on kmalloc lets GCC reject it
 * at compile time; at run time the allocator would return NULL.  clang 14
 * misses it.
 */
#include "alloc.h"

void *alloc_minus_one(void);

void *alloc_minus_one(void)
{
	int n = -1;
	return kmalloc((size_t)n, 1);
}

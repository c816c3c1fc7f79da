// expect-gcc: -Wmismatched-dealloc at line 23
/*
 * Stage 3: a block from kmalloc is released with the wrong deallocator.
 *
 * vmalloc/vfree stand for a second allocator (as in Linux, where kmalloc
 * and vmalloc memory must go back to kfree and vfree respectively).  Each
 * allocator only understands its own blocks, so vfree would corrupt its
 * bookkeeping.  The pairings come from the malloc(dealloc) attributes:
 * kmalloc's in alloc.h, vmalloc's below.  clang 14 has no such attribute
 * (ATTR_DEALLOCATED_BY is empty there) and misses it.
 */
#include "alloc.h"

void vfree(void *ptr);
__attribute__((malloc))
ATTR_DEALLOCATED_BY(vfree, 1) void *vmalloc(size_t size);

void release_with_vfree(void);

void release_with_vfree(void)
{
	void *p = kmalloc(64, 8);
	vfree(p);
}

// flags-gcc: -fanalyzer
// expect-gcc: -Wanalyzer-double-free at line 23
/*
 * Stage 3: the same block is freed twice.
 *
 * The second kfree hands the allocator a block it may already have given
 * to someone else; a free list would then contain the block twice, and two
 * later allocations would share it.  The bump heap only sees one free too
 * many if nothing else is live.
 *
 * GCC's static analyzer (-fanalyzer) reports the double free; plain GCC
 * also fails this file, with -Wuse-after-free (the second call uses the
 * freed pointer).  clang 14 misses it.
 */
#include "alloc.h"

void free_twice(void);

void free_twice(void)
{
	int *p = kmalloc(sizeof(int), _Alignof(int));
	kfree(p, sizeof(int), _Alignof(int));
	kfree(p, sizeof(int), _Alignof(int));
}

// expect-gcc: -Wuse-after-free at line 23
/*
 * Stage 3: a heap block is read after it was given back with kfree.
 *
 * After kfree the block belongs to the allocator again, which may already
 * have handed it to someone else (a bump heap will, once the live count
 * drops to zero).  GCC knows kfree frees its first argument because
 * alloc.h declares kmalloc with __attribute__((malloc(kfree, 1))).
 *
 * clang 14 has no such attribute and misses it.
 */
#include "alloc.h"

int read_after_free(void);

int read_after_free(void)
{
	int *p = kmalloc(sizeof(int), _Alignof(int));
	if (p == NULL)
		return -1;
	*p = 42;
	kfree(p, sizeof(int), _Alignof(int));
	return *p;
}

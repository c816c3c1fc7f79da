// expect-clang: -Wnon-power-of-two-alignment at line 15
/*
 * Stage 3: a constant alignment that is not a power of two.
 *
 * layout_new refuses it at run time (kmalloc returns NULL), but the
 * alloc_align(2) attribute on kmalloc in alloc.h also lets clang reject
 * the constant at compile time.  GCC 12 does not check it.
 */
#include "alloc.h"

void *alloc_odd_alignment(void);

void *alloc_odd_alignment(void)
{
	return kmalloc(24, 12);
}

/*
 * null_alloc.c - the smallest allocator that keeps the contract: it never
 * hands out any memory.
 *
 * alloc may always return NULL ("I cannot satisfy this request"), so an
 * allocator that does nothing else is correct, just useless.  Because it
 * never hands out a block, nobody can ever own one, so a call to dealloc
 * is proof of a bug in the caller: it panics.
 *
 * This is the C counterpart of the tutorial's `Dummy` GlobalAlloc.  With
 * it, every allocation in the kernel takes the error path: fallible calls
 * get NULL, infallible ones reach alloc_error() and panic with the layout.
 */
#include "alloc.h"
#include "panic.h"

static void *null_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	(void)layout;
	return NULL;
}

static void null_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	(void)ptr;
	(void)layout;
	panic("dealloc should never be called");
}

/* alloc_zeroed and realloc are left NULL: the defaults (alloc then zero;
 * alloc, copy, dealloc) are correct here too, they just always fail. */
static struct allocator null_allocator = {
	.name = "null",
	.alloc = null_alloc,
	.dealloc = null_dealloc,
};

GLOBAL_ALLOCATOR(null_allocator);

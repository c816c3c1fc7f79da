/* Exercise 3.1: one of two files that each choose a global allocator. */
#include "alloc.h"

static void *first_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	(void)layout;
	return NULL;
}

static void first_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	(void)ptr;
	(void)layout;
}

static struct allocator first = {
	.name = "first",
	.alloc = first_alloc,
	.dealloc = first_dealloc,
};

GLOBAL_ALLOCATOR(first);

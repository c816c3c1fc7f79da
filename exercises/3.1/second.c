/* Exercise 3.1: one of two files that each choose a global allocator. */
#include "alloc.h"

static void *second_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	(void)layout;
	return NULL;
}

static void second_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	(void)ptr;
	(void)layout;
}

static struct allocator second = {
	.name = "second",
	.alloc = second_alloc,
	.dealloc = second_dealloc,
};

GLOBAL_ALLOCATOR(second);

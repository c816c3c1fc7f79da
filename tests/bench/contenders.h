/*
 * contenders.h - the allocators the host benchmark compares, each behind
 * the kernel's allocator interface (alloc.h) on a heap of its own.
 *
 * A contender is what a stage's kernel_heap.c makes of its allocator,
 * minus the lock: alloc, dealloc, and realloc in place when the allocator
 * can, else the interface's default (alloc, copy, free).  The C library's
 * malloc is one too, for comparison; it has no heap of ours.
 *
 * A stage that adds an allocator adds one entry to `contenders` (and its
 * source to scripts/bench); every table of the benchmark then has its row.
 */
#ifndef CONTENDERS_H
#define CONTENDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

struct contender {
	const char *name;	     /* as the tables print it */
	int stage;		     /* the lesson that adds it; 0: not ours */
	struct allocator *allocator; /* alloc, dealloc, realloc */
	/* Gives it [start, start + size) as its whole heap, empty; every
	 * block from before is forgotten.  Returns false, ignoring the
	 * range, for an allocator without a fixed heap (malloc). */
	bool (*reset)(uintptr_t start, size_t size);
};

extern const struct contender contenders[];
extern const size_t contender_count;

#endif

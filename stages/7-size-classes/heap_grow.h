/*
 * heap_grow.h - the kernel heap grows: pages mapped after its end, on
 * demand, up to HEAP_MAX_SIZE.  The slabs call heap_grow when the free
 * list under them has no room (slab.h's grow callback).
 */
#ifndef HEAP_GROW_H
#define HEAP_GROW_H

#include <stdbool.h>
#include <stddef.h>

#include "freelist.h"

#define HEAP_MAX_SIZE (8u << 20)  /* the most the heap grows to: 8 MiB */
#define HEAP_GROW_MIN (64u << 10) /* and at least this much at a time */

/* The heap's extent, guarded by the heap's lock.  Invariants: size is a
 * multiple of the page size, HEAP_SIZE <= size <= HEAP_MAX_SIZE, and
 * [HEAP_START, HEAP_START + size) is mapped and is heap->start..end. */
struct heap_growth {
	struct freelist_heap *heap; /* what the new pages are given to */
	size_t size;		    /* bytes mapped from HEAP_START */
	size_t grown;		    /* growths so far */
	size_t frame_budget;	    /* frames it may still take (SIZE_MAX:
				       no limit; tests lower it) */
};

/* A slab_grow_fn: maps at least `bytes` more bytes after the heap's end,
 * HEAP_GROW_MIN at least (as the maximum allows), and extends the free
 * list with them.  False, with what was mapped kept, if the maximum or
 * the frames (or the budget) run out first. */
bool heap_grow(void *growth, size_t bytes);

#endif

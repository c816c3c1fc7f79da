/*
 * bump_alloc.h - a bump allocator: the simplest heap that can free.
 *
 * The portable core (theory of operation in bump_alloc.c): plain state and
 * functions, no lock.  kernel_heap.c makes it the kernel's allocator, under
 * a lock; the host tests call it directly.
 */
#ifndef BUMP_ALLOC_H
#define BUMP_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

/*
 * The whole state of a bump heap.  Invariants (checked by bump_check):
 *   - 0 < heap_start <= last <= next <= heap_end;
 *   - [heap_start, next) has been handed out since the last reset,
 *     [next, heap_end) is free;
 *   - the block handed out last is [last, next);
 *   - allocations == 0 implies next == last == heap_start.
 */
struct bump_heap {
	uintptr_t heap_start; /* first byte of the heap, never 0 */
	uintptr_t heap_end;   /* one past the last byte; never wraps to 0 */
	uintptr_t next;	      /* first free byte; only grows, until a reset */
	uintptr_t last;	      /* start of the block handed out last (the only
				 one that may be resized in place) */
	size_t allocations;   /* live blocks: allocs minus deallocs */
};

/* Makes [start, start + size) an empty heap, of mapped memory nothing else
 * uses.  Panics if start is 0 or the range wraps around. */
void bump_init(struct bump_heap *h, uintptr_t start, size_t size);

/* A block of layout.size bytes aligned to layout.align, or NULL if it does
 * not fit in what is left (a huge size or alignment just does not fit:
 * nothing wraps).  A zero-size block is an address in the heap or at its
 * end, freed like any other.  Touches no heap memory. */
void *bump_alloc(struct bump_heap *h, struct layout layout);

/* Frees a block; its memory is reused once every block is freed.  Panics
 * with "bump_dealloc: ..." on the frees it can tell are wrong: more frees
 * than allocations, or a pointer outside what was handed out. */
void bump_dealloc(struct bump_heap *h, void *ptr, struct layout layout);

/* Resizes the block handed out last in place, by moving next: returns ptr,
 * or NULL when ptr is not that block or the heap has no room (the caller
 * then falls back to the default realloc: alloc, copy, dealloc). */
void *bump_realloc_in_place(struct bump_heap *h, void *ptr,
			    struct layout layout, size_t new_size);

/* Bytes handed out since the last reset (padding and freed blocks too). */
size_t bump_used(const struct bump_heap *h);
/* Bytes still available above next (before alignment padding). */
size_t bump_free(const struct bump_heap *h);
/* Live blocks: allocated and not yet freed. */
size_t bump_live(const struct bump_heap *h);

/* Verifies the invariants above; panics with "bump_check: <reason>". */
void bump_check(const struct bump_heap *h);

#endif

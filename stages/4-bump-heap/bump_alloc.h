/*
 * bump_alloc.h - a bump allocator: the simplest heap that can free.
 *
 * A bump heap hands out memory by moving one pointer, `next`, up through a
 * fixed range, and takes all of it back at once when the last live block is
 * freed.  See bump_alloc.c for the theory of operation.
 *
 * This file is the portable core: plain state and functions, no lock.  The
 * kernel stage wraps it in a `struct allocator` and takes its lock around
 * every call; host tests call it directly.
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

/* Makes [start, start + size) an empty heap.  The memory must be mapped and
 * writable, and used by nothing else.  Panics if start is 0 or the range
 * wraps around the end of the address space. */
void bump_init(struct bump_heap *h, uintptr_t start, size_t size);

/* Returns a block of layout.size bytes aligned to layout.align, or NULL if
 * it does not fit in what is left of the heap (a huge size or alignment is
 * just "does not fit": nothing wraps).  A zero-size request returns an
 * aligned address inside the heap or at its end, which must be freed like
 * any other block.  Touches no heap memory. */
void *bump_alloc(struct bump_heap *h, struct layout layout);

/* Frees a block from bump_alloc.  The memory is only reused once every
 * block is freed: then next returns to heap_start.  Panics with
 * "bump_dealloc: ..." on the frees a bump heap can tell are wrong: more
 * frees than allocations (a double free), or a pointer that is outside the
 * heap or was never handed out. */
void bump_dealloc(struct bump_heap *h, void *ptr, struct layout layout);

/*
 * Resizes the block at ptr in place if it is the last one handed out (it
 * starts at last and ends at next) and the heap has room: next simply
 * moves.  Returns ptr, or NULL when the block cannot be resized in place;
 * the caller then falls back to the default realloc (alloc, copy,
 * dealloc).  This is the override the allocator interface allows: a Vec
 * growing at the top of a bump heap is extended without copying.
 */
void *bump_realloc_in_place(struct bump_heap *h, void *ptr,
			    struct layout layout, size_t new_size);

/* Bytes handed out since the last reset, including alignment padding and
 * blocks already freed. */
size_t bump_used(const struct bump_heap *h);

/* Bytes still available above next (before alignment padding). */
size_t bump_free(const struct bump_heap *h);

/* Number of live blocks (allocated and not yet freed). */
size_t bump_live(const struct bump_heap *h);

/* Verifies the invariants above; panics with "bump_check: <reason>". */
void bump_check(const struct bump_heap *h);

#endif

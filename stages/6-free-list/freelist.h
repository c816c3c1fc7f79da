/*
 * freelist.h - a free-list allocator: blocks are reused, neighbours merge.
 *
 * The free blocks form a singly linked list kept in address order, and the
 * list's nodes live in the free memory itself.  See freelist.c for the
 * theory of operation.
 *
 * Like bump_alloc.h, this is the portable core: plain state and functions,
 * no lock.  The kernel stage wraps it in a `struct allocator` behind its
 * lock; host tests and the fuzzer call it directly.
 */
#ifndef FREELIST_H
#define FREELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

/*
 * A free block's first 16 bytes: its size and the next free block.  Every
 * block, free or live, starts at a multiple of FREELIST_UNIT and has a
 * size that is a multiple of it, so every gap this allocator ever leaves
 * (in front of an aligned block, behind a shorter one) is either empty or
 * big enough to hold a node.
 */
struct free_block {
	size_t size;		 /* bytes in this block, node included */
	struct free_block *next; /* the next free block up, or NULL */
};

#define FREELIST_UNIT sizeof(struct free_block) /* 16 on x86_64 */

/*
 * The whole state of a free-list heap.  Invariants (freelist_check):
 *   - start and end are multiples of FREELIST_UNIT, start < end, start != 0;
 *   - the free blocks, from head along next, lie inside [start, end), at
 *     strictly increasing addresses, never overlap and never touch: two
 *     free neighbours are always merged into one block;
 *   - every free block's size is a nonzero multiple of FREELIST_UNIT;
 *   - free_bytes is the sum of the free blocks' sizes, and
 *     free_bytes + used == end - start: every byte is in a free block or a
 *     live one (nothing is lost to padding);
 *   - live == 0 implies one free block that covers [start, end).
 */
struct freelist_heap {
	uintptr_t start;	 /* first byte of the heap */
	uintptr_t end;		 /* one past the last byte */
	struct free_block *head; /* lowest free block, or NULL when full */
	size_t free_bytes;	 /* bytes in free blocks */
	size_t used;		 /* bytes in live blocks (sizes rounded up) */
	size_t live;		 /* live blocks: allocs minus deallocs */
};

enum freelist_error {
	FREELIST_OK = 0,
	FREELIST_AT_ZERO,    /* the range starts at address 0 */
	FREELIST_WRAPS,	     /* the range runs past the end of memory */
	FREELIST_TOO_SMALL,  /* once aligned, it cannot hold one node */
};

/* Makes [start, start + size) an empty heap: one free block.  The range is
 * shrunk to multiples of FREELIST_UNIT at both ends.  A range that starts
 * at 0, wraps, or is too small once aligned is refused (nothing is
 * written, *h is untouched); otherwise the memory must be mapped,
 * writable, and used by nothing else. */
enum freelist_error freelist_init(struct freelist_heap *h, uintptr_t start,
				  size_t size);

/* A message for an error of freelist_init. */
const char *freelist_error_str(enum freelist_error err);

/* Bytes a block of `size` bytes takes: size rounded up to FREELIST_UNIT
 * (at least one unit), or 0 if that does not fit in a size_t. */
size_t freelist_block_size(size_t size);

/* First fit: returns the lowest block of layout.size bytes aligned to
 * layout.align, or NULL if no free block can hold it (a huge size or
 * alignment is "does not fit": nothing wraps).  A zero-size request takes
 * one unit, like any other block. */
void *freelist_alloc(struct freelist_heap *h, struct layout layout);

/* Frees a block from freelist_alloc with the layout it was allocated
 * with; it merges with a free neighbour on either side.  Panics with
 * "freelist_dealloc: <block> ..." on a free the heap can tell is wrong: a
 * pointer outside the heap or not on a unit boundary, a free with nothing
 * live, or a block that overlaps free memory ("is free already (double
 * free?)" when it starts a free block, else the wrong size). */
void freelist_dealloc(struct freelist_heap *h, void *ptr,
		      struct layout layout);

/*
 * Resizes the block at ptr in place: a shrink gives the tail back to the
 * free list (where it merges), a growth takes the room from the free block
 * right after the block, when there is one and it is big enough.  Returns
 * ptr, or NULL when the block cannot grow in place; the caller then falls
 * back to the default realloc (alloc, copy, dealloc).
 */
void *freelist_realloc_in_place(struct freelist_heap *h, void *ptr,
				struct layout layout, size_t new_size);

/* Adds [end, end + bytes) to the heap as free memory (it merges with a
 * free block that reaches the old end).  The range must be mapped and
 * writable; bytes must be a nonzero multiple of FREELIST_UNIT.  Returns
 * false, changing nothing, if it is not, or if the end would wrap. */
bool freelist_extend(struct freelist_heap *h, size_t bytes);

/* What a walk of the free list finds. */
struct freelist_stats {
	size_t free_bytes;    /* in all free blocks */
	size_t used;	      /* in live blocks */
	size_t live;	      /* live blocks */
	size_t free_blocks;   /* length of the free list */
	size_t largest_free;  /* the biggest request that can succeed */
};
struct freelist_stats freelist_stats(const struct freelist_heap *h);

/* One cell of a heap map: what the bytes it covers are. */
enum freelist_cell {
	CELL_FREE,  /* all free */
	CELL_NODE,  /* holds the start of a free block: its node */
	CELL_USED,  /* all in live blocks */
	CELL_MIXED, /* some live, some free */
};

/* Fills map[0..cells) with the state of the heap from offset `from`, each
 * cell covering `bytes_per_cell` bytes (cells past the end are CELL_FREE
 * and should not be drawn). */
void freelist_map(const struct freelist_heap *h, size_t from,
		  size_t bytes_per_cell, enum freelist_cell *map, size_t cells);

/* A broken invariant, as freelist_check reports it. */
struct freelist_fault {
	const char *what; /* which invariant; NULL when all hold */
	uintptr_t at;	  /* the block where it broke, or 0 */
};

/* Walks the whole heap and verifies every invariant of struct
 * freelist_heap.  Returns true when all hold; otherwise false, and *fault
 * says which broke first.  Never panics, so a test can break the heap on
 * purpose and see that the check notices. */
bool freelist_check(const struct freelist_heap *h,
		    struct freelist_fault *fault);

/* freelist_check, panicking with "freelist_check: <what> at <block>". */
void freelist_assert(const struct freelist_heap *h);

#endif

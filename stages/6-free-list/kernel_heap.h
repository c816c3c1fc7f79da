/*
 * kernel_heap.h - the kernel heap: the free-list allocator on the pages
 * stage 2 mapped, behind a lock, registered as the global allocator.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>

/* Makes [HEAP_START, HEAP_START + HEAP_SIZE) one free block, forgetting
 * every block handed out; the pages must already be mapped (heap_init). */
void kernel_heap_init(void);

struct heap_stats {
	size_t used;	     /* bytes in live blocks (sizes rounded up) */
	size_t free;	     /* bytes in free blocks */
	size_t live;	     /* allocations not yet freed */
	size_t free_blocks;  /* length of the free list */
	size_t largest_free; /* the biggest block that can be allocated */
};
struct heap_stats kernel_heap_stats(void);

/* Prints "<label> N/M bytes used, K live" and, on VGA, draws the heap
 * as a bar: used cells solid red blocks, free cells light green shade. */
void kernel_heap_show(const char *label);

/* Prints `rows` lines of the heap map, 64 cells each, from byte `from` of
 * the heap, each cell `bytes_per_cell` bytes:
 *     #  used          .  free
 *     o  a free block's node (where a free block starts)
 *     +  part used, part free
 * The same characters go to serial; on VGA they are coloured too. */
void kernel_heap_map(size_t from, size_t bytes_per_cell, int rows);

/* Panics with "freelist_check: ..." if an invariant of the heap is
 * broken (freelist.h lists them). */
void kernel_heap_check(void);

#endif

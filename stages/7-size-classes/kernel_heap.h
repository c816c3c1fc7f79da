/*
 * kernel_heap.h - the kernel heap: size classes in slabs over the free
 * list, behind a lock, registered as the global allocator; it starts on
 * the pages stage 2 mapped and grows, page by page, up to HEAP_MAX_SIZE.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>

#include "heap_grow.h" /* HEAP_MAX_SIZE */

/* Makes the heap as mapped so far one free block, with no slabs,
 * forgetting every block handed out; the first call takes the pages
 * heap_init mapped (HEAP_SIZE bytes). */
void kernel_heap_init(void);

struct heap_stats {
	size_t used;	     /* bytes in live blocks (rounded to classes) */
	size_t free;	     /* size - used */
	size_t live;	     /* allocations not yet freed */
	size_t size;	     /* bytes mapped: HEAP_SIZE, then more */
	size_t largest_free; /* the free list's biggest block */
	size_t grown;	     /* how many times the heap grew */
};
struct heap_stats kernel_heap_stats(void);

/* Prints "<label> N/M bytes used, K live" (M: the size now) and, on
 * VGA, draws the heap as a bar: used cells solid red, free light green. */
void kernel_heap_show(const char *label);

/* Prints one line per size class that has slabs: its block size, slabs,
 * live and free blocks (heap_show.c). */
void kernel_heap_show_classes(void);

/* What size class `class` holds now. */
struct slab_class_stats;
void kernel_heap_class_stats(int class, struct slab_class_stats *out);

/* Lets the heap take at most `frames` more frames when it grows (as if
 * memory ran out then); SIZE_MAX, the default, for no limit.  For the
 * tests and the demo. */
void kernel_heap_limit_frames(size_t frames);

/* Panics with "slab_check: ..." if an invariant of the slabs or of the
 * free list under them is broken. */
void kernel_heap_check(void);

#endif

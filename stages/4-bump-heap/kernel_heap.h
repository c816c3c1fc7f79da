/* kernel_heap.h - the kernel heap: the bump allocator on the pages stage 2
 * mapped, behind a lock, registered as the global allocator. */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>

/* Empties the heap: every block forgotten; heap_init mapped its pages. */
void kernel_heap_init(void);

struct heap_stats {
	size_t used; /* bytes from the heap start to next */
	size_t free; /* bytes from next to the heap end */
	size_t live; /* allocations not yet freed */
};
struct heap_stats kernel_heap_stats(void);

/* Prints "<label> N/M bytes used, K live", and the same as a gauge. */
void kernel_heap_show(const char *label);

#endif

/*
 * heap.h - where the kernel heap lives, and mapping its pages.
 *
 * HEAP_START is an arbitrary unused virtual address, chosen so that a
 * heap pointer is easy to recognise in a dump (0x4444_4444_xxxx); it is in
 * the lower half, far from the kernel image (1 MiB) and from the direct
 * map (PHYS_OFFSET).  HEAP_SIZE is small on purpose: 25 pages.
 */
#ifndef HEAP_H
#define HEAP_H

#include "paging.h"

#define HEAP_START 0x444444440000ull
#define HEAP_SIZE (100 * 1024)

/*
 * Maps every page of [HEAP_START, HEAP_START + HEAP_SIZE) present and
 * writable (and not executable where the CPU supports NX), each to a
 * fresh frame.  Returns MAP_OK, or the first error (the pages mapped
 * before it stay mapped).
 */
enum map_error heap_init(void);

/* heap_init for boot code that cannot go on without a heap: panics with
 * the reason if mapping fails. */
void heap_init_or_panic(void);

#endif

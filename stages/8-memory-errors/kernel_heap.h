/*
 * kernel_heap.h - the kernel heap of chapter 7 (slabs over a free list
 * that grows) with the debugging allocator on top: every block between
 * redzones, freed blocks poisoned and quarantined, guarded pages for a
 * sample of blocks, and reports that name who allocated and who freed.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "heap_grow.h" /* HEAP_MAX_SIZE */

/* Makes the heap as mapped so far one free block, with no slabs,
 * forgetting every block handed out; the first call takes the pages
 * heap_init mapped (HEAP_SIZE bytes). */
void kernel_heap_init(void);

struct heap_stats {
	size_t used;	     /* bytes asked for by the live blocks
				(undecorated: rounded to classes) */
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

/* Guarded blocks (guard.h): every Nth allocation from now on is placed
 * before an unmapped page (1: all of them that can be; 0: none). */
void kernel_heap_guard_every(unsigned n);

/* With yes, a report (not a guarded block's fault) is printed as "BUG:
 * debug_alloc: ..." and the kernel goes on: a bad free is ignored, a
 * block with a broken redzone freed.  With no (the default), a report
 * panics.  (The demo shows every kind of bug this way.)  A poisoned
 * pointer's fault cannot be gone on from: its report is printed, then
 * the exception's own report panics. */
void kernel_heap_reports_continue(bool yes);

/* With yes, chapter 7's heap alone from now on: kmalloc goes straight
 * to the slabs, no redzones, no reports but the slabs' own panics, and
 * the stats are the slabs' (for chapter 7's slab_tests.c, run unchanged
 * here).  Each switch starts the heap empty; switching on panics if a
 * block of the debugging allocator is live (it would have to be freed
 * by the slabs). */
void kernel_heap_undecorated(bool yes);

/* Reports raised so far, printed or not. */
size_t kernel_heap_reports(void);

/* Lists every live block, with its size and who allocated it, on a line
 * of its own ("  leak: 24-byte block 0x...", "    allocated by f+0x1c");
 * returns how many. */
size_t kernel_heap_leaks(void);

/* Calls each(ctx, block, size) for every live block (not the guarded
 * ones), in address order; returns how many there are. */
size_t kernel_heap_each_live(void (*each)(void *ctx, const void *block,
					  size_t size),
			     void *ctx);

/* Empties the quarantine: every freed block is checked (its poison) and
 * really given back. */
void kernel_heap_flush(void);

/* Lets the heap take at most `frames` more frames when it grows (as if
 * memory ran out then); SIZE_MAX, the default, for no limit.  For the
 * tests and the demo. */
void kernel_heap_limit_frames(size_t frames);

/* Panics with "slab_check: ..." or "debug_check: ..." if an invariant of
 * the debugging allocator, the slabs or the free list is broken. */
void kernel_heap_check(void);

#endif

/*
 * contenders.h - the allocators the host benchmark compares, each behind
 * the kernel's allocator interface (alloc.h) on a heap of its own.
 *
 * A contender is what a stage's kernel_heap.c makes of its allocator,
 * minus the lock: alloc, dealloc, and realloc in place when the allocator
 * can, else the interface's default (alloc, copy, free).  The C library's
 * malloc is one too, for comparison; it has no heap of ours.  A layer
 * over another allocator (stage 8's debugging allocator, over the slabs)
 * is one as well, stacked as its kernel_heap.c stacks it, and names the
 * contender it is layered over: scripts/bench prints its overhead, the
 * factor between the two in the same run.
 *
 * A stage that adds an allocator adds one entry to `contenders` (and its
 * source to scripts/bench); every table of the benchmark then has its row
 * (a layer: the summary's and its overhead's, see `over`).
 */
#ifndef CONTENDERS_H
#define CONTENDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "debug_alloc.h"
#include "freelist.h"
#include "slab.h"

struct contender {
	const char *name;	     /* as the tables print it */
	int stage;		     /* the lesson that adds it; 0: not ours */
	struct allocator *allocator; /* alloc, dealloc, realloc */
	/* Gives it [start, start + size) as its whole heap, empty; every
	 * block from before is forgotten.  Returns false, ignoring the
	 * range, for an allocator without a fixed heap (malloc). */
	bool (*reset)(uintptr_t start, size_t size);
	/* A layer: the name of the contender it is layered over.  It fills
	 * and checks every byte of every block, so it is measured on small
	 * blocks and random actions only (bench_host.c): not by block size
	 * up to 4096, not behind first fit's free blocks, and not for heap
	 * efficiency (talc's 300 runs on 512 MiB would take minutes, for
	 * the figure of the allocator below less the redzones).  NULL: an
	 * allocator of its own. */
	const char *over;
};

extern const struct contender contenders[];
extern const size_t contender_count;

/*
 * Stacks stage 8's kernel heap on [start, start + size), minus the lock,
 * the call sites and the guarded pages: the debugging allocator d over
 * the slabs s over the free list f, on the whole range, which does not
 * grow.  The debugging allocator's contender and its direct loops
 * (direct_calls.c) run on it.  They share one shadow map, zeroed here
 * (a byte per DBG_GRANULE bytes of the range, allocated the first time):
 * a heap set up before is not to be used again.
 */
void debug_over_slabs(struct debug_heap *d, struct slab_heap *s,
		      struct freelist_heap *f, uintptr_t start, size_t size);

#endif

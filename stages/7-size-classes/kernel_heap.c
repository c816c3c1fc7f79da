/*
 * kernel_heap.c - size classes (slab.c) over the free list (freelist.c)
 * as the kernel's global allocator, and the heap's growth.
 *
 * One lock guards both layers and the growth (heap_grow.c): the slabs
 * take memory from the free list, and the free list grows (mapping pages)
 * while a request waits, all inside one alloc.
 */
#include "kernel_heap.h"

#include <stdint.h>

#include "alloc.h"
#include "console.h"
#include "freelist.h"
#include "heap.h"
#include "heap_grow.h"
#include "panic.h"
#include "slab.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct freelist_heap fallback; /* guarded by lock */
	struct slab_heap slabs;	       /* guarded by lock */
	struct heap_growth growth;     /* guarded by lock */
} kernel_heap = {.lock = SPINLOCK_INIT("heap lock"),
		 .growth = {.heap = &kernel_heap.fallback,
			    .frame_budget = SIZE_MAX}};

/* ------------------------------------------------------------- growth */

void kernel_heap_limit_frames(size_t frames)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	kernel_heap.growth.frame_budget = frames;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------------- the global allocator */

static void *heap_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = slab_alloc(&kernel_heap.slabs, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return p;
}

static void heap_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	slab_dealloc(&kernel_heap.slabs, ptr, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* In place within a class, or for a large block the free list can
 * resize; otherwise the default (alloc, copy, free). */
static void *heap_realloc(struct allocator *self, void *ptr,
			  struct layout layout, size_t new_size)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = slab_realloc_in_place(&kernel_heap.slabs, ptr, layout,
					new_size);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (p != NULL)
		return p;
	return default_realloc(self, ptr, layout, new_size);
}

static struct allocator slab_allocator = {
	.name = "size classes",
	.alloc = heap_alloc,
	.dealloc = heap_dealloc,
	.realloc = heap_realloc,
};

GLOBAL_ALLOCATOR(slab_allocator);

void kernel_heap_init(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	if (kernel_heap.growth.size == 0)
		kernel_heap.growth.size = HEAP_SIZE; /* what heap_init mapped */
	enum freelist_error err = freelist_init(
		&kernel_heap.fallback, HEAP_START, kernel_heap.growth.size);
	if (err != FREELIST_OK)
		panic("kernel_heap_init: %s", freelist_error_str(err));
	slab_heap_init(&kernel_heap.slabs, &kernel_heap.fallback, heap_grow,
		       &kernel_heap.growth);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------------------------ looking */

struct heap_stats kernel_heap_stats(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	const struct slab_heap *h = &kernel_heap.slabs;
	struct heap_stats s = {.used = slab_used(h),
			       .live = h->large_live,
			       .size = kernel_heap.growth.size,
			       .grown = kernel_heap.growth.grown};
	for (int i = 0; i < SLAB_CLASSES; i++)
		s.live += h->classes[i].live;
	s.free = s.size - s.used;
	s.largest_free = freelist_stats(&kernel_heap.fallback).largest_free;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return s;
}

void kernel_heap_check(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct slab_fault fault;
	bool ok = slab_check(&kernel_heap.slabs, &fault);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (!ok)
		panic("slab_check: %s at %p", fault.what, (void *)fault.at);
}

void kernel_heap_class_stats(int class, struct slab_class_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	slab_class_stats(&kernel_heap.slabs, class, out);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/*
 * kernel_heap.c - the bump allocator (bump_alloc.c) as the kernel's global
 * allocator.  The heap is a mutable static every kernel path shares, so it
 * lives next to its lock, taken with interrupts off (lesson 1).
 */
#include "kernel_heap.h"

#include "alloc.h"
#include "bump_alloc.h"
#include "console.h"
#include "heap.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct bump_heap heap; /* guarded by lock */
} kernel_heap = {.lock = SPINLOCK_INIT("heap lock")};

static void *heap_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = bump_alloc(&kernel_heap.heap, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return p;
}

static void heap_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	bump_dealloc(&kernel_heap.heap, ptr, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* Overrides the default realloc: the last block is resized in place (no
 * copy); any other takes the default path (alloc, copy, free). */
static void *heap_realloc(struct allocator *self, void *ptr,
			  struct layout layout, size_t new_size)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p =
		bump_realloc_in_place(&kernel_heap.heap, ptr, layout, new_size);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return p != NULL ? p : default_realloc(self, ptr, layout, new_size);
}

static struct allocator bump_allocator = {
	.name = "bump",
	.alloc = heap_alloc,
	.dealloc = heap_dealloc,
	.realloc = heap_realloc,
	/* alloc_zeroed: the default, alloc then zero (reuse never clears) */
};

GLOBAL_ALLOCATOR(bump_allocator);

void kernel_heap_init(void)
{
	bump_init(&kernel_heap.heap, HEAP_START, HEAP_SIZE);
}

struct heap_stats kernel_heap_stats(void)
{
	const struct bump_heap *h = &kernel_heap.heap;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct heap_stats s = {.used = bump_used(h),
			       .free = bump_free(h),
			       .live = bump_live(h)};
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return s;
}

void kernel_heap_show(const char *label)
{
	struct heap_stats s = kernel_heap_stats();
	kprintf("  %-24s %6zu/%zu bytes used, %zu live\n", label, s.used,
		(size_t)HEAP_SIZE, s.live);
	console_gauge(s.used, HEAP_SIZE); /* the same, as a picture */
}

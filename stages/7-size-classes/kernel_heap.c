/*
 * kernel_heap.c - size classes (slab.c) over the free list (freelist.c)
 * as the kernel's global allocator, and the heap's growth.
 *
 * One lock guards both layers and the growth: the slabs take memory from
 * the free list, and the free list grows (mapping pages) while a request
 * waits, all inside one alloc.
 */
#include "kernel_heap.h"

#include <stdint.h>

#include "alloc.h"
#include "console.h"
#include "freelist.h"
#include "heap.h"
#include "memory.h"
#include "panic.h"
#include "slab.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct freelist_heap fallback; /* guarded by lock */
	struct slab_heap slabs;	       /* guarded by lock */
	size_t size;	     /* bytes mapped from HEAP_START; only grows */
	size_t grown;	     /* growths so far */
	size_t frame_budget; /* frames growth may still take */
} kernel_heap = {.lock = SPINLOCK_INIT("heap lock"),
		 .frame_budget = SIZE_MAX};

/* ------------------------------------------------------------- growth */

#define HEAP_GROW_MIN (64u << 10) /* 16 pages */

/* Maps `pages` pages from `at`, each to a fresh frame (as heap_init does
 * for the first ones); returns how many it mapped before it ran out. */
static size_t map_pages(uint64_t at, size_t pages)
{
	uint64_t flags = PTE_PRESENT | PTE_WRITABLE | paging_nx_flag();
	uint64_t irq;
	struct frame_allocator *frames = memory_lock(&irq);
	size_t done = 0;
	for (; done < pages && kernel_heap.frame_budget > 0; done++) {
		uint64_t frame;
		if (!frame_alloc(frames, &frame))
			break;
		kernel_heap.frame_budget -= kernel_heap.frame_budget != SIZE_MAX;
		if (paging_map_to(at + done * PAGE_SIZE, frame, flags, frames) !=
		    MAP_OK)
			break; /* the frame is lost: a leak, not corruption */
	}
	memory_unlock(irq);
	return done;
}

/*
 * The slabs' grow callback, called with the heap lock held when the free
 * list has no room: maps enough pages after the heap's end for `bytes`,
 * if the maximum allows, and gives them to the free list.
 *
 *   HEAP_START          heap end                          HEAP_MAX_SIZE
 *   | mapped: the heap  | new pages, mapped now |  not mapped  |
 */
static bool heap_grow(void *ctx, size_t bytes)
{
	(void)ctx;
	size_t room = HEAP_MAX_SIZE - kernel_heap.size;
	if (bytes > room)
		return false;
	/* at least HEAP_GROW_MIN at a time, as the room allows: fewer,
	 * bigger steps, and the next requests find room already mapped */
	if (bytes < HEAP_GROW_MIN)
		bytes = room < HEAP_GROW_MIN ? room : HEAP_GROW_MIN;
	size_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	size_t mapped = map_pages(HEAP_START + kernel_heap.size, pages);
	if (mapped == 0)
		return false;
	freelist_extend(&kernel_heap.fallback, mapped * PAGE_SIZE);
	kernel_heap.size += mapped * PAGE_SIZE;
	kernel_heap.grown++;
	return mapped == pages;
}

void kernel_heap_limit_frames(size_t frames)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	kernel_heap.frame_budget = frames;
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
	if (kernel_heap.size == 0)
		kernel_heap.size = HEAP_SIZE; /* what heap_init mapped */
	enum freelist_error err = freelist_init(&kernel_heap.fallback,
						HEAP_START, kernel_heap.size);
	if (err != FREELIST_OK)
		panic("kernel_heap_init: %s", freelist_error_str(err));
	slab_heap_init(&kernel_heap.slabs, &kernel_heap.fallback, heap_grow,
		       NULL);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------------------------ looking */

struct heap_stats kernel_heap_stats(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	const struct slab_heap *h = &kernel_heap.slabs;
	struct heap_stats s = {.used = slab_used(h),
			       .live = h->large_live,
			       .size = kernel_heap.size,
			       .grown = kernel_heap.grown};
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

void kernel_heap_show_classes(void)
{
	for (int i = 0; i < SLAB_CLASSES; i++) {
		struct slab_class_stats c;
		uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
		slab_class_stats(&kernel_heap.slabs, i, &c);
		spin_unlock_irqrestore(&kernel_heap.lock, flags);
		if (c.slabs > 0)
			kprintf("    %4zu-byte blocks: %zu slab%s, %zu live, "
				"%zu free\n",
				c.block, c.slabs, c.slabs == 1 ? "" : "s",
				c.live, c.free);
	}
}

#define BAR_COL 59
#define BAR_WIDTH 20

static void draw_bar(void *arg)
{
	const struct heap_stats *s = arg;
	int filled = (int)((s->used * BAR_WIDTH + s->size - 1) / s->size);
	/* on the line just printed */
	vga_draw_bar(vga_cursor_row() - 1, BAR_COL, BAR_WIDTH, filled, VGA_RED,
		     VGA_GREEN);
}

void kernel_heap_show(const char *label)
{
	struct heap_stats s = kernel_heap_stats();
	kprintf("  %-16s %7zu/%-7zu bytes used, %zu live\n", label, s.used,
		s.size, s.live);
	console_with_lock(draw_bar, &s);
}

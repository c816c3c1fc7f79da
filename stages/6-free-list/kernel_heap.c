/*
 * kernel_heap.c - the free-list allocator (freelist.c) as the kernel's
 * global allocator.
 *
 * freelist.c is portable and knows nothing of locks; the heap is a
 * mutable static shared by all kernel code (and, one day, interrupt
 * handlers), so here it lives next to its lock, and every operation takes
 * the lock with interrupts off (lesson 1).
 */
#include "kernel_heap.h"

#include "alloc.h"
#include "console.h"
#include "freelist.h"
#include "heap.h"
#include "panic.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct freelist_heap heap; /* guarded by lock */
} kernel_heap = {.lock = SPINLOCK_INIT("heap lock")};

static void *heap_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = freelist_alloc(&kernel_heap.heap, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return p;
}

static void heap_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	freelist_dealloc(&kernel_heap.heap, ptr, layout);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/*
 * Overrides the default realloc: a block shrinks in place, and grows in
 * place into a free block right behind it; otherwise the default path
 * (alloc, copy, free) moves it.
 */
static void *heap_realloc(struct allocator *self, void *ptr,
			  struct layout layout, size_t new_size)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = freelist_realloc_in_place(&kernel_heap.heap, ptr, layout,
					    new_size);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (p != NULL)
		return p;
	return default_realloc(self, ptr, layout, new_size);
}

static struct allocator freelist_allocator = {
	.name = "free list",
	.alloc = heap_alloc,
	.dealloc = heap_dealloc,
	.realloc = heap_realloc,
	/* alloc_zeroed: the default (alloc, then zero); freed memory is
	 * reused as it was left, node and all. */
};

GLOBAL_ALLOCATOR(freelist_allocator);

void kernel_heap_init(void)
{
	enum freelist_error err =
		freelist_init(&kernel_heap.heap, HEAP_START, HEAP_SIZE);
	if (err != FREELIST_OK)
		panic("kernel_heap_init: %s", freelist_error_str(err));
}

struct heap_stats kernel_heap_stats(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct freelist_stats f = freelist_stats(&kernel_heap.heap);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return (struct heap_stats){
		.used = f.used,
		.free = f.free_bytes,
		.live = f.live,
		.free_blocks = f.free_blocks,
		.largest_free = f.largest_free,
	};
}

void kernel_heap_check(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct freelist_fault fault;
	bool ok = freelist_check(&kernel_heap.heap, &fault);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (!ok)
		panic("freelist_check: %s at %p", fault.what,
		      (void *)fault.at);
}

void kernel_heap_show(const char *label)
{
	struct heap_stats s = kernel_heap_stats();
	kprintf("  %-24s %6zu/%zu bytes used, %zu live\n", label, s.used,
		(size_t)HEAP_SIZE, s.live);
	console_gauge(s.used, HEAP_SIZE); /* the same, as a picture */
}

/* ------------------------------------------------------------ heap map */

#define MAP_CELLS 64
#define MAP_COL 10 /* "  offset |" comes first */

static const char map_glyph[] = {
	[CELL_FREE] = '.', [CELL_NODE] = 'o', [CELL_USED] = '#',
	[CELL_MIXED] = '+'};
static const enum vga_color map_color[] = {
	[CELL_FREE] = VGA_GREEN, [CELL_NODE] = VGA_YELLOW,
	[CELL_USED] = VGA_LIGHT_RED, [CELL_MIXED] = VGA_PINK};

static void color_map_line(void *arg)
{
	vga_recolor(vga_cursor_row() - 1, MAP_COL, MAP_CELLS, arg);
}

/* One line of the map: the cells from byte `from`, as text and colours. */
static void map_line(size_t from, size_t bytes_per_cell)
{
	enum freelist_cell cells[MAP_CELLS];
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	freelist_map(&kernel_heap.heap, from, bytes_per_cell, cells, MAP_CELLS);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	char text[MAP_CELLS + 1];
	enum vga_color colors[MAP_CELLS];
	for (size_t i = 0; i < MAP_CELLS; i++) {
		bool inside = from + i * bytes_per_cell < HEAP_SIZE;
		text[i] = inside ? map_glyph[cells[i]] : ' ';
		colors[i] = map_color[cells[i]];
	}
	text[MAP_CELLS] = '\0';
	kprintf("  %6zu |%s|\n", from, text);
	console_with_lock(color_map_line, colors);
}

void kernel_heap_map(size_t from, size_t bytes_per_cell, int rows)
{
	for (int r = 0; r < rows; r++)
		map_line(from + (size_t)r * MAP_CELLS * bytes_per_cell,
			 bytes_per_cell);
}

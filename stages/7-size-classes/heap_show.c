/*
 * heap_show.c - the kernel heap shown: a line and a bar for the whole
 * heap, a line per size class (chapters 7 and 8; their kernel_heap.c
 * differ, what they show does not).
 */
#include "kernel_heap.h"

#include "console.h"
#include "slab.h"

void kernel_heap_show_classes(void)
{
	for (int i = 0; i < SLAB_CLASSES; i++) {
		struct slab_class_stats c;
		kernel_heap_class_stats(i, &c);
		if (c.slabs > 0)
			kprintf("    %4zu-byte blocks: %zu slab%s, %zu live, "
				"%zu free\n",
				c.block, c.slabs, c.slabs == 1 ? "" : "s",
				c.live, c.free);
	}
}

void kernel_heap_show(const char *label)
{
	struct heap_stats s = kernel_heap_stats();
	kprintf("  %-16s %7zu/%-7zu bytes used, %zu live\n", label, s.used,
		s.size, s.live);
	console_gauge(s.used, s.size); /* the same, as a picture */
}

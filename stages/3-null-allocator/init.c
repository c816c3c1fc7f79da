/*
 * init.c - what this stage sets up before kernel_main.
 *
 * From stage 3 on the heap's pages are mapped at boot (lesson 2), so that
 * the global allocator has memory to manage.  (The null allocator of this
 * stage ignores it; the bump allocator of stage 4 will use it.)
 */
#include "heap.h"
#include "kernel.h"
#include "memory.h"

void kernel_init(const struct boot_info *boot)
{
	memory_init(boot);
	heap_init_or_panic();
}

/*
 * init.c - what this stage sets up before kernel_main.
 *
 * Stage 4: the heap's pages are mapped at boot (lesson 2) and handed to
 * the bump allocator.  (Stage 3's null allocator needed no memory.)
 */
#include "heap.h"
#include "kernel.h"
#include "kernel_heap.h"
#include "memory.h"

void kernel_init(const struct boot_info *boot)
{
	memory_init(boot);
	heap_init_or_panic();
	kernel_heap_init();
}

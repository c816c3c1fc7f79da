/*
 * init.c - what this stage sets up before kernel_main.
 *
 * Stage 2: the frame allocator and the direct map.  The heap is not mapped
 * here: the demo and the tests show the heap address before and after.
 */
#include "kernel.h"
#include "memory.h"

void kernel_init(const struct boot_info *boot)
{
	memory_init(boot);
}

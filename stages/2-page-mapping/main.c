/*
 * main.c - stage 2's demo: the memory map, translations, and the heap's
 * pages mapped to frames.
 */
#include "kernel.h"
#include "paging_demo.h"

void kernel_main(const struct boot_info *boot)
{
	paging_demo(boot);
}

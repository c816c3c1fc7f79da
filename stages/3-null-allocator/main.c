/*
 * main.c - stage 3's demo: every allocation takes the error path.
 */
#include "alloc_demo.h"
#include "kernel.h"

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	alloc_demo();
}

/*
 * init.c - what this stage sets up before kernel_main.
 *
 * Stage 1 needs nothing beyond the common core: the boot page tables, the
 * console, the GDT and the IDT are already in place.
 */
#include "kernel.h"

void kernel_init(const struct boot_info *boot)
{
	(void)boot;
}

/*
 * kernel.h - what every stage provides to the common core, and what the
 * core hands to it.
 *
 *   kmain (common/kmain.c)           console, GDT/TSS, IDT, boot information
 *     -> kernel_init(boot) (stage's init.c)   what this stage sets up
 *     -> kernel_main(boot) (the stage's demo, or the test runner in ktest.c)
 */
#ifndef KERNEL_H
#define KERNEL_H

#include "multiboot2.h"

struct boot_info {
	struct mb2_info mb2; /* the parsed multiboot2 information */
	uint64_t mb2_phys;   /* where it is in physical memory */
};

void kernel_init(const struct boot_info *boot);
void kernel_main(const struct boot_info *boot);

#endif

/*
 * main.c - stage 5's demo: a tour of the collections, used the way kernel
 * code would use them.
 */
#include "collections_demo.h"
#include "kernel.h"

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	collections_demo();
}

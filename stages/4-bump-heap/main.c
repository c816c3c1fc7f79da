/*
 * main.c - stage 4's demo: a bump heap, boxes freed at scope end, and where
 * bump allocation breaks down.
 */
#include "bump_demo.h"
#include "kernel.h"

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	bump_demo();
}

/*
 * main.c - stage 1's demo: locals live on the stack, statics live for ever.
 */
#include "kernel.h"
#include "stack_demo.h"

void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	stack_demo();
	statics_demo();
	static_limits_demo();
	lock_demo();
}

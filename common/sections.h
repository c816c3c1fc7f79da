/*
 * sections.h - the linker's section symbols (see linker.ld).
 *
 * These are not variables: only their addresses mean something.  Declared
 * as arrays so that `__data_start` is an address without a `&`.
 */
#ifndef SECTIONS_H
#define SECTIONS_H

extern char _kernel_start[], _kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];

/* from boot.S */
extern char stack_guard[], stack_bottom[], stack_top[];
extern char boot_pml4[];

#endif

/*
 * gdt.h - the 64-bit GDT and the TSS.
 *
 * In long mode segmentation is almost gone, but the CPU still needs a code
 * segment descriptor, and a Task State Segment for one thing that matters
 * here: the Interrupt Stack Table (IST), known-good stacks the CPU switches
 * to for chosen exceptions.  The double fault uses IST 1, so a kernel stack
 * overflow (which faults again when the CPU pushes the exception frame on
 * the overflowed stack) is reported instead of turning into a triple fault.
 */
#ifndef GDT_H
#define GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS 0x18

#define IST_DOUBLE_FAULT 1

void gdt_init(void);

#endif

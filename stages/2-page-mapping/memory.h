/*
 * memory.h - the kernel's physical memory: the frame allocator fed by the
 * multiboot2 memory map, and the direct map of all physical memory.
 *
 * The frame allocator is a mutable static, so (lesson 1) it lives in
 * memory.c next to its lock and is reached only through memory_lock().
 */
#ifndef MEMORY_H
#define MEMORY_H

#include <stdint.h>

#include "frame.h"
#include "kernel.h"

/* Builds the frame allocator from the memory map (minus the first MiB,
 * the kernel image and the boot information), then the direct map. */
void memory_init(const struct boot_info *boot);

/* Takes the frame allocator's lock (interrupts off); *flags is for
 * memory_unlock. */
struct frame_allocator *memory_lock(uint64_t *flags);
void memory_unlock(uint64_t flags);

/* A copy of the frame allocator as it is now (for tests to enumerate
 * every frame it would still hand out, without taking any). */
struct frame_allocator memory_snapshot(void);

/* Prints the memory map as a table and the total usable memory. */
void memory_print_map(const struct boot_info *boot);

/* The end of the highest usable physical memory. */
uint64_t memory_phys_end(void);

#endif

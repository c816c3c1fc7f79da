/*
 * paging_demo.c - lesson 2: virtual addresses become physical ones through
 * the page tables, and a heap needs its pages mapped before first use.
 */
#include "kernel.h"

#include "console.h"
#include "heap.h"
#include "memory.h"
#include "paging.h"

/* Prints where `virt` leads, or that it leads nowhere. */
static void show(const char *what, uint64_t virt)
{
	struct translation t;
	if (!paging_translate(virt, &t)) {
		kprintf("  %-22s 0x%016lx -> not mapped\n", what, virt);
		return;
	}
	/* one line in 80 columns: the physical address without the leading
	 * zeros of 16 digits, NX for no-execute */
	kprintf("  %-22s 0x%016lx -> 0x%08lx (%s, %s%s)\n", what, virt, t.phys,
		t.page_size == PAGE_SIZE_1G   ? "1 GiB"
		: t.page_size == PAGE_SIZE_2M ? "2 MiB"
					      : "4 KiB",
		t.flags & PTE_WRITABLE ? "writable" : "read-only",
		t.flags & PTE_NO_EXECUTE ? ", NX" : "");
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- physical memory: the memory map --\n");
	memory_print_map(boot);

	kprintf_color(VGA_LIGHT_CYAN,
		      "-- virtual -> physical: walking the page tables --\n");
	int local = 0;
	show("VGA text buffer", 0xb8000);
	show("kernel_main (code)", (uint64_t)(uintptr_t)kernel_main);
	show("a stack variable", (uint64_t)(uintptr_t)&local);
	show("VGA via the direct map", PHYS_OFFSET + 0xb8000);
	show("null page", 0);
	show("an unused address", 0xdeadbeef000ull);
	show("HEAP_START", HEAP_START);

	kprintf_color(VGA_LIGHT_CYAN,
		      "-- mapping the heap: %d pages at 0x%lx --\n",
		      HEAP_SIZE / (int)PAGE_SIZE, (unsigned long)HEAP_START);
	enum map_error err = heap_init();
	if (err != MAP_OK) {
		kprintf("heap_init failed: %s\n", map_error_str(err));
		return;
	}
	show("HEAP_START", HEAP_START);
	show("last heap page", HEAP_START + HEAP_SIZE - PAGE_SIZE);
	show("just past the heap", HEAP_START + HEAP_SIZE);

	/* Every byte of the heap is now usable memory. */
	volatile uint8_t *heap = (volatile uint8_t *)(uintptr_t)HEAP_START;
	for (size_t i = 0; i < HEAP_SIZE; i++)
		heap[i] = (uint8_t)(i * 7);
	size_t bad = 0;
	for (size_t i = 0; i < HEAP_SIZE; i++)
		bad += heap[i] != (uint8_t)(i * 7);
	kprintf("wrote and read back %d bytes at HEAP_START: %s\n", HEAP_SIZE,
		bad == 0 ? "all correct" : "MISMATCH");
	struct frame_allocator left = memory_snapshot();
	kprintf("free frames left: %lu\n", frame_allocator_free_frames(&left));
}

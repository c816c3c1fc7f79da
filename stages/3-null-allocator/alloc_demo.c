/*
 * alloc_demo.c - lesson 3: one allocator interface, and what happens when
 * the allocator behind it cannot give any memory.
 */
#include "kernel.h"

#include <stdint.h>

#include "alloc.h"
#include "console.h"

/* Opaque to the optimiser, so the compiler's own layout checks (see
 * alloc.h's attributes) let us show the run-time ones. */
static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static void try_layout(size_t size, size_t align)
{
	struct layout l;
	enum layout_error err = layout_new(size, align, &l);
	if (err == LAYOUT_OK)
		kprintf("  layout_new(size %zu, align %zu): ok\n", size, align);
	else /* the reason on a line of its own: 80 columns */
		kprintf("  layout_new(size %zu, align %zu): refused:\n"
			"    %s\n",
			size, align, layout_error_str(err));
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	kprintf_color(VGA_LIGHT_CYAN, "-- one global allocator --\n");
	kprintf("global allocator: \"%s\"\n", global_allocator->name);

	kprintf_color(VGA_LIGHT_CYAN, "-- layouts: size and alignment --\n");
	try_layout(4, 4);
	try_layout(0, 1);
	try_layout(8, runtime(3));
	try_layout(runtime(SIZE_MAX), 16);

	kprintf_color(VGA_LIGHT_CYAN,
		      "-- fallible calls: NULL goes back to the caller --\n");
	void *p = kmalloc(16, 8);
	kprintf("  kmalloc(16, 8)         -> %p\n", p);
	void *z = kcalloc(4, 4, 4);
	kprintf("  kcalloc(4, 4, 4)       -> %p (alloc, then zero)\n", z);
	void *r = krealloc(NULL, 0, 8, 32);
	kprintf("  krealloc(NULL, 0, 8, 32) -> %p\n", r);
	void *bad = kmalloc(8, runtime(3));
	kprintf("  kmalloc(8, 3)          -> %p (invalid layout)\n", bad);

	kprintf_color(VGA_LIGHT_CYAN,
		      "-- an infallible call: Box::new(41) in C --\n");
	kprintf("  int *answer = kmalloc_or_panic(sizeof(int), "
		"_Alignof(int));\n");
	int *answer = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*answer = 41; /* never reached: the allocation error panics */
	kprintf("  *answer = %d\n", *answer);
}

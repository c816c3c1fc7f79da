/*
 * bump_demo.c - lesson 4: why a heap; the bump heap at work (next moves up,
 * and back only when nothing is live; the last block grows in place); where
 * it breaks down.  After each step the heap is shown, with a gauge.
 */
#include "kernel.h"

#include "alloc.h"
#include "console.h"
#include "heap.h"
#include "kernel_heap.h"
#include "panic.h"

/*
 * Why a heap.  Chapter 1's range_static made arrays for its callers in one
 * static table: one size, fixed at compile time, one copy shared by every
 * caller, its bytes used for the whole run.  The heap gives each call a
 * block of its own, sized at run time, for as long as its owner keeps it.
 *
 * first, first + 1, ... in a block of n ints; panics if the heap is full
 * (as Box::new does).  The caller owns the block and frees it with kfree.
 */
static int *range_heap(int first, size_t n)
{
	int *v = kcalloc_or_panic(n, sizeof(int), _Alignof(int));
	for (size_t i = 0; i < n; i++)
		v[i] = first + (int)i;
	return v;
}

static void why_a_heap(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- why a heap: a block per caller --\n");
	int *a = range_heap(10, 3);
	int *b = range_heap(20, 12);
	kprintf("  a = range_heap(10, 3):  12 bytes at %p, a[2] = %d\n",
		(void *)a, a[2]);
	kprintf("  b = range_heap(20, 12): 48 bytes at %p, b[11] = %d\n",
		(void *)b, b[11]);
	kernel_heap_show("a and b on the heap:");
	kfree(a, 3 * sizeof(int), _Alignof(int));
	kernel_heap_show("a freed, b live:");
	kfree(b, 12 * sizeof(int), _Alignof(int));
	kernel_heap_show("b freed, nothing live:");
}

/* The study notes' example: inner() makes an array [1, 2, 3] for its
 * caller, which frees it when done: the array outlives inner's stack
 * frame, and its owner decides when it dies. */
static int *inner(void)
{
	return range_heap(1, 3);
}

static void allocate_and_deallocate(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- allocate, deallocate: inner() --\n");
	int *y = inner();
	kprintf("  y = inner(): y[1] = %d, the array at %p\n", y[1], (void *)y);
	kernel_heap_show("inner() returned:");
	int *z = krealloc(y, 3 * sizeof(int), _Alignof(int), 10 * sizeof(int));
	if (z == NULL) /* y is untouched, and still ours */
		panic("krealloc: no room for 10 ints");
	kprintf("  z = krealloc(y, 12 -> 40 bytes) at %p: %s\n", (void *)z,
		z == y ? "y grown in place" : "moved");
	kernel_heap_show("y grown to 10 ints:");
	kfree(z, 10 * sizeof(int), _Alignof(int));
	kernel_heap_show("the caller freed z:");
}

/* One block kept while a loop allocates and frees another: the count never
 * returns to 0, so nothing is ever reused. */
static void long_lived(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- where a bump heap breaks down --\n");
	kprintf("  one block is kept alive while a loop allocates and frees "
		"another each time\n");
	long *keep = kmalloc_or_panic(sizeof(long), _Alignof(long));
	long i;
	for (i = 0;; i++) {
		long *tmp = kmalloc(sizeof(long), _Alignof(long));
		if (tmp == NULL)
			break;
		kfree(tmp, sizeof(long), _Alignof(long));
		if (i == 6399)
			kernel_heap_show("after 6400 iterations:");
	}
	kprintf("  iteration %ld: out of memory, 1 block live\n", i);
	kernel_heap_show("heap exhausted:");
	kfree(keep, sizeof(long), _Alignof(long));
	kernel_heap_show("long-lived block freed:");
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	kprintf("global allocator: \"%s\", heap at 0x%lx, %d bytes\n",
		global_allocator->name, (unsigned long)HEAP_START, HEAP_SIZE);
	why_a_heap();
	allocate_and_deallocate();
	long_lived();
}

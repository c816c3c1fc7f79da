/*
 * bump_demo.c - lesson 4: the bump heap at work, boxes released at the end
 * of their scope, and the workload a bump heap cannot serve.
 *
 * After each step the heap is shown as numbers (serial and VGA) and as a
 * bar (VGA: red = used up to `next`, green = free).
 */
#include "kernel.h"

#include "alloc.h"
#include "box.h"
#include "console.h"
#include "heap.h"
#include "kernel_heap.h"

BOX_DEFINE(box_int, int);
BOX_DEFINE(box_long, long);

static void boxes(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- Box: one value on the heap --\n");
	kernel_heap_show("empty heap:");
	struct box_int a = box_int_new(41);
	struct box_int b = box_int_new(13);
	kprintf("  a = box_int_new(41) at %p, b = box_int_new(13) at %p\n",
		(void *)a.ptr, (void *)b.ptr);
	kprintf("  *a.ptr + *b.ptr = %d\n", *a.ptr + *b.ptr);
	kernel_heap_show("two boxes:");
	box_int_drop(&a);
	kernel_heap_show("a dropped:");
	box_int_drop(&b);
	kernel_heap_show("b dropped (count 0):");
}

/* Returns early from inside a scope: the cleanup still runs. */
static int sum_until(int limit)
{
	AUTO_BOX(box_int) total = box_int_new(0);
	for (int i = 1;; i++) {
		AUTO_BOX(box_int) step = box_int_new(i);
		*total.ptr += *step.ptr;
		if (*total.ptr >= limit) {
			kernel_heap_show("inside, before return:");
			return *total.ptr; /* step and total are dropped here */
		}
	}
}

static void scopes(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- AUTO_BOX: dropped when the scope ends (RAII) --\n");
	kernel_heap_show("before the scope:");
	{
		AUTO_BOX(box_long) x = box_long_new(1);
		AUTO_BOX(box_long) y = box_long_new(2);
		kprintf("  inside: *x.ptr = %ld, *y.ptr = %ld\n", *x.ptr,
			*y.ptr);
		kernel_heap_show("inside the scope:");
	}
	kernel_heap_show("after the scope:");
	int s = sum_until(10);
	kprintf("  sum_until(10) returned %d from inside its loop\n", s);
	kernel_heap_show("after the early return:");
}

static void growing_array(void)
{
	kprintf_color(
		VGA_LIGHT_CYAN,
		"-- a growing array: krealloc at the top of the heap --\n");
	size_t cap = 4, len = 0;
	int *v = kmalloc_or_panic(cap * sizeof(int), _Alignof(int));
	for (int i = 0; i < 1000; i++) {
		if (len == cap) {
			int *bigger =
				krealloc(v, cap * sizeof(int), _Alignof(int),
					 2 * cap * sizeof(int));
			if (bigger == NULL)
				break;
			kprintf("  grow %4zu -> %4zu elements: %s\n", cap,
				2 * cap,
				bigger == v ? "in place (last block)"
					    : "moved");
			v = bigger;
			cap *= 2;
		}
		v[len++] = i;
	}
	long sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += v[i];
	kprintf("  pushed 0..999, sum = %ld\n", sum);
	kernel_heap_show("array of 1000 ints:");
	kfree(v, cap * sizeof(int), _Alignof(int));
	kernel_heap_show("array freed:");
}

static void long_lived(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- where a bump heap breaks down --\n");
	kprintf("  one box is kept alive while a loop allocates and frees "
		"another each time\n");
	struct box_long keep = box_long_new(7);
	long i;
	for (i = 0;; i++) {
		struct box_long tmp;
		if (!box_long_try_new(i, &tmp))
			break;
		box_long_drop(&tmp);
		if (i == 6399)
			kernel_heap_show("after 6400 iterations:");
	}
	kprintf("  iteration %ld: out of memory, though only 1 box is live\n",
		i);
	kernel_heap_show("heap exhausted:");
	box_long_drop(&keep);
	kernel_heap_show("long-lived box dropped:");
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	kprintf("global allocator: \"%s\", heap at 0x%lx, %d bytes\n",
		global_allocator->name, (unsigned long)HEAP_START, HEAP_SIZE);
	boxes();
	scopes();
	growing_array();
	long_lived();
}

/*
 * ownership_demo.c - lesson 5's first demo: who frees a block?  The memory
 * bugs a heap makes possible, run on purpose on chapter 4's bump heap (a
 * leak, a use after free, a double free), then Box, a pointer that owns
 * its block, and AUTO_BOX, which frees it when its scope ends (RAII), and
 * what that does not prevent in C.  Then the collections
 * (collections_demo.c), each built on the same idea: one owner frees.
 *
 * After each step the heap is shown as numbers (serial and screen) and as
 * a bar (screen only: solid red blocks = used up to `next`, light green
 * shade = free).
 *
 * The bugs are real bugs, run on purpose.  GCC would refuse some of them at
 * compile time (LESSONS.md, chapter 3), so the pointer they misuse goes
 * through hide() first: that is what a bug spread over two functions, or
 * two files, looks like to the compiler.
 */
#include "kernel.h"

#include "alloc.h"
#include "box.h"
#include "collections_demo.h"
#include "console.h"
#include "kernel_heap.h"

BOX_DEFINE(box_int, int);
BOX_DEFINE(box_long, long);

/* Hides a pointer's value from the optimizer (see the top of the file). */
static void *hide(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

/* The study notes' inner() of chapter 4: an array [1, 2, 3] for the
 * caller, who owns it.  NULL if the heap is full. */
static int *inner(void)
{
	int *z = kmalloc(3 * sizeof(int), _Alignof(int));
	if (z == NULL)
		return NULL;
	z[0] = 1;
	z[1] = 2;
	z[2] = 3;
	return z;
}

/* A caller that forgets the kfree: every array it gets is lost. */
static void leak(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- a leak: a caller that never frees --\n");
	long calls;
	for (calls = 1;; calls++) {
		int *y = inner();
		if (y == NULL)
			break;
		/* ... uses y[1], forgets kfree(y, ...) ... */
		if (calls == 100)
			kernel_heap_show("after 100 calls:");
	}
	kprintf("  call %ld: inner() returns NULL, the heap is full\n", calls);
	kernel_heap_show("lost arrays:");
	kprintf("  no pointer to them is left: the live count never returns\n");
	kprintf("  to 0, so nothing can free them.  Only a demo can reset:\n");
	kernel_heap_init();
	kernel_heap_show("kernel_heap_init():");
}

/*
 * A use after free.  On a bump heap memory is reused only after a reset
 * (the live count back at 0), but then at once: the next block starts where
 * the freed one did, and a stale pointer to the old block reads, and
 * writes, the new one.
 */
struct cred {
	int uid;
	int gid;
};

static void use_after_free(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- use after free: a stale pointer, a new owner --\n");
	int *a = kmalloc(sizeof(int), _Alignof(int));
	if (a == NULL)
		return;
	int *stale = hide(a);
	*a = 41;
	kprintf("  a = kmalloc(sizeof(int)) at %p, stale = a\n", (void *)a);
	kfree(a, sizeof(int), _Alignof(int));
	kernel_heap_show("a freed:");
	struct cred *cred =
		kmalloc_or_panic(sizeof(struct cred), _Alignof(struct cred));
	cred->uid = 1000;
	cred->gid = 1000;
	kprintf("  cred = {uid 1000, gid 1000} allocated at %p\n",
		(void *)cred);
	/* volatile: the compiler may assume that cred, a new block, shares
	 * no memory with an older pointer (kmalloc's malloc attribute) */
	kprintf("  *stale = %d: the stale pointer reads cred's uid\n",
		*(volatile int *)stale);
	*(volatile int *)stale = 0;
	kprintf("  *stale = 0 written: now cred->uid = %d (root)\n",
		((volatile struct cred *)cred)->uid);
	kfree(cred, sizeof(struct cred), _Alignof(struct cred));
}

/*
 * A double free.  The bump heap catches a free with nothing live (it
 * panics: see the test double_free_is_caught_when_nothing_is_live).  With
 * another block live, the extra free only takes the count down by one too
 * many: the heap resets under the live block, and the next allocations are
 * handed its memory.  The double free has become a use after free.
 */
static void double_free(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- double free while another block is live --\n");
	int *a = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *b = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*a = 1;
	*b = 2;
	int *a_again = hide(a); /* the same pointer, kept for later */
	kprintf("  a = %p, b = %p, *b = %d\n", (void *)a, (void *)b, *b);
	kfree(a, sizeof(int), _Alignof(int));
	kernel_heap_show("a freed:");
	kfree(a_again, sizeof(int), _Alignof(int));
	kernel_heap_show("a freed again:");
	kprintf("  0 live, but b is live: the heap was reset under b\n");
	int *c = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *d = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*c = 3;
	*d = 4;
	kprintf("  c = %p, d = %p, *d = %d\n", (void *)c, (void *)d, *d);
	kprintf("  *b = %d: b is d's memory now, and nobody noticed\n",
		*(volatile int *)b);
	kfree(c, sizeof(int), _Alignof(int));
	kfree(d, sizeof(int), _Alignof(int));
	kernel_heap_show("c and d freed:");
	kprintf("  (b is not freed: one free too many would panic here)\n");
}

static void boxes(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- Box: one value on the heap --\n");
	kernel_heap_show("empty heap:");
	struct box_int a = box_int_new(41);
	struct box_int b = box_int_new(13);
	kprintf("  a = box_int_new(41) at %p\n", (void *)a.ptr);
	kprintf("  b = box_int_new(13) at %p\n", (void *)b.ptr);
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

/* A new box assigned over a live one; returns the old block's address,
 * which nothing else in the program keeps. */
static int *reassign(void)
{
	AUTO_BOX(box_int) a = box_int_new(41);
	int *old = hide(a.ptr);
	a = box_int_new(42); /* the 41's only pointer is overwritten */
	kprintf("  AUTO_BOX a = box_int_new(41); a = box_int_new(42)\n");
	kprintf("  *a.ptr = %d; a's cleanup frees the 42\n", *a.ptr);
	return old;
} /* a's cleanup runs here */

/*
 * What a box does and does not protect against.  Dropping a box twice is
 * harmless: drop leaves it empty (NULL).  But C copies a struct freely:
 * `AUTO_BOX(box_int) b = a;` makes two owners that both free the block at
 * the end of the scope (GCC rejects that at compile time,
 * tests/compile-fail/box_copy_double_free.c; the test
 * copied_box_is_freed_twice runs it).  And assigning a new box to a live
 * one overwrites the only pointer to the old block: a leak, which only
 * GCC's analyzer at -O0 reports (tests/compile-fail/box_reassign_leak.c).
 */
static void box_hazards(void)
{
	kprintf_color(VGA_LIGHT_CYAN,
		      "-- RAII in C: what a box does not prevent --\n");
	struct box_int once = box_int_new(5);
	box_int_drop(&once);
	kprintf("  box_int_drop(&once) leaves once.ptr = %p,\n",
		(void *)once.ptr);
	kprintf("  so a second box_int_drop(&once) frees nothing\n");
	box_int_drop(&once);
	kernel_heap_show("once dropped twice:");
	int *old = reassign();
	kernel_heap_show("reassign() returned:");
	kprintf("  the box of 41 at %p leaked: its pointer was overwritten\n",
		(void *)old);
	kfree(old, sizeof(int), _Alignof(int));
	kernel_heap_show("the 41 freed by hand:");
}

/* The demo kernel's entry (the test kernel's is in ktest.c): who frees,
 * then the collections. */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	leak();
	use_after_free();
	double_free();
	boxes();
	scopes();
	box_hazards();
	collections_demo();
}

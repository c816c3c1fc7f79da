/*
 * memory_errors_demo.c - lesson 8: what the debugging allocator puts
 * around a block, what it does with a freed one, a leak report, a
 * guarded block, each kind of bug reported, and a read after free caught
 * by a guarded page (the demo ends there).
 */
#include "kernel.h"

#include "alloc.h"
#include "collections_demo.h"
#include "console.h"
#include "kernel_heap.h"

static void title(const char *s)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- %s --\n", s);
}

/* Prints bytes as runs: "[fc x8]" for 4 or more equal bytes, else each
 * byte. */
static void runs(const char *label, const uint8_t *p, size_t n)
{
	kprintf("  %-10s", label);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j] == p[i])
			j++;
		if (j - i >= 4)
			kprintf("[%02x x%zu]", p[i], j - i);
		else
			for (size_t k = i; k < j; k++)
				kprintf(" %02x", p[k]);
		i = j;
	}
	kprintf("\n");
}

/* The 8 canary bytes in front, the block, 16 bytes of redzone after. */
static void around(const char *label, const uint8_t *block, size_t size)
{
	runs(label, block - 8, 8 + size + 16);
}

/* A pointer the compiler cannot follow (a bug it would reject otherwise,
 * chapter 3). */
static void *hide(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

static void a_block(void)
{
	title("a 24-byte block: canary, fresh bytes, canary");
	char *p = kmalloc_or_panic(24, 8);
	around("new:", (uint8_t *)p, 24);
	for (int i = 0; i < 5; i++)
		p[i] = "hello"[i];
	around("written:", (uint8_t *)p, 24);
	uint8_t *stale = hide(p);
	kfree(p, 24, 8);
	title("freed: poisoned and held in quarantine");
	around("freed:", stale, 24);
}

/* Three blocks from three places; two are never freed. */
static __attribute__((noinline)) void *make_config(void)
{
	return kmalloc_or_panic(48, 8);
}

static __attribute__((noinline)) void *make_name(void)
{
	return kmalloc_or_panic(16, 8);
}

static void leaks(void)
{
	title("a leak report: who allocated what is still live");
	void *config = make_config();
	void *name = make_name();
	void *tmp = kmalloc_or_panic(100, 8);
	kfree(tmp, 100, 8);
	kprintf("  the live blocks:\n");
	size_t n = kernel_heap_leaks();
	kprintf("  %zu in all\n", n);
	kfree(name, 16, 8);
	kfree(config, 48, 8);
}

static void guarded(void)
{
	title("a guarded block: the next page is not mapped");
	kernel_heap_guard_every(1);
	uint8_t *p = kmalloc_or_panic(24, 8);
	kprintf("  24 bytes at %p: the block ends at the end of its page\n",
		p);
	kfree(p, 24, 8);
	kernel_heap_guard_every(0);
	kprintf("  freed: its page is unmapped, any access faults\n");
}

/* Each kind of bug once; the allocator reports it and the demo goes on
 * (kernel_heap_reports_continue). */
static __attribute__((noinline)) void each_bug(void)
{
	title("each kind of bug, reported (and the kernel goes on)");
	kernel_heap_reports_continue(true);
	int *p = kmalloc_or_panic(24, 8);
	int *stale = hide(p);
	kfree(p, 24, 8);
	stale[1] = 0; /* a write after free */
	kernel_heap_flush();

	int *q = kmalloc_or_panic(24, 8);
	int *again = hide(q);
	kfree(q, 24, 8);
	kfree(again, 24, 8); /* a double free */

	static int table[6];
	kfree(hide(table), sizeof table, 4); /* not from kmalloc */

	int *r = kmalloc_or_panic(24, 8);
	kfree(r, 32, 8); /* the wrong size */

	char *b = kmalloc_or_panic(24, 8);
	char *over = hide(b);
	over[24] = 0; /* one byte past the end */
	over[-1] = 0; /* and one before the start */
	kfree(b, 24, 8);
	kernel_heap_reports_continue(false);
	kprintf("  %zu reports\n", kernel_heap_reports());
}

/* A read of freed memory leaves no trace in it: only a guarded block
 * catches it, on the access itself.  This one ends the demo. */
static __attribute__((noinline)) void the_last_bug(void)
{
	title("a read after free of a guarded block: a page fault, named");
	kernel_heap_guard_every(1);
	volatile int *p = kmalloc_or_panic(24, 8);
	volatile int *stale = hide((void *)p);
	kfree((void *)p, 24, 8);
	kprintf("  read: %d\n", stale[1]);
}

/* The demo kernel's entry (the test kernel's is in ktest.c). */
void kernel_main(const struct boot_info *boot)
{
	(void)boot;
	collections_tour(); /* chapter 5's tour, on this heap */
	a_block();
	leaks();
	guarded();
	each_bug();
	the_last_bug();
}

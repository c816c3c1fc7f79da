/*
 * Exercise 8.2, in the kernel: kernel_heap_check
 * (stages/8-memory-errors/kernel_heap.c) also scans the quarantine
 * (debug_scan), so a write after free is reported at the next check,
 * not when the block leaves the quarantine, 64 frees or 64 KiB later.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

static void *hide(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* A quarantine with nothing wrong in it passes the check, as before. */
KTEST(a_clean_quarantine_passes_the_check)
{
	void *p[5];
	for (int i = 0; i < 5; i++)
		p[i] = kmalloc_or_panic(24 + 8 * (size_t)i, 8);
	for (int i = 0; i < 5; i++)
		kfree(p[i], 24 + 8 * (size_t)i, 8);
	kernel_heap_check();
	kernel_heap_check();
	kernel_heap_flush();
	kernel_heap_check();
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* p is neither the oldest block in the quarantine nor the newest; no
 * flush: the check itself reports the write. */
KTEST_SHOULD_PANIC(kernel_heap_check_reports_a_write_after_free,
		   "debug_alloc: use-after-free write to a 24-byte block\n"
		   "  0x...byte 4: 0x07, not 0x6b\n")
{
	void *a = kmalloc_or_panic(40, 8);
	int *p = kmalloc_or_panic(24, 8);
	void *b = kmalloc_or_panic(40, 8);
	int *stale = hide(p);
	kfree(a, 40, 8);
	kfree(p, 24, 8);
	kfree(b, 40, 8);
	stale[1] = 7;
	kernel_heap_check();
}

/* The block reported left the quarantine: the blocks freed around it
 * are still there, intact, and the heap checks clean. */
KTEST(after_the_report_the_quarantine_is_clean)
{
	kernel_heap_check();
	kernel_heap_flush();
	kernel_heap_check();
}

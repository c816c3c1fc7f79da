/*
 * Exercise 8.1, in the kernel: kernel_heap_quarantine_limit(bytes)
 * (stages/8-memory-errors/kernel_heap.c, kernel_heap.h) bounds the
 * quarantine's bytes and returns the bound it had, DBG_QUARANTINE_BYTES
 * at first.  The same write through a stale pointer: missed with a
 * quarantine of 32 bytes, caught with the default 64 KiB.
 */
#include <stdint.h>

#include "alloc.h"
#include "debug_alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

static void *hide(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* After a failed test: the quarantine as it was. */
static void ex8_1_default_quarantine(void)
{
	kernel_heap_quarantine_limit(DBG_QUARANTINE_BYTES);
}
KTEST_RESET(ex8_1_default_quarantine);

/*
 * A quarantine of 32 bytes holds one 24-byte block: freeing x pushes p
 * out, back to the slabs, which hand its memory to q.  The write through
 * p's stale pointer lands in q's data, and nothing ever reports it.
 */
KTEST(a_small_quarantine_misses_a_write_through_a_stale_pointer)
{
	KT_ASSERT_EQ(kernel_heap_quarantine_limit(32), DBG_QUARANTINE_BYTES);
	int *p = kmalloc_or_panic(24, 8);
	int *stale = hide(p);
	kfree(p, 24, 8);
	int *x = kmalloc_or_panic(24, 8);
	kfree(x, 24, 8); /* 48 bytes: p leaves the quarantine */
	int *q = kmalloc_or_panic(24, 8);
	KT_ASSERT_MSG(q == stale, "q at %p, p was at %p", (void *)q,
		      (void *)stale);
	q[1] = 5;
	stale[1] = 7; /* the bug */
	KT_ASSERT_EQ(q[1], 7); /* q's data changed under it... */
	kfree(q, 24, 8);
	kernel_heap_flush(); /* ...and no report */
	kernel_heap_check();
	KT_ASSERT_EQ(kernel_heap_quarantine_limit(DBG_QUARANTINE_BYTES), 32);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* The same steps with the default bound: p is still in the quarantine,
 * q gets other memory, and the write is reported when p leaves. */
KTEST_SHOULD_PANIC(the_default_quarantine_catches_the_same_write,
		   "debug_alloc: use-after-free write to a 24-byte block\n")
{
	KT_ASSERT_EQ(kernel_heap_quarantine_limit(DBG_QUARANTINE_BYTES),
		     DBG_QUARANTINE_BYTES);
	int *p = kmalloc_or_panic(24, 8);
	int *stale = hide(p);
	kfree(p, 24, 8);
	int *x = kmalloc_or_panic(24, 8);
	kfree(x, 24, 8);
	int *q = kmalloc_or_panic(24, 8);
	KT_ASSERT(q != stale);
	kfree(q, 24, 8); /* nothing live when the report comes */
	stale[1] = 7;
	kernel_heap_flush();
}

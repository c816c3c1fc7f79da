/*
 * bump_heap_tests.c - stage 4's tests of what is particular to the bump
 * heap: the long-lived block that pins it, realloc of the last block, and
 * chapter 4's "why a heap", and the bugs chapter 5 opens with
 * (ownership_demo.c), on this allocator, with its exact numbers (a later
 * allocator reuses memory differently).
 *
 * They run after heap_tests.c, on an empty heap; each leaves it empty.
 */
#include <stdint.h>

#include "alloc.h"
#include "heap.h"
#include "kernel_heap.h"
#include "ktest.h"

static size_t runtime(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

/*
 * The tutorial's many_boxes_long_lived, which a bump heap fails.  With one
 * block kept alive, the count never returns to zero, so next never goes
 * back to the start: each iteration uses 8 more bytes for good.  The heap
 * holds HEAP_SIZE / 8 blocks; one is the long-lived one, so exactly
 * HEAP_SIZE / 8 - 1 iterations succeed and the next one fails.
 */
KTEST(many_boxes_long_lived_runs_out_cleanly)
{
	uint64_t *long_lived = kmalloc_or_panic(8, 8);
	*long_lived = 1;
	uint64_t i;
	for (i = 0; i < HEAP_SIZE; i++) {
		uint64_t *x = kmalloc(8, 8);
		if (x == NULL)
			break; /* the fallible call reports NULL: no panic */
		*x = i;
		KT_ASSERT_EQ(*x, i);
		kfree(x, 8, 8);
	}
	KT_ASSERT_EQ(i, HEAP_SIZE / 8 - 1);
	KT_ASSERT_EQ(kernel_heap_stats().free, 0);
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	KT_ASSERT_EQ(*long_lived, 1); /* untouched */
	kfree(long_lived, 8, 8);
}

/* The same workload through the infallible call (the tutorial's
 * Box::new): the panic names the layout that could not be allocated.  The
 * panic ends the test, so the long-lived block is kept in a static and the
 * next test (tests run in source order) frees it. */
static uint64_t *pinned;

KTEST_SHOULD_PANIC(many_boxes_long_lived_infallible_panics,
		   "allocation error: size 8, align 8")
{
	pinned = kmalloc_or_panic(8, 8);
	for (uint64_t i = 0; i < HEAP_SIZE; i++) {
		uint64_t *x = kmalloc_or_panic(8, 8);
		*x = i;
		kfree(x, 8, 8);
	}
}

KTEST(freeing_the_long_lived_block_empties_the_heap)
{
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	kfree(pinned, 8, 8);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
}

KTEST(realloc_grows_the_last_block_in_place)
{
	char *a = kmalloc(16, 8);
	char *b = kmalloc(16, 8);
	KT_ASSERT(a != NULL && b != NULL);
	b[0] = 'x';
	char *b2 = krealloc(b, 16, 8, 64);
	KT_ASSERT(b2 == b); /* last block: in place */
	a[0] = 'y';
	char *a2 = krealloc(a, 16, 8, 32);
	KT_ASSERT(a2 != NULL && a2 != a); /* not last: moved and copied */
	KT_ASSERT_EQ(a2[0], 'y');
	kfree(a2, 32, 8);
	kfree(b2, 64, 8);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

KTEST_SHOULD_PANIC(double_free_is_caught_when_nothing_is_live,
		   "freed with no block live (double free?)")
{
	void *p = kmalloc(8, 8);
	/* the address, hidden from GCC's use-after-free check */
	uintptr_t addr = (uintptr_t)p;
	kfree(p, 8, 8);
	kfree((void *)runtime(addr), 8, 8);
}

/*
 * Why a heap (LESSONS.md, chapter 4, bump_demo.c) and what goes wrong with
 * one (chapter 5's "Who frees", ownership_demo.c).  The bugs below are run on
 * purpose; the pointers they misuse go through runtime() before the free, or
 * GCC would reject this file at compile time (chapter 3).  Memory two pointers
 * share by mistake is read through `volatile`: kmalloc's malloc attribute lets
 * the compiler assume that a new block overlaps no older pointer, and keep
 * a value it read before in a register.
 */

/* Blocks sized at run time, one per caller, and given back when freed. */
KTEST(heap_blocks_are_sized_at_run_time_owned_and_given_back)
{
	size_t n = runtime(12);
	int *a = kcalloc(3, sizeof(int), _Alignof(int));
	int *b = kcalloc(n, sizeof(int), _Alignof(int));
	KT_ASSERT(a != NULL && b != NULL);
	KT_ASSERT((uintptr_t)(a + 3) <= (uintptr_t)b ||
		  (uintptr_t)(b + n) <= (uintptr_t)a); /* disjoint */
	for (size_t i = 0; i < 3; i++)
		a[i] = 10 + (int)i;
	for (size_t i = 0; i < n; i++)
		b[i] = 20 + (int)i;
	KT_ASSERT_EQ(a[0], 10); /* untouched by b's values */
	KT_ASSERT_EQ(b[11], 31);
	KT_ASSERT_EQ(kernel_heap_stats().used, 60);
	KT_ASSERT_EQ(kernel_heap_stats().live, 2);
	kfree(a, 3 * sizeof(int), _Alignof(int));
	kfree(b, n * sizeof(int), _Alignof(int));
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* The study notes' inner(): an array [1, 2, 3] made for the caller, who
 * frees it.  NULL when the heap is full. */
static __attribute__((noinline)) int *inner(void)
{
	int *z = kmalloc(3 * sizeof(int), _Alignof(int));
	if (z == NULL)
		return NULL;
	z[0] = 1;
	z[1] = 2;
	z[2] = 3;
	return z;
}

/* Writes over the stack where inner's frame was. */
static __attribute__((noinline)) int scribble_on_the_stack(void)
{
	volatile int junk[64];
	for (int i = 0; i < 64; i++)
		junk[i] = -1;
	return junk[63];
}

KTEST(heap_block_outlives_the_function_that_allocated_it)
{
	int *y = inner();
	KT_ASSERT(y != NULL);
	KT_ASSERT_EQ(scribble_on_the_stack(), -1);
	KT_ASSERT_EQ(y[0] + y[1] + y[2], 6);
	KT_ASSERT_EQ(kernel_heap_stats().live, 1);
	kfree(y, 3 * sizeof(int), _Alignof(int));
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* A caller that never frees: every call leaves one more block live, the
 * count never returns to 0, and the heap fills with arrays nobody can
 * reach.  Only a reset of the whole heap gets them back. */
KTEST(leak_keeps_the_count_up_until_the_heap_is_full)
{
	size_t calls = 0;
	while (inner() != NULL) {
		calls++;
		KT_ASSERT_EQ(kernel_heap_stats().live, calls);
	}
	KT_ASSERT_EQ(calls, HEAP_SIZE / 12);
	KT_ASSERT_EQ(kernel_heap_stats().free, HEAP_SIZE % 12);
	kernel_heap_init();
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
}

struct cred {
	int uid;
	int gid;
};

/* Freed memory is reused after the reset: a stale pointer to the old
 * block reads, and writes, the next owner's data. */
KTEST(use_after_free_reads_and_writes_the_next_owner)
{
	int *a = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *stale = (int *)runtime((uintptr_t)a);
	*a = 41;
	kfree(a, sizeof(int), _Alignof(int));
	struct cred *cred =
		kmalloc_or_panic(sizeof(struct cred), _Alignof(struct cred));
	cred->uid = 1000;
	cred->gid = 1000;
	KT_ASSERT((void *)cred == (void *)stale);
	KT_ASSERT_EQ(*(volatile int *)stale, 1000); /* the new owner's uid */
	*(volatile int *)stale = 0;
	KT_ASSERT_EQ(((volatile struct cred *)cred)->uid, 0); /* written */
	kfree(cred, sizeof(struct cred), _Alignof(struct cred));
}

/* A second free of a while b is live: the count reaches 0, the heap
 * resets under b, and the next blocks are handed b's memory. */
KTEST(double_free_with_a_block_live_resets_the_heap_under_it)
{
	int *a = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *a_again = (int *)runtime((uintptr_t)a);
	int *b = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*b = 2;
	kfree(a, sizeof(int), _Alignof(int));
	kfree(a_again, sizeof(int), _Alignof(int)); /* not noticed */
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	KT_ASSERT_EQ(kernel_heap_stats().used, 0);
	int *c = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *d = kmalloc_or_panic(sizeof(int), _Alignof(int));
	*c = 3;
	*d = 4;
	KT_ASSERT(c == a_again && d == b);
	KT_ASSERT_EQ(*(volatile int *)b, 4); /* b's value is gone */
	kfree(c, sizeof(int), _Alignof(int));
	kfree(d, sizeof(int), _Alignof(int)); /* b is d now: never freed */
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
}

/* The same bug, then b's own free, which is correct: that is the free the
 * heap refuses, and the panic names b's address, not a's. */
KTEST_SHOULD_PANIC(double_free_with_a_block_live_is_caught_at_the_next_free,
		   "0x0000444444440004 freed with no block live (double free?)")
{
	int *a = kmalloc_or_panic(sizeof(int), _Alignof(int));
	int *a_again = (int *)runtime((uintptr_t)a);
	int *b = kmalloc_or_panic(sizeof(int), _Alignof(int));
	kfree(a, sizeof(int), _Alignof(int));
	kfree(a_again, sizeof(int), _Alignof(int));
	kfree(b, sizeof(int), _Alignof(int));
}

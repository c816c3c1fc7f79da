/*
 * runtime_bugs_tests.c - chapter 3's and 4's compile-fail cases, run.
 *
 * tests/compile-fail/ holds small functions with one heap bug each; the
 * compile-fail check shows which ones GCC and Clang reject (Clang misses
 * most).  Here the same files are built as they are (no -Werror, see
 * RUNTIME_BUG_CASES in scripts/kernel.mk) and called: the debugging
 * allocator must catch each bug at run time, and name the function.
 * The use-after-free reads need the guard pages: poison cannot see a
 * read of plain data, which gives the poison and goes on.
 */
#include "alloc.h"
#include "kernel_heap.h"
#include "ktest.h"

int read_after_free(void);	/* use_after_free.c */
void free_twice(void);		/* double_free.c */
void free_stack_buffer(void);	/* free_nonheap.c */
void release_with_vfree(void);	/* mismatched_dealloc.c */
int borrow_after_drop(void);	/* box_borrow_after_drop.c */
int copy_a_box(void);		/* box_copy_double_free.c */
int reassign_a_box(void);	/* box_reassign_leak.c */

/* mismatched_dealloc.c frees a kmalloc block with vfree, the allocator of
 * whole pages (as Linux's vmalloc is): here it frees with a page's
 * layout, which the debugging allocator finds wrong. */
void vfree(void *ptr);
void vfree(void *ptr)
{
	kfree(ptr, 4096, 4096);
}

/* A test that panics on purpose skips everything after the bug, so
 * each test sets the guard mode it needs first. */

KTEST_SHOULD_PANIC(use_after_free_c_read_faults_on_a_guarded_block,
		   "use-after-free read of a 4-byte block\n...(guarded)\n"
		   "  allocated by read_after_free+0x...freed by "
		   "read_after_free+0x")
{
	kernel_heap_guard_every(1);
	read_after_free();
}

/* Not guarded: the read goes unseen, and gives the poison, 0x6b6b6b6b,
 * where plain C would give whatever the memory holds now. */
KTEST(use_after_free_c_reads_the_poison_when_not_guarded)
{
	kernel_heap_guard_every(0);
	size_t reports = kernel_heap_reports();
	KT_ASSERT_EQ((unsigned)read_after_free(), 0x6b6b6b6bu);
	kernel_heap_flush();
	KT_ASSERT_EQ(kernel_heap_reports(), reports);
}

KTEST_SHOULD_PANIC(double_free_c_is_caught,
		   "double free of a 4-byte block\n...allocated by "
		   "free_twice+0x...freed by free_twice+0x")
{
	kernel_heap_guard_every(0);
	free_twice();
}

KTEST_SHOULD_PANIC(free_nonheap_c_is_caught, "debug_alloc: invalid free of ")
{
	kernel_heap_guard_every(0);
	free_stack_buffer();
}

KTEST_SHOULD_PANIC(mismatched_dealloc_c_is_caught,
		   "free with the wrong layout of a 64-byte block\n"
		   "...freed as 4096/4096\n  allocated by release_with_vfree+0x")
{
	kernel_heap_guard_every(0);
	release_with_vfree();
}

KTEST_SHOULD_PANIC(box_borrow_after_drop_c_read_faults_on_a_guarded_block,
		   "use-after-free read of a 12-byte block\n...allocated by "
		   "borrow_after_drop+0x...freed by borrow_after_drop+0x")
{
	kernel_heap_guard_every(1);
	borrow_after_drop();
}

KTEST_SHOULD_PANIC(box_copy_double_free_c_is_caught,
		   "double free of a 4-byte block\n...allocated by "
		   "copy_a_box+0x...freed by copy_a_box+0x")
{
	kernel_heap_guard_every(0);
	copy_a_box();
}

/* The leak: no report fires by itself, but the leak report lists the
 * block, allocated by reassign_a_box. */
KTEST(box_reassign_leak_c_shows_in_the_leak_report)
{
	kernel_heap_guard_every(0);
	size_t before = kernel_heap_stats().live;
	KT_ASSERT_EQ(reassign_a_box(), 42);
	KT_ASSERT_EQ(kernel_heap_stats().live, before + 1);
	KT_ASSERT(kernel_heap_leaks() >= 1);
}

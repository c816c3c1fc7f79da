/*
 * debug_tests.c - stage 8's in-kernel tests: each memory error, made on
 * purpose, must be reported exactly (what, which block, who allocated it,
 * who freed it); the guarded blocks fault on a read or a write after the
 * free, or past the end; the leak report lists exactly the live blocks.
 *
 * The contract of every heap (heap_tests.c) and the collections' tests
 * run through the debugging allocator too.  Pointers a bug misuses go
 * through hide() first, or GCC would reject the file (chapter 3).
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

/* After a failed test: no guarded blocks, no frame limit left over, the
 * debugging allocator on. */
static void debug_defaults(void)
{
	kernel_heap_undecorated(false);
	kernel_heap_guard_every(0);
	kernel_heap_reports_continue(false);
	kernel_heap_limit_frames(SIZE_MAX);
}
KTEST_RESET(debug_defaults);

/*
 * Chapter 7's slab_tests.c runs in this kernel too, unchanged, on the
 * slabs alone: it checks where the slabs put blocks, and the slabs' own
 * panics, which the redzones and this allocator's reports would change.
 * The runner switches the heap to chapter 7's before each of its tests
 * and back after it, also after one that panicked (KTEST_AROUND, in
 * ktest.h; kernel_heap_undecorated, in kernel_heap.c).
 */
static void slabs_alone(void)
{
	kernel_heap_undecorated(true);
}

static void debugging_again(void)
{
	kernel_heap_undecorated(false);
}
KTEST_AROUND("slab_tests.c", slabs_alone, debugging_again);

/* No block may cross the switch: the slabs would have to free it. */
KTEST_SHOULD_PANIC(the_slabs_alone_are_refused_while_a_block_is_live,
		   "kernel_heap_undecorated: 1 block of the debugging "
		   "allocator still live")
{
	void *p = kmalloc_or_panic(24, 8);
	kernel_heap_undecorated(true);
	kfree(p, 24, 8);
}

/* ---------------------------------------------------- poison, quarantine */

KTEST(a_new_block_is_fresh_and_fenced_by_canaries)
{
	uint8_t *p = kmalloc_or_panic(24, 8);
	for (int i = -8; i < 24 + 16; i++) {
		uint8_t want = i < 0 || i >= 24 ? DBG_CANARY : DBG_FRESH;
		KT_ASSERT_MSG(p[i] == want, "byte %d is %#x", i, p[i]);
	}
	kfree(p, 24, 8);
}

KTEST(a_freed_block_is_poisoned_and_not_reused_at_once)
{
	uint8_t *p = kmalloc_or_panic(24, 8);
	uint8_t *stale = hide(p);
	kfree(p, 24, 8);
	for (int i = 0; i < 24; i++)
		KT_ASSERT_EQ(stale[i], DBG_POISON);
	uint8_t *q = kmalloc_or_panic(24, 8);
	KT_ASSERT(q != stale); /* p waits in the quarantine */
	kfree(q, 24, 8);
	kernel_heap_flush();
	kernel_heap_check();
}

/* The heap under it still grows, and fails cleanly.  (Before the bugs
 * below: they leave broken blocks live, which kernel_heap_check reports.) */

KTEST(when_frames_run_out_the_debugging_heap_fails_cleanly)
{
	struct heap_stats before = kernel_heap_stats();
	kernel_heap_limit_frames(0);
	KT_ASSERT(kmalloc((size_t)hide((void *)(before.size + 4096)), 8) ==
		  NULL);
	kernel_heap_limit_frames(SIZE_MAX);
	KT_ASSERT_EQ(kernel_heap_stats().live, before.live);
	kernel_heap_check();
}

/* The demo's mode: a report printed, the bad free ignored, the heap
 * still sound, and the next report panics again. */
KTEST(a_report_can_let_the_kernel_go_on)
{
	size_t before = kernel_heap_reports();
	kernel_heap_reports_continue(true);
	int *p = kmalloc_or_panic(24, 8);
	int *again = hide(p);
	kfree(p, 24, 8);
	kfree(again, 24, 8); /* reported, ignored */
	kernel_heap_reports_continue(false);
	KT_ASSERT_EQ(kernel_heap_reports(), before + 1);
	kernel_heap_flush();
	kernel_heap_check();
}

KTEST_SHOULD_PANIC(a_write_after_free_is_reported_when_it_leaves_quarantine,
		   "debug_alloc: use-after-free write to a 24-byte block\n"
		   "  0x")
{
	int *p = kmalloc_or_panic(24, 8);
	int *stale = hide(p);
	kfree(p, 24, 8);
	stale[1] = 7;
	kernel_heap_flush();
}

/* The sites: who allocated the block and who freed it, by name. */
static __attribute__((noinline)) int *allocate_it(void)
{
	return kmalloc_or_panic(24, 8);
}

static __attribute__((noinline)) void free_it(int *p)
{
	kfree(p, 24, 8);
}

KTEST_SHOULD_PANIC(the_report_names_who_allocated_and_who_freed,
		   ", byte 4: 0x07, not 0x6b\n  allocated by allocate_it+0x")
{
	int *p = allocate_it();
	int *stale = hide(p);
	free_it(p);
	stale[1] = 7;
	kernel_heap_flush();
}

KTEST_SHOULD_PANIC(the_report_names_who_freed,
		   "\n  freed by free_it+0x")
{
	int *stale = hide(allocate_it());
	free_it(stale);
	stale[0] = 1;
	kernel_heap_flush();
}

/* ------------------------------------------------ reads after free */

/* A list node; `next` is read from it after the node is freed. */
struct node {
	int value;
	struct node *next;
};

/* n->next->value: the load of n->next and the access through it, both
 * made as written (volatile), in a function of its own (the report
 * names it). */
static __attribute__((noinline)) int next_value(struct node *n)
{
	struct node *next = *(struct node *volatile *)&n->next;
	return *(volatile int *)&next->value;
}

/* Poison mode: a read of freed memory leaves no trace and is not
 * reported; it gives the poison, as a debugger would show it. */
KTEST(a_read_after_free_gives_the_poison)
{
	kernel_heap_guard_every(0);
	size_t reports = kernel_heap_reports();
	struct node *n = kmalloc_or_panic(sizeof *n, _Alignof(struct node));
	*n = (struct node){.value = 42, .next = NULL};
	volatile struct node *stale = hide(n);
	kfree(n, sizeof *n, _Alignof(struct node));
	KT_ASSERT_EQ((uint32_t)stale->value, 0x6b6b6b6bu);
	uintptr_t next = (uintptr_t)stale->next;
	KT_ASSERT_EQ(next, DBG_POISON_POINTER);
	/* not canonical: bits 63-48 are not copies of bit 47 */
	KT_ASSERT(next >> 47 != 0 && next >> 47 != 0x1ffff);
	kernel_heap_flush();
	KT_ASSERT_EQ(kernel_heap_reports(), reports);
}

/* ...but a pointer read from it is the poison, and following it is a
 * general protection fault, which the #GP hook names. */
KTEST_SHOULD_PANIC(a_pointer_read_after_free_is_reported_when_followed,
		   "debug_alloc: use-after-free read: a pointer read "
		   "from freed memory\n"
		   "  (r... = 0x6b6b6b6b6b6b6b6b, the free poison) was "
		   "dereferenced\n"
		   "  at next_value+0x")
{
	kernel_heap_guard_every(0);
	struct node *b = kmalloc_or_panic(sizeof *b, _Alignof(struct node));
	struct node *a = kmalloc_or_panic(sizeof *a, _Alignof(struct node));
	*b = (struct node){.value = 2, .next = NULL};
	*a = (struct node){.value = 1, .next = b};
	struct node *stale = hide(a);
	kfree(b, sizeof *b, _Alignof(struct node)); /* the list freed */
	kfree(a, sizeof *a, _Alignof(struct node));
	KT_ASSERT_EQ(next_value(stale), 2); /* a->next is the poison now */
}

/* Any other general protection fault is reported as one, not blamed on
 * the heap. */
KTEST_SHOULD_PANIC(a_general_protection_fault_without_the_poison_is_plain,
		   "GENERAL PROTECTION FAULT (vector 13) at RIP 0x")
{
	volatile int *bad = hide((void *)0x8000000000000000ull);
	(void)*bad;
}

/* ---------------------------------------------------------- bad frees */

KTEST_SHOULD_PANIC(double_free_is_reported,
		   "debug_alloc: double free of a 24-byte block\n")
{
	int *p = kmalloc_or_panic(24, 8);
	int *again = hide(p);
	kfree(p, 24, 8);
	kfree(again, 24, 8);
}

static int not_from_the_heap[6];

KTEST_SHOULD_PANIC(free_of_a_pointer_never_allocated_is_reported,
		   "debug_alloc: invalid free of ")
{
	kfree(hide(not_from_the_heap), sizeof not_from_the_heap, 4);
}

KTEST_SHOULD_PANIC(free_of_a_pointer_inside_a_block_is_reported,
		   "debug_alloc: invalid free of ")
{
	char *p = kmalloc_or_panic(64, 8);
	kfree(hide(p + 16), 48, 8);
}

KTEST_SHOULD_PANIC(free_with_the_wrong_size_is_reported,
		   "debug_alloc: free with the wrong layout of a 24-byte "
		   "block\n  ")
{
	void *p = kmalloc_or_panic(24, 8);
	kfree(p, 32, 8);
}

KTEST_SHOULD_PANIC(free_with_the_wrong_alignment_is_reported,
		   ", align 8, freed as 24/16")
{
	void *p = kmalloc_or_panic(24, 8);
	kfree(p, 24, 16);
}

/* ----------------------------------------------------------- redzones */

KTEST_SHOULD_PANIC(one_byte_past_the_end_is_reported_on_free,
		   "debug_alloc: write past the end of a 24-byte block\n")
{
	char *p = kmalloc_or_panic(24, 8);
	char *q = hide(p);
	q[24] = 0;
	kfree(p, 24, 8);
}

KTEST_SHOULD_PANIC(the_overflow_report_gives_the_byte,
		   ", byte 24: 0x00, not 0xfc\n")
{
	char *p = kmalloc_or_panic(24, 8);
	char *q = hide(p);
	q[24] = 0;
	kfree(p, 24, 8);
}

KTEST_SHOULD_PANIC(one_byte_before_the_start_is_reported_on_free,
		   "debug_alloc: write before the start of a 24-byte block\n")
{
	char *p = kmalloc_or_panic(24, 8);
	char *q = hide(p);
	q[-1] = 0;
	kfree(p, 24, 8);
}

/* ---------------------------------------------------------------- leaks */

/* What the walk of the live blocks saw of three blocks a, b, c. */
struct seen {
	const void *block[3];
	size_t size[3]; /* the size reported for each; 0: not seen */
	size_t count;	/* blocks seen in all */
};

static void collect(void *ctx, const void *block, size_t size)
{
	struct seen *s = ctx;
	for (int i = 0; i < 3; i++)
		if (s->block[i] == block)
			s->size[i] = size;
	s->count++;
}

/* The tests that panicked on purpose left their blocks live (a panic
 * skips the frees): the walk must list exactly those and a and c. */
KTEST(the_leak_report_lists_exactly_the_live_blocks)
{
	size_t before = kernel_heap_stats().live;
	void *a = kmalloc_or_panic(40, 8);
	void *b = kmalloc_or_panic(24, 8);
	void *c = kmalloc_or_panic(100, 8);
	struct seen s = {.block = {a, b, c}};
	kfree(b, 24, 8);
	KT_ASSERT_EQ(kernel_heap_each_live(collect, &s), before + 2);
	KT_ASSERT_EQ(s.count, before + 2);
	KT_ASSERT_EQ(s.size[0], 40);
	KT_ASSERT_EQ(s.size[1], 0); /* freed: not listed */
	KT_ASSERT_EQ(s.size[2], 100);
	kfree(a, 40, 8);
	kfree(c, 100, 8);
	KT_ASSERT_EQ(kernel_heap_each_live(collect, &(struct seen){0}), before);
}

/* ------------------------------------------------------ guarded blocks */

KTEST(a_guarded_block_ends_where_its_page_ends)
{
	kernel_heap_guard_every(1);
	uint8_t *p = kmalloc_or_panic(24, 8);
	kernel_heap_guard_every(0);
	KT_ASSERT_EQ(((uintptr_t)p + 24) % 4096, 0);
	p[0] = 1;
	p[23] = 2; /* the last byte is ours */
	kfree(p, 24, 8);
}

KTEST_SHOULD_PANIC(a_read_after_free_of_a_guarded_block_faults,
		   "debug_alloc: use-after-free read of a 24-byte block\n")
{
	kernel_heap_guard_every(1);
	volatile int *p = kmalloc_or_panic(24, 8);
	volatile int *stale = hide((void *)p);
	kfree((void *)p, 24, 8);
	(void)stale[2];
}

KTEST_SHOULD_PANIC(a_write_after_free_of_a_guarded_block_faults,
		   "debug_alloc: use-after-free write to a 24-byte block\n")
{
	kernel_heap_guard_every(1);
	int *p = kmalloc_or_panic(24, 8);
	volatile int *stale = hide(p);
	kfree(p, 24, 8);
	stale[0] = 1;
}

KTEST_SHOULD_PANIC(a_read_one_past_a_guarded_block_faults,
		   "debug_alloc: read past the end of a 24-byte block\n"
		   "  0x")
{
	kernel_heap_guard_every(1);
	volatile char *p = hide(kmalloc_or_panic(24, 8));
	(void)p[24];
}

/* 20 bytes aligned to 8 end 4 bytes before the page's end: those 4
 * hold a canary, checked on free. */
KTEST_SHOULD_PANIC(a_write_into_a_guarded_blocks_padding_is_reported,
		   "debug_alloc: write past the end of a 20-byte block\n"
		   "...byte 20 (guarded)")
{
	kernel_heap_guard_every(1);
	char *p = kmalloc_or_panic(20, 8);
	char *q = hide(p);
	q[20] = 0;
	kfree(p, 20, 8);
}

KTEST_SHOULD_PANIC(a_double_free_of_a_guarded_block_is_reported,
		   "debug_alloc: double free of a 24-byte block\n")
{
	kernel_heap_guard_every(1);
	void *p = kmalloc_or_panic(24, 8);
	void *again = hide(p);
	kfree(p, 24, 8);
	kfree(again, 24, 8);
}

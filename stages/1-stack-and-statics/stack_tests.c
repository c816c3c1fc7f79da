/*
 * stack_tests.c - stage 1's in-kernel tests.
 */
#include <stdint.h>

#include "console.h"
#include "cpu.h"
#include "format.h"
#include "idt.h"
#include "ktest.h"
#include "mem.h"
#include "panic.h"
#include "pic.h"
#include "sections.h"
#include "spinlock.h"
#include "stack_demo.h"

static volatile uintptr_t local_addr;

static __attribute__((noinline)) uintptr_t callee_local(void)
{
	volatile int local = 0;
	local_addr = (uintptr_t)&local; /* a number to compare, not a pointer */
	return local_addr;
}

KTEST(stack_grows_down)
{
	volatile int mine = 0;
	KT_ASSERT(callee_local() < (uintptr_t)&mine);
}

KTEST(returned_frame_is_reused)
{
	uintptr_t a = stack_probe();
	uintptr_t b = stack_probe();
	KT_ASSERT_EQ(a, b);
}

KTEST(locals_are_on_the_kernel_stack)
{
	volatile int mine = 0;
	KT_ASSERT((char *)&mine >= stack_bottom && (char *)&mine < stack_top);
}

static const int ro_value = 5;
static int data_value = 7;
static int bss_value;

KTEST(statics_are_in_their_sections)
{
	KT_ASSERT((const char *)&ro_value >= __rodata_start &&
		  (const char *)&ro_value < __rodata_end);
	KT_ASSERT((char *)&data_value >= __data_start &&
		  (char *)&data_value < __data_end);
	KT_ASSERT((char *)&bss_value >= __bss_start &&
		  (char *)&bss_value < __bss_end);
	KT_ASSERT_EQ(bss_value, 0);
	KT_ASSERT_EQ(data_value, 7);
}

KTEST(pointer_to_static_outlives_the_call)
{
	const uint32_t *p = inner_static(2);
	callee_local(); /* another call reuses the stack; *p must not care */
	KT_ASSERT_EQ(*p, 3);
	KT_ASSERT_EQ(inner_static(2), p);
}

/* range_static's table: one copy, shared by every caller, one size. */
KTEST(static_result_is_one_table_shared_by_every_caller)
{
	int *a = range_static(10, 3);
	int *b = range_static(20, 3);
	KT_ASSERT(a == b);
	KT_ASSERT_EQ(a[0], 20); /* a's values are gone: b overwrote them */

	volatile size_t twelve = 12; /* not a constant GCC could fold */
	KT_ASSERT(range_static(0, twelve) == NULL);
}

KTEST(ksnprintf_formats)
{
	char buf[64];
	ksnprintf(buf, sizeof buf, "%d|%5u|%-4x|%08lx|%s|%c|%zu", -42, 7u,
		  0xabu, 0xbeefUL, "hi", 'z', (size_t)12);
	KT_ASSERT_MSG(strcmp(buf, "-42|    7|ab  |0000beef|hi|z|12") == 0,
		      "got \"%s\"", buf);
}

static int flag_inside;

static void record_if(void *arg)
{
	(void)arg;
	flag_inside = interrupts_enabled();
}

KTEST(lock_turns_interrupts_off_and_restores_them)
{
	sti();
	console_with_lock(record_if, NULL);
	KT_ASSERT_EQ(flag_inside, 0);
	KT_ASSERT(interrupts_enabled());
	cli();
	console_with_lock(record_if, NULL);
	KT_ASSERT_EQ(flag_inside, 0);
	KT_ASSERT(!interrupts_enabled());
}

static volatile int ticks;

static void count_tick(struct interrupt_frame *f)
{
	(void)f;
	pic_mask(0);
	ticks++;
}

static int ticks_inside;

static void raise_timer_while_locked(void *arg)
{
	(void)arg;
	pit_one_shot(100);
	while (!pic_irq_pending(0))
		;
	ticks_inside = ticks;
}

KTEST(irq_waits_for_the_lock_to_be_released)
{
	pit_quiesce();
	ticks = 0;
	irq_set(0, count_tick);
	sti();
	console_with_lock(raise_timer_while_locked, NULL);
	cli();
	KT_ASSERT_EQ(ticks_inside, 0);
	KT_ASSERT_EQ(ticks, 1);
}

/* Software interrupts ignore IF: `int $32` runs the IRQ 0 handler even
 * inside the guarded section, and a handler that prints then finds the
 * console lock taken.  The lock reports the deadlock instead of hanging. */
static void print_tick(struct interrupt_frame *f)
{
	(void)f;
	kprintf("tick\n");
}

static void int32_while_locked(void *arg)
{
	(void)arg;
	__asm__ volatile("int $32");
}

KTEST_SHOULD_PANIC(handler_taking_a_held_lock_is_reported,
		   "spinlock: deadlock: console lock is already held")
{
	irq_set(0, print_tick);
	pic_mask(0);
	console_with_lock(int32_while_locked, NULL);
}

static volatile uint64_t depth_limit = UINT64_MAX;

static __attribute__((noinline)) uint64_t recurse(uint64_t n)
{
	volatile char frame[256];
	frame[0] = (char)n;
	if (n == depth_limit)
		return 0;
	return recurse(n + 1) + (uint64_t)frame[0];
}

KTEST_SHOULD_PANIC(stack_overflow_hits_the_guard_page,
		   "DOUBLE FAULT: kernel stack overflow")
{
	recurse(0);
}

/* The same overflow, printing its depth at every level: the fault comes
 * inside kprintf, with the console lock held.  The report must still be
 * the guard-page diagnosis (the exception takes the console for itself),
 * not "deadlock: console lock is already held". */
static __attribute__((noinline)) uint64_t recurse_printing(uint64_t n)
{
	volatile char frame[256];
	frame[0] = (char)n;
	kprintf("depth %lu\n", (unsigned long)n);
	if (n == depth_limit)
		return 0;
	return recurse_printing(n + 1) + (uint64_t)frame[0];
}

KTEST_SHOULD_PANIC(stack_overflow_while_printing_is_reported,
		   "DOUBLE FAULT: kernel stack overflow (CR2 0x")
{
	recurse_printing(0);
}

/* A fault inside kprintf itself (it reads the string at 0x10, in the
 * unmapped null page) while it holds the console lock. */
KTEST_SHOULD_PANIC(fault_while_printing_is_reported,
		   "PAGE FAULT at 0x0000000000000010 (not present, read)")
{
	kprintf("%s\n", (const char *)(uintptr_t)0x10);
}

/* The lock checks its own use, as xv6's does. */
static struct spinlock test_lock = SPINLOCK_INIT("test lock");

KTEST_SHOULD_PANIC(unlocking_a_lock_not_held_is_reported,
		   "spinlock: test lock released but not held")
{
	spin_unlock_irqrestore(&test_lock, 0);
}

KTEST_SHOULD_PANIC(holding_too_many_locks_is_reported,
		   "more than 8 locks held at once")
{
	static struct spinlock locks[SPIN_MAX_HELD + 1];
	for (int i = 0; i <= SPIN_MAX_HELD; i++) {
		locks[i] = (struct spinlock)SPINLOCK_INIT("one of many");
		spin_lock_irqsave(&locks[i]);
	}
}

KTEST_SHOULD_PANIC(irq_set_refuses_an_irq_the_pics_do_not_have,
		   "irq_set: no IRQ 16")
{
	irq_set(16, NULL);
}

KTEST_SHOULD_PANIC(null_write_is_a_page_fault,
		   "PAGE FAULT at 0x0000000000000000 (not present, write)")
{
	*(volatile int *)(uintptr_t)0 = 1;
}

KTEST_SHOULD_PANIC(panic_reports_its_message, "the message: 42")
{
	panic("the message: %d", 42);
}

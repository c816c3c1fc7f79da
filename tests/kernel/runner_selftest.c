/*
 * runner_selftest.c - tests that must FAIL, to prove the test runner
 * reports failures, and tests of the runner's recovery after one.
 *
 * Built only into the runner's self-test kernels (make -f scripts/kernel.mk
 * STAGE=1 SELFTEST=1 test-iso); scripts/run-tests checks that each failing
 * test here is reported as failed, for the right reason, that every other
 * test still runs and passes, and that the kernel exits with the failure
 * code.
 *
 * With SELFTEST=<scenario> the kernel also acts out one way a test kernel
 * can lie or die, and the runner must call the whole run a failure:
 *   hang            a test never returns (the timeout)
 *   triple          a test triple-faults (QEMU exits without a verdict)
 *   ok_then_fail    a test prints what looks like a result line, then fails
 *   exit_failure    every line says ok, the summary agrees, QEMU exits 35
 *   stops_early     the kernel announces N tests and reports fewer
 *   summary_lies    a test fails, the summary says none did, QEMU exits 33
 *   heap            (stage 5) a heap test fails holding a box; the next
 *                   heap test must still find an empty heap
 */
#include <stdint.h>

#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "ktest.h"
#include "pic.h"
#include "qemu.h"
#include "spinlock.h"

#if defined(SELFTEST_HANG) || defined(SELFTEST_TRIPLE) ||                      \
	defined(SELFTEST_OK_THEN_FAIL) || defined(SELFTEST_EXIT_FAILURE) ||    \
	defined(SELFTEST_STOPS_EARLY) || defined(SELFTEST_SUMMARY_LIES) ||     \
	defined(SELFTEST_HEAP)
#define SELFTEST_SCENARIO 1 /* only the scenario, not the tests below */
#endif

static volatile int three = 3;

#ifndef SELFTEST_SCENARIO

KTEST(selftest_passing_test)
{
	KT_ASSERT_EQ(2 + 2, 4);
}

KTEST(selftest_failing_assert)
{
	KT_ASSERT_EQ(1 + 1, three);
}

KTEST_SHOULD_PANIC(selftest_missing_panic, "a panic that never comes")
{
}

/* A failed assertion inside a guarded section: the runner must release
 * the lock, print this test's own message, and go on. */
static void fail_while_locked(void *arg)
{
	(void)arg;
	kprintf_locked("printing with the console lock held\n");
	KT_ASSERT_MSG(three == 4, "failed inside the console lock");
}

KTEST(selftest_assert_fails_inside_a_locked_section)
{
	console_with_lock(fail_while_locked, NULL);
}

KTEST(selftest_console_works_after_a_locked_failure)
{
	KT_ASSERT_EQ(spin_n_held, 0);
	kprintf("the console lock is free again\n"); /* would panic if held */
}

/* An unexpected panic fails its test and only its test. */
KTEST(selftest_unexpected_panic)
{
	panic("an unexpected panic");
}

/* A panic in a hardware IRQ handler: the handler never sends its EOI, so
 * the PIC keeps IRQ 0 in service and delivers no IRQ 0 (or lower
 * priority) again, unless the runner ends that service when it recovers. */
static volatile int ticks;

static void panicking_tick(struct interrupt_frame *f)
{
	(void)f;
	panic("panic in the timer handler");
}

static void counting_tick(struct interrupt_frame *f)
{
	(void)f;
	ticks++;
}

/* One timer IRQ, and up to a bounded wait for it; true if it arrived. */
static bool one_tick(void)
{
	ticks = 0;
	pit_one_shot(100);
	sti();
	for (volatile long i = 0; i < 20000000 && ticks == 0; i++)
		;
	cli();
	return ticks != 0;
}

KTEST_SHOULD_PANIC(selftest_irq_handler_panics, "panic in the timer handler")
{
	pit_quiesce();
	irq_set(0, panicking_tick);
	one_tick();
}

KTEST(selftest_irq_arrives_after_a_panicking_handler)
{
	irq_set(0, counting_tick);
	bool arrived = one_tick();
	pic_mask(0);
	KT_ASSERT_MSG(arrived, "no timer IRQ: IRQ 0 still in service?");
}

/* KTEST_AROUND: entered before every test of this file, and left after
 * each, also after the failures and the panics above. */
static int entered, left;

static void enter_this_file(void)
{
	entered++;
}

static void leave_this_file(void)
{
	left++;
}
KTEST_AROUND("runner_selftest.c", enter_this_file, leave_this_file);

KTEST(selftest_around_every_test_of_its_file)
{
	KT_ASSERT_MSG(entered > 1 && left == entered - 1,
		      "entered %d times, left %d times", entered, left);
}
#endif /* !SELFTEST_SCENARIO */

#ifdef SELFTEST_HANG
KTEST(selftest_hangs)
{
	halt_forever(); /* interrupts off: nothing will ever wake it */
}
#endif

#ifdef SELFTEST_TRIPLE
KTEST(selftest_triple_faults)
{
	/* An empty IDT: the breakpoint cannot be delivered (#GP), neither can
	 * the #GP (#DF), nor the double fault: the CPU resets, and QEMU with
	 * -no-reboot exits. */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(empty));
}
#endif

#ifdef SELFTEST_OK_THEN_FAIL
/* Prints a line that looks like its own result (in the old format and in
 * the new one, but not at the start of a line), then fails. */
KTEST(selftest_ok_then_fail)
{
	kprintf("step 1... [ok]\n");
	kprintf("  ktest [1/1] selftest_ok_then_fail... [ok]\n");
	KT_ASSERT_MSG(three == 4, "failed after printing ok");
}
#endif

/* The kernel's total number of tests, for the lying scenarios below. */
extern const struct ktest __start_ktests[], __stop_ktests[];
static inline int n_tests(void)
{
	return (int)(__stop_ktests - __start_ktests);
}

#ifdef SELFTEST_EXIT_FAILURE
/* The last test: completes its own line, then a summary that agrees with
 * the lines (all passed), and exits with the failure code. */
KTEST(selftest_zz_exit_failure)
{
	kprintf("[ok]\nktest: %d passed, 0 failed\n", n_tests());
	qemu_exit(QEMU_EXIT_FAILURE);
}
#endif

#ifdef SELFTEST_STOPS_EARLY
/* Ends the run with a success summary before the last test ran. */
KTEST(selftest_stops_early)
{
	kprintf("[ok]\nktest: %d passed, 0 failed\n", n_tests() - 1);
	qemu_exit(QEMU_EXIT_SUCCESS);
}

KTEST(selftest_never_runs)
{
}
#endif

#ifdef SELFTEST_SUMMARY_LIES
KTEST(selftest_fails_for_real)
{
	KT_ASSERT_EQ(1 + 1, three);
}

/* The last test: a summary claiming every test passed, exit 33. */
KTEST(selftest_zz_summary_lies)
{
	kprintf("[ok]\nktest: %d passed, 0 failed\n", n_tests());
	qemu_exit(QEMU_EXIT_SUCCESS);
}
#endif

#ifdef SELFTEST_HEAP
#include "box.h"
#include "kernel_heap.h"

BOX_DEFINE(selftest_box, int);

/* Fails with a box live: the jump skips the AUTO_BOX cleanup. */
KTEST(selftest_heap_test_fails_holding_a_box)
{
	AUTO_BOX(selftest_box) b = selftest_box_new(7);
	KT_ASSERT_MSG(*b.ptr == 8, "failed with a box live");
}

KTEST(selftest_heap_is_empty_after_the_failure)
{
	KT_ASSERT_EQ(kernel_heap_stats().live, 0);
	AUTO_BOX(selftest_box) b = selftest_box_new(7);
	KT_ASSERT_EQ(*b.ptr, 7);
}
#endif

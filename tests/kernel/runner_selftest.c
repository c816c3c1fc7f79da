/*
 * runner_selftest.c - tests that must FAIL, to prove the test runner
 * reports failures.  Built only into the runner's self-test kernel
 * (make -f scripts/kernel.mk STAGE=1 SELFTEST=1 test-iso); scripts/run-tests
 * checks that each of these is reported as failed, for the right reason,
 * and that the kernel exits with the failure code.  With SELFTEST=hang or
 * SELFTEST=triple a test hangs or triple-faults: the kernel never reports,
 * and the runner must call that a failure (a timeout, or QEMU exiting
 * without the isa-debug-exit code).
 */
#include <stdint.h>

#include "cpu.h"
#include "ktest.h"

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

KTEST(selftest_passing_test)
{
	KT_ASSERT_EQ(2 + 2, 4);
}

static volatile int three = 3;

KTEST(selftest_failing_assert)
{
	KT_ASSERT_EQ(1 + 1, three);
}

KTEST_SHOULD_PANIC(selftest_missing_panic, "a panic that never comes")
{
}

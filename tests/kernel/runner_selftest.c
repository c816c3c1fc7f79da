/*
 * runner_selftest.c - tests that must FAIL, to prove the test runner
 * reports failures.  Built only into the runner's self-test kernel
 * (make -f scripts/kernel.mk STAGE=1 SELFTEST=1 test-iso); scripts/run-tests
 * checks that each of these is reported as failed, for the right reason,
 * and that the kernel exits with the failure code.
 */
#include "ktest.h"

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

/*
 * ktest.h - the in-kernel test runner.
 *
 *   KTEST(simple_allocation)
 *   {
 *           AUTO_BOX(box_int) a = box_int_new(41);
 *           KT_ASSERT_EQ(*a.ptr, 41);
 *   }
 *
 *   KTEST_SHOULD_PANIC(array_larger_than_the_heap,
 *                      "allocation error: size 200000, align 8")
 *   {
 *           kcalloc_or_panic(25000, 8, 8);
 *   }
 *
 * Tests register themselves: each macro puts a descriptor in the
 * .ktests linker section, so there is no hand-kept list.  A test kernel
 * runs them in source order (by file name, then line) and prints
 *
 *   ktest: running 3 tests
 *   ktest [1/3] simple_allocation... [ok]
 *   ktest [2/3] array_larger_than_the_heap...
 *   PANIC: allocation error: size 200000, align 8
 *       at <file>:<line>
 *   ktest [2/3] array_larger_than_the_heap... [ok] (panicked as expected)
 *   ktest [3/3] some_test... [failed] some_tests.c:12: a == b: 0x1 != 0x2
 *   ktest: 2 passed, 1 failed
 *
 * and leaves QEMU through the isa-debug-exit device (0x10: all passed,
 * 0x11: something failed).  A result line always starts a line of its own
 * and carries the test's number: when the test printed something after
 * "ktest [i/N] name... ", the result goes on a fresh line with the prefix
 * repeated.  scripts/run-tests reads only whole lines of that form, expects
 * tests 1..N each exactly once, and checks them against the summary, so
 * output a test prints cannot pass for a result.
 *
 * A failure is one failure: the reason is printed and the next test runs.
 * A should-panic test passes only when a panic whose message contains the
 * expected text happens.  A CPU exception panics with the exception's
 * report, so KTEST_SHOULD_PANIC(x, "PAGE FAULT") tests for a page fault.
 * In the expected text, "..." stands for any text: "double free...freed
 * by f+0x" needs both parts, in that order.
 * A panic outside any test (at boot, say) exits QEMU with the failure code
 * at once.
 *
 * After a test that ended by a jump (a failed assertion, a panic), the
 * runner puts the machine back in order before the next test: it releases
 * the locks the test held, gives the console back and ends any IRQ still
 * in service.  After a FAILED test it also calls every function
 * registered with KTEST_RESET, a subsystem's "forget what that test left
 * behind" (the heap tests register one that empties the heap, since the
 * jump skipped the test's scope-end cleanups).  An expected panic is part
 * of the test's design, so its state is left for the test's author (a
 * should-panic test may leave something for the next test to check).
 *
 * KTEST_AROUND runs every test of one source file in a setting of its
 * own: a later stage uses it to run an earlier stage's tests unchanged
 * (stage 8 runs chapter 7's slab_tests.c on the slabs alone, without the
 * debugging allocator that stage 8 puts over them).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	const char *expected_panic; /* NULL for an ordinary test */
	const char *file;	    /* tests run sorted by file, then line */
	int line;
};

/* The macros below are laid out by hand, so that each reads as it works:
 * the test's function is declared, its descriptor is placed in .ktests,
 * and the body written after the macro becomes the function. */
// clang-format off
#define KTEST_DEFINE_(test, expected)                                          \
	static void ktest_fn_##test(void);                                     \
	static const struct ktest ktest_desc_##test                            \
		__attribute__((used, section(".ktests"), aligned(8))) = {      \
			.name = #test,                                         \
			.fn = ktest_fn_##test,                                 \
			.expected_panic = expected,                            \
			.file = __FILE__,                                      \
			.line = __LINE__,                                      \
		};                                                             \
	static void ktest_fn_##test(void)

#define KTEST(test) KTEST_DEFINE_(test, 0)
#define KTEST_SHOULD_PANIC(test, expected) KTEST_DEFINE_(test, expected)

/* KTEST_RESET(fn): run fn() after every failed test. */
typedef void (*ktest_reset_fn)(void);
#define KTEST_RESET(fn)                                                        \
	static const ktest_reset_fn ktest_reset_##fn                           \
		__attribute__((used, section(".ktest_resets"), aligned(8)))    \
		= fn
// clang-format on

/*
 * KTEST_AROUND(file, enter, leave): the runner calls enter() before each
 * test of the source file named `file` (without its folder, e.g.
 * "slab_tests.c") and leave() after it, however it ended: passed, failed
 * or panicked (leave() comes after the runner's recovery, before any
 * KTEST_RESET).  A panic in enter() fails the test; leave() must not
 * panic, and must be harmless when enter() did not finish.
 */
struct ktest_around {
	const char *file;
	void (*enter)(void);
	void (*leave)(void);
};
// clang-format off
#define KTEST_AROUND(file_, enter_, leave_)                                    \
	static const struct ktest_around ktest_around_##enter_                 \
		__attribute__((used, section(".ktest_arounds"), aligned(8)))   \
		= {file_, enter_, leave_}
// clang-format on

/* Fails the running test with a reason and moves on to the next. */
__attribute__((noreturn, format(printf, 3, 4))) void
ktest_fail(const char *file, int line, const char *fmt, ...);

// clang-format off
#define KT_ASSERT(cond)                                                        \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, "KT_ASSERT(%s)",        \
				   #cond);                                     \
	} while (0)

#define KT_ASSERT_MSG(cond, ...)                                               \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, __VA_ARGS__);           \
	} while (0)

#define KT_ASSERT_EQ(a, b)                                                     \
	do {                                                                   \
		unsigned long long a_ = (unsigned long long)(a);               \
		unsigned long long b_ = (unsigned long long)(b);               \
		if (a_ != b_)                                                  \
			ktest_fail(__FILE__, __LINE__,                         \
				   "%s == %s: %llu != %llu (0x%llx != 0x%llx)", \
				   #a, #b, a_, b_, a_, b_);                    \
	} while (0)
// clang-format on

/* The boot information, for tests that check against the memory map. */
struct boot_info;
const struct boot_info *ktest_boot_info(void);

#endif

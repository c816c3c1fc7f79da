/*
 * ktest.h - the in-kernel test runner.
 *
 *   KTEST(heap_simple_allocation) {
 *       KT_ASSERT_EQ(*box, 41);
 *   }
 *   KTEST_SHOULD_PANIC(box_on_null_allocator, "allocation error: size 4, align
 * 4") { box_new(41);
 *   }
 *
 * Tests register themselves: each macro puts a descriptor in the
 * .ktests linker section, so there is no hand-kept list.  A test kernel
 * runs them in source order (by file name, then line), prints `name... [ok]` or
 * `name... [failed] reason`, then `ktest: N passed, N failed` and leaves QEMU
 * through the isa-debug-exit device (0x10: all passed, 0x11: something failed).
 *
 * A should-panic test passes only when a panic whose message contains the
 * expected text happens; the runner then resumes with the next test.  A
 * CPU exception in a should-panic test panics with the exception's report,
 * so KTEST_SHOULD_PANIC(x, "PAGE FAULT") tests for a page fault.
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

#define KTEST_DEFINE_(name, expected)                                          \
	static void ktest_fn_##name(void);                                     \
	static const struct ktest ktest_desc_##name                            \
		__attribute__((used, section(".ktests"), aligned(8))) = {      \
			#name, ktest_fn_##name, expected, __FILE__, __LINE__}; \
	static void ktest_fn_##name(void)

#define KTEST(name) KTEST_DEFINE_(name, 0)
#define KTEST_SHOULD_PANIC(name, expected) KTEST_DEFINE_(name, expected)

/* Fails the running test with a reason and moves on to the next. */
__attribute__((noreturn, format(printf, 3, 4))) void
ktest_fail(const char *file, int line, const char *fmt, ...);

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
				   "%s == %s: 0x%llx != 0x%llx", #a, #b, a_,   \
				   b_);                                        \
	} while (0)

/* The boot information, for tests that check against the memory map. */
struct boot_info;
const struct boot_info *ktest_boot_info(void);

#endif

/*
 * harness.h - a tiny unit-test harness for the portable kernel code, built
 * on the host with AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   EXPECT_PANIC("allocation error: size 4", statement);
 *
 * Tests register themselves (a constructor per TEST), run in file order,
 * and print `test [i/N] name... [ok]` or `test [i/N] name... [failed]
 * file:line: reason`, the kernel runner's format (ktest.h).  The binary
 * ends with `test: P passed, F failed` and exits 1 if anything failed
 * (with HARNESS_FAIL_FAST=1 in the environment, as scripts/mutation-test
 * runs it, it stops after the first failed test).
 *
 * The first lines of a test file name what it links and includes:
 *   // sources: common/format.c stages/3-null-allocator/alloc.c
 *   // stage: 3        (include path: stages 3..1, then common/)
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void harness_register(const char *name, test_fn fn);
__attribute__((noreturn, format(printf, 3, 4))) void
harness_fail(const char *file, int line, const char *fmt, ...);

#define TEST(name)                                                             \
	static void test_##name(void);                                         \
	__attribute__((constructor)) static void register_##name(void)         \
	{                                                                      \
		harness_register(#name, test_##name);                          \
	}                                                                      \
	static void test_##name(void)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);  \
	} while (0)

#define CHECK_MSG(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			harness_fail(__FILE__, __LINE__, __VA_ARGS__);         \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		unsigned long long a_ = (unsigned long long)(a);               \
		unsigned long long b_ = (unsigned long long)(b);               \
		if (a_ != b_)                                                  \
			harness_fail(__FILE__, __LINE__,                       \
				     "%s == %s: %llu != %llu (0x%llx != 0x%llx)", \
				     #a, #b, a_, b_, a_, b_);                  \
	} while (0)

#define CHECK_STR_EQ(a, b)                                                     \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (strcmp(a_, b_) != 0)                                       \
			harness_fail(__FILE__, __LINE__,                       \
				     "%s == %s: \"%s\" != \"%s\"", #a, #b, a_, \
				     b_);                                      \
	} while (0)

/*
 * The kernel code under test calls panic_at() for broken invariants.  The
 * harness's panic_at() records the message; inside EXPECT_PANIC it jumps
 * back, and the check passes only if the message contains `substr`.
 * Anywhere else a panic fails the running test.
 */
extern jmp_buf *harness_panic_jmp;
extern char harness_panic_msg[512];

#define EXPECT_PANIC(substr, stmt)                                             \
	do {                                                                   \
		jmp_buf jb_;                                                   \
		jmp_buf *saved_ = harness_panic_jmp;                           \
		harness_panic_jmp = &jb_;                                      \
		if (setjmp(jb_) == 0) {                                        \
			stmt;                                                  \
			harness_panic_jmp = saved_;                            \
			harness_fail(__FILE__, __LINE__,                       \
				     "expected a panic containing \"%s\"",     \
				     substr);                                  \
		}                                                              \
		harness_panic_jmp = saved_;                                    \
		CHECK_MSG(strstr(harness_panic_msg, substr) != NULL,           \
			  "panic \"%s\" does not contain \"%s\"",              \
			  harness_panic_msg, substr);                          \
	} while (0)

/* A small deterministic PRNG (xorshift64*) for randomized tests. */
static inline uint64_t harness_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif

/*
 * ktest.c - the in-kernel test runner (see ktest.h).
 *
 * A test kernel's kernel_main is ktest_main below: it walks the .ktests
 * section the KTEST macros filled and runs each test.  A failure or an
 * expected panic must get back here from deep inside the test (or from an
 * exception handler on another stack), so each test runs under
 * __builtin_setjmp, and ktest_fail / the panic hook __builtin_longjmp back:
 * that restores the runner's stack pointer and frame, dropping everything
 * the test had on its stack.
 */
#include "ktest.h"

#include <stdarg.h>
#include <stdbool.h>

#include "console.h"
#include "cpu.h"
#include "format.h"
#include "kernel.h"
#include "mem.h"
#include "panic.h"
#include "panic_hook.h"
#include "qemu.h"
#include "spinlock.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static struct {
	const struct ktest *current;
	void *jmp[5]; /* __builtin_setjmp buffer: five words */
	char reason[256];
	bool panicked; /* the jump back came from an expected panic */
	int passed, failed;
} runner;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	int n = ksnprintf(runner.reason, sizeof runner.reason, "%s:%d: ", file,
			  line);
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(runner.reason + n, sizeof runner.reason - (size_t)n, fmt,
		   ap);
	va_end(ap);
	__builtin_longjmp(runner.jmp, 1);
}

static void finish(void)
{
	kprintf("ktest: %d passed, %d failed\n", runner.passed, runner.failed);
	qemu_exit(runner.failed == 0 ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
}

static bool contains(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack != '\0'; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return true;
	return n == 0;
}

/* Called by panic() after it printed the message. */
static void on_panic(const char *msg)
{
	const struct ktest *t = runner.current;
	spin_release_all(); /* the locks the panicking code held */
	console_reset();
	if (t != NULL && t->expected_panic != NULL &&
	    contains(msg, t->expected_panic)) {
		runner.panicked = true;
		__builtin_longjmp(runner.jmp, 1);
	}
	if (t != NULL) {
		kprintf("%s... [failed] unexpected panic: %s\n", t->name, msg);
		runner.failed++;
	}
	finish();
}

/* Runs one test; returns 0 if it passed. */
static int run_one(const struct ktest *t)
{
	runner.current = t;
	runner.panicked = false;
	kprintf("%s... ", t->name);
	if (__builtin_setjmp(runner.jmp) == 0) {
		t->fn();
		cli(); /* a test may have enabled interrupts */
		if (t->expected_panic != NULL) {
			kprintf("[failed] expected a panic containing \"%s\"\n",
				t->expected_panic);
			return 1;
		}
		kprintf("[ok]\n");
		return 0;
	}
	cli();
	if (runner.panicked) {
		kprintf("%s... [ok] (panicked as expected)\n", t->name);
		return 0;
	}
	kprintf("[failed] %s\n", runner.reason);
	return 1;
}

/* Source order: the linker's order differs between compilers. */
static bool runs_before(const struct ktest *a, const struct ktest *b)
{
	int c = strcmp(a->file, b->file);
	return c < 0 || (c == 0 && a->line < b->line);
}

#define MAX_TESTS 256

static const struct boot_info *boot_info;

const struct boot_info *ktest_boot_info(void)
{
	return boot_info;
}

void kernel_main(const struct boot_info *boot)
{
	boot_info = boot;
	static const struct ktest *order[MAX_TESTS];
	size_t n = (size_t)(__stop_ktests - __start_ktests);
	if (n > MAX_TESTS)
		panic("ktest: %zu tests, at most %d supported", n, MAX_TESTS);
	for (size_t i = 0; i < n; i++) { /* insertion sort: n is small */
		const struct ktest *t = &__start_ktests[i];
		size_t j = i;
		for (; j > 0 && runs_before(t, order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	kprintf("ktest: running %zu tests\n", n);
	panic_hook = on_panic;
	for (size_t i = 0; i < n; i++) {
		const struct ktest *t = order[i];
		if (run_one(t) == 0)
			runner.passed++;
		else
			runner.failed++;
	}
	runner.current = NULL;
	finish();
}

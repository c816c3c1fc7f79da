/*
 * ktest.c - the in-kernel test runner (see ktest.h).
 *
 * A test kernel's kernel_main is the one below: it walks the .ktests
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
#include "pic.h"
#include "qemu.h"
#include "spinlock.h"

extern const struct ktest __start_ktests[], __stop_ktests[];
extern const ktest_reset_fn __start_ktest_resets[], __stop_ktest_resets[];
extern const struct ktest_around __start_ktest_arounds[],
	__stop_ktest_arounds[];

static struct {
	const struct ktest *current; /* the running test; NULL outside one */
	size_t number, total;	     /* current is test `number` of `total` */
	uint64_t prefix_end; /* console_chars_written() after the prefix */
	void *jmp[5];	     /* __builtin_setjmp buffer: five words */
	char reason[256];    /* why the current test failed */
	bool panicked;	     /* the jump back came from an expected panic */
	int passed, failed;
} runner;

static void on_panic(const char *msg);
/* Overrides panic.c's weak hook: in place before the first instruction. */
panic_hook_fn panic_hook = on_panic;

/* Writes "file:line: " and then the message into runner.reason, cut to
 * fit (ksnprintf returns the length it wanted, which may exceed the
 * buffer: it is clamped before being used as an offset). */
void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	if (runner.current == NULL)
		panic("ktest_fail outside a test (%s:%d)", file, line);
	int n = ksnprintf(runner.reason, sizeof runner.reason, "%s:%d: ", file,
			  line);
	size_t used = n < 0 ? 0 : (size_t)n;
	if (used > sizeof runner.reason - 1)
		used = sizeof runner.reason - 1;
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(runner.reason + used, sizeof runner.reason - used, fmt, ap);
	va_end(ap);
	__builtin_longjmp(runner.jmp, 1);
}

static void finish(void)
{
	kprintf("ktest: %d passed, %d failed\n", runner.passed, runner.failed);
	bool all = runner.failed == 0 && (size_t)runner.passed == runner.total;
	qemu_exit(all ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
}

/* Where needle[0..n) first occurs in haystack, or NULL. */
static const char *find(const char *haystack, const char *needle, size_t n)
{
	for (; *haystack != '\0'; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return haystack;
	return n == 0 ? haystack : NULL;
}

/* Does the panic message contain the expected text?  "..." in it stands
 * for any text: "double free...freed by f+0x" matches both parts, in
 * that order (a report's lines with an address between them). */
static bool contains(const char *haystack, const char *needle)
{
	for (;;) {
		const char *gap = find(needle, "...", 3);
		size_t n = gap != NULL ? (size_t)(gap - needle) : strlen(needle);
		const char *at = find(haystack, needle, n);
		if (at == NULL)
			return false;
		if (gap == NULL)
			return true;
		haystack = at + n;
		needle = gap + 3;
	}
}

/* Called by panic() after it printed the message; does not return. */
static void on_panic(const char *msg)
{
	const struct ktest *t = runner.current;
	if (t == NULL) {
		/* at boot, or in the runner itself: nothing to resume */
		kprintf("ktest: panic outside any test: %s\n", msg);
		qemu_exit(QEMU_EXIT_FAILURE);
	}
	runner.panicked =
		t->expected_panic != NULL && contains(msg, t->expected_panic);
	if (!runner.panicked)
		ksnprintf(runner.reason, sizeof runner.reason,
			  "unexpected panic: %s", msg);
	__builtin_longjmp(runner.jmp, 1);
}

static void print_prefix(const struct ktest *t)
{
	kprintf("ktest [%zu/%zu] %s... ", runner.number, runner.total, t->name);
	runner.prefix_end = console_chars_written();
}

/* Ends the result line "ktest [i/N] name... [status] detail", on a line
 * of its own if the test printed anything after the prefix. */
static void print_result(const struct ktest *t, const char *status,
			 const char *detail)
{
	if (console_chars_written() != runner.prefix_end) {
		console_start_line();
		print_prefix(t);
	}
	kprintf("[%s]%s%s\n", status, detail[0] != '\0' ? " " : "", detail);
}

/* After a test that ended by a jump: the machine back in order. */
static void recover(void)
{
	cli();		       /* a test may have enabled interrupts */
	spin_release_all();    /* the locks it held when it stopped */
	console_reset();       /* a panic took the console for itself */
	pic_end_all_service(); /* an IRQ handler that stopped sent no EOI */
}

/* After a failed test: what it left half done is forgotten. */
static void reset_after_failure(void)
{
	for (const ktest_reset_fn *r = __start_ktest_resets;
	     r < __stop_ktest_resets; r++)
		(*r)(); /* KTEST_RESET: e.g. the heap emptied */
}

/* The KTEST_AROUND registered for test t's source file, or NULL. */
static const struct ktest_around *around_of(const struct ktest *t)
{
	const char *name = t->file;
	for (const char *c = t->file; *c != '\0'; c++)
		if (*c == '/')
			name = c + 1;
	for (const struct ktest_around *a = __start_ktest_arounds;
	     a < __stop_ktest_arounds; a++)
		if (strcmp(a->file, name) == 0)
			return a;
	return NULL;
}

/* Runs test t, inside its file's setting if it has one; returns true if
 * it passed, else runner.reason says why.  Either way the machine is back
 * in order (but the setting not yet left). */
static bool run_test(const struct ktest *t, const struct ktest_around *around)
{
	if (__builtin_setjmp(runner.jmp) == 0) {
		if (around != NULL)
			around->enter();
		t->fn();
		runner.current = NULL;
		cli(); /* a test may have enabled interrupts */
		if (t->expected_panic != NULL) {
			ksnprintf(runner.reason, sizeof runner.reason,
				  "expected a panic containing \"%s\"",
				  t->expected_panic);
			return false;
		}
		if (spin_n_held != 0) {
			ksnprintf(runner.reason, sizeof runner.reason,
				  "returned holding %s", spin_held[0]->name);
			recover();
			return false;
		}
		return true;
	}
	runner.current = NULL;
	recover();
	return runner.panicked;
}

/* Runs one test and prints its result line; returns true if it passed. */
static bool run_one(const struct ktest *t)
{
	const struct ktest_around *around = around_of(t);
	runner.current = t;
	runner.panicked = false;
	runner.reason[0] = '\0';
	print_prefix(t);
	bool passed = run_test(t, around);
	if (around != NULL)
		around->leave(); /* after a panic too */
	if (passed) {
		print_result(t, "ok",
			     runner.panicked ? "(panicked as expected)" : "");
		return true;
	}
	print_result(t, "failed", runner.reason);
	reset_after_failure();
	return false;
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
	runner.total = n;
	kprintf("ktest: running %zu tests\n", n);
	for (size_t i = 0; i < n; i++) {
		runner.number = i + 1;
		if (run_one(order[i]))
			runner.passed++;
		else
			runner.failed++;
	}
	finish();
}

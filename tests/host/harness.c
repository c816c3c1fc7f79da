/* harness.c - see harness.h. */
#include "harness.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_TESTS 512

static struct {
	const char *name;
	test_fn fn;
} tests[MAX_TESTS];
static int n_tests;

static jmp_buf test_jmp;
static char fail_msg[1024];

jmp_buf *harness_panic_jmp;
char harness_panic_msg[512];

void harness_register(const char *name, test_fn fn)
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "harness: too many tests\n");
		exit(2);
	}
	tests[n_tests].name = name;
	tests[n_tests].fn = fn;
	n_tests++;
}

void harness_fail(const char *file, int line, const char *fmt, ...)
{
	/* snprintf returns the length it wanted, which can exceed the
	 * buffer: clamp it before it becomes an offset. */
	int n = snprintf(fail_msg, sizeof fail_msg, "%s:%d: ", file, line);
	size_t used = n < 0 ? 0 : (size_t)n;
	if (used > sizeof fail_msg - 1)
		used = sizeof fail_msg - 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_msg + used, sizeof fail_msg - used, fmt, ap);
	va_end(ap);
	longjmp(test_jmp, 1);
}

/* The kernel's panic, as seen by code under test on the host. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(harness_panic_msg, sizeof harness_panic_msg, fmt, ap);
	va_end(ap);
	if (harness_panic_jmp != NULL) {
		jmp_buf *jb = harness_panic_jmp;
		harness_panic_jmp = NULL;
		longjmp(*jb, 1);
	}
	harness_fail(file, line, "unexpected panic: %s", harness_panic_msg);
}

static bool selected(int i, const char *filter)
{
	return filter == NULL || strstr(tests[i].name, filter) != NULL;
}

/*
 * Prints the same report as the kernel's test runner (see ktest.h), which
 * scripts/run-tests checks line by line against the summary:
 *   test: running N tests
 *   test [i/N] name... [ok]          (one whole line, after the test ran)
 *   test [i/N] name... [failed] file:line: reason
 *   P passed, F failed
 */
int main(int argc, char **argv)
{
	/* An optional argument runs only the tests whose name contains it;
	 * HARNESS_FAIL_FAST=1 stops after the first test that fails (the
	 * mutation test needs one failure, not the rest of a slow suite). */
	const char *filter = argc > 1 ? argv[1] : NULL;
	const char *fast = getenv("HARNESS_FAIL_FAST");
	bool fail_fast = fast != NULL && strcmp(fast, "1") == 0;
	static int passed, failed, total, i, number; /* survive longjmp */
	for (i = 0; i < n_tests; i++)
		total += selected(i, filter);
	printf("test: running %d tests\n", total);
	fflush(stdout);
	for (i = 0; i < n_tests; i++) {
		if (!selected(i, filter))
			continue;
		number++;
		harness_panic_jmp = NULL;
		if (setjmp(test_jmp) == 0) {
			tests[i].fn();
			printf("test [%d/%d] %s... [ok]\n", number, total,
			       tests[i].name);
			passed++;
		} else {
			printf("test [%d/%d] %s... [failed] %s\n", number,
			       total, tests[i].name, fail_msg);
			failed++;
		}
		fflush(stdout);
		if (failed > 0 && fail_fast)
			break;
	}
	printf("test: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

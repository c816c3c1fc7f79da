/* harness.c - see harness.h. */
#include "harness.h"

#include <stdarg.h>
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
	int n = snprintf(fail_msg, sizeof fail_msg, "%s:%d: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_msg + n, sizeof fail_msg - (size_t)n, fmt, ap);
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

int main(int argc, char **argv)
{
	/* An optional argument runs only the tests whose name contains it. */
	const char *filter = argc > 1 ? argv[1] : NULL;
	static int passed, failed, i; /* static: they survive longjmp */
	for (i = 0; i < n_tests; i++) {
		if (filter != NULL && strstr(tests[i].name, filter) == NULL)
			continue;
		printf("%s... ", tests[i].name);
		fflush(stdout);
		harness_panic_jmp = NULL;
		if (setjmp(test_jmp) == 0) {
			tests[i].fn();
			printf("[ok]\n");
			passed++;
		} else {
			printf("[failed] %s\n", fail_msg);
			failed++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

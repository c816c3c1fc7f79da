/*
 * panic.c - stop the machine and say why.
 *
 * A test kernel has a panic hook (ktest.c defines panic_hook, which
 * overrides the weak empty one here, so it is in place from the first
 * instruction): the hook decides whether the panic was the one a
 * should-panic test expected (and resumes with the next test), or a
 * failure (reported; QEMU exits with the failure code once the tests are
 * done, or at once if no test was running).
 */
#include "panic.h"

#include <stdarg.h>

#include "console.h"
#include "cpu.h"
#include "format.h"
#include "panic_hook.h"

__attribute__((weak)) panic_hook_fn panic_hook = 0;

void panic_at(const char *file, int line, const char *fmt, ...)
{
	static char msg[512];
	static int depth;

	cli();
	if (++depth > 2) /* panicking inside the panic path: give up quietly */
		halt_forever();
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);

	console_panic_mode();
	kprintf("PANIC: %s\n    at %s:%d\n", msg, file, line);
	if (panic_hook != NULL) {
		depth = 0;
		panic_hook(msg); /* does not return */
	}
	kprintf("halted.\n");
	halt_forever();
}

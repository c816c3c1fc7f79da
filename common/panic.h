/*
 * panic.h - the answer to a broken invariant.
 *
 * Two kinds of failure are never mixed in this kernel:
 *   - running out of something (memory, frames) is reported to the caller
 *     as NULL or an error value, and the caller decides;
 *   - a broken invariant (a bug) panics: it prints the message and the
 *     file:line it came from, and stops the machine.
 *
 * Assertions come at three strengths:
 *   ASSERT(cond, fmt, ...)        always checked
 *   DEBUG_ASSERT(cond, fmt, ...)  checked unless NDEBUG is defined
 *   _Static_assert(cond, "msg")   checked by the compiler
 */
#ifndef PANIC_H
#define PANIC_H

__attribute__((noreturn, format(printf, 3, 4))) void
panic_at(const char *file, int line, const char *fmt, ...);

/* panic("map_to: page already mapped") prints the message and file:line. */
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define ASSERT(cond, ...)                                                      \
	do {                                                                   \
		if (__builtin_expect(!(cond), 0))                              \
			panic("assertion failed: " #cond ": " __VA_ARGS__);    \
	} while (0)

#ifdef NDEBUG
#define DEBUG_ASSERT(cond, ...) ((void)0)
#else
#define DEBUG_ASSERT(cond, ...) ASSERT(cond, __VA_ARGS__)
#endif

#endif

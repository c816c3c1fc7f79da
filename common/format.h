/*
 * format.h - printf-style formatting, independent of where the text goes.
 *
 * kformat() walks the format string and hands finished pieces of text to a
 * sink; kprintf (console), ksnprintf (a buffer) and the String collection's
 * formatter are all sinks.  Portable C: host tests build it unchanged.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%
 * Length:      l, ll, z (size_t), h and hh accepted
 * Flags:       - (left align), 0 (zero pad), width (digits or *),
 *              precision for %s (.N or .*)
 * %p prints 0x followed by 16 hex digits.  A NULL %s prints (null).
 * An unknown conversion is printed as-is (e.g. "%q"), never skipped.
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink)(void *ctx, const char *s, size_t n);

/* Formats into the sink; returns the number of characters produced. */
int kformat(format_sink sink, void *ctx, const char *fmt, va_list ap);

/* Like vsnprintf/snprintf: writes at most size-1 characters and a NUL
 * (when size > 0), returns the length the full output would have had. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
						    const char *fmt, ...);

#endif

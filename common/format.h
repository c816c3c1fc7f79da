/*
 * format.h - printf-style formatting, independent of where the text goes.
 *
 * kformat() walks the format string and hands finished pieces of text to a
 * sink; kprintf (console), ksnprintf (a buffer) and the String collection's
 * formatter are all sinks.  Portable C: host tests build it unchanged.
 *
 * A specification is %[flags][width][.precision][length]conversion:
 *
 *   Conversions  %d %i signed; %u %o %x %X unsigned; %c; %s; %p; %%
 *   Flags        '-' left-align in the field
 *                '0' pad numbers with zeros after the sign (ignored with
 *                    '-' or a precision, and on %c %s %p)
 *                '+' a sign on every %d/%i; ' ' a space where no sign is
 *                '#' 0x/0X before a non-zero %x/%X, a leading 0 on %o
 *   Width        digits or '*' (an int argument; negative means '-')
 *   Precision    .digits or .* (negative means none; '.' alone is 0):
 *                the minimum digits of a number, so %.0d of 0 prints
 *                nothing; the most characters printed of a %s
 *   Length       hh h l ll z j t, on %d %i %u %o %x %X only
 *
 * On all of these the output and the return value are those of the C
 * library's snprintf (glibc), including the flags and precisions C leaves
 * undefined and glibc ignores ('#' or '+' on %u, '0' on %s, .3 on %c...).
 * The kernel's own choices:
 *   - %p prints 0x and always 16 hex digits; only width and '-' apply.
 *   - A NULL %s prints as if it were "(null)" (a precision cuts it: %.3s
 *     prints "(nu"; glibc prints nothing there).
 *   - An invalid specification - an unknown conversion (%f %n %q), a
 *     length on %c %s %p (no wide characters), anything between % and %,
 *     a lone % at the end - is printed as written, and so is the rest of
 *     the format: nothing after it is converted and no further argument
 *     is read, because an argument that matches no known conversion would
 *     shift every later one.  The return value counts what was printed.
 *
 * Errors: kformat returns -1, where the C library returns -1 and sets
 * errno to EOVERFLOW, when
 *   - the output would be more than INT_MAX characters long (the count is
 *     an int); the piece that does not fit is not sent at all,
 *   - a width or precision written in digits is more than INT_MAX, as in
 *     %2147483648d (never cut short silently),
 *   - a '*' width is INT_MIN (its magnitude is no int).
 * The text before the failing piece has already gone to the sink; nothing
 * after it is formatted.
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink)(void *ctx, const char *s, size_t n);

/* Formats into the sink; returns the number of characters produced, or -1
 * (see Errors above). */
int kformat(format_sink sink, void *ctx, const char *fmt, va_list ap);

/* Like vsnprintf/snprintf: writes at most size-1 characters and a NUL
 * (when size > 0), returns the length the full output would have had, or
 * -1 as kformat does; the buffer then holds, terminated, what came before
 * the failure. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
						    const char *fmt, ...);

#endif

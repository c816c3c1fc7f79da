/*
 * format.c - the printf engine behind kprintf, ksnprintf and String
 * formatting.  See format.h for the conversions it understands.
 *
 * It never allocates and never touches hardware: each finished piece of
 * text (a run of literal characters, padding, a converted number) goes to
 * the sink, which decides where the text ends up.
 */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

#include "mem.h"

struct spec {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeroes */
	int width;     /* minimum field width, 0 if none */
	int precision; /* for %s: maximum characters, -1 if none */
	int length;    /* 0, 'h', 'H' (hh), 'l', 'L' (ll), 'z' */
};

struct out {
	format_sink sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	o->sink(o->ctx, s, n);
	o->count += (int)n;
}

static void emit_repeat(struct out *o, char c, int n)
{
	char buf[16];
	memset(buf, c, sizeof buf);
	while (n > 0) {
		int k = n < (int)sizeof buf ? n : (int)sizeof buf;
		emit(o, buf, (size_t)k);
		n -= k;
	}
}

/* Emits `body` (with an optional sign/prefix) padded to the field width. */
static void emit_field(struct out *o, const struct spec *sp, const char *prefix,
		       const char *body, size_t len)
{
	size_t plen = strlen(prefix);
	int pad = sp->width - (int)(plen + len);
	if (pad < 0)
		pad = 0;
	if (!sp->left && !sp->zero)
		emit_repeat(o, ' ', pad);
	emit(o, prefix, plen);
	if (!sp->left && sp->zero)
		emit_repeat(o, '0', pad);
	emit(o, body, len);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

/* Writes the digits of v in `base` at the end of buf; returns the start. */
static char *utoa(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;
	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0);
	return p;
}

static uint64_t arg_unsigned(va_list *ap, int length)
{
	switch (length) {
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, int length)
{
	switch (length) {
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return (int64_t)va_arg(*ap, size_t);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'H':
		return (signed char)va_arg(*ap, int);
	default:
		return va_arg(*ap, int);
	}
}

/* Reads a decimal number or '*' (taken from the arguments). */
static int parse_count(const char **f, va_list *ap)
{
	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	int n = 0;
	while (**f >= '0' && **f <= '9') {
		if (n < 100000)
			n = n * 10 + (**f - '0');
		(*f)++;
	}
	return n;
}

int kformat(format_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {sink, ctx, 0};
	va_list ap;
	va_copy(ap, ap_in);
	const char *f = fmt;
	while (*f != '\0') {
		/* the literal run up to the next '%' */
		const char *run = f;
		while (*f != '\0' && *f != '%')
			f++;
		emit(&o, run, (size_t)(f - run));
		if (*f == '\0')
			break;
		const char *conv_start = f++; /* skip '%' */

		struct spec sp = {.precision = -1};
		for (;; f++) {
			if (*f == '-')
				sp.left = true;
			else if (*f == '0')
				sp.zero = true;
			else
				break;
		}
		sp.width = parse_count(&f, &ap);
		if (sp.width < 0) { /* a negative '*' width means left-align */
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*f == '.') {
			f++;
			sp.precision = parse_count(&f, &ap);
		}
		if (*f == 'h') {
			f++;
			sp.length = 'h';
			if (*f == 'h') {
				f++;
				sp.length = 'H';
			}
		} else if (*f == 'l') {
			f++;
			sp.length = 'l';
			if (*f == 'l') {
				f++;
				sp.length = 'L';
			}
		} else if (*f == 'z') {
			f++;
			sp.length = 'z';
		}

		char buf[24];
		char *end = buf + sizeof buf;
		char *p;
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, sp.length);
			/* negate as unsigned so INT64_MIN works */
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
			p = utoa(end, mag, 10, false);
			emit_field(&o, &sp, v < 0 ? "-" : "", p,
				   (size_t)(end - p));
			break;
		}
		case 'u':
			p = utoa(end, arg_unsigned(&ap, sp.length), 10, false);
			emit_field(&o, &sp, "", p, (size_t)(end - p));
			break;
		case 'x':
		case 'X':
			p = utoa(end, arg_unsigned(&ap, sp.length), 16,
				 *f == 'X');
			emit_field(&o, &sp, "", p, (size_t)(end - p));
			break;
		case 'o':
			p = utoa(end, arg_unsigned(&ap, sp.length), 8, false);
			emit_field(&o, &sp, "", p, (size_t)(end - p));
			break;
		case 'p': {
			uint64_t v = (uintptr_t)va_arg(ap, void *);
			p = utoa(end, v, 16, false);
			while (end - p < 16)
				*--p = '0';
			emit_field(&o, &sp, "0x", p, (size_t)(end - p));
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			sp.zero = false;
			emit_field(&o, &sp, "", &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			size_t len = 0;
			while (s[len] != '\0' &&
			       (sp.precision < 0 || len < (size_t)sp.precision))
				len++;
			sp.zero = false;
			emit_field(&o, &sp, "", s, len);
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		case '\0':
			/* a lone '%' at the end: print it */
			emit(&o, conv_start, (size_t)(f - conv_start));
			va_end(ap);
			return o.count;
		default:
			/* unknown conversion: print it as written */
			emit(&o, conv_start, (size_t)(f + 1 - conv_start));
			break;
		}
		f++;
	}
	va_end(ap);
	return o.count;
}

/* ------------------------------------------------------ buffer formatting */

struct buf_ctx {
	char *buf;
	size_t size; /* capacity including the NUL */
	size_t len;  /* characters stored so far */
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
	struct buf_ctx *b = ctx;
	if (b->size == 0)
		return;
	size_t room = b->size - 1 - b->len;
	size_t k = n < room ? n : room;
	memcpy(b->buf + b->len, s, k);
	b->len += k;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = {buf, size, 0};
	int n = kformat(buf_sink, &b, fmt, ap);
	if (size > 0)
		buf[b.len] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

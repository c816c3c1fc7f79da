/*
 * format.c - the printf engine behind kprintf, ksnprintf and String
 * formatting.  format.h lists what it understands and what it does with
 * what it does not.
 *
 * Theory of operation
 * -------------------
 * kformat walks the format string once, left to right.  Literal text goes
 * to the sink as one run; each conversion specification goes through three
 * steps, each its own function:
 *
 *     %  -+0  12  .5  ll  d
 *     |   |   |   |   |   '- conversion  (conv_spec.conv)
 *     |   |   |   |   '----- length      (conv_spec.length)
 *     |   |   |   '--------- precision   (".*": the next argument)
 *     |   |   '------------- width       ("*": the next argument)
 *     |   '----------------- flags, any order, repeats allowed
 *     '--------------------- starts the specification
 *
 *   1. spec_parse() reads the text into a struct conv_spec.  It reads no
 *      argument, so a specification it rejects has consumed nothing and
 *      cannot shift the arguments of the ones after it.
 *   2. spec_take_stars() reads the '*' width and precision, in that order.
 *   3. A converter reads the value and describes the field it becomes;
 *      field_emit() lays every field out the same way:
 *
 *        [spaces][prefix][zeros][body][spaces]
 *                 "-"     |      digits, text
 *                 "+" " " |      or the character
 *                 "0x"    '- from the precision, '#' on %o, or the '0'
 *                            flag (which moves the padding here)
 *        right-aligned: padding on the left; '-': on the right
 *
 * The return value is an int, so the output can be at most INT_MAX
 * characters.  Each piece's length is checked against what is left before
 * any of it reaches the sink: a piece that does not fit is not sent at all
 * and kformat returns -1, where the C library returns -1 with EOVERFLOW.
 * All length arithmetic is in size_t, where a field of INT_MAX zeros plus
 * a prefix and digits cannot wrap.
 *
 * Cost: time linear in the output; no allocation, no recursion, under 200
 * bytes of stack.  Numbers are 64-bit and divided with 64-bit division
 * only, so the kernel builds it without libgcc and without floating point.
 * What it cannot do: floating point (%f %e %g %a), %n, wide characters
 * (%lc %ls), positional arguments (%1$d).
 */
#include "format.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem.h"

/* Every integer argument is widened to 64 bits before it is converted. */
_Static_assert(sizeof(long long) == 8 && sizeof(intmax_t) == 8,
	       "format: integer arguments must fit in 64 bits");
_Static_assert(sizeof(size_t) == 8 && sizeof(ptrdiff_t) == 8,
	       "format: %z and %t assume a 64-bit target");

/* ------------------------------------------------ a parsed specification */

enum {
	FLAG_LEFT = 1 << 0,  /* '-': pad on the right */
	FLAG_PLUS = 1 << 1,  /* '+': a sign even for positive numbers */
	FLAG_SPACE = 1 << 2, /* ' ': a space where there is no sign */
	FLAG_ALT = 1 << 3,   /* '#': 0x / 0X before %x / %X, a 0 before %o */
	FLAG_ZERO = 1 << 4,  /* '0': pad numbers with zeroes after the sign */
};

enum conv_length {
	LEN_NONE,
	LEN_HH, /* char */
	LEN_H,	/* short */
	LEN_L,	/* long */
	LEN_LL, /* long long */
	LEN_Z,	/* size_t */
	LEN_J,	/* intmax_t */
	LEN_T,	/* ptrdiff_t */
};

struct conv_spec {
	unsigned flags;		 /* FLAG_* bits, as written */
	int width;		 /* minimum field width, >= 0; 0 if none */
	int precision;		 /* -1 if none */
	bool width_star;	 /* width is the next argument */
	bool precision_star;	 /* precision is the next argument */
	enum conv_length length; /* LEN_NONE if none */
	char conv;		 /* one of "diouxXcsp%" once parsed */
};

enum parse_result {
	PARSE_OK,
	PARSE_INVALID, /* not a specification kformat knows */
	PARSE_TOO_BIG, /* a width or precision in digits past INT_MAX */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static unsigned flag_bit(char c)
{
	switch (c) {
	case '-':
		return FLAG_LEFT;
	case '+':
		return FLAG_PLUS;
	case ' ':
		return FLAG_SPACE;
	case '#':
		return FLAG_ALT;
	case '0':
		return FLAG_ZERO;
	default:
		return 0;
	}
}

/* Reads '*' or a run of digits (none reads as 0) into *n.  False if the
 * digits are past INT_MAX; they are never cut short silently. */
static bool parse_count(const char **f, int *n, bool *star)
{
	if (**f == '*') {
		(*f)++;
		*star = true;
		return true;
	}
	int v = 0;
	for (; is_digit(**f); (*f)++) {
		int d = **f - '0';
		if (v > (INT_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*n = v;
	return true;
}

static enum conv_length parse_length(const char **f)
{
	char c = **f;
	char next = c == '\0' ? '\0' : (*f)[1];
	enum conv_length len = LEN_NONE;
	if (c == 'h')
		len = next == 'h' ? LEN_HH : LEN_H;
	else if (c == 'l')
		len = next == 'l' ? LEN_LL : LEN_L;
	else if (c == 'z')
		len = LEN_Z;
	else if (c == 'j')
		len = LEN_J;
	else if (c == 't')
		len = LEN_T;
	if (len != LEN_NONE)
		*f += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
	return len;
}

/* Whether the conversion exists and takes the length and the rest: %c %s
 * %p take no length (no wide characters here), and "%%" is only ever the
 * two characters (as GCC's format check expects). */
static bool spec_is_valid(const struct conv_spec *sp)
{
	switch (sp->conv) {
	case 'd':
	case 'i':
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		return true;
	case 'c':
	case 's':
	case 'p':
		return sp->length == LEN_NONE;
	case '%':
		return sp->flags == 0 && sp->width == 0 && !sp->width_star &&
		       sp->precision < 0 && !sp->precision_star &&
		       sp->length == LEN_NONE;
	default:
		return false;
	}
}

/* Parses the specification after a '%' at *f into *sp, reading no
 * argument.  On PARSE_OK *f is moved past it; otherwise *f is unchanged. */
static enum parse_result spec_parse(const char **f, struct conv_spec *sp)
{
	const char *p = *f;
	*sp = (struct conv_spec){.precision = -1};
	for (; flag_bit(*p) != 0; p++)
		sp->flags |= flag_bit(*p);
	if (!parse_count(&p, &sp->width, &sp->width_star))
		return PARSE_TOO_BIG;
	if (*p == '.') {
		p++;
		if (!parse_count(&p, &sp->precision, &sp->precision_star))
			return PARSE_TOO_BIG;
	}
	sp->length = parse_length(&p);
	sp->conv = *p;
	if (!spec_is_valid(sp))
		return PARSE_INVALID;
	*f = p + 1;
	return PARSE_OK;
}

/* Reads the '*' width, then the '*' precision, from the arguments.  As in
 * C, a negative width means '-' and its magnitude, and a negative
 * precision means none.  False for a width of INT_MIN: its magnitude is
 * no int, and a field that wide could not be counted anyway. */
static bool spec_take_stars(struct conv_spec *sp, va_list *ap)
{
	if (sp->width_star) {
		int w = va_arg(*ap, int);
		if (w == INT_MIN)
			return false;
		if (w < 0) {
			sp->flags |= FLAG_LEFT;
			w = -w;
		}
		sp->width = w;
	}
	if (sp->precision_star) {
		int p = va_arg(*ap, int);
		sp->precision = p < 0 ? -1 : p;
	}
	return true;
}

/* ------------------------------------------------------------ the output */

struct out {
	format_sink sink;
	void *ctx;
	int count; /* characters sent so far; never above INT_MAX */
};

/* Claims n more characters of the count.  False, claiming nothing, if the
 * total would pass INT_MAX. */
static bool out_reserve(struct out *o, size_t n)
{
	if (n > (size_t)(INT_MAX - o->count))
		return false;
	o->count += (int)n;
	return true;
}

/* Sends characters already reserved. */
static void out_send(struct out *o, const char *s, size_t n)
{
	if (n > 0)
		o->sink(o->ctx, s, n);
}

static void out_repeat(struct out *o, char c, size_t n)
{
	char buf[64];
	memset(buf, c, sizeof buf);
	while (n > 0) {
		size_t k = n < sizeof buf ? n : sizeof buf;
		out_send(o, buf, k);
		n -= k;
	}
}

/* Reserves and sends literal text; false if it does not fit the count. */
static bool out_text(struct out *o, const char *s, size_t n)
{
	if (!out_reserve(o, n))
		return false;
	out_send(o, s, n);
	return true;
}

/* One converted value, before it is padded to the field width. */
struct field {
	const char *prefix; /* sign or "0x", "" if none */
	size_t zeros;	    /* zeros between the prefix and the body */
	const char *body;   /* digits, text or the character */
	size_t body_len;
	bool zero_pad; /* pad with zeros after the prefix, not spaces */
};

/* Pads the field to the spec's width and sends it (see the picture at the
 * top).  False, sending nothing, if it does not fit the count. */
static bool field_emit(struct out *o, const struct conv_spec *sp,
		       const struct field *fl)
{
	size_t prefix_len = strlen(fl->prefix);
	size_t zeros = fl->zeros;
	size_t len = prefix_len + zeros + fl->body_len;
	size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;
	bool left = (sp->flags & FLAG_LEFT) != 0;
	if (!out_reserve(o, len + pad))
		return false;
	if (fl->zero_pad && !left) {
		zeros += pad;
		pad = 0;
	}
	if (!left)
		out_repeat(o, ' ', pad);
	out_send(o, fl->prefix, prefix_len);
	out_repeat(o, '0', zeros);
	out_send(o, fl->body, fl->body_len);
	if (left)
		out_repeat(o, ' ', pad);
	return true;
}

/* ------------------------------------------------------------ converters */

static int64_t arg_signed(va_list *ap, enum conv_length length)
{
	switch (length) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z: /* the signed type of size_t's width */
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum conv_length length)
{
	switch (length) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T: /* the unsigned type of ptrdiff_t's width */
		return (size_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Room for the digits of any 64-bit value: 22 in octal. */
#define DIGITS_MAX 24

/* Writes the digits of v in `base` just before `end`; returns the first.
 * Zero has one digit, "0". */
static char *digits_of(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;
	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0);
	return p;
}

static unsigned int_base(char conv)
{
	if (conv == 'o')
		return 8;
	return (conv == 'x' || conv == 'X') ? 16 : 10;
}

/* The sign or 0x/0X in front of an integer's digits. */
static const char *int_prefix(const struct conv_spec *sp, bool negative,
			      uint64_t magnitude)
{
	if (sp->conv == 'd' || sp->conv == 'i') {
		if (negative)
			return "-";
		if (sp->flags & FLAG_PLUS)
			return "+";
		return (sp->flags & FLAG_SPACE) ? " " : "";
	}
	if ((sp->flags & FLAG_ALT) && magnitude != 0) {
		if (sp->conv == 'x')
			return "0x";
		if (sp->conv == 'X')
			return "0X";
	}
	return "";
}

/* Reads an integer argument as a magnitude and a sign (only %d and %i
 * have one). */
static uint64_t int_magnitude(const struct conv_spec *sp, va_list *ap,
			      bool *negative)
{
	*negative = false;
	if (sp->conv != 'd' && sp->conv != 'i')
		return arg_unsigned(ap, sp->length);
	int64_t v = arg_signed(ap, sp->length);
	*negative = v < 0;
	/* negate as unsigned, so INT64_MIN has a magnitude too */
	return *negative ? 0 - (uint64_t)v : (uint64_t)v;
}

/* %d %i %o %u %x %X.  The precision is the minimum number of digits (so a
 * zero with precision 0 has none) and turns the '0' flag off; '#' on %o
 * makes the first digit a 0.  Signs only on %d and %i, as in C. */
static bool convert_int(struct out *o, const struct conv_spec *sp, va_list *ap)
{
	bool negative;
	uint64_t mag = int_magnitude(sp, ap, &negative);
	char buf[DIGITS_MAX];
	char *end = buf + sizeof buf;
	char *digits = digits_of(end, mag, int_base(sp->conv), sp->conv == 'X');
	size_t n = (size_t)(end - digits);
	if (mag == 0 && sp->precision == 0)
		n = 0; /* "%.0d" of zero prints no digits */
	size_t precision = sp->precision < 0 ? 0 : (size_t)sp->precision;
	struct field fl = {
		.prefix = int_prefix(sp, negative, mag),
		.zeros = precision > n ? precision - n : 0,
		.body = end - n,
		.body_len = n,
		.zero_pad = (sp->flags & FLAG_ZERO) && sp->precision < 0,
	};
	/* '#' on %o: a leading 0, unless the digits have one already */
	bool leading_zero = fl.zeros > 0 || (n > 0 && fl.body[0] == '0');
	if (sp->conv == 'o' && (sp->flags & FLAG_ALT) && !leading_zero)
		fl.zeros = 1;
	return field_emit(o, sp, &fl);
}

/* %c: the flags other than '-' and the precision do nothing. */
static bool convert_char(struct out *o, const struct conv_spec *sp, va_list *ap)
{
	char c = (char)va_arg(*ap, int);
	struct field fl = {.prefix = "", .body = &c, .body_len = 1};
	return field_emit(o, sp, &fl);
}

/* %s: the precision is the most characters read from the string; a NULL
 * string reads as "(null)".  Flags other than '-' do nothing. */
static bool convert_str(struct out *o, const struct conv_spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	if (s == NULL)
		s = "(null)";
	size_t max = sp->precision < 0 ? SIZE_MAX : (size_t)sp->precision;
	size_t len = 0;
	while (len < max && s[len] != '\0')
		len++;
	struct field fl = {.prefix = "", .body = s, .body_len = len};
	return field_emit(o, sp, &fl);
}

/* %p: "0x" and always 16 hex digits, so addresses line up in columns.
 * Only the width and '-' apply. */
static bool convert_pointer(struct out *o, const struct conv_spec *sp,
			    va_list *ap)
{
	uint64_t v = (uintptr_t)va_arg(*ap, void *);
	char buf[DIGITS_MAX];
	char *end = buf + sizeof buf;
	char *digits = digits_of(end, v, 16, false);
	size_t n = (size_t)(end - digits);
	struct field fl = {
		.prefix = "0x", .zeros = 16 - n, .body = digits, .body_len = n};
	return field_emit(o, sp, &fl);
}

/* Reads the value of a parsed specification and sends its field.  False
 * if the field does not fit the count. */
static bool convert(struct out *o, const struct conv_spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'c':
		return convert_char(o, sp, ap);
	case 's':
		return convert_str(o, sp, ap);
	case 'p':
		return convert_pointer(o, sp, ap);
	case '%':
		return out_text(o, "%", 1);
	default:
		return convert_int(o, sp, ap);
	}
}

/* ---------------------------------------------------------- the main loop */

/* Formats f, reading arguments from *ap; returns the count or -1. */
static int format_all(struct out *o, const char *f, va_list *ap)
{
	for (;;) {
		const char *pct = f;
		while (*pct != '\0' && *pct != '%')
			pct++;
		if (!out_text(o, f, (size_t)(pct - f)))
			return -1;
		if (*pct == '\0')
			return o->count;
		f = pct + 1;
		struct conv_spec sp;
		switch (spec_parse(&f, &sp)) {
		case PARSE_TOO_BIG:
			return -1;
		case PARSE_INVALID:
			/* print the rest as written; read no more arguments */
			return out_text(o, pct, strlen(pct)) ? o->count : -1;
		case PARSE_OK:
			break;
		}
		if (!spec_take_stars(&sp, ap) || !convert(o, &sp, ap))
			return -1;
	}
}

int kformat(format_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {sink, ctx, 0};
	va_list ap;
	va_copy(ap, ap_in);
	int n = format_all(&o, fmt, &ap);
	va_end(ap);
	return n;
}

/* ------------------------------------------------------ buffer formatting */

struct buf_ctx {
	char *buf;
	size_t size; /* capacity including the NUL */
	size_t len;  /* characters stored so far, always < size */
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

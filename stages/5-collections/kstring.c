/*
 * kstring.c - String and str_view; see kstring.h for the theory of
 * operation.
 */
#include "kstring.h"

#include <stdint.h>

#include "format.h"
#include "mem.h"
#include "panic.h"

/* Bytes are elements of size 1, alignment 1 in the underlying raw_vec. */
#define BYTE 1, 1

static char *data(const struct kstring *s)
{
	return s->bytes.data;
}

/* ----------------------------------------------------------- str_view */

struct str_view str_view_from_cstr(const char *cstr)
{
	return (struct str_view){cstr, strlen(cstr)};
}

struct str_view str_view_slice(struct str_view v, size_t start, size_t end)
{
	if (start > end)
		panic("str_view_slice: range start %zu is after its end %zu",
		      start, end);
	if (end > v.len)
		panic("str_view_slice: range %zu..%zu out of bounds of a "
		      "string of length %zu",
		      start, end, v.len);
	return (struct str_view){v.len == 0 ? v.ptr : v.ptr + start,
				 end - start};
}

int str_view_compare(struct str_view a, struct str_view b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n == 0 ? 0 : memcmp(a.ptr, b.ptr, n);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return (a.len > b.len) - (a.len < b.len);
}

bool str_view_equals(struct str_view a, struct str_view b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Naive search: try every start position.  Fine for the short strings a
 * kernel formats; a long haystack would want Two-Way or KMP. */
size_t str_view_find(struct str_view haystack, struct str_view needle)
{
	if (needle.len == 0)
		return 0;
	if (needle.len > haystack.len)
		return KSTRING_NPOS;
	for (size_t i = 0; i <= haystack.len - needle.len; i++)
		if (memcmp(haystack.ptr + i, needle.ptr, needle.len) == 0)
			return i;
	return KSTRING_NPOS;
}

/* ------------------------------------------------------------ kstring */

struct kstring kstring_new(void)
{
	return KSTRING_INIT;
}

bool kstring_reserve(struct kstring *s, size_t n)
{
	size_t with_nul;
	if (__builtin_add_overflow(n, 1, &with_nul))
		return false;
	if (!raw_vec_reserve(&s->bytes, with_nul, BYTE))
		return false;
	/* The block may be the string's first: it needs its NUL now, since
	 * kstring_as_cstr hands out data once a block exists. */
	data(s)[s->bytes.len] = '\0';
	return true;
}

bool kstring_append(struct kstring *s, const char *bytes, size_t n)
{
	if (n == 0)
		return true;
	/* bytes may be a view of this very string (s += s[2..4]): growing
	 * moves the block, so remember where in it they were. */
	uintptr_t start = (uintptr_t)data(s), at = (uintptr_t)bytes;
	bool inside = start != 0 && at >= start && at < start + s->bytes.len;
	if (!kstring_reserve(s, n))
		return false;
	if (inside)
		bytes = data(s) + (at - start);
	memcpy(data(s) + s->bytes.len, bytes, n);
	s->bytes.len += n;
	data(s)[s->bytes.len] = '\0';
	return true;
}

bool kstring_push(struct kstring *s, char c)
{
	return kstring_append(s, &c, 1);
}

bool kstring_append_cstr(struct kstring *s, const char *cstr)
{
	return kstring_append(s, cstr, strlen(cstr));
}

bool kstring_append_view(struct kstring *s, struct str_view v)
{
	return kstring_append(s, v.ptr, v.len);
}

bool kstring_from_cstr(struct kstring *s, const char *cstr)
{
	*s = KSTRING_INIT;
	return kstring_append_cstr(s, cstr);
}

/*
 * Formatting, when the arguments point into the string itself
 * -----------------------------------------------------------
 * An argument may be s's own text: kstring_format(s, "%s",
 * kstring_as_cstr(s)) doubles s, a view of s may be printed with %.*s, and
 * the format may be s's text too.  Growing s may move its block and free
 * the old one, so every byte the arguments point to must be read before
 * the old block is freed:
 *
 *   1. The first pass counts the text and, while it fits, keeps it in a
 *      buffer on the stack.  Short text (nearly every call) is then
 *      appended like any other bytes: the arguments are no longer needed,
 *      so the block may grow and move as a Vec's does (through krealloc,
 *      in place on a bump heap).
 *   2. Longer text is formatted a second time, into a new block that
 *      already holds a copy of s; the old block, which the arguments may
 *      point into, is freed only after that.  Even when s has room, the
 *      text is not written in place: its first byte would overwrite the
 *      NUL that ends kstring_as_cstr(s) while a %s may still be reading
 *      it.
 *
 * Either way one allocation at most, and on failure s is unchanged.
 */
#define SHORT_TEXT 128 /* bytes of stack for the first pass to keep */

struct first_pass {
	char text[SHORT_TEXT];
	size_t kept;   /* bytes of text kept so far */
	bool too_long; /* the text did not fit: it must be formatted again */
};

static void first_sink(void *ctx, const char *text, size_t n)
{
	struct first_pass *f = ctx;
	if (f->too_long || n > sizeof f->text - f->kept) {
		f->too_long = true;
		return;
	}
	memcpy(f->text + f->kept, text, n);
	f->kept += n;
}

/* The sink of the second pass: copies into the room reserved for it. */
struct fill {
	char *next;
	char *end; /* one past the reserved room */
};

static void fill_sink(void *ctx, const char *text, size_t n)
{
	struct fill *f = ctx;
	ASSERT(n <= (size_t)(f->end - f->next),
	       "kstring_format: second pass longer than the first");
	memcpy(f->next, text, n);
	f->next += n;
}

/* Step 2 above: s followed by the n bytes of text, in a new block. */
static bool format_into_new_block(struct kstring *s, size_t n, const char *fmt,
				  va_list ap)
{
	size_t len = s->bytes.len, needed;
	if (__builtin_add_overflow(len, n, &needed) ||
	    __builtin_add_overflow(needed, 1, &needed))
		return false;
	/* the capacity a Vec would grow to: at least double */
	size_t cap = s->bytes.cap;
	if (cap < needed)
		cap = cap > SIZE_MAX / 2 || cap * 2 < needed ? needed : cap * 2;

	struct raw_vec fresh = RAW_VEC_INIT;
	if (!raw_vec_reserve(&fresh, cap, BYTE))
		return false;
	char *block = fresh.data;
	if (len > 0)
		memcpy(block, data(s), len);
	struct fill f = {block + len, block + len + n};
	int m = kformat(fill_sink, &f, fmt, ap);
	ASSERT(m >= 0 && (size_t)m == n,
	       "kstring_format: passes differ (%zu, %d)", n, m);
	fresh.len = len + n;
	block[fresh.len] = '\0';

	raw_vec_drop(&s->bytes, BYTE); /* the arguments are read: free it */
	s->bytes = fresh;
	return true;
}

bool kstring_vformat(struct kstring *s, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	struct first_pass first; /* text[] is left uninitialized */
	first.kept = 0;
	first.too_long = false;
	int n = kformat(first_sink, &first, fmt, ap);
	bool ok;
	if (!first.too_long)
		ok = kstring_append(s, first.text, first.kept);
	else
		ok = format_into_new_block(s, (size_t)n, fmt, again);
	va_end(again);
	return ok;
}

bool kstring_format(struct kstring *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = kstring_vformat(s, fmt, ap);
	va_end(ap);
	return ok;
}

size_t kstring_len(const struct kstring *s)
{
	return s->bytes.len;
}

bool kstring_is_empty(const struct kstring *s)
{
	return s->bytes.len == 0;
}

const char *kstring_as_cstr(const struct kstring *s)
{
	return s->bytes.cap == 0 ? "" : data(s);
}

struct str_view kstring_view(const struct kstring *s)
{
	return (struct str_view){kstring_as_cstr(s), s->bytes.len};
}

struct str_view kstring_slice(const struct kstring *s, size_t start, size_t end)
{
	return str_view_slice(kstring_view(s), start, end);
}

int kstring_compare(const struct kstring *a, const struct kstring *b)
{
	return str_view_compare(kstring_view(a), kstring_view(b));
}

bool kstring_equals(const struct kstring *a, const struct kstring *b)
{
	return str_view_equals(kstring_view(a), kstring_view(b));
}

bool kstring_equals_cstr(const struct kstring *s, const char *cstr)
{
	return str_view_equals(kstring_view(s), str_view_from_cstr(cstr));
}

size_t kstring_find(const struct kstring *s, const char *needle)
{
	return str_view_find(kstring_view(s), str_view_from_cstr(needle));
}

void kstring_clear(struct kstring *s)
{
	s->bytes.len = 0;
	if (s->bytes.cap > 0)
		data(s)[0] = '\0';
}

void kstring_drop(struct kstring *s)
{
	raw_vec_drop(&s->bytes, BYTE);
}

void kstring_check(const struct kstring *s)
{
	raw_vec_check(&s->bytes, BYTE);
	if (s->bytes.cap == 0)
		return;
	if (s->bytes.cap < s->bytes.len + 1)
		panic("kstring_check: no room for the NUL (len %zu, capacity "
		      "%zu)",
		      s->bytes.len, s->bytes.cap);
	if (data(s)[s->bytes.len] != '\0')
		panic("kstring_check: byte %zu after the end is not NUL",
		      s->bytes.len);
}

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
	return raw_vec_reserve(&s->bytes, with_nul, BYTE);
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

/* The sink of the first formatting pass: output is only counted. */
static void count_sink(void *ctx, const char *text, size_t n)
{
	(void)ctx;
	(void)text;
	(void)n;
}

/* The sink of the second pass: copies into the reserved room. */
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

bool kstring_vformat(struct kstring *s, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = kformat(count_sink, NULL, fmt, ap);
	if (n <= 0 || !kstring_reserve(s, (size_t)n)) {
		va_end(ap2);
		return n == 0; /* nothing to add is a success */
	}
	struct fill f = {data(s) + s->bytes.len,
			 data(s) + s->bytes.len + (size_t)n};
	int m = kformat(fill_sink, &f, fmt, ap2);
	va_end(ap2);
	ASSERT(m == n, "kstring_format: passes differ (%d, %d)", n, m);
	s->bytes.len += (size_t)n;
	data(s)[s->bytes.len] = '\0';
	return true;
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

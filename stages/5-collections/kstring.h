/*
 * kstring.h - String: an owned, growable byte string, and str_view, a
 * borrowed slice of one.
 *
 * Theory of operation
 * -------------------
 * A kstring is a Vec of bytes (struct raw_vec with elements of size 1),
 * as Rust's String is a Vec<u8>, plus one rule: whenever a block is
 * allocated, the byte after the last character is a NUL, so the contents
 * can be handed to C code as a string without copying:
 *
 *     struct kstring                 heap block (cap bytes)
 *     +------+                       +---+---+---+---+----+---+---+
 *     | data |---------------------->| h | e | l | l | \0 |   |   |
 *     | len  | = 4                   +---+---+---+---+----+---+---+
 *     | cap  | = 7                   |<---- len ---->|
 *     +------+                       (cap >= len + 1 once allocated)
 *
 * A str_view is a pointer and a length into someone else's bytes (Rust's
 * &str): it owns nothing, is never freed, and is not NUL-terminated (print
 * it with "%.*s", (int)v.len, v.ptr).  A view into a kstring is invalid
 * after anything that may grow or drop the kstring.
 *
 * Allocation pattern: an empty kstring allocates nothing.  Appending grows
 * the block like a Vec (doubling, see vec.h).  kstring_format reads all of
 * its arguments before it frees any block, since they may point into the
 * string itself (kstring_format(s, "%s", kstring_as_cstr(s))): short text
 * is formatted into a buffer on the stack and then appended; longer text
 * is counted, then formatted into a new block that holds a copy of the
 * string, and the old block is freed after (see kstring.c).  Either way it
 * allocates at most once, and if that fails the string is unchanged.
 * Every fallible call returns false on allocation failure and leaves the
 * string exactly as it was.  The appenders, too, may be given bytes of
 * the string itself (s += s[2..4]).
 *
 * Cost:  push, append n bytes      O(n) amortized
 *        len, as_cstr, view, slice O(1)
 *        compare, equals           O(length)
 *        find                      O(len * needle length) (naive search)
 *
 * What it cannot do: it is bytes, not characters (no UTF-8 awareness: a
 * slice may cut a multi-byte character); interior NUL bytes are allowed,
 * but then as_cstr shows C code only the part before the first one.
 */
#ifndef KSTRING_H
#define KSTRING_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "vec.h"

/* Returned by the find functions when the needle does not occur. */
#define KSTRING_NPOS SIZE_MAX

/* Invariant: bytes is a valid raw_vec of 1-byte elements; if a block is
 * allocated, cap >= len + 1 and data[len] == '\0'. */
struct kstring {
	struct raw_vec bytes;
};

/* A borrowed run of bytes; ptr may be NULL only when len == 0. */
struct str_view {
	const char *ptr;
	size_t len;
};

#define KSTRING_INIT ((struct kstring){RAW_VEC_INIT})

/* ------------------------------------------------------------ kstring */

/* An empty string; allocates nothing. */
struct kstring kstring_new(void);
/* Makes *s a copy of cstr; false (and *s empty) if out of memory. */
bool kstring_from_cstr(struct kstring *s, const char *cstr);
/* Appenders: false (string unchanged) if out of memory. */
bool kstring_push(struct kstring *s, char c);
bool kstring_append(struct kstring *s, const char *bytes, size_t n);
bool kstring_append_cstr(struct kstring *s, const char *cstr);
bool kstring_append_view(struct kstring *s, struct str_view v);
/* Appends printf-style text (kformat's conversions, see format.h): the
 * counterpart of Rust's write!(s, ...).  The format and the arguments may
 * point into s itself.  False (string unchanged) if out of memory. */
__attribute__((format(printf, 2, 3))) bool kstring_format(struct kstring *s,
							  const char *fmt, ...);
bool kstring_vformat(struct kstring *s, const char *fmt, va_list ap);
/* Room for n more bytes (and the NUL after them); false (unchanged) if
 * out of memory.  Afterwards a block exists, so kstring_as_cstr points
 * into it. */
bool kstring_reserve(struct kstring *s, size_t n);

size_t kstring_len(const struct kstring *s);
bool kstring_is_empty(const struct kstring *s);
/* Always a NUL-terminated C string ("" when nothing is allocated); valid
 * until the string is next modified or dropped. */
const char *kstring_as_cstr(const struct kstring *s);
/* The whole string, or bytes [start, end), as a view.  kstring_slice
 * panics unless start <= end <= len. */
struct str_view kstring_view(const struct kstring *s);
struct str_view kstring_slice(const struct kstring *s, size_t start,
			      size_t end);
/* Byte-wise comparison, shorter first on a common prefix: < 0, 0, > 0. */
int kstring_compare(const struct kstring *a, const struct kstring *b);
bool kstring_equals(const struct kstring *a, const struct kstring *b);
bool kstring_equals_cstr(const struct kstring *s, const char *cstr);
/* Index of the first occurrence of needle, or KSTRING_NPOS.  The empty
 * needle occurs at 0. */
size_t kstring_find(const struct kstring *s, const char *needle);
/* Length 0; keeps the block. */
void kstring_clear(struct kstring *s);
/* Frees the block; the string is empty (and reusable) afterwards. */
void kstring_drop(struct kstring *s);
/* Panics with "kstring_check: <reason>" if an invariant is broken. */
void kstring_check(const struct kstring *s);

/* ----------------------------------------------------------- str_view */

struct str_view str_view_from_cstr(const char *cstr);
/* Bytes [start, end) of v; panics unless start <= end <= v.len. */
struct str_view str_view_slice(struct str_view v, size_t start, size_t end);
int str_view_compare(struct str_view a, struct str_view b);
bool str_view_equals(struct str_view a, struct str_view b);
size_t str_view_find(struct str_view haystack, struct str_view needle);

#endif

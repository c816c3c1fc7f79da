// sources: common/format.c
/*
 * test_format.c - kformat/ksnprintf against the C library's snprintf for
 * every conversion they share, plus what is the kernel's own (%p with 16
 * digits, unknown conversions printed as written, truncation).
 */
#include "harness.h"

#include <limits.h>
#include <stdarg.h>

#include "format.h"

/* Formats with both and checks they agree. */
#define SAME(fmt, ...)                                                         \
	do {                                                                   \
		char ours_[256], libc_[256];                                   \
		int n1_ = ksnprintf(ours_, sizeof ours_, fmt, __VA_ARGS__);    \
		int n2_ = snprintf(libc_, sizeof libc_, fmt, __VA_ARGS__);     \
		CHECK_MSG(strcmp(ours_, libc_) == 0 && n1_ == n2_,             \
			  "format \"%s\": ours \"%s\" (%d), libc \"%s\" (%d)", \
			  fmt, ours_, n1_, libc_, n2_);                        \
	} while (0)

TEST(format_signed)
{
	SAME("%d", 0);
	SAME("%d", 42);
	SAME("%d", -42);
	SAME("%i", INT_MAX);
	SAME("%i", INT_MIN);
	SAME("%ld", LONG_MIN);
	SAME("%lld", LLONG_MAX);
	SAME("%zd", (ssize_t)-5);
	SAME("%hd", (short)-300);
	SAME("%hhd", (signed char)-100);
}

TEST(format_unsigned_hex_octal)
{
	SAME("%u", 0u);
	SAME("%u", UINT_MAX);
	SAME("%lu", ULONG_MAX);
	SAME("%llu", ULLONG_MAX);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%x", 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%lx", 0x123456789abcdefUL);
	SAME("%o", 8u);
	SAME("%hhx", (unsigned char)0xff);
}

TEST(format_width_zero_pad_left_align)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME("[%08lx]", 0xbeefUL);
	SAME("[%-8x]", 0xabu);
	SAME("[%*d]", 6, 7);
	SAME("[%-*d]", 6, 7);
	SAME("[%2d]", 12345);
	SAME("[%10s]", "hi");
	SAME("[%-10s]", "hi");
	SAME("[%.3s]", "abcdef");
	SAME("[%.*s]", 2, "abcdef");
	SAME("[%5c]", 'x');
	SAME("[%-3c]", 'y');
}

TEST(format_strings_chars_percent)
{
	SAME("%s and %s", "this", "that");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("100%%%s", "");
	SAME("%s", "");
}

TEST(format_randomized_against_libc)
{
	static const char *const specs[] = {"%d",   "%5d", "%-7d",  "%08d",
					    "%u",   "%x",  "%012x", "%X",
					    "%-9x", "%o"};
	uint64_t seed = 12345;
	for (int i = 0; i < 20000; i++) {
		const char *spec = specs[harness_rand(&seed) % 10];
		int v = (int)harness_rand(&seed);
		if (i % 3 == 0)
			v %= 1000;
		SAME(spec, v);
	}
	static const char *const lspecs[] = {"%ld",   "%lu",	"%lx",
					     "%20ld", "%-20lx", "%016lx"};
	for (int i = 0; i < 20000; i++) {
		const char *spec = lspecs[harness_rand(&seed) % 6];
		long v = (long)harness_rand(&seed);
		SAME(spec, v);
	}
}

TEST(format_pointer_has_sixteen_digits)
{
	char buf[64];
	ksnprintf(buf, sizeof buf, "%p", (void *)0xb8000);
	CHECK_STR_EQ(buf, "0x00000000000b8000");
	ksnprintf(buf, sizeof buf, "%p", (void *)0);
	CHECK_STR_EQ(buf, "0x0000000000000000");
	ksnprintf(buf, sizeof buf, "%p", (void *)UINTPTR_MAX);
	CHECK_STR_EQ(buf, "0xffffffffffffffff");
}

/* Without the format attribute, so the compiler lets us pass what the
 * kernel must survive: a NULL %s, an unknown conversion. */
static int unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format_null_string_and_unknown_conversion)
{
	char buf[64];
	unchecked(buf, sizeof buf, "[%s]", (const char *)NULL);
	CHECK_STR_EQ(buf, "[(null)]");
	/* unknown conversions are printed as written, no argument used */
	int n = unchecked(buf, sizeof buf, "a%qb%");
	CHECK_STR_EQ(buf, "a%qb%");
	CHECK_EQ(n, 5);
	unchecked(buf, sizeof buf, "%q%d", 7);
	CHECK_STR_EQ(buf, "%q7");
}

TEST(format_truncation_like_snprintf)
{
	char buf[8];
	memset(buf, 'X', sizeof buf);
	int n = ksnprintf(buf, 5, "%s", "abcdefgh");
	CHECK_EQ(n, 8); /* the length the whole output would have */
	CHECK_STR_EQ(buf, "abcd");
	CHECK_EQ(buf[5], 'X'); /* nothing written past size */
	n = ksnprintf(buf, 0, "%d", 12345);
	CHECK_EQ(n, 5);
	CHECK_EQ(buf[0], 'a'); /* size 0: nothing written at all */
	n = ksnprintf(buf, 1, "%d", 7);
	CHECK_EQ(n, 1);
	CHECK_STR_EQ(buf, "");
}

/* kformat's sink sees every character exactly once, in order. */
struct collect {
	char text[128];
	size_t len;
	int calls;
};

static void collect_sink(void *ctx, const char *s, size_t n)
{
	struct collect *c = ctx;
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->calls++;
}

static int via_sink(struct collect *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kformat(collect_sink, c, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format_sink_receives_pieces_in_order)
{
	struct collect c = {0};
	int n = via_sink(&c, "x=%d, s=%-4s|", 42, "ab");
	CHECK_EQ(n, (int)c.len);
	c.text[c.len] = '\0';
	CHECK_STR_EQ(c.text, "x=42, s=ab  |");
	CHECK(c.calls >= 4);
}

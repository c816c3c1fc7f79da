// sources: common/format.c
/*
 * test_format.c - kformat/ksnprintf against the C library's snprintf for
 * every conversion they share, plus what is the kernel's own (%p with 16
 * digits, invalid specifications printed as written, -1 on overflow,
 * truncation).
 *
 * Three kinds of comparison with the C library:
 *   - a table of written-out cases (EXPECT), each checked against both
 *     implementations, so the table also documents what C does;
 *   - a grid of every flag set, width, precision, length and integer
 *     conversion, with values at the edges of each type;
 *   - randomized specifications from a fixed seed.
 * Generated formats end in "%s" with a marker argument: an implementation
 * that reads too few or too many arguments prints the wrong tail.
 */
#include "harness.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* Formats with both and checks they agree (formats the compiler checks). */
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

/* ------------------------------------------- comparing with the C library */

static int compared; /* cases compared with the C library so far */

/* Formats fmt with kvsnprintf and with the C library's vsnprintf, into a
 * roomy buffer and into a 7-byte one, and checks the results agree byte
 * for byte (%c may print a NUL).  Not format-checked: the table and the
 * generators pass specifications C leaves undefined and glibc defines. */
static void same_as_libc(const char *fmt, ...)
{
	char ours[512], libc[512], ours7[7], libc7[7];
	va_list a1, a2, a3, a4;
	va_start(a1, fmt);
	va_copy(a2, a1);
	va_copy(a3, a1);
	va_copy(a4, a1);
	int n1 = kvsnprintf(ours, sizeof ours, fmt, a1);
	int n2 = vsnprintf(libc, sizeof libc, fmt, a2);
	int s1 = kvsnprintf(ours7, sizeof ours7, fmt, a3);
	int s2 = vsnprintf(libc7, sizeof libc7, fmt, a4);
	va_end(a1);
	va_end(a2);
	va_end(a3);
	va_end(a4);
	compared++;
	CHECK_MSG(n2 >= 0 && n2 < (int)sizeof libc, "libc: \"%s\" gave %d", fmt,
		  n2);
	CHECK_MSG(n1 == n2 && memcmp(ours, libc, (size_t)n2 + 1) == 0,
		  "format \"%s\": ours \"%s\" (%d), libc \"%s\" (%d)", fmt,
		  ours, n1, libc, n2);
	size_t kept = n2 < (int)sizeof libc7 ? (size_t)n2 : sizeof libc7 - 1;
	CHECK_MSG(s1 == s2 && memcmp(ours7, libc7, kept + 1) == 0,
		  "format \"%s\" into 7 bytes: ours \"%s\", libc \"%s\"", fmt,
		  ours7, libc7);
}

/* Checks ours and the C library both print `want` (and return its
 * length), so every line of the table documents C's behaviour. */
static void expect(const char *want, const char *fmt, ...)
{
	char ours[256], libc[256];
	va_list a1, a2;
	va_start(a1, fmt);
	va_copy(a2, a1);
	int n1 = kvsnprintf(ours, sizeof ours, fmt, a1);
	int n2 = vsnprintf(libc, sizeof libc, fmt, a2);
	va_end(a1);
	va_end(a2);
	CHECK_MSG(strcmp(libc, want) == 0 && n2 == (int)strlen(want),
		  "the table is wrong: libc prints \"%s\" for \"%s\"", libc,
		  fmt);
	CHECK_MSG(strcmp(ours, want) == 0 && n1 == n2,
		  "format \"%s\": ours \"%s\" (%d), want \"%s\"", fmt, ours, n1,
		  want);
}

TEST(format_table_flags)
{
	expect("0xff 0XFF 0 0x0000ff", "%#x %#X %#x %#08x", 255u, 255u, 0u,
	       255u);
	expect("010 0 0 0", "%#o %#o %#.0o %#.1o", 8u, 0u, 0u, 0u);
	expect("010 010 00010 0010", "%#.2o %#.3o %#05o %#.4o", 8u, 8u, 8u, 8u);
	expect("+5 -5 +0 5", "%+d %+d %+d %+u", 5, -5, 0, 5u);
	expect(" 5 -5 +5 +5", "% d % d %+ d % +d", 5, -5, 5, 5);
	expect("1 5 ff", "%#d %+u % x", 1, 5u, 255u);
	expect("[1    ] [1    ] [00001]", "[%-05d] [%0-5d] [%00005d]", 1, 1, 1);
	expect("[-0042] [+0042] [ 0042]", "[%05d] [%+05d] [% 05d]", -42, 42,
	       42);
	expect("[   ab] [    a] [a]", "[%05s] [%05c] [%+s]", "ab", 'a', "a");
}

TEST(format_table_precision)
{
	expect("[042] [-042] [0000002a]", "[%.3d] [%.3d] [%.8x]", 42, -42, 42u);
	expect("[] [] [+] [ ] [0]", "[%.0d] [%.0x] [%+.0d] [% .0d] [%#.0o]", 0,
	       0u, 0, 0, 0u);
	expect("[     ] [    0]", "[%#5.0x] [%5.1d]", 0u, 0);
	expect("[  001] [001  ]", "[%05.3d] [%-5.3d]", 1, 1);
	expect("[ab] [] []", "[%.2s] [%.0s] [%.s]", "abc", "abc", "abc");
	expect("[abc] [ab]", "[%.*s] [%.*s]", -1, "abc", 2, "abc");
	expect("[5] [    5] [5    ]", "[%.*d] [%*d] [%*d]", INT_MIN, 5, 5, 5,
	       -5, 5);
	expect("[a] [0x00ff]", "[%.3c] [%#.4x]", 'a', 255u);
	expect("[] [0]", "[%.d] [%.1d]", 0, 0);
}

TEST(format_table_lengths)
{
	expect("-1 -2 -3", "%jd %td %zd", (intmax_t)-1, (ptrdiff_t)-2,
	       (size_t)-3);
	expect("18446744073709551615 ffffffffffffffff 1777777777777777777777",
	       "%ju %tx %zo", UINTMAX_MAX, (ptrdiff_t)-1, SIZE_MAX);
	expect("-128 127 44 -1", "%hhd %hhd %hhu %hd", 128, 127, 300, 65535);
	expect("-9223372036854775808 8000000000000000", "%lld %llx", LLONG_MIN,
	       (unsigned long long)LLONG_MIN);
	expect("[   -00000123]", "[%12.8jd]", (intmax_t)-123);
}

/* ------------------------------------- generated integer specifications */

static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "j", "t"};
#define N_LENGTHS 8
#define TAIL "<tail>"

/* One generated case: a format "[%...]%s" and its arguments. */
struct int_case {
	char fmt[64];
	int nstars;  /* '*' arguments before the value, 0..2 */
	int star[2]; /* their values */
	int length;  /* index into lengths[] */
	char conv;
	uint64_t bits; /* the value, cut to the argument's type */
};

/* Passes the stars, then the value, then the tail's marker. */
#define WITH_STARS(c, v)                                                       \
	do {                                                                   \
		if ((c)->nstars == 0)                                          \
			same_as_libc((c)->fmt, v, TAIL);                       \
		else if ((c)->nstars == 1)                                     \
			same_as_libc((c)->fmt, (c)->star[0], v, TAIL);         \
		else                                                           \
			same_as_libc((c)->fmt, (c)->star[0], (c)->star[1], v,  \
				     TAIL);                                    \
	} while (0)

/* Passes the value as the type its length names: the argument's type
 * must match the specification or the comparison is meaningless. */
static void check_int_case(const struct int_case *c)
{
	bool sign = c->conv == 'd' || c->conv == 'i';
	uint64_t b = c->bits;
	switch (c->length) {
	case 3: /* l */
		if (sign)
			WITH_STARS(c, (long)b);
		else
			WITH_STARS(c, (unsigned long)b);
		break;
	case 4: /* ll */
		if (sign)
			WITH_STARS(c, (long long)b);
		else
			WITH_STARS(c, (unsigned long long)b);
		break;
	case 5: /* z: size_t for both, as C's %zd takes its signed twin */
		WITH_STARS(c, (size_t)b);
		break;
	case 6: /* j */
		if (sign)
			WITH_STARS(c, (intmax_t)b);
		else
			WITH_STARS(c, (uintmax_t)b);
		break;
	case 7: /* t */
		WITH_STARS(c, (ptrdiff_t)b);
		break;
	default: /* none, hh, h: an int, which printf cuts down itself */
		if (sign)
			WITH_STARS(c, (int)b);
		else
			WITH_STARS(c, (unsigned)b);
		break;
	}
}

/* Writes "[%<flags><width><precision><length><conv>]%s" into c->fmt. */
static void int_case_format(struct int_case *c, const char *flags,
			    const char *width, const char *precision)
{
	snprintf(c->fmt, sizeof c->fmt, "[%%%s%s%s%s%c]%%s", flags, width,
		 precision, lengths[c->length], c->conv);
}

/* Values at the edges of every argument type. */
static const uint64_t edge_values[] = {
	0,	     1,
	UINT64_MAX,  42,
	0x80,	     0x8000,
	0x80000000u, INT64_MIN,
	INT64_MAX,   0x123456789abcdef0,
	UINT32_MAX,  0x7f,
	0xffff,	     (uint64_t)-42,
};
#define N_EDGES (sizeof edge_values / sizeof edge_values[0])

TEST(format_grid_every_flag_width_precision_length)
{
	static const char *const widths[] = {"", "1", "7", "*"};
	static const char *const precisions[] = {"",   ".",  ".0",
						 ".1", ".4", ".*"};
	static const char convs[] = "diouxX";
	const int stars[] = {-9, 0, 6, -1, 3, 0}; /* cycled through */
	int next_star = 0;
	int before = compared;
	for (unsigned set = 0; set < 32; set++) {
		char flags[6] = {0}, *p = flags;
		for (int i = 0; i < 5; i++)
			if (set & (1u << i))
				*p++ = "-+ #0"[i];
		for (int w = 0; w < 4; w++)
			for (int pr = 0; pr < 6; pr++)
				for (int cv = 0; cv < 6; cv++)
					for (int len = 0; len < N_LENGTHS;
					     len++) {
						struct int_case c = {
							.length = len,
							.conv = convs[cv]};
						int_case_format(&c, flags,
								widths[w],
								precisions[pr]);
						c.nstars = (w == 3) + (pr == 5);
						for (unsigned v = 0;
						     v < N_EDGES; v++) {
							c.star[0] = stars
								[next_star++ %
								 6];
							c.star[1] = stars
								[next_star++ %
								 6];
							c.bits = edge_values[v];
							check_int_case(&c);
						}
					}
	}
	CHECK_EQ(compared - before, 32 * 4 * 6 * 6 * N_LENGTHS * N_EDGES);
}

static uint64_t rand_below(uint64_t *seed, uint64_t n)
{
	return harness_rand(seed) % n;
}

/* An edge value, a full 64-bit one or a small one, in equal shares. */
static uint64_t rand_value(uint64_t *seed)
{
	switch (rand_below(seed, 3)) {
	case 0:
		return edge_values[rand_below(seed, N_EDGES)];
	case 1:
		return harness_rand(seed);
	default:
		return rand_below(seed, 2001) - 1000;
	}
}

/* Random flags (any order, repeats allowed), width and precision, each
 * possibly '*' with a value in [-30, 30]; returns the '*' count. */
static int rand_spec_parts(uint64_t *seed, char *flags, char *width,
			   char *precision, int star[2])
{
	int nstars = 0;
	int nflags = (int)rand_below(seed, 6);
	for (int i = 0; i < nflags; i++)
		flags[i] = "-+ #0"[rand_below(seed, 5)];
	flags[nflags] = '\0';
	width[0] = precision[0] = '\0';
	switch (rand_below(seed, 3)) {
	case 0:
		snprintf(width, 8, "%d", (int)rand_below(seed, 30) + 1);
		break;
	case 1:
		strcpy(width, "*");
		star[nstars++] = (int)rand_below(seed, 61) - 30;
		break;
	}
	switch (rand_below(seed, 4)) {
	case 0:
		snprintf(precision, 8, ".%d", (int)rand_below(seed, 30));
		break;
	case 1:
		strcpy(precision, ".*");
		star[nstars++] = (int)rand_below(seed, 61) - 30;
		break;
	case 2:
		strcpy(precision, ".");
		break;
	}
	return nstars;
}

TEST(format_randomized_integers_against_libc)
{
	uint64_t seed = 0x5eed;
	int before = compared;
	for (int i = 0; i < 100000; i++) {
		char flags[8], width[8], precision[8];
		struct int_case c = {0};
		c.nstars =
			rand_spec_parts(&seed, flags, width, precision, c.star);
		c.length = (int)rand_below(&seed, N_LENGTHS);
		c.conv = "diouxX"[rand_below(&seed, 6)];
		c.bits = rand_value(&seed);
		int_case_format(&c, flags, width, precision);
		check_int_case(&c);
	}
	CHECK_EQ(compared - before, 100000);
}

TEST(format_randomized_strings_chars_against_libc)
{
	static const char *const strings[] = {"", "a", "hello",
					      "a somewhat longer string"};
	uint64_t seed = 0xc0ffee;
	for (int i = 0; i < 20000; i++) {
		char flags[8], width[8], precision[8], fmt[64];
		int star[2];
		int nstars =
			rand_spec_parts(&seed, flags, width, precision, star);
		bool is_str = rand_below(&seed, 2) == 0;
		snprintf(fmt, sizeof fmt, "[%%%s%s%s%c]%%s", flags, width,
			 precision, is_str ? 's' : 'c');
		const char *s = strings[rand_below(&seed, 4)];
		int ch = (int)rand_below(&seed, 256); /* NUL included */
		if (nstars == 0)
			is_str ? same_as_libc(fmt, s, TAIL)
			       : same_as_libc(fmt, ch, TAIL);
		else if (nstars == 1)
			is_str ? same_as_libc(fmt, star[0], s, TAIL)
			       : same_as_libc(fmt, star[0], ch, TAIL);
		else
			is_str ? same_as_libc(fmt, star[0], star[1], s, TAIL)
			       : same_as_libc(fmt, star[0], star[1], ch, TAIL);
	}
}

/* The original randomized test, kept: plain specifications, int and long. */
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

/* Every specification kformat once printed literally, followed by a %s:
 * the %s must get its own argument, not the one before it.  The compiler
 * checks these formats, so it agrees on what each one consumes. */
#define TAIL_GETS_ITS_OWN(want, spec, ...)                                     \
	do {                                                                   \
		char buf_[64];                                                 \
		int n_ = ksnprintf(buf_, sizeof buf_, "[" spec "]%s",          \
				   __VA_ARGS__, "tail");                       \
		CHECK_STR_EQ(buf_, "[" want "]tail");                          \
		CHECK_EQ(n_, strlen("[" want "]tail"));                        \
	} while (0)

TEST(format_later_s_gets_its_own_argument)
{
	/* values of 0: the old code, one argument behind, printed (null) */
	TAIL_GETS_ITS_OWN("0", "%#x", 0u);
	TAIL_GETS_ITS_OWN("0", "%#o", 0u);
	TAIL_GETS_ITS_OWN("+0", "%+d", 0);
	TAIL_GETS_ITS_OWN(" 0", "% d", 0);
	TAIL_GETS_ITS_OWN("0", "%jd", (intmax_t)0);
	TAIL_GETS_ITS_OWN("0", "%ju", (uintmax_t)0);
	TAIL_GETS_ITS_OWN("0", "%td", (ptrdiff_t)0);
	TAIL_GETS_ITS_OWN("000", "%.3d", 0);
	TAIL_GETS_ITS_OWN("", "%.0d", 0);
	TAIL_GETS_ITS_OWN("", "%.*d", 0, 0);
	TAIL_GETS_ITS_OWN("  0", "%*.*x", 3, 1, 0u);
	TAIL_GETS_ITS_OWN("ab", "%.*s", 2, "abc");
	TAIL_GETS_ITS_OWN("abc", "%.3s", "abcdef");
	TAIL_GETS_ITS_OWN("-1", "%hhd", (signed char)-1);
	TAIL_GETS_ITS_OWN("0", "%zd", (size_t)0);
	TAIL_GETS_ITS_OWN("0x0000000000000000", "%p", (void *)0);
}

/* ----------------------------------------------- the kernel's own choices */

TEST(format_pointer_has_sixteen_digits)
{
	char buf[64];
	ksnprintf(buf, sizeof buf, "%p", (void *)0xb8000);
	CHECK_STR_EQ(buf, "0x00000000000b8000");
	ksnprintf(buf, sizeof buf, "%p", (void *)0);
	CHECK_STR_EQ(buf, "0x0000000000000000");
	ksnprintf(buf, sizeof buf, "%p", (void *)UINTPTR_MAX);
	CHECK_STR_EQ(buf, "0xffffffffffffffff");
	ksnprintf(buf, sizeof buf, "[%20p][%-20p]", (void *)1, (void *)1);
	CHECK_STR_EQ(buf, "[  0x0000000000000001][0x0000000000000001  ]");
}

/* Without the format attribute, so the compiler lets us pass what the
 * kernel must survive: a NULL %s, invalid specifications, overflows. */
static int unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format_pointer_ignores_other_flags)
{
	char buf[64];
	unchecked(buf, sizeof buf, "[%020p][%+#.3p]", (void *)1, (void *)1);
	CHECK_STR_EQ(buf, "[  0x0000000000000001][0x0000000000000001]");
}

TEST(format_null_string)
{
	char buf[64];
	unchecked(buf, sizeof buf, "[%s][%.3s][%8s]", (const char *)NULL,
		  (const char *)NULL, (const char *)NULL);
	CHECK_STR_EQ(buf, "[(null)][(nu][  (null)]");
}

/* An invalid specification and the rest of the format are printed as
 * written; the return value counts them. */
#define INVALID_STOPS(fmt, ...)                                                \
	do {                                                                   \
		char buf_[64];                                                 \
		int n_ = unchecked(buf_, sizeof buf_, fmt, __VA_ARGS__);       \
		CHECK_STR_EQ(buf_, fmt);                                       \
		CHECK_EQ(n_, strlen(fmt));                                     \
	} while (0)

TEST(format_invalid_spec_stops_converting)
{
	INVALID_STOPS("a%qb%d", 7);
	INVALID_STOPS("%f|%s", 1.5, "X");
	INVALID_STOPS("%Lf|%s", 1.5L, "X");
	INVALID_STOPS("%*q|%s", 5, "X");
	INVALID_STOPS("%5%|%s", "X");
	INVALID_STOPS("%-%|%s", "X");
	INVALID_STOPS("%.3%|%s", "X");
	INVALID_STOPS("%ls|%s", L"wide", "X");
	INVALID_STOPS("%lc|%s", 'w', "X");
	INVALID_STOPS("%hs|%s", "a", "X");
	INVALID_STOPS("%zp|%s", (void *)0, "X");
	INVALID_STOPS("%hhc|%s", 'c', "X");
	INVALID_STOPS("%5*d|%s", 1, 2, "X");
	INVALID_STOPS("%.-3d|%s", 1, "X");
	INVALID_STOPS("abc%-05", 0);
	INVALID_STOPS("abc%", 0);
	INVALID_STOPS("%1$d|%s", 1, "X");

	/* what came before the invalid one is converted as usual */
	char buf[64];
	int n = unchecked(buf, sizeof buf, "%d %s %y %d", 1, "two", 3);
	CHECK_STR_EQ(buf, "1 two %y %d");
	CHECK_EQ(n, 11);

	/* %n is not a conversion here: it writes nothing */
	int written = 1234;
	INVALID_STOPS("%n|%s", &written, "X");
	CHECK_EQ(written, 1234);
}

/* ------------------------------------------- overflow: -1, never a lie */

/* A sink that counts what it receives and stores nothing. */
struct tally {
	uint64_t chars;
	uint64_t calls;
};

static void tally_sink(void *ctx, const char *s, size_t n)
{
	(void)s;
	struct tally *t = ctx;
	t->chars += n;
	t->calls++;
}

/* kformat with any sink and context: the call the kernel's kprintf makes */
static int via(format_sink sink, void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kformat(sink, ctx, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format_width_or_precision_past_int_max_is_an_error)
{
	/* glibc 2.36 returns -1 (EOVERFLOW) on each of these too */
	char buf[32];
	CHECK_EQ(unchecked(buf, sizeof buf, "ab%02147483648d%s", 1, "X"), -1);
	CHECK_STR_EQ(buf, "ab"); /* what came before, terminated */
	CHECK_EQ(unchecked(buf, sizeof buf, "%2147483648s", "X"), -1);
	CHECK_EQ(unchecked(buf, sizeof buf, "%.2147483648d", 1), -1);
	CHECK_EQ(unchecked(buf, sizeof buf, "%.2147483648s", "X"), -1);
	CHECK_EQ(unchecked(buf, sizeof buf, "%-99999999999999999999d", 1), -1);
	/* a '*' width of INT_MIN has no magnitude in an int */
	CHECK_EQ(unchecked(buf, sizeof buf, "x%*d", INT_MIN, 1), -1);
	CHECK_STR_EQ(buf, "x");
	CHECK_EQ(unchecked(buf, sizeof buf, "x%-*d", INT_MIN, 1), -1);
	/* ... but a '*' precision of INT_MIN is simply no precision */
	CHECK_EQ(unchecked(buf, sizeof buf, "%.*d", INT_MIN, 15), 2);
	CHECK_STR_EQ(buf, "15");
}

TEST(format_output_past_int_max_is_an_error)
{
	/* Each field below would take the count past INT_MAX: -1 at once,
	 * with nothing of the field sent (no 2 GiB of padding first). */
	struct tally t = {0};
	CHECK_EQ(via(tally_sink, &t, "x%2147483647d", 1), -1);
	CHECK_EQ(t.chars, 1);
	CHECK_EQ(via(tally_sink, &t, "%-.2147483647d", -1),
		 -1); /* '-' + INT_MAX */
	CHECK_EQ(via(tally_sink, &t, "%#.2147483647x", 1u),
		 -1); /* "0x" + ... */
	CHECK_EQ(via(tally_sink, &t, "%+2147483647.2147483647d", 1), -1);
	CHECK_EQ(via(tally_sink, &t, "xy%*s", INT_MAX - 1, ""), -1);
	CHECK_EQ(t.chars, 1 + 2);
	CHECK_EQ(via(tally_sink, &t, "%*s%*s", INT_MAX / 2 + 1, "",
		     INT_MAX / 2 + 1, ""),
		 -1);
	CHECK_EQ(t.chars, 1 + 2 + (uint64_t)INT_MAX / 2 + 1);
}

TEST(format_output_of_exactly_int_max_is_counted)
{
	/* The largest count there is: 2^31-1 characters reach the sink
	 * (in 64-character pieces), and one more is an error. */
	struct tally t = {0};
	CHECK_EQ(via(tally_sink, &t, "%2147483646d%c", 1, 'x'), INT_MAX);
	CHECK_EQ(t.chars, INT_MAX);
	t.chars = 0;
	CHECK_EQ(via(tally_sink, &t, "%.2147483647d%c", 1, 'x'), -1);
	CHECK_EQ(t.chars, INT_MAX);
	char buf[4];
	CHECK_EQ(ksnprintf(buf, sizeof buf, "%*s", INT_MAX, "ab"), INT_MAX);
	CHECK_STR_EQ(buf, "   ");
}

/* ---------------------------------------------------- buffers and sinks */

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

TEST(format_sink_receives_pieces_in_order)
{
	struct collect c = {0};
	int n = via(collect_sink, &c, "x=%d, s=%-4s|", 42, "ab");
	CHECK_EQ(n, (int)c.len);
	c.text[c.len] = '\0';
	CHECK_STR_EQ(c.text, "x=42, s=ab  |");
	CHECK(c.calls >= 4);
}

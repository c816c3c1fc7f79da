// sources: stages/5-collections/kstring.c stages/5-collections/vec.c stages/3-null-allocator/alloc.c tests/host/host_alloc.c common/format.c
// stage: 5
#include "harness.h"
#include "host_alloc.h"
#include "kstring.h"

TEST(kstring_empty)
{
	size_t live = host_alloc_live();
	struct kstring s = kstring_new();
	CHECK_EQ(kstring_len(&s), 0);
	CHECK(kstring_is_empty(&s));
	CHECK_STR_EQ(kstring_as_cstr(&s), "");
	CHECK(kstring_equals_cstr(&s, ""));
	CHECK_EQ(kstring_find(&s, ""), 0);
	CHECK_EQ(kstring_find(&s, "a"), KSTRING_NPOS);
	CHECK(kstring_append(&s, "", 0));
	CHECK(kstring_format(&s, "%s", ""));
	kstring_check(&s);
	CHECK_EQ(host_alloc_live(), live); /* nothing allocated */
	kstring_drop(&s);
}

TEST(kstring_from_cstr_push_append)
{
	size_t live = host_alloc_live();
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "hello"));
	CHECK(kstring_push(&s, ','));
	CHECK(kstring_push(&s, ' '));
	CHECK(kstring_append_cstr(&s, "world"));
	CHECK(kstring_append(&s, "!!!", 1));
	CHECK_STR_EQ(kstring_as_cstr(&s), "hello, world!");
	CHECK_EQ(kstring_len(&s), 13);
	kstring_check(&s);
	kstring_clear(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "");
	kstring_check(&s);
	kstring_drop(&s);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kstring_append_a_view_of_itself)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abcd"));
	/* appending its own bytes forces a growth that moves the block */
	for (int i = 0; i < 6; i++)
		CHECK(kstring_append_view(&s, kstring_slice(&s, 1, 3)));
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcdbcbcbcbcbcbc");
	CHECK(kstring_append_view(&s, kstring_view(&s)));
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcdbcbcbcbcbcbcabcdbcbcbcbcbcbc");
	kstring_check(&s);
	kstring_drop(&s);
}

TEST(kstring_format_appends)
{
	struct kstring s = kstring_new();
	CHECK(kstring_format(&s, "x=%d", 42));
	CHECK(kstring_format(&s, ", %s/%5u|%-3c|", "name", 7u, 'z'));
	CHECK(kstring_format(&s, "%zu %x %%", (size_t)123, 0xbeefu));
	CHECK_STR_EQ(kstring_as_cstr(&s), "x=42, name/    7|z  |123 beef %");
	kstring_check(&s);
	/* a long one, many growths' worth in one reservation */
	struct kstring t = kstring_new();
	size_t count = host_alloc_count();
	CHECK(kstring_format(&t, "%0300d", 1));
	CHECK_EQ(host_alloc_count() - count, 1);
	CHECK_EQ(kstring_len(&t), 300);
	CHECK_EQ(kstring_as_cstr(&t)[299], '1');
	CHECK_EQ(kstring_as_cstr(&t)[0], '0');
	kstring_drop(&t);
	kstring_drop(&s);
}

TEST(kstring_format_failure_leaves_string_unchanged)
{
	size_t live = host_alloc_live();
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abc"));
	host_alloc_fail_after(0);
	CHECK(!kstring_format(&s, "%s and a much longer tail %d", "abc", 1));
	CHECK(host_alloc_failure_injected());
	host_alloc_fail_after(SIZE_MAX);
	CHECK_STR_EQ(kstring_as_cstr(&s), "abc");
	CHECK_EQ(kstring_len(&s), 3);
	kstring_check(&s);
	kstring_drop(&s);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kstring_reserve_on_a_new_string_writes_the_nul)
{
	struct kstring s = kstring_new();
	CHECK(kstring_reserve(&s, 10));
	CHECK(s.bytes.cap >= 11);
	kstring_check(&s); /* the block exists: data[0] must be the NUL */
	CHECK_STR_EQ(kstring_as_cstr(&s), "");
	CHECK(kstring_equals_cstr(&s, ""));
	kstring_drop(&s);
	/* the smallest reservation allocates too */
	CHECK(kstring_reserve(&s, 0));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "");
	kstring_drop(&s);
}

/* A string of n letters 'a'..'z' repeating. */
static void make_letters(struct kstring *s, size_t n)
{
	*s = kstring_new();
	for (size_t i = 0; i < n; i++)
		CHECK(kstring_push(s, (char)('a' + i % 26)));
}

/*
 * Arguments that point into the string being formatted: its own C string,
 * a view of it, or the format itself.  Growing the string may move its
 * block (the host allocator always moves), so they must all be read
 * before the old block is freed; and when the text fits in place, writing
 * over the NUL that ends kstring_as_cstr(s) must not change what %s reads.
 */
TEST(kstring_format_of_itself_when_it_grows)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abc"));
	CHECK(kstring_format(&s, "%s", kstring_as_cstr(&s)));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcabc");
	/* twice in one format, and a view */
	struct str_view v = kstring_slice(&s, 1, 3);
	CHECK(kstring_format(&s, "<%s|%.*s|%s>", kstring_as_cstr(&s),
			     (int)v.len, v.ptr, kstring_as_cstr(&s)));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcabc<abcabc|bc|abcabc>");
	/* the format string itself inside the string */
	kstring_clear(&s);
	CHECK(kstring_append_cstr(&s, "[%d]"));
	CHECK(kstring_format(&s, kstring_as_cstr(&s), 7));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "[%d][7]");
	kstring_drop(&s);
}

TEST(kstring_format_of_itself_in_place)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abc"));
	CHECK(kstring_reserve(&s, 100)); /* no growth below */
	const char *block = kstring_as_cstr(&s);
	CHECK(kstring_format(&s, "x%s", kstring_as_cstr(&s)));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcxabc");
	CHECK(kstring_format(&s, "%s-%s", kstring_as_cstr(&s),
			     kstring_as_cstr(&s)));
	kstring_check(&s);
	CHECK_STR_EQ(kstring_as_cstr(&s), "abcxabcabcxabc-abcxabc");
	CHECK(kstring_as_cstr(&s) == block);
	kstring_drop(&s);
}

TEST(kstring_format_of_itself_long_text)
{
	/* longer texts than any small buffer, growing and in place */
	struct kstring s, want;
	make_letters(&s, 300);
	make_letters(&want, 300);
	CHECK(kstring_format(&s, "%s%s", kstring_as_cstr(&s),
			     kstring_as_cstr(&s)));
	kstring_check(&s);
	CHECK(kstring_append_view(&want, kstring_view(&want)));
	CHECK(kstring_append_view(&want, kstring_slice(&want, 0, 300)));
	CHECK(kstring_equals(&s, &want));
	CHECK(kstring_reserve(&s, 2000));
	CHECK(kstring_reserve(&want, 2000));
	struct str_view v = kstring_slice(&s, 100, 400);
	CHECK(kstring_format(&s, "(%.*s)", (int)v.len, v.ptr));
	kstring_check(&s);
	CHECK(kstring_push(&want, '('));
	CHECK(kstring_append_view(&want, kstring_slice(&want, 100, 400)));
	CHECK(kstring_push(&want, ')'));
	CHECK(kstring_equals(&s, &want));
	kstring_drop(&s);
	kstring_drop(&want);
}

TEST(kstring_format_failure_with_an_argument_inside_the_string)
{
	size_t live = host_alloc_live();
	struct kstring s;
	make_letters(&s, 200);
	for (int i = 0; i < 2; i++) {
		host_alloc_fail_after(0);
		const char *fmt = i == 0 ? "%s" : "%s%s";
		CHECK(!kstring_format(&s, fmt, kstring_as_cstr(&s),
				      kstring_as_cstr(&s)));
		CHECK(host_alloc_failure_injected());
		host_alloc_fail_after(SIZE_MAX);
		kstring_check(&s);
		CHECK_EQ(kstring_len(&s), 200);
	}
	kstring_drop(&s);
	CHECK_EQ(host_alloc_live(), live);
}

TEST(kstring_compare_and_equals)
{
	struct kstring a, b, c, e = kstring_new();
	CHECK(kstring_from_cstr(&a, "apple"));
	CHECK(kstring_from_cstr(&b, "apples"));
	CHECK(kstring_from_cstr(&c, "banana"));
	CHECK(kstring_compare(&a, &b) < 0); /* prefix sorts first */
	CHECK(kstring_compare(&b, &a) > 0);
	CHECK(kstring_compare(&a, &c) < 0);
	CHECK(kstring_compare(&a, &a) == 0);
	CHECK(kstring_compare(&e, &a) < 0);
	CHECK(kstring_compare(&e, &e) == 0);
	CHECK(!kstring_equals(&a, &b));
	CHECK(kstring_equals_cstr(&a, "apple"));
	CHECK(kstring_equals(&e, &e));
	/* bytes compare unsigned: 0xff sorts after 'a' */
	struct kstring hi;
	CHECK(kstring_from_cstr(&hi, "\xff"));
	CHECK(kstring_compare(&hi, &a) > 0);
	kstring_drop(&a);
	kstring_drop(&b);
	kstring_drop(&c);
	kstring_drop(&hi);
}

TEST(kstring_find)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abracadabra"));
	CHECK_EQ(kstring_find(&s, "abra"), 0);
	CHECK_EQ(kstring_find(&s, "cad"), 4);
	CHECK_EQ(kstring_find(&s, "ra"), 2);
	CHECK_EQ(kstring_find(&s, "abracadabra"), 0);
	CHECK_EQ(kstring_find(&s, "abracadabrab"), KSTRING_NPOS);
	CHECK_EQ(kstring_find(&s, "x"), KSTRING_NPOS);
	CHECK_EQ(kstring_find(&s, ""), 0);
	struct str_view tail = kstring_slice(&s, 5, 11); /* "dabra" + 1 */
	CHECK_EQ(str_view_find(tail, str_view_from_cstr("abra")), 2);
	kstring_drop(&s);
}

TEST(kstring_slices_and_views)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "hello world"));
	struct str_view w = kstring_slice(&s, 6, 11);
	CHECK_EQ(w.len, 5);
	CHECK(str_view_equals(w, str_view_from_cstr("world")));
	struct str_view o = str_view_slice(w, 1, 2);
	CHECK(str_view_equals(o, str_view_from_cstr("o")));
	CHECK_EQ(kstring_slice(&s, 3, 3).len, 0);
	CHECK_EQ(kstring_slice(&s, 11, 11).len, 0);
	EXPECT_PANIC("str_view_slice: range 6..12 out of bounds of a string "
		     "of length 11",
		     kstring_slice(&s, 6, 12));
	EXPECT_PANIC("str_view_slice: range start 4 is after its end 2",
		     kstring_slice(&s, 4, 2));
	struct kstring t = kstring_new();
	CHECK(kstring_format(&t, "[%.*s]", (int)w.len, w.ptr));
	CHECK_STR_EQ(kstring_as_cstr(&t), "[world]");
	kstring_drop(&t);
	kstring_drop(&s);
	struct kstring e = kstring_new();
	CHECK_EQ(kstring_slice(&e, 0, 0).len, 0);
}

TEST(kstring_check_detects_a_missing_nul)
{
	struct kstring s;
	CHECK(kstring_from_cstr(&s, "abc"));
	((char *)s.bytes.data)[3] = 'x';
	EXPECT_PANIC("kstring_check: byte 3 after the end is not NUL",
		     kstring_check(&s));
	((char *)s.bytes.data)[3] = '\0';
	s.bytes.len = s.bytes.cap;
	EXPECT_PANIC("kstring_check: no room for the NUL", kstring_check(&s));
	s.bytes.len = 3;
	kstring_drop(&s);
}

/* ------------------------------------------------ randomized vs. a model */

#define MODEL_MAX 3000

static struct {
	char a[MODEL_MAX + 64];
	size_t len;
} model;

static size_t model_find(const char *needle, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i + n <= model.len; i++)
		if (memcmp(model.a + i, needle, n) == 0)
			return i;
	return KSTRING_NPOS;
}

static void check_equal(const struct kstring *s)
{
	kstring_check(s);
	CHECK_EQ(kstring_len(s), model.len);
	CHECK(memcmp(kstring_as_cstr(s), model.a, model.len) == 0);
	CHECK_EQ(kstring_as_cstr(s)[model.len], '\0');
}

static bool random_op(struct kstring *s, uint64_t *rng)
{
	uint64_t r = harness_rand(rng);
	char buf[256];
	size_t n;
	if (model.len > MODEL_MAX - 250) {
		kstring_clear(s);
		model.len = 0;
	}
	switch (r % 7) {
	case 0: /* push a letter from a small alphabet (finds succeed) */
		buf[0] = (char)('a' + (r >> 8) % 3);
		if (!kstring_push(s, buf[0]))
			return false;
		model.a[model.len++] = buf[0];
		break;
	case 1: /* append bytes */
		n = (size_t)(r >> 8) % 20;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('a' + (r >> (12 + i)) % 3);
		if (!kstring_append(s, buf, n))
			return false;
		memcpy(model.a + model.len, buf, n);
		model.len += n;
		break;
	case 2: { /* format, sometimes longer than kstring's stack buffer */
		int v = (int)(r >> 33) - (1 << 29);
		int w = (r >> 8) % 4 == 0 ? (int)((r >> 10) % 200) : 0;
		int len = snprintf(buf, sizeof buf, "<%*d|%s>", w, v, "ab");
		if (!kstring_format(s, "<%*d|%s>", w, v, "ab"))
			return false;
		memcpy(model.a + model.len, buf, (size_t)len);
		model.len += (size_t)len;
		break;
	}
	case 3: /* find a needle of 1..4 letters */
		n = 1 + (size_t)(r >> 8) % 4;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('a' + (r >> (12 + 2 * i)) % 3);
		buf[n] = '\0';
		CHECK_EQ(kstring_find(s, buf), model_find(buf, n));
		break;
	case 4: { /* slice and compare with the model */
		size_t a = model.len ? (size_t)(r >> 8) % (model.len + 1) : 0;
		size_t room = model.len - a + 1;
		size_t b = a + (model.len ? (size_t)(r >> 24) % room : 0);
		struct str_view v = kstring_slice(s, a, b);
		CHECK_EQ(v.len, b - a);
		CHECK(v.len == 0 || memcmp(v.ptr, model.a + a, v.len) == 0);
		break;
	}
	case 5: /* append a slice of itself, or format it with %.*s */
		if (model.len > 0) {
			bool format = (r >> 40) % 2 == 0;
			size_t a = (size_t)(r >> 8) % model.len;
			size_t b = a + (size_t)(r >> 24) % (model.len - a + 1);
			if (b - a > (format ? 200 : 30))
				b = a + (format ? 200 : 30);
			struct str_view v = kstring_slice(s, a, b);
			if (format ? !kstring_format(s, "%.*s", (int)v.len,
						     v.ptr)
				   : !kstring_append_view(s, v))
				return false;
			memmove(model.a + model.len, model.a + a, b - a);
			model.len += b - a;
		}
		break;
	case 6: /* rarely: clear */
		if ((r >> 8) % 50 == 0) {
			kstring_clear(s);
			model.len = 0;
		}
		break;
	}
	check_equal(s);
	return true;
}

TEST(kstring_randomized_against_model)
{
	size_t live = host_alloc_live();
	uint64_t seeds[] = {13, 0x5555aaaa5555aaaaULL};
	for (size_t i = 0; i < 2; i++) {
		uint64_t rng = seeds[i];
		struct kstring s = kstring_new();
		model.len = 0;
		for (int n = 0; n < 60000; n++)
			CHECK(random_op(&s, &rng));
		kstring_drop(&s);
		CHECK_EQ(host_alloc_live(), live);
	}
}

TEST(kstring_allocation_failure_injection)
{
	size_t live = host_alloc_live();
	for (size_t k = 0;; k++) {
		uint64_t rng = 21;
		struct kstring s = kstring_new();
		model.len = 0;
		host_alloc_fail_after(k);
		bool failed_once = false;
		for (int n = 0; n < 600; n++) {
			int before = host_alloc_failure_injected();
			bool ok = random_op(&s, &rng);
			bool injected_now =
				!before && host_alloc_failure_injected();
			CHECK_EQ(ok, !injected_now);
			if (!ok) {
				failed_once = true;
				check_equal(&s);
			}
		}
		host_alloc_fail_after(SIZE_MAX);
		kstring_drop(&s);
		CHECK_EQ(host_alloc_live(), live);
		if (!failed_once)
			break;
		CHECK(k < 1000);
	}
}

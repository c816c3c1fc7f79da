/*
 * scrollback_tests.c - the console's scrollback and the keyboard decoder,
 * as pure logic: scancodes typed by hand into keyboard_decode(), the keys
 * it decodes given to scrollback_key(), a screen that is an array.  No
 * port, no IRQ (the keyboard's IRQ stays masked in test kernels).
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "format.h"
#include "keyboard.h"
#include "ktest.h"
#include "mem.h"
#include "scrollback.h"

/* Scancode set 1: Shift, and the E0-prefixed keys, down then up. */
#define SHIFT_DOWN 0x2a
#define SHIFT_UP 0xaa
#define RSHIFT_DOWN 0x36
#define RSHIFT_UP 0xb6
#define PGUP 0xe0, 0x49, 0xe0, 0xc9
#define PGDN 0xe0, 0x51, 0xe0, 0xd1
#define UP 0xe0, 0x48, 0xe0, 0xc8
#define DOWN 0xe0, 0x50, 0xe0, 0xd0
#define HOME 0xe0, 0x47, 0xe0, 0xc7
#define END 0xe0, 0x4f, 0xe0, 0xcf

static struct scrollback sb;
static uint16_t screen[VGA_HEIGHT * VGA_WIDTH];
static struct keyboard_decoder kbd;
static unsigned printed; /* lines "printed" on the screen so far */

/* Types the bytes: each key decoded goes to the scrollback, and the
 * scrollback's invariants are checked after every byte. */
#define TYPE(...)                                                              \
	type((const uint8_t[]){__VA_ARGS__},                                   \
	     sizeof((const uint8_t[]){__VA_ARGS__}))

static void type(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct key_event ev = keyboard_decode(&kbd, bytes[i]);
		if (ev.key != KEY_NONE)
			scrollback_key(&sb, ev);
		scrollback_check(&sb);
	}
}

/* Row y holds exactly `text` (then spaces), in any colour. */
static bool row_is(int y, const char *text)
{
	size_t len = strlen(text);
	for (size_t x = 0; x < VGA_WIDTH; x++) {
		char c = (char)(screen[(size_t)y * VGA_WIDTH + x] & 0xff);
		if (c != (x < len ? text[x] : ' '))
			return false;
	}
	return true;
}

/* Row y starts with `text`. */
static bool row_starts(int y, const char *text)
{
	for (size_t x = 0; text[x] != '\0'; x++)
		if ((char)(screen[(size_t)y * VGA_WIDTH + x] & 0xff) != text[x])
			return false;
	return true;
}

static bool row_is_line(int y, unsigned n)
{
	char text[32];
	ksnprintf(text, sizeof text, "line %u", n);
	return row_is(y, text);
}

/* Prints "line N" as vga.c would: on the next row while the screen is
 * not full, then at the bottom, the top row kept just before the screen
 * scrolls up by one. */
static void print_line(void)
{
	printed++;
	int y = (int)printed - 1;
	if (printed > VGA_HEIGHT) {
		scrollback_keep_top_row(&sb);
		memmove(screen, screen + VGA_WIDTH,
			sizeof screen - VGA_WIDTH * sizeof screen[0]);
		y = VGA_HEIGHT - 1;
	}
	char text[VGA_WIDTH + 1];
	size_t len = (size_t)ksnprintf(text, sizeof text, "line %u", printed);
	for (size_t x = 0; x < VGA_WIDTH; x++)
		screen[(size_t)y * VGA_WIDTH + x] =
			(uint16_t)(0x0700 | (uint8_t)(x < len ? text[x] : ' '));
}

/* An empty scrollback over a blank screen, then `lines` lines printed. */
static void fresh(unsigned lines)
{
	for (size_t i = 0; i < VGA_HEIGHT * VGA_WIDTH; i++)
		screen[i] = 0x0720; /* grey space */
	scrollback_init(&sb, screen);
	kbd = (struct keyboard_decoder){0};
	printed = 0;
	while (printed < lines)
		print_line();
	scrollback_check(&sb);
}

KTEST(scrollback_pages_back_to_the_first_line_and_returns)
{
	fresh(60); /* lines 1-35 scrolled off; the screen shows 36-60 */
	KT_ASSERT_EQ(sb.count, 35);
	KT_ASSERT(row_is_line(0, 36) && row_is_line(VGA_HEIGHT - 1, 60));

	TYPE(SHIFT_DOWN, PGUP); /* a page: 23 lines back */
	KT_ASSERT_EQ(sb.back, 23);
	KT_ASSERT(row_is_line(0, 13));
	KT_ASSERT(row_is_line(VGA_HEIGHT - 2, 36));
	KT_ASSERT(row_starts(VGA_HEIGHT - 1,
			     "-- scrollback: lines 13-36 of 60; Shift+PgDn"));

	TYPE(PGUP, PGUP); /* Shift still held: stops at the oldest line */
	KT_ASSERT_EQ(sb.back, 35);
	KT_ASSERT(row_is_line(0, 1));
	KT_ASSERT(
		row_starts(VGA_HEIGHT - 1, "-- scrollback: lines 1-24 of 60;"));

	TYPE(PGDN);
	KT_ASSERT_EQ(sb.back, 12);
	KT_ASSERT(row_is_line(0, 24));
	TYPE(PGDN, SHIFT_UP); /* back to the live screen, exactly */
	KT_ASSERT_EQ(sb.back, 0);
	for (int y = 0; y < VGA_HEIGHT; y++)
		KT_ASSERT_MSG(row_is_line(y, 36 + (unsigned)y),
			      "row %d is not line %u", y, 36 + (unsigned)y);
}

KTEST(scrollback_lines_oldest_and_live_keys)
{
	fresh(40);	       /* 15 lines kept */
	TYPE(RSHIFT_DOWN, UP); /* the right Shift is a Shift too */
	KT_ASSERT_EQ(sb.back, 1);
	KT_ASSERT(row_is_line(0, 15) && row_is_line(1, 16));
	TYPE(DOWN, DOWN); /* no further down than the live screen */
	KT_ASSERT_EQ(sb.back, 0);
	TYPE(HOME);
	KT_ASSERT_EQ(sb.back, 15);
	KT_ASSERT(row_is_line(0, 1));
	TYPE(UP); /* no further up than the oldest line */
	KT_ASSERT_EQ(sb.back, 15);
	TYPE(END, RSHIFT_UP);
	KT_ASSERT_EQ(sb.back, 0);
	KT_ASSERT(row_is_line(0, 16) && row_is_line(VGA_HEIGHT - 1, 40));
}

KTEST(scrollback_keys_need_shift)
{
	fresh(60);
	TYPE(PGUP, HOME, UP); /* no Shift: not the scrollback's keys */
	KT_ASSERT_EQ(sb.back, 0);
	TYPE(SHIFT_DOWN, SHIFT_UP, PGUP); /* Shift was let go first */
	KT_ASSERT_EQ(sb.back, 0);
	/* Some keyboards wrap a grey key in "fake" shifts (e0 aa before it,
	 * e0 2a after it): not the user letting go of Shift. */
	TYPE(SHIFT_DOWN, 0xe0, 0xaa, PGUP, 0xe0, 0x2a);
	KT_ASSERT_EQ(sb.back, 23);
	/* Pause (e1 1d 45 e1 9d c5) decodes to nothing, and leaves Shift
	 * as it was. */
	TYPE(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
	KT_ASSERT_EQ(sb.back, 23);
	TYPE(PGDN, SHIFT_UP);
	KT_ASSERT_EQ(sb.back, 0);
}

KTEST(keyboard_decode_reports_presses_only)
{
	struct keyboard_decoder d = {0};
	KT_ASSERT_EQ(keyboard_decode(&d, 0xe0).key, KEY_NONE); /* prefix */
	struct key_event ev = keyboard_decode(&d, 0x49);
	KT_ASSERT_EQ(ev.key, KEY_PAGE_UP);
	KT_ASSERT(!ev.shift);
	KT_ASSERT_EQ(keyboard_decode(&d, 0xe0).key, KEY_NONE);
	KT_ASSERT_EQ(keyboard_decode(&d, 0xc9).key, KEY_NONE); /* release */
	/* 0x49 without e0 is the keypad's 9: not PgUp here (no NumLock) */
	KT_ASSERT_EQ(keyboard_decode(&d, 0x49).key, KEY_NONE);
	KT_ASSERT_EQ(keyboard_decode(&d, 0x1e).key, KEY_NONE); /* 'a' */
	KT_ASSERT_EQ(keyboard_decode(&d, SHIFT_DOWN).key, KEY_NONE);
	KT_ASSERT_EQ(keyboard_decode(&d, 0xe0).key, KEY_NONE);
	ev = keyboard_decode(&d, 0x51);
	KT_ASSERT_EQ(ev.key, KEY_PAGE_DOWN);
	KT_ASSERT(ev.shift);
}

KTEST(scrollback_ring_keeps_the_newest_lines)
{
	fresh(SCROLLBACK_LINES + 100); /* 275 lines scrolled off */
	KT_ASSERT_EQ(sb.count, SCROLLBACK_LINES);
	TYPE(SHIFT_DOWN, HOME);
	KT_ASSERT(row_is_line(0, 76)); /* 275 - 200 + 1: 1-75 dropped */
	KT_ASSERT(row_starts(VGA_HEIGHT - 1,
			     "-- scrollback: lines 1-24 of 225;"));
	TYPE(END);
	KT_ASSERT(row_is_line(VGA_HEIGHT - 1, SCROLLBACK_LINES + 100));
}

KTEST(scrollback_new_output_returns_to_the_live_screen)
{
	fresh(60);
	TYPE(SHIFT_DOWN, PGUP);
	KT_ASSERT_EQ(sb.back, 23);
	scrollback_show_live(&sb); /* what vga_write does first */
	KT_ASSERT_EQ(sb.back, 0);
	print_line(); /* lands on the live screen, which scrolls as before */
	KT_ASSERT_EQ(sb.count, 36);
	for (int y = 0; y < VGA_HEIGHT; y++)
		KT_ASSERT(row_is_line(y, 37 + (unsigned)y));
}

/* Something wrote to the screen behind the view's back: the screen no
 * longer shows what `back` says, and the check names where. */
KTEST_SHOULD_PANIC(scrollback_check_catches_a_screen_not_showing_the_view,
		   "scrollback_check: row 3, column 0 does not show line 16")
{
	fresh(60);
	TYPE(SHIFT_DOWN, PGUP); /* row 0 shows line 13 */
	screen[3 * VGA_WIDTH] = 0x0721;
	scrollback_check(&sb);
}

KTEST_SHOULD_PANIC(scrollback_check_catches_a_view_above_the_oldest_line,
		   "scrollback_check: the view is 36 lines up, but only 35")
{
	fresh(60);
	sb.back = sb.count + 1;
	scrollback_check(&sb);
}

static void check_console(void *arg)
{
	(void)arg;
	vga_scrollback_check();
}

/* The console's own scrollback, after everything printed at boot. */
KTEST(console_scrollback_is_sound)
{
	console_with_lock(check_console, NULL);
}

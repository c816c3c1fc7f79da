/* scrollback.c - see scrollback.h. */
#include "scrollback.h"

#include "format.h"
#include "panic.h"

/* The status line's colour: black on light grey, the inverse of text. */
#define STATUS_ATTR ((uint16_t)((VGA_LIGHT_GREY << 4 | VGA_BLACK) << 8))

void scrollback_init(struct scrollback *sb, volatile uint16_t *screen)
{
	sb->oldest = 0;
	sb->count = 0;
	sb->back = 0;
	sb->screen = screen;
}

/* Line n, 1 <= n <= count + VGA_HEIGHT (the picture in scrollback.h):
 * from the ring, or from the saved live screen (valid while back > 0). */
static const uint16_t *line(const struct scrollback *sb, size_t n)
{
	if (n <= sb->count)
		return sb->ring[(sb->oldest + n - 1) % SCROLLBACK_LINES];
	return sb->live[n - sb->count - 1];
}

/* The line shown on row 0 while back > 0. */
static size_t top_line(const struct scrollback *sb)
{
	return sb->count - sb->back + 1;
}

void scrollback_keep_top_row(struct scrollback *sb)
{
	if (sb->back != 0)
		panic("scrollback_keep_top_row: the screen shows the view, not "
		      "the live screen");
	size_t slot;
	if (sb->count < SCROLLBACK_LINES) {
		slot = sb->oldest + sb->count++;
	} else {
		slot = sb->oldest; /* full: the oldest line makes room */
		sb->oldest = (sb->oldest + 1) % SCROLLBACK_LINES;
	}
	for (int x = 0; x < VGA_WIDTH; x++)
		sb->ring[slot][x] = sb->screen[x];
}

/* The status line's text, padded with spaces to the screen's width. */
static void status_text(const struct scrollback *sb, char text[VGA_WIDTH + 1])
{
	size_t top = top_line(sb);
	int n = ksnprintf(text, VGA_WIDTH + 1,
			  "-- scrollback: lines %zu-%zu of %zu; Shift+PgDn or "
			  "Shift+End returns --",
			  top, top + VGA_HEIGHT - 2, sb->count + VGA_HEIGHT);
	for (int x = n < 0 ? 0 : n; x < VGA_WIDTH; x++)
		text[x] = ' ';
	text[VGA_WIDTH] = '\0';
}

static void draw_view(struct scrollback *sb)
{
	for (int y = 0; y < VGA_HEIGHT - 1; y++) {
		const uint16_t *l = line(sb, top_line(sb) + (size_t)y);
		for (int x = 0; x < VGA_WIDTH; x++)
			sb->screen[y * VGA_WIDTH + x] = l[x];
	}
	char text[VGA_WIDTH + 1];
	status_text(sb, text);
	for (int x = 0; x < VGA_WIDTH; x++)
		sb->screen[(VGA_HEIGHT - 1) * VGA_WIDTH + x] =
			(uint16_t)(STATUS_ATTR | (uint8_t)text[x]);
}

/* Between the screen and `live`, one way or the other. */
static void save_live(struct scrollback *sb)
{
	for (int y = 0; y < VGA_HEIGHT; y++)
		for (int x = 0; x < VGA_WIDTH; x++)
			sb->live[y][x] = sb->screen[y * VGA_WIDTH + x];
}

static void restore_live(struct scrollback *sb)
{
	for (int y = 0; y < VGA_HEIGHT; y++)
		for (int x = 0; x < VGA_WIDTH; x++)
			sb->screen[y * VGA_WIDTH + x] = sb->live[y][x];
}

size_t scrollback_show(struct scrollback *sb, size_t back)
{
	if (back > sb->count)
		back = sb->count;
	if (back == sb->back)
		return back;
	if (sb->back == 0)
		save_live(sb); /* leaving the live screen: keep it */
	sb->back = back;
	if (back == 0)
		restore_live(sb);
	else
		draw_view(sb);
	return back;
}

void scrollback_show_live(struct scrollback *sb)
{
	scrollback_show(sb, 0);
}

bool scrollback_key(struct scrollback *sb, struct key_event ev)
{
	if (!ev.shift)
		return false;
	size_t back = sb->back;
	switch (ev.key) {
	case KEY_PAGE_UP:
		back += SCROLLBACK_PAGE; /* cut to count by scrollback_show */
		break;
	case KEY_PAGE_DOWN:
		back = back > SCROLLBACK_PAGE ? back - SCROLLBACK_PAGE : 0;
		break;
	case KEY_UP:
		back++;
		break;
	case KEY_DOWN:
		back = back > 0 ? back - 1 : 0;
		break;
	case KEY_HOME:
		back = sb->count;
		break;
	case KEY_END:
		back = 0;
		break;
	default:
		return false;
	}
	scrollback_show(sb, back);
	return true;
}

void scrollback_check(const struct scrollback *sb)
{
	if (sb->screen == NULL)
		panic("scrollback_check: no screen");
	if (sb->count > SCROLLBACK_LINES)
		panic("scrollback_check: %zu lines kept in a ring of %d",
		      sb->count, SCROLLBACK_LINES);
	if (sb->oldest >= SCROLLBACK_LINES)
		panic("scrollback_check: oldest line at %zu, outside the ring",
		      sb->oldest);
	if (sb->count < SCROLLBACK_LINES && sb->oldest != 0)
		panic("scrollback_check: the ring moved on before it was full "
		      "(oldest %zu, %zu lines kept)",
		      sb->oldest, sb->count);
	if (sb->back > sb->count)
		panic("scrollback_check: the view is %zu lines up, but only "
		      "%zu are kept",
		      sb->back, sb->count);
	if (sb->back == 0)
		return; /* the live screen is the screen: nothing to compare */

	for (int y = 0; y < VGA_HEIGHT - 1; y++) {
		size_t n = top_line(sb) + (size_t)y;
		for (int x = 0; x < VGA_WIDTH; x++)
			if (sb->screen[y * VGA_WIDTH + x] != line(sb, n)[x])
				panic("scrollback_check: row %d, column %d "
				      "does "
				      "not show line %zu",
				      y, x, n);
	}
	char text[VGA_WIDTH + 1];
	status_text(sb, text);
	for (int x = 0; x < VGA_WIDTH; x++)
		if (sb->screen[(VGA_HEIGHT - 1) * VGA_WIDTH + x] !=
		    (uint16_t)(STATUS_ATTR | (uint8_t)text[x]))
			panic("scrollback_check: the status line is not \"%s\"",
			      text);
}

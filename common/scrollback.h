/*
 * scrollback.h - the lines that scrolled off the top of the VGA screen,
 * kept so that the student can page back through them with the keyboard.
 *
 * A demo prints more lines than the screen has rows, and the text mode has
 * no memory of what scrolled away: without this, its first lines (the
 * stage's title) are gone in a second.  The serial port is not touched:
 * the terminal keeps its own scrollback.
 *
 * Lines are numbered from the oldest one kept (1) to the bottom row of the
 * live screen (count + VGA_HEIGHT).  `back` says how far up the view is:
 * how many kept lines it shows above the live screen's first row.
 *
 *    all the lines, oldest first               the screen, here back = 3
 *
 *           1 +-----------------+
 *         ... | the ring: lines |
 *     count-2 | that scrolled   |  ---->  row 0   line count-2
 *     count-1 | off the top     |  ---->  row 1   line count-1
 *       count |                 |  ---->  row 2   line count
 *             +-----------------+
 *     count+1 | the live screen |  ---->  row 3   line count+1
 *         ... | (saved in live  |          ...
 *    count+21 | while back > 0) |  ---->  row 23  line count+21
 *         ... |                 |         row 24  -- scrollback: lines ...
 *    count+25 +-----------------+
 *
 * back = 0 is the live screen, untouched; back = count shows line 1 at the
 * top.  While back > 0 the live screen is saved in `live`, and the VGA
 * memory shows the view: rows 0-23 are lines count - back + 1 onwards, row
 * 24 is a status line (black on grey) that says which lines those are.
 *
 * New output jumps back to the live screen first (vga.c calls
 * scrollback_show_live() before it writes): what the kernel prints is never
 * hidden behind the view, and vga.c always writes on the live screen, never
 * on the view.
 *
 * The keys (scrollback_key), all with Shift held:
 *   PgUp / PgDn    a page (23 lines: one line of the old page stays)
 *   Up / Down      a line
 *   Home / End     the oldest line kept / the live screen
 *
 * Cost: a key copies one screen (2000 cells); a line scrolling off the top
 * copies 80 cells into the ring.  What it cannot do: keep more than
 * SCROLLBACK_LINES lines (the oldest are overwritten, ring-fashion), show
 * output that arrives while scrolled back without leaving the view.
 *
 * Not locked: the console lock guards the VGA screen and this with it.
 */
#ifndef SCROLLBACK_H
#define SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyboard.h"
#include "vga.h"

#define SCROLLBACK_LINES 200 /* eight screens */
#define SCROLLBACK_PAGE (VGA_HEIGHT - 2)

struct scrollback {
	/* Past lines, cells as in VGA memory: ring[(oldest + i) %
	 * SCROLLBACK_LINES] is line i + 1, for i < count. */
	uint16_t ring[SCROLLBACK_LINES][VGA_WIDTH];
	size_t oldest; /* < SCROLLBACK_LINES; 0 until the ring is full */
	size_t count;  /* lines kept, <= SCROLLBACK_LINES */
	size_t back;   /* the view: lines above the live screen, <= count */
	/* The live screen while back > 0 (the screen holds the view). */
	uint16_t live[VGA_HEIGHT][VGA_WIDTH];
	volatile uint16_t *screen; /* VGA_HEIGHT x VGA_WIDTH cells */
};

/* Empty, showing the live screen, on `screen` (VGA memory; a test passes
 * an array of its own). */
void scrollback_init(struct scrollback *sb, volatile uint16_t *screen);

/* Keeps the screen's top row: call it just before the screen scrolls up
 * by one line.  Only while the live screen shows (back == 0). */
void scrollback_keep_top_row(struct scrollback *sb);

/* Shows the view `back` lines up (cut to 0..count); 0 is the live
 * screen.  Returns the view's `back` after the cut. */
size_t scrollback_show(struct scrollback *sb, size_t back);
/* scrollback_show(sb, 0): before anything writes to the screen. */
void scrollback_show_live(struct scrollback *sb);

/* Moves the view for a key (see the table above); returns false, and
 * does nothing, for a key it does not use. */
bool scrollback_key(struct scrollback *sb, struct key_event ev);

/* Verifies the invariants of struct scrollback, and while scrolled back
 * that the screen shows exactly the view (every cell of it); panics with
 * "scrollback_check: <reason>" naming the first one broken. */
void scrollback_check(const struct scrollback *sb);

#endif

/*
 * fbcon.h - the text screen drawn on a pixel framebuffer: what stands in
 * for VGA text mode on a UEFI machine, which has none.
 *
 * Under BIOS the VGA card draws text itself: the kernel writes a cell (a
 * character and its colours, vga.h) to 0xb8000 and the card turns it into
 * pixels with the font in its ROM.  UEFI firmware leaves the card in a
 * graphics mode and gives the loader a framebuffer: width x height pixels,
 * row after row, `pitch` bytes apart, each pixel 32 bits with red, green
 * and blue at the positions the boot information gives.  Nothing draws
 * text there but the kernel.
 *
 * So vga.c keeps its 80 x 25 cells in memory as always, and this file
 * draws them: each cell is a glyph of 8 x 16 pixels from font.h, a 1 in
 * the glyph's row bits the foreground colour, a 0 the background.
 *
 *   framebuffer (640 x 480 here)
 *   +--------------------------------------------+
 *   |   border: (480 - 400) / 2 = 40 rows above  |
 *   |  +--------------------------------------+  |
 *   |  | cell (0,0)  cell (0,1)  ...          |  |  each cell 8 x 16;
 *   |  |   ........   row 0                   |  |  glyph rows of 'A',
 *   |  |   ........   row 1                   |  |  bit 7 leftmost:
 *   |  |   ...#....   row 2 = 0x10            |  |
 *   |  |   ..###...   row 3 = 0x38            |  |
 *   |  |   .##.##..   row 4 = 0x6c            |  |
 *   |  |   ...                                |  |
 *   |  +--------------------------------------+  |  80 x 25 cells =
 *   |                                            |  640 x 400 pixels
 *   +--------------------------------------------+
 *
 * The cells are centred on a larger screen.  The cursor is a line under
 * its cell, as on the VGA: the cell's last two pixel rows in its
 * foreground colour.

 * Cost: fbcon_sync compares the cells with the copy of what it drew last
 * (4000 bytes) and draws only the cells that changed, 128 pixels each; a
 * scroll moves the pixels up one text row instead (one copy of the text
 * area) and draws the new bottom row.
 *
 * Not locked: the console lock guards vga.c's, as it guards vga.c.
 */
#ifndef FBCON_H
#define FBCON_H

#include <stdbool.h>
#include <stdint.h>

#include "font.h"
#include "multiboot2.h"
#include "vga.h"

#define FBCON_TEXT_WIDTH (VGA_WIDTH * FONT_WIDTH)    /* 640 pixels */
#define FBCON_TEXT_HEIGHT (VGA_HEIGHT * FONT_HEIGHT) /* 400 pixels */

/*
 * A framebuffer and what its pixels show (vga.c has one; a test may make
 * another on memory of its own).  Invariant, between calls: for every row
 * r with valid[r], the text area's pixels of row r are the cells
 * drawn[r][*] drawn with font.h, the cell (cursor_row, cursor_col) with
 * its underline, except that while pending_scroll > 0 they are the
 * pixels of row r + pending_scroll (the scrolls are owed: drawn, valid
 * and the cursor have moved, the pixels not yet; fbcon_sync moves them
 * first).  text == NULL: not in use.
 */
struct fbcon {
	volatile uint8_t *text; /* the top left pixel of cell (0, 0) */
	uint32_t pitch;		/* bytes from one pixel row to the next */
	uint32_t palette[16];	/* the VGA colours as this screen's pixels */
	uint16_t drawn[VGA_HEIGHT][VGA_WIDTH];
	bool valid[VGA_HEIGHT];
	int cursor_row, cursor_col; /* the underline drawn; row -1: none */
	int pending_scroll;
};

/*
 * Takes the framebuffer for the console, or says why not: returns NULL
 * when it can draw on it, else the reason, for a message ("not direct
 * RGB", "not 32 bits a pixel", "colour fields that do not fit 8 bits in
 * 32", "smaller than 640 x 400", "a pitch that is not whole rows of
 * pixels", "above 512 GiB, or larger than 1 GiB").  A framebuffer above
 * the 4 GiB boot.S maps is mapped here (identity, 2 MiB pages, uncached:
 * the firmware's memory types may not cover it there).  It paints the
 * whole framebuffer black; the text is drawn by fbcon_sync.
 */
const char *fbcon_init(struct fbcon *fc, const struct mb2_framebuffer *fb);

/*
 * Makes the pixels show `cells` (VGA_HEIGHT x VGA_WIDTH, as in VGA memory)
 * with the cursor under (cursor_row, cursor_col); cursor_row < 0 hides it.
 */
void fbcon_sync(struct fbcon *fc, const volatile uint16_t *cells,
		int cursor_row, int cursor_col);

/* Tells it the cells just scrolled up one row: it moves the pixels with
 * them, so the next sync draws only the new bottom row. */
void fbcon_scrolled(struct fbcon *fc);

/* The pixel, as the screen shows it, of the VGA colour `color` (0-15). */
uint32_t fbcon_pixel(const struct fbcon *fc, int color);

/* Verifies the invariant above after a sync: every row drawn, the cells
 * drawn are `cells`, and every pixel of the text area, read back from the
 * framebuffer, is its glyph's; panics "fbcon_check: <the first wrong>". */
void fbcon_check(const struct fbcon *fc, const volatile uint16_t *cells);

#endif

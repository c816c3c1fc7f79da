/*
 * vga.h - the screen: 80 x 25 cells of text, as VGA text mode has them.
 *
 * Under BIOS the cells are the VGA card's text memory at physical 0xb8000
 * and the card draws them.  Under UEFI there is no text mode: the cells
 * are kept in memory and fbcon.c draws them on the framebuffer with a
 * font of its own (font.h).  Either way the rest of the kernel sees the
 * same cells, colours and cursor; vga_attach picks the screen once the
 * boot information says which there is.  Until then (the first line or
 * two of kmain) the cells wait in memory and only serial shows them.
 *
 * Each cell is two bytes, the character and its colour:
 *
 *    15  12 11    8 7            0
 *   +------+-------+--------------+
 *   |  bg  |  fg   |  code point  |     (bg bit 15 = blink on some VGAs)
 *   +------+-------+--------------+
 */
#ifndef VGA_H
#define VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyboard.h"
#include "multiboot2.h"

enum vga_color {
	VGA_BLACK,
	VGA_BLUE,
	VGA_GREEN,
	VGA_CYAN,
	VGA_RED,
	VGA_MAGENTA,
	VGA_BROWN,
	VGA_LIGHT_GREY,
	VGA_DARK_GREY,
	VGA_LIGHT_BLUE,
	VGA_LIGHT_GREEN,
	VGA_LIGHT_CYAN,
	VGA_LIGHT_RED,
	VGA_PINK,
	VGA_YELLOW,
	VGA_WHITE,
};

#define VGA_WIDTH 80
#define VGA_HEIGHT 25

void vga_init(void);
/* Shows the cells on the screen the boot information names: VGA text
 * memory when it says EGA text, or nothing on a BIOS; else its
 * framebuffer (on UEFI without one, nowhere: there is no text mode).
 * Returns NULL, or why the framebuffer cannot be drawn on (fbcon_init);
 * the cells then stay in memory, unseen, and serial carries the text. */
const char *vga_attach(const struct mb2_info *mb2);
/* Whether the cells are drawn on a framebuffer (UEFI). */
bool vga_on_framebuffer(void);
void vga_set_color(enum vga_color fg, enum vga_color bg);
/* Writes text at the cursor: wraps at the right edge, scrolls at the
 * bottom, handles \n, \r, \t and \b.  Not locked: use the console. */
void vga_write(const char *s, size_t n);
/* Two code page 437 characters the VGA font draws as shades of a cell. */
#define VGA_FULL_BLOCK '\xdb'  /* the whole cell in the foreground */
#define VGA_LIGHT_SHADE '\xb0' /* a quarter of its dots */

/* Draws a bar of `width` cells at (row, col), on black: the first
 * `filled` cells full blocks in fill_color, the rest light shade in
 * empty_color, so the two parts differ in more than colour; does not
 * move the cursor. */
void vga_draw_bar(int row, int col, int width, int filled,
		  enum vga_color fill_color, enum vga_color empty_color);
/* Gives the `width` cells at (row, col) the colours colors[0..width), on
 * black, keeping their characters: a picture printed as text (the same
 * line goes to serial) is coloured on the screen.  Does not move the
 * cursor. */
void vga_recolor(int row, int col, int width, const enum vga_color *colors);
/* The cursor's row, for drawing next to what was just printed. */
int vga_cursor_row(void);

/* The screen's scrollback (scrollback.h): moves the view for a key
 * (Shift+PgUp and the others), and checks its invariants.  New text, or a
 * bar, brings the live screen back first.  Not locked: use the console. */
void vga_scrollback_key(struct key_event ev);
void vga_scrollback_check(void);
/* vga_scrollback_check, and on a framebuffer fbcon_check: every pixel of
 * the text shows its cell. */
void vga_check(void);

#endif

/* vga.c - see vga.h. */
#include "vga.h"

#include <stdbool.h>

#include "cpu.h"
#include "scrollback.h"

#define VGA_BUFFER ((volatile uint16_t *)0xb8000)

/* All screen state: reached only through the console's lock. */
static struct {
	/* the cursor: row inside the screen; col at most VGA_WIDTH, which
	 * means the row is full and the wrap waits for the next character
	 * (so a line of exactly 80 characters and its '\n' take one row) */
	int row, col;
	uint8_t color; /* attribute byte for new characters */
	/* the lines scrolled off the top; while the student looks back at
	 * them, the live screen is kept there and VGA memory shows the view */
	struct scrollback history;
} vga;

static uint16_t cell(char c, uint8_t color)
{
	return (uint16_t)((uint8_t)c | (uint16_t)color << 8);
}

/* Moves the blinking hardware cursor (CRT controller regs 0x0e/0x0f). */
static void update_hw_cursor(void)
{
	int col = vga.col < VGA_WIDTH ? vga.col : VGA_WIDTH - 1;
	uint16_t pos = (uint16_t)(vga.row * VGA_WIDTH + col);
	outb(0x3d4, 0x0f);
	outb(0x3d5, (uint8_t)(pos & 0xff));
	outb(0x3d4, 0x0e);
	outb(0x3d5, (uint8_t)(pos >> 8));
}

static void clear_row(int row)
{
	for (int x = 0; x < VGA_WIDTH; x++)
		VGA_BUFFER[row * VGA_WIDTH + x] = cell(' ', vga.color);
}

static void scroll(void)
{
	scrollback_keep_top_row(&vga.history);
	for (int i = 0; i < (VGA_HEIGHT - 1) * VGA_WIDTH; i++)
		VGA_BUFFER[i] = VGA_BUFFER[i + VGA_WIDTH];
	clear_row(VGA_HEIGHT - 1);
}

static void newline(void)
{
	vga.col = 0;
	if (vga.row == VGA_HEIGHT - 1)
		scroll();
	else
		vga.row++;
}

void vga_set_color(enum vga_color fg, enum vga_color bg)
{
	vga.color = (uint8_t)(fg | bg << 4);
}

void vga_init(void)
{
	scrollback_init(&vga.history, VGA_BUFFER);
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	for (int y = 0; y < VGA_HEIGHT; y++)
		clear_row(y);
	vga.row = vga.col = 0;
	update_hw_cursor();
}

static void putc_raw(char c)
{
	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		vga.col = 0;
		return;
	case '\t':
		do
			putc_raw(' ');
		while (vga.col % 8 != 0);
		return;
	case '\b':
		if (vga.col > 0)
			vga.col--;
		return;
	}
	if (vga.col == VGA_WIDTH)
		newline();
	VGA_BUFFER[vga.row * VGA_WIDTH + vga.col++] = cell(c, vga.color);
}

void vga_write(const char *s, size_t n)
{
	scrollback_show_live(&vga.history); /* new text: back to the bottom */
	for (size_t i = 0; i < n; i++)
		putc_raw(s[i]);
	update_hw_cursor();
}

void vga_draw_bar(int row, int col, int width, int filled,
		  enum vga_color fill_color, enum vga_color empty_color)
{
	if (row < 0 || row >= VGA_HEIGHT)
		return;
	scrollback_show_live(&vga.history);
	for (int i = 0; i < width && col + i < VGA_WIDTH; i++) {
		/* not by colour alone (a red-green colour-blind student sees
		 * one colour): filled cells are solid blocks, empty ones light
		 * shade, on black */
		bool full = i < filled;
		enum vga_color c = full ? fill_color : empty_color;
		VGA_BUFFER[row * VGA_WIDTH + col + i] =
			cell(full ? VGA_FULL_BLOCK : VGA_LIGHT_SHADE,
			     (uint8_t)(VGA_BLACK << 4 | c));
	}
}

void vga_recolor(int row, int col, int width, const enum vga_color *colors)
{
	if (row < 0 || row >= VGA_HEIGHT)
		return;
	scrollback_show_live(&vga.history);
	for (int i = 0; i < width && col + i < VGA_WIDTH; i++) {
		volatile uint16_t *c = &VGA_BUFFER[row * VGA_WIDTH + col + i];
		*c = cell((char)(*c & 0xff), (uint8_t)(VGA_BLACK << 4 | colors[i]));
	}
}

int vga_cursor_row(void)
{
	return vga.row;
}

void vga_scrollback_key(struct key_event ev)
{
	scrollback_key(&vga.history, ev);
}

void vga_scrollback_check(void)
{
	scrollback_check(&vga.history);
}

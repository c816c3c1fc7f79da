/* vga.c - see vga.h. */
#include "vga.h"

#include <stdbool.h>

#include "cpu.h"
#include "fbcon.h"
#include "scrollback.h"

#define VGA_TEXT_MEMORY ((volatile uint16_t *)0xb8000)

/* The cells until vga_attach knows the screen, and for good when the
 * screen is a framebuffer (fbcon.c draws them from here). */
static uint16_t cells_in_memory[VGA_HEIGHT * VGA_WIDTH];

/* All screen state: reached only through the console's lock. */
static struct {
	/* the cells: VGA text memory, or cells_in_memory */
	volatile uint16_t *cells;
	enum { SCREEN_NONE, SCREEN_TEXT, SCREEN_FRAMEBUFFER } screen;
	struct fbcon fb; /* in use when screen is SCREEN_FRAMEBUFFER */
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

/* Makes the screen show the cells and the cursor: on a framebuffer,
 * fbcon draws what changed; in text mode the card draws the cells itself,
 * and only its blinking cursor is moved (CRT controller regs 0x0e/0x0f). */
static void present(void)
{
	if (vga.screen == SCREEN_FRAMEBUFFER) {
		int c = vga.col < VGA_WIDTH ? vga.col : VGA_WIDTH - 1;
		fbcon_sync(&vga.fb, vga.cells, vga.row, c);
		return;
	}
	if (vga.screen != SCREEN_TEXT)
		return;
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
		vga.cells[row * VGA_WIDTH + x] = cell(' ', vga.color);
}

static void scroll(void)
{
	scrollback_keep_top_row(&vga.history);
	for (int i = 0; i < (VGA_HEIGHT - 1) * VGA_WIDTH; i++)
		vga.cells[i] = vga.cells[i + VGA_WIDTH];
	clear_row(VGA_HEIGHT - 1);
	if (vga.screen == SCREEN_FRAMEBUFFER)
		fbcon_scrolled(&vga.fb);
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
	vga.cells = cells_in_memory;
	vga.screen = SCREEN_NONE;
	scrollback_init(&vga.history, vga.cells);
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	for (int y = 0; y < VGA_HEIGHT; y++)
		clear_row(y);
	vga.row = vga.col = 0;
	present();
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
	vga.cells[vga.row * VGA_WIDTH + vga.col++] = cell(c, vga.color);
}

void vga_write(const char *s, size_t n)
{
	scrollback_show_live(&vga.history); /* new text: back to the bottom */
	for (size_t i = 0; i < n; i++)
		putc_raw(s[i]);
	present();
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
		vga.cells[row * VGA_WIDTH + col + i] =
			cell(full ? VGA_FULL_BLOCK : VGA_LIGHT_SHADE,
			     (uint8_t)(VGA_BLACK << 4 | c));
	}
	present();
}

void vga_recolor(int row, int col, int width, const enum vga_color *colors)
{
	if (row < 0 || row >= VGA_HEIGHT)
		return;
	scrollback_show_live(&vga.history);
	for (int i = 0; i < width && col + i < VGA_WIDTH; i++) {
		volatile uint16_t *c = &vga.cells[row * VGA_WIDTH + col + i];
		*c = cell((char)(*c & 0xff),
			  (uint8_t)(VGA_BLACK << 4 | colors[i]));
	}
	present();
}

int vga_cursor_row(void)
{
	return vga.row;
}

void vga_scrollback_key(struct key_event ev)
{
	if (scrollback_key(&vga.history, ev))
		present();
}

void vga_scrollback_check(void)
{
	scrollback_check(&vga.history);
}

/* The cells written so far, to wherever the screen keeps them. */
static void move_cells(volatile uint16_t *to)
{
	for (int i = 0; i < VGA_HEIGHT * VGA_WIDTH; i++)
		to[i] = vga.cells[i];
	vga.cells = to;
	scrollback_init(&vga.history, to);
}

const char *vga_attach(const struct mb2_info *mb2)
{
	const struct mb2_framebuffer *f = &mb2->framebuffer;
	if (!mb2->has_framebuffer && mb2->booted_on_uefi)
		return "UEFI gave no framebuffer";
	if (!mb2->has_framebuffer || f->type == MB2_FB_EGA_TEXT) {
		/* BIOS: text mode (a loader that says nothing leaves it so) */
		move_cells(VGA_TEXT_MEMORY);
		vga.screen = SCREEN_TEXT;
	} else {
		const char *why = fbcon_init(&vga.fb, f);
		if (why != NULL)
			return why;
		vga.screen = SCREEN_FRAMEBUFFER;
	}
	present();
	return NULL;
}

bool vga_on_framebuffer(void)
{
	return vga.screen == SCREEN_FRAMEBUFFER;
}

void vga_check(void)
{
	scrollback_check(&vga.history);
	if (vga.screen == SCREEN_FRAMEBUFFER)
		fbcon_check(&vga.fb, vga.cells);
}

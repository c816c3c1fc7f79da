/* fbcon.c - see fbcon.h. */
#include "fbcon.h"

#include <stddef.h>

#include "font.h"
#include "panic.h"
#include "vga.h"

#define CURSOR_ROWS 2 /* the underline: the glyph's last two pixel rows */

/* The 16 VGA colours as the card's default palette makes them (0-255). */
static const uint8_t vga_rgb[16][3] = {
	{0x00, 0x00, 0x00}, {0x00, 0x00, 0xaa}, {0x00, 0xaa, 0x00},
	{0x00, 0xaa, 0xaa}, {0xaa, 0x00, 0x00}, {0xaa, 0x00, 0xaa},
	{0xaa, 0x55, 0x00}, {0xaa, 0xaa, 0xaa}, {0x55, 0x55, 0x55},
	{0x55, 0x55, 0xff}, {0x55, 0xff, 0x55}, {0x55, 0xff, 0xff},
	{0xff, 0x55, 0x55}, {0xff, 0x55, 0xff}, {0xff, 0xff, 0x55},
	{0xff, 0xff, 0xff},
};

/* Page directories for a framebuffer above the 4 GiB boot.S maps: two,
 * so that one of up to 1 GiB may cross a 1 GiB boundary; each is handed
 * out once, to the first GiB that needs it. */
static uint64_t high_pd[2][512] __attribute__((aligned(4096)));
static unsigned high_pds_used;
extern uint64_t boot_pdpt[512]; /* boot.S: PML4 entry 0, 0 - 512 GiB */

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_WRITE_THROUGH (1ull << 3)
#define PTE_NO_CACHE (1ull << 4)
#define PTE_HUGE (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull
#define GIB (1ull << 30)
#define MIB2 (2ull << 20)

/* The page directory for GiB g: the one there, or a new one; NULL when
 * a 1 GiB page is there, or both directories are taken. */
static uint64_t *high_pd_for(unsigned g)
{
	if (boot_pdpt[g] & PTE_PRESENT) {
		if (boot_pdpt[g] & PTE_HUGE)
			return NULL;
		return (uint64_t *)(uintptr_t)(boot_pdpt[g] & PTE_ADDR);
	}
	if (high_pds_used == 2)
		return NULL;
	uint64_t *pd = high_pd[high_pds_used++];
	boot_pdpt[g] = (uint64_t)(uintptr_t)pd | PTE_PRESENT | PTE_WRITABLE;
	return pd;
}

/* Identity-maps [start, end) with 2 MiB pages, uncached (a device's
 * memory that the firmware's MTRRs may not cover up there); false if it
 * cannot. */
static bool map_high(uint64_t start, uint64_t end)
{
	if (end > 512 * GIB || end - start > GIB)
		return false;
	for (uint64_t a = start & ~(MIB2 - 1); a < end; a += MIB2) {
		uint64_t *pd = high_pd_for((unsigned)(a / GIB));
		if (pd == NULL)
			return false;
		pd[(a / MIB2) % 512] = a | PTE_PRESENT | PTE_WRITABLE |
				       PTE_HUGE | PTE_WRITE_THROUGH |
				       PTE_NO_CACHE;
	}
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::
				 : "rax", "memory");
	return true;
}

/* A colour of 8 bits per primary, shifted into this screen's fields. */
static uint32_t pack(const struct mb2_framebuffer *f, const uint8_t rgb[3])
{
	return (uint32_t)(rgb[0] >> (8 - f->red_size)) << f->red_pos |
	       (uint32_t)(rgb[1] >> (8 - f->green_size)) << f->green_pos |
	       (uint32_t)(rgb[2] >> (8 - f->blue_size)) << f->blue_pos;
}

const char *fbcon_init(struct fbcon *fc, const struct mb2_framebuffer *f)
{
	if (f->type != MB2_FB_RGB)
		return "not direct RGB";
	if (f->bpp != 32)
		return "not 32 bits a pixel";
	if (f->red_size > 8 || f->green_size > 8 || f->blue_size > 8 ||
	    f->red_pos + f->red_size > 32 ||
	    f->green_pos + f->green_size > 32 ||
	    f->blue_pos + f->blue_size > 32)
		return "colour fields that do not fit 8 bits in 32";
	if (f->width < FBCON_TEXT_WIDTH || f->height < FBCON_TEXT_HEIGHT)
		return "smaller than 640 x 400";
	if (f->pitch < (uint64_t)f->width * 4 || f->pitch % 4 != 0)
		return "a pitch that is not whole rows of pixels";
	uint64_t end = f->addr + (uint64_t)f->pitch * f->height;
	if (end > 4 * GIB && !map_high(f->addr, end))
		return "above 512 GiB, or larger than 1 GiB";

	uint32_t x0 = (f->width - FBCON_TEXT_WIDTH) / 2;
	uint32_t y0 = (f->height - FBCON_TEXT_HEIGHT) / 2;
	fc->text = (volatile uint8_t *)(uintptr_t)f->addr +
		   (uint64_t)y0 * f->pitch + x0 * 4;
	fc->pitch = f->pitch;
	for (int c = 0; c < 16; c++)
		fc->palette[c] = pack(f, vga_rgb[c]);
	/* The border: black, once (GRUB may have left its own text). */
	volatile uint8_t *first = (volatile uint8_t *)(uintptr_t)f->addr;
	for (uint32_t y = 0; y < f->height; y++) {
		volatile uint32_t *row =
			(volatile uint32_t *)(first + (uint64_t)y * f->pitch);
		for (uint32_t x = 0; x < f->width; x++)
			row[x] = fc->palette[VGA_BLACK];
	}
	for (int r = 0; r < VGA_HEIGHT; r++)
		fc->valid[r] = false;
	fc->cursor_row = -1;
	fc->pending_scroll = 0;
	return NULL;
}

uint32_t fbcon_pixel(const struct fbcon *fc, int color)
{
	return fc->palette[color & 15];
}

static volatile uint32_t *pixel_row(const struct fbcon *fc, int row, int col,
				    int y)
{
	return (volatile uint32_t *)(fc->text +
				     (size_t)(row * FONT_HEIGHT + y) *
					     fc->pitch) +
	       col * FONT_WIDTH;
}

/* Pixel (x, y) of a cell as the screen shows it: the glyph's bit in the
 * foreground or the background colour; under the cursor, the last two
 * pixel rows all foreground (the underline). */
static uint32_t cell_pixel(const struct fbcon *fc, uint16_t cell, int x, int y,
			   bool cursor)
{
	uint8_t bits = font_8x16[cell & 0xff][y];
	if (cursor && y >= FONT_HEIGHT - CURSOR_ROWS)
		bits = 0xff;
	return fc->palette[bits & (0x80 >> x) ? (cell >> 8) & 15 : cell >> 12];
}

static void draw_cell(struct fbcon *fc, int row, int col, uint16_t cell,
		      bool cursor)
{
	for (int y = 0; y < FONT_HEIGHT; y++) {
		volatile uint32_t *px = pixel_row(fc, row, col, y);
		for (int x = 0; x < FONT_WIDTH; x++)
			px[x] = cell_pixel(fc, cell, x, y, cursor);
	}
}

/* Moves the text area's pixels up n text rows, a pixel at a time; the
 * bottom n rows are left as they were (their cells no longer valid). */
static void move_pixels_up(struct fbcon *fc, int n)
{
	for (int y = 0; y < (VGA_HEIGHT - n) * FONT_HEIGHT; y++) {
		volatile uint32_t *dst =
			pixel_row(fc, 0, 0, 0) + (size_t)y * fc->pitch / 4;
		volatile uint32_t *src =
			dst + (size_t)n * FONT_HEIGHT * fc->pitch / 4;
		for (int x = 0; x < FBCON_TEXT_WIDTH; x++)
			dst[x] = src[x];
	}
}

void fbcon_scrolled(struct fbcon *fc)
{
	for (int r = 0; r + 1 < VGA_HEIGHT; r++) {
		for (int c = 0; c < VGA_WIDTH; c++)
			fc->drawn[r][c] = fc->drawn[r + 1][c];
		fc->valid[r] = fc->valid[r + 1];
	}
	fc->valid[VGA_HEIGHT - 1] = false;
	if (fc->cursor_row >= 0)
		fc->cursor_row--; /* its underline moves up with the pixels */
	fc->pending_scroll++;
}

void fbcon_sync(struct fbcon *fc, const volatile uint16_t *cells,
		int cursor_row, int cursor_col)
{
	if (fc->text == NULL)
		return;
	if (fc->pending_scroll >= VGA_HEIGHT) {
		for (int r = 0; r < VGA_HEIGHT; r++)
			fc->valid[r] = false; /* everything moved off: redraw */
	} else if (fc->pending_scroll > 0) {
		move_pixels_up(fc, fc->pending_scroll);
	}
	fc->pending_scroll = 0;
	for (int r = 0; r < VGA_HEIGHT; r++)
		for (int c = 0; c < VGA_WIDTH; c++) {
			uint16_t cell = cells[r * VGA_WIDTH + c];
			bool was = r == fc->cursor_row && c == fc->cursor_col;
			bool is = r == cursor_row && c == cursor_col;
			if (fc->valid[r] && fc->drawn[r][c] == cell &&
			    was == is)
				continue;
			draw_cell(fc, r, c, cell, is);
			fc->drawn[r][c] = cell;
		}
	for (int r = 0; r < VGA_HEIGHT; r++)
		fc->valid[r] = true;
	fc->cursor_row = cursor_row;
	fc->cursor_col = cursor_col;
}

/* Every pixel of cell (r, c) read back against what it must show. */
static void check_cell(const struct fbcon *fc, int r, int c)
{
	uint16_t cell = fc->drawn[r][c];
	bool cursor = r == fc->cursor_row && c == fc->cursor_col;
	for (int y = 0; y < FONT_HEIGHT; y++) {
		volatile uint32_t *px = pixel_row(fc, r, c, y);
		for (int x = 0; x < FONT_WIDTH; x++)
			ASSERT(px[x] == cell_pixel(fc, cell, x, y, cursor),
			       "fbcon_check: pixel (%d, %d) of cell (%d, %d) "
			       "is 0x%x",
			       x, y, r, c, px[x]);
	}
}

void fbcon_check(const struct fbcon *fc, const volatile uint16_t *cells)
{
	if (fc->text == NULL)
		return;
	ASSERT(fc->pending_scroll == 0, "fbcon_check: a scroll not drawn");
	for (int r = 0; r < VGA_HEIGHT; r++) {
		ASSERT(fc->valid[r], "fbcon_check: row %d not drawn", r);
		for (int c = 0; c < VGA_WIDTH; c++) {
			ASSERT(fc->drawn[r][c] == cells[r * VGA_WIDTH + c],
			       "fbcon_check: cell (%d, %d) not synced", r, c);
			check_cell(fc, r, c);
		}
	}
}

// sources: common/fbcon.c
// stage: 1
/*
 * test_fbcon.c - the framebuffer console (common/fbcon.c) drawing on a
 * framebuffer in memory: 640 x 400 pixels of 32 bits, as a UEFI loader
 * would describe one, mapped at a fixed address below 4 GiB (fbcon takes
 * the framebuffer's physical address as its own, as the kernel's identity
 * map lets it).
 *
 * The font is the test's own, every glyph row a different pattern, so a
 * pixel drawn from the wrong glyph, row or column shows.  The real font
 * (font.c, made from a console font at build time) is checked where it
 * is drawn: on a screenshot of a UEFI boot (tests/scripts/uefi_screens.py).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "fbcon.h"
#include "font.h"
#include "harness.h"

#define W FBCON_TEXT_WIDTH
#define H FBCON_TEXT_HEIGHT
#define FB_AT 0x40000000ul /* 1 GiB: below 4 GiB, where ASan has no shadow */

/* Glyph row y of byte c: a pattern of its own for every (c, y). */
#define ROW(c, y) (uint8_t)((c)*37 + (y)*11 + 1)
#define GLYPH(c)                                                               \
	{                                                                      \
		ROW(c, 0), ROW(c, 1), ROW(c, 2), ROW(c, 3), ROW(c, 4),         \
			ROW(c, 5), ROW(c, 6), ROW(c, 7), ROW(c, 8), ROW(c, 9), \
			ROW(c, 10), ROW(c, 11), ROW(c, 12), ROW(c, 13),        \
			ROW(c, 14), ROW(c, 15)                                 \
	}
#define G4(c) GLYPH(c), GLYPH(c + 1), GLYPH(c + 2), GLYPH(c + 3)
#define G16(c) G4(c), G4(c + 4), G4(c + 8), G4(c + 12)
#define G64(c) G16(c), G16(c + 16), G16(c + 32), G16(c + 48)
const uint8_t font_8x16[256][FONT_HEIGHT] = {G64(0), G64(64), G64(128),
					     G64(192)};
uint64_t boot_pdpt[512]; /* fbcon maps a framebuffer above 4 GiB here */

static uint32_t (*pixels)[W]; /* [H][W], at FB_AT */
static struct fbcon fc;
static uint16_t cells[VGA_HEIGHT * VGA_WIDTH];

/* GOP's usual layout: blue in the low byte, red in the third. */
static struct mb2_framebuffer fake(void)
{
	if (pixels == NULL) {
		void *p =
			mmap((void *)FB_AT, (size_t)W * H * 4,
			     PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0);
		CHECK(p == (void *)FB_AT);
		pixels = p;
	}
	return mb2_framebuffer_bgrx(FB_AT, W, H);
}

static uint16_t cell(uint8_t c, enum vga_color fg, enum vga_color bg)
{
	return (uint16_t)(c | fg << 8 | bg << 12);
}

static void fill(enum vga_color fg)
{
	for (int i = 0; i < VGA_HEIGHT * VGA_WIDTH; i++)
		cells[i] = cell((uint8_t)(i * 7), fg, VGA_BLACK);
}

/* Pixel x, y of cell (row, col) as it must be: its glyph's bit. */
static uint32_t expected(int row, int col, int x, int y, bool cursor)
{
	uint16_t c = cells[row * VGA_WIDTH + col];
	uint8_t bits = cursor && y >= 14 ? 0xff : font_8x16[c & 0xff][y];
	return fbcon_pixel(&fc, bits & (0x80 >> x) ? (c >> 8) & 15 : c >> 12);
}

TEST(draws_each_glyph_bit_in_its_colours)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_LIGHT_GREY);
	cells[0] = cell('A', VGA_YELLOW, VGA_BLUE);
	fbcon_sync(&fc, cells, -1, 0);
	for (int y = 0; y < FONT_HEIGHT; y++)
		for (int x = 0; x < 8; x++)
			CHECK_EQ(pixels[y][x], expected(0, 0, x, y, false));
	/* the VGA palette in GOP's layout */
	CHECK_EQ(fbcon_pixel(&fc, VGA_BLUE), 0x0000aa);
	CHECK_EQ(fbcon_pixel(&fc, VGA_YELLOW), 0xffff55);
	CHECK_EQ(fbcon_pixel(&fc, VGA_BROWN), 0xaa5500);
	/* and every other pixel of the screen */
	fbcon_check(&fc, cells);
}

TEST(colour_fields_follow_the_boot_information)
{
	struct mb2_framebuffer f = fake();
	f.red_pos = 0, f.blue_pos = 16; /* RGBX instead of BGRX */
	f.green_size = 6, f.green_pos = 10;
	CHECK(fbcon_init(&fc, &f) == NULL);
	CHECK_EQ(fbcon_pixel(&fc, VGA_LIGHT_RED),
		 0x55u << 16 | (0x55u >> 2) << 10 | 0xffu);
}

TEST(draws_only_what_changed)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_CYAN);
	fbcon_sync(&fc, cells, -1, 0);
	/* a pixel fbcon believes is right stays as it is: proof that an
	 * unchanged cell is not drawn again */
	pixels[100][100] = 0x123456;
	cells[0] = cell('x', VGA_WHITE, VGA_BLACK);
	fbcon_sync(&fc, cells, -1, 0);
	CHECK_EQ(pixels[100][100], 0x123456);
	CHECK_EQ(pixels[0][0], expected(0, 0, 0, 0, false));
}

TEST(scrolls_by_moving_pixels_and_the_cursor_follows)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_LIGHT_GREEN);
	fbcon_sync(&fc, cells, 24, 5);
	CHECK_EQ(pixels[24 * 16 + 15][5 * 8],
		 fbcon_pixel(&fc, VGA_LIGHT_GREEN));
	for (int k = 0; k < 3; k++) { /* three scrolls as vga.c makes them */
		memmove(cells, cells + VGA_WIDTH,
			(VGA_HEIGHT - 1) * VGA_WIDTH * sizeof cells[0]);
		for (int i = 0; i < VGA_WIDTH; i++)
			cells[(VGA_HEIGHT - 1) * VGA_WIDTH + i] =
				cell(k == 2 && i < 3 ? '>' : ' ', VGA_WHITE,
				     VGA_BLACK);
		fbcon_scrolled(&fc);
	}
	fbcon_sync(&fc, cells, 24, 3);
	fbcon_check(&fc, cells);    /* every pixel, the cursor's too */
	for (int x = 0; x < 8; x++) /* the old underline scrolled off */
		CHECK_EQ(pixels[21 * 16 + 15][5 * 8 + x],
			 expected(21, 5, x, 15, false));
}

TEST(a_whole_screen_of_scrolling_is_redrawn)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_PINK);
	fbcon_sync(&fc, cells, 0, 0);
	for (int k = 0; k < VGA_HEIGHT + 2; k++)
		fbcon_scrolled(&fc);
	fill(VGA_BROWN);
	fbcon_sync(&fc, cells, 3, 3);
	fbcon_check(&fc, cells);
}

TEST(check_sees_a_wrong_pixel)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_CYAN);
	fbcon_sync(&fc, cells, 0, 0);
	pixels[2 * 16 + 7][10 * 8 + 4] = 0x123456;
	EXPECT_PANIC("fbcon_check: pixel (4, 7) of cell (2, 10) is 0x123456",
		     fbcon_check(&fc, cells));
}

TEST(check_sees_a_cell_not_drawn)
{
	struct mb2_framebuffer f = fake();
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_CYAN);
	fbcon_sync(&fc, cells, 0, 0);
	cells[VGA_WIDTH + 2] ^= 1;
	EXPECT_PANIC("fbcon_check: cell (1, 2) not synced",
		     fbcon_check(&fc, cells));
}

TEST(refuses_what_it_cannot_draw)
{
	struct mb2_framebuffer f = fake();
	f.type = MB2_FB_EGA_TEXT;
	CHECK_STR_EQ(fbcon_init(&fc, &f), "not direct RGB");
	f = fake();
	f.bpp = 24;
	CHECK_STR_EQ(fbcon_init(&fc, &f), "not 32 bits a pixel");
	f = fake();
	f.green_size = 9;
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "colour fields that do not fit 8 bits in 32");
	f = fake();
	f.red_pos = 28; /* 28 + 8 > 32 */
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "colour fields that do not fit 8 bits in 32");
	f = fake();
	f.height = H - 1;
	CHECK_STR_EQ(fbcon_init(&fc, &f), "smaller than 640 x 400");
	f = fake();
	f.pitch = W * 4 - 4;
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "a pitch that is not whole rows of pixels");
	f = fake();
	f.pitch = W * 4 + 2;
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "a pitch that is not whole rows of pixels");
	f = fake();
	f.addr = 600ull << 30;
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "above 512 GiB, or larger than 1 GiB");
	f = fake();
	f.addr = 8ull << 30;
	f.height = (1u << 30) / f.pitch + 1; /* more than 1 GiB of rows */
	CHECK_STR_EQ(fbcon_init(&fc, &f),
		     "above 512 GiB, or larger than 1 GiB");
	for (int i = 0; i < 512; i++) /* refused before any mapping */
		CHECK_EQ(boot_pdpt[i], 0);
}

/* A screen larger than the text, with rows longer than their pixels (a
 * pitch with padding, as real cards have), mapped 8 MiB past the other:
 * the text is centred, the border is black, and no byte of the padding
 * is written. */
TEST(centres_the_text_and_keeps_off_the_padding)
{
	enum { BW = 800, BH = 600, PITCH = BW * 4 + 256 };
	void *p =
		mmap((void *)(FB_AT + (8ul << 20)), (size_t)BH * PITCH,
		     PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(p == (void *)(FB_AT + (8ul << 20)));
	memset(p, 0x77, (size_t)BH * PITCH);
	uint8_t(*fbp)[PITCH] = p;
	struct mb2_framebuffer f = fake();
	f.addr = (uint64_t)(uintptr_t)p;
	f.width = BW, f.height = BH, f.pitch = PITCH;
	CHECK(fbcon_init(&fc, &f) == NULL);
	fill(VGA_WHITE);
	cells[0] = cell('A', VGA_YELLOW, VGA_BLUE);
	fbcon_sync(&fc, cells, -1, 0);
	fbcon_check(&fc, cells);
	int x0 = (BW - W) / 2, y0 = (BH - H) / 2; /* 80, 100 */
	uint32_t px;
	memcpy(&px, &fbp[y0][x0 * 4], 4); /* cell (0, 0)'s first pixel */
	CHECK_EQ(px, expected(0, 0, 0, 0, false));
	memcpy(&px, &fbp[y0 + 3][(x0 + 2) * 4], 4); /* row 3, pixel 2 */
	CHECK_EQ(px, expected(0, 0, 2, 3, false));
	memcpy(&px, &fbp[y0 - 1][x0 * 4], 4); /* the border above: black */
	CHECK_EQ(px, 0);
	for (int y = 0; y < BH; y++)
		for (int b = BW * 4; b < PITCH; b++)
			CHECK_EQ(fbp[y][b], 0x77); /* the padding untouched */
	munmap(p, (size_t)BH * PITCH);
}

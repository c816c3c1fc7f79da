/*
 * font.h - the 8 x 16 font the framebuffer console draws with (fbcon.c).
 *
 * The VGA card has its font in ROM; a framebuffer has none, so the kernel
 * carries one: 256 glyphs in code page 437 order, the VGA's, so that a
 * byte means the same picture on both screens (0xdb the full block of the
 * heap bar, 0xb0 its light shade).  Glyph row y of byte c is
 * font_8x16[c][y], bit 7 the leftmost pixel:
 *
 *   'A' (0x41)   row  bits      byte
 *                 2   ...#....  0x10
 *                 3   ..###...  0x38
 *                 4   .##.##..  0x6c
 *                 5   ##...##.  0xc6
 *                ...
 *
 * font.c is not in the tree: scripts/consolefont.py writes it at build
 * time from a Linux console font (where it comes from, and its licence,
 * are at the top of that script and of the file it writes).
 */
#ifndef FONT_H
#define FONT_H

#include <stdint.h>

#define FONT_WIDTH 8
#define FONT_HEIGHT 16

extern const uint8_t font_8x16[256][FONT_HEIGHT];

#endif

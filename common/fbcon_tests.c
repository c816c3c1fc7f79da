/*
 * fbcon_tests.c - the framebuffer console in the kernel.
 *
 * On a UEFI boot (the `uefi` runs of make test) the console's screen is a
 * framebuffer, and vga_check reads back every pixel of the text and
 * compares it with the glyph of its cell (fbcon_check).  Under BIOS it
 * checks the scrollback only: the VGA card draws the cells itself.  The
 * drawing code on its own (glyphs, colours, scrolling, the cursor) is
 * tested on the host, on a framebuffer in memory (tests/host/
 * test_fbcon.c); a demo's whole screen, scrolled many times, against its
 * BIOS screen by tests/scripts/uefi_screens.py.
 */
#include "console.h"
#include "fbcon.h"
#include "kernel.h"
#include "ktest.h"

KTEST(screen_shows_its_cells)
{
	kprintf("%s\n", vga_on_framebuffer()
				? "framebuffer: every pixel checked"
				: "VGA text: the card draws it");
	vga_check();
}

/*
 * A framebuffer above 4 GiB, which boot.S does not map: fbcon_init maps
 * it (fbcon.c, map_high).  No machine of the course's has one, so the
 * test makes one of RAM: the last 1000 KiB of memory above 4 GiB, where
 * the frame allocator (lowest frames first) has not been.  Only on a
 * machine with that much memory (make test's -m 4G runs); elsewhere it
 * says so and checks nothing.
 */
KTEST(screen_above_4_gib_is_mapped)
{
	const uint64_t size =
		(uint64_t)FBCON_TEXT_WIDTH * 4 * FBCON_TEXT_HEIGHT;
	const struct mb2_info *mb2 = &ktest_boot_info()->mb2;
	uint64_t top = 0;
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_get(mb2, i, &e); i++)
		if (e.type == MB2_MEM_AVAILABLE && e.base >= (4ull << 30) &&
		    e.length >= size + (2ull << 20) && e.base + e.length > top)
			top = e.base + e.length;
	if (top == 0) {
		kprintf("no memory above 4 GiB here\n");
		return;
	}
	static struct fbcon fc;
	static uint16_t cells[VGA_HEIGHT * VGA_WIDTH];
	struct mb2_framebuffer f = {
		.addr = (top - size) & ~0xfffull,
		.pitch = FBCON_TEXT_WIDTH * 4,
		.width = FBCON_TEXT_WIDTH,
		.height = FBCON_TEXT_HEIGHT,
		.bpp = 32,
		.type = MB2_FB_RGB,
		.red_pos = 16,
		.red_size = 8,
		.green_pos = 8,
		.green_size = 8,
		.blue_pos = 0,
		.blue_size = 8,
	};
	KT_ASSERT(fbcon_init(&fc, &f) == NULL);
	for (int i = 0; i < VGA_HEIGHT * VGA_WIDTH; i++)
		cells[i] = (uint16_t)(('a' + i % 26) | (VGA_LIGHT_CYAN + i % 2)
							       << 8);
	fbcon_sync(&fc, cells, 7, 7);
	fbcon_check(&fc, cells); /* read back through the new mapping */
	kprintf("0x%lx: mapped, drawn, read back\n", f.addr);
}

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
 * test makes one of RAM above 4 GiB, high in the highest region, where
 * the frame allocator (lowest frames first) has not been: across a 1 GiB
 * boundary when the region has one inside (make test's -m 8G run), so
 * that both of map_high's page directories are used; else its last 1000
 * KiB (the -m 4G runs).  Elsewhere it says there is no such memory and
 * checks nothing.
 */
#define GIB (1ull << 30)

/* Where to put `size` bytes in [base, end): across the highest 1 GiB
 * boundary inside it if one leaves room on both sides, else at its end;
 * 0 if it does not fit above 4 GiB. */
static uint64_t high_place(uint64_t base, uint64_t end, uint64_t size)
{
	if (base < 4 * GIB || end - base < size + (2ull << 20))
		return 0;
	uint64_t across = ((end - size / 2) & ~(GIB - 1)) - size / 2;
	if (across > base && across + size <= end)
		return across & ~0xfffull;
	return (end - size) & ~0xfffull;
}

KTEST(screen_above_4_gib_is_mapped)
{
	const uint64_t size =
		(uint64_t)FBCON_TEXT_WIDTH * 4 * FBCON_TEXT_HEIGHT;
	const struct mb2_info *mb2 = &ktest_boot_info()->mb2;
	uint64_t addr = 0;
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_get(mb2, i, &e); i++) {
		uint64_t a =
			e.type == MB2_MEM_AVAILABLE
				? high_place(e.base, e.base + e.length, size)
				: 0;
		if (a > addr)
			addr = a;
	}
	if (addr == 0) {
		kprintf("no memory above 4 GiB here\n");
		return;
	}
	static struct fbcon fc;
	static uint16_t cells[VGA_HEIGHT * VGA_WIDTH];
	struct mb2_framebuffer f =
		mb2_framebuffer_bgrx(addr, FBCON_TEXT_WIDTH, FBCON_TEXT_HEIGHT);
	KT_ASSERT(fbcon_init(&fc, &f) == NULL);
	for (int i = 0; i < VGA_HEIGHT * VGA_WIDTH; i++)
		cells[i] = (uint16_t)(('a' + i % 26) | (VGA_LIGHT_CYAN + i % 2)
							       << 8);
	fbcon_sync(&fc, cells, 7, 7);
	fbcon_check(&fc, cells); /* read back through the new mapping */
	/* mapped, drawn and read back: say where */
	kprintf("at 0x%lx%s\n", f.addr,
		(f.addr + size - 1) / GIB != f.addr / GIB ? ", across a GiB"
							  : "");
}

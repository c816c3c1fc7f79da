/*
 * kmain.c - the C entry point, called by boot.S in 64-bit mode.
 */
#include <stdint.h>

#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "idt.h"
#include "kernel.h"
#include "keyboard.h"
#include "panic.h"

#ifndef STAGE_TITLE
#define STAGE_TITLE "the common core"
#endif

/* The boot information GRUB leaves is small (a few hundred bytes); this is
 * only an upper bound on what the parser may read before it has checked
 * the structure's own size. */
#define MB2_MAX_SIZE (64 * 1024)

static struct boot_info boot;

/* The screen, once the boot information says which there is (vga.h):
 * silent on VGA text; a framebuffer (UEFI) is named, as is one that
 * cannot be drawn on. */
static void attach_screen(const struct mb2_info *mb2)
{
	const struct mb2_framebuffer *f = &mb2->framebuffer;
	const char *why = vga_attach(mb2);
	if (why != NULL)
		kprintf("screen: none to draw on (%s); serial only\n", why);
	else if (vga_on_framebuffer())
		kprintf("screen: a %u x %u framebuffer at 0x%lx, the text "
			"drawn with an 8x16 font\n",
			f->width, f->height, f->addr);
}

void kmain(uint32_t magic, uint32_t mb2_phys);
void kmain(uint32_t magic, uint32_t mb2_phys)
{
	console_init();
	gdt_init();
	idt_init();

	kprintf_color(VGA_YELLOW, "== %s ==\n", STAGE_TITLE);

	/* boot.S already refused a wrong magic; this is a second line of
	 * defence should someone call kmain differently. */
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("kmain: bad multiboot2 magic 0x%x", magic);
	enum mb2_error err = mb2_parse((const void *)(uintptr_t)mb2_phys,
				       MB2_MAX_SIZE, &boot.mb2);
	if (err != MB2_OK)
		panic("multiboot2 information refused: %s", mb2_error_str(err));
	boot.mb2_phys = mb2_phys;
	attach_screen(&boot.mb2);

	kernel_init(&boot);
	kernel_main(&boot);
	kprintf("kernel_main returned: halting.\n");
	/* Halted, but not deaf: a demo prints more lines than the screen
	 * has rows, so the keyboard pages the VGA screen back through them
	 * (Shift+PgUp, see scrollback.h), from its IRQ, between sleeps.
	 * (Test kernels never get here: their kernel_main leaves QEMU.  A
	 * panic halts with interrupts off, keyboard or not: the code that
	 * failed may hold the console lock the keyboard would need.) */
	keyboard_init(console_key);
	idle_forever();
}

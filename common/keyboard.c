/*
 * keyboard.c - see keyboard.h.
 *
 * Theory of operation.  Two halves: keyboard_decode() is a small state
 * machine over the scancode bytes, pure logic that a test can feed by
 * hand; keyboard_irq() reads one byte per interrupt from the 8042 and
 * hands it to the decoder.
 *
 * The firmware (SeaBIOS, before GRUB) set the 8042 up for its own keyboard
 * handler: keyboard port on, IRQ 1 on, translation to set 1 on.  This
 * driver takes the controller as the firmware left it; a kernel that could
 * not trust its firmware would reset and program the 8042 itself.
 *
 * What it cannot do: no key other than those in enum key, no Ctrl or Alt,
 * no NumLock (the keypad's 9 and 3 are not PgUp and PgDn here), no LEDs.
 */
#include "keyboard.h"

#include <stddef.h>

#include "cpu.h"
#include "idt.h"

#define KBD_DATA 0x60		/* the byte the keyboard sent */
#define KBD_STATUS 0x64		/* the controller's status register */
#define STATUS_OUTPUT_FULL 0x01 /* a byte waits at KBD_DATA */
#define STATUS_FROM_MOUSE 0x20	/* ... and it came from the mouse port */

#define SC_RELEASED 0x80 /* bit 7: the key went up */
#define SC_E0 0xe0	 /* prefix: a key added after the PC keyboard */
#define SC_LEFT_SHIFT 0x2a
#define SC_RIGHT_SHIFT 0x36

/* The E0-prefixed keys this decoder knows, by key number. */
static enum key e0_key(uint8_t number)
{
	switch (number) {
	case 0x48:
		return KEY_UP;
	case 0x50:
		return KEY_DOWN;
	case 0x49:
		return KEY_PAGE_UP;
	case 0x51:
		return KEY_PAGE_DOWN;
	case 0x47:
		return KEY_HOME;
	case 0x4f:
		return KEY_END;
	}
	return KEY_NONE;
}

struct key_event keyboard_decode(struct keyboard_decoder *d, uint8_t scancode)
{
	struct key_event none = {KEY_NONE, false};
	if (scancode == SC_E0) {
		d->e0 = true;
		return none;
	}
	bool e0 = d->e0;
	d->e0 = false;
	bool released = (scancode & SC_RELEASED) != 0;
	uint8_t number = scancode & (uint8_t)~SC_RELEASED;

	if (!e0 && number == SC_LEFT_SHIFT) {
		d->left_shift = !released;
		return none;
	}
	if (!e0 && number == SC_RIGHT_SHIFT) {
		d->right_shift = !released;
		return none;
	}
	/* (e0 2a, e0 aa, e0 36, e0 b6 are "fake shifts" some keyboards wrap
	 * around the grey keys; they are not the user's Shift: ignored,
	 * like every key this decoder does not know.) */
	if (!e0 || released)
		return none;
	return (struct key_event){e0_key(number),
				  d->left_shift || d->right_shift};
}

/* The decoder and where its keys go: touched only by keyboard_irq(),
 * which runs with interrupts off, on the one CPU, so it needs no lock of
 * its own (on_key takes the locks of what it changes). */
static struct {
	struct keyboard_decoder decoder;
	void (*on_key)(struct key_event ev);
} keyboard;

static void keyboard_irq(struct interrupt_frame *frame)
{
	(void)frame;
	uint8_t status = inb(KBD_STATUS);
	if ((status & STATUS_OUTPUT_FULL) == 0)
		return; /* nothing to read: a spurious IRQ */
	uint8_t scancode = inb(KBD_DATA);
	if (status & STATUS_FROM_MOUSE)
		return;
	struct key_event ev = keyboard_decode(&keyboard.decoder, scancode);
	if (ev.key != KEY_NONE && keyboard.on_key != NULL)
		keyboard.on_key(ev);
}

void keyboard_init(void (*on_key)(struct key_event ev))
{
	uint64_t flags = read_rflags();
	cli();
	keyboard.on_key = on_key;
	keyboard.decoder = (struct keyboard_decoder){0};
	/* Keys pressed before now (the controller holds one byte, more wait
	 * in the keyboard) belong to nobody: dropped, a bounded number. */
	for (int i = 0; i < 64 && (inb(KBD_STATUS) & STATUS_OUTPUT_FULL); i++)
		(void)inb(KBD_DATA);
	irq_set(1, keyboard_irq);
	if (flags & RFLAGS_IF)
		sti();
}

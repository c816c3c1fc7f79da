/*
 * keyboard.h - the PS/2 keyboard: scancodes in, key presses out.
 *
 * The keyboard sends a byte to the 8042 controller for every key pressed
 * and every key released; the controller raises IRQ 1 and the byte waits
 * at port 0x60.  The firmware leaves the controller translating to
 * "scancode set 1", where a byte reads:
 *
 *      7   6              0
 *    +---+-----------------+
 *    | R |  key number     |     R = 1: the key was released
 *    +---+-----------------+
 *
 * Keys added after the original PC keyboard (the arrows, PgUp, Home...)
 * send 0xe0 first.  (Pause sends e1 1d 45 e1 9d c5: bytes without an 0xe0
 * before them, none a Shift, so to this decoder a few unknown keys.)
 *
 *   Shift down, PgUp down, PgUp up, Shift up:   2a  e0 49  e0 c9  aa
 *
 * Only the keys the console's scrollback uses are decoded (see
 * scrollback.h); every other key is read and dropped.
 */
#ifndef KEYBOARD_H
#define KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

enum key {
	KEY_NONE, /* this byte completed no key press */
	KEY_UP,
	KEY_DOWN,
	KEY_PAGE_UP,
	KEY_PAGE_DOWN,
	KEY_HOME,
	KEY_END,
};

/* A key pressed (or repeated while held), and whether Shift was down. */
struct key_event {
	enum key key;
	bool shift;
};

/* What the decoder remembers between bytes; all false to start. */
struct keyboard_decoder {
	bool e0;		      /* the last byte was the 0xe0 prefix */
	bool left_shift, right_shift; /* held down right now */
};

/* Feeds one byte from port 0x60 to the decoder.  Returns the key it
 * completes, or {KEY_NONE} for a prefix, a release, Shift itself or a key
 * this decoder does not know.  Pure logic: no port is touched. */
struct key_event keyboard_decode(struct keyboard_decoder *d, uint8_t scancode);

/* Reads the keyboard from IRQ 1 from now on, and calls on_key (with
 * interrupts off, from the interrupt handler) for each key it decodes.
 * The IRQ stays masked until this is called: test kernels never call it. */
void keyboard_init(void (*on_key)(struct key_event ev));

#endif

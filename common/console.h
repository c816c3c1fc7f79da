/*
 * console.h - where every line the kernel prints goes: the serial port and
 * the VGA screen, the same text on both.
 *
 * The console is the kernel's one static writer.  Its state (the VGA
 * cursor and colour, the serial port) is file-static in console.c, vga.c
 * and serial.c, and every write takes the console lock with interrupts off,
 * so one kprintf is never interleaved with another, not even with one from
 * an interrupt handler.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "vga.h"

void console_init(void);

/* printf to serial and VGA; returns the number of characters printed. */
__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
void console_write(const char *s, size_t n);

/* Prints in a colour on VGA (serial has no colours); then back to grey. */
__attribute__((format(printf, 2, 3))) int kprintf_color(enum vga_color fg,
							const char *fmt, ...);

/* Ends the current line if something was printed on it. */
void console_start_line(void);

/* Characters written since boot: a caller can tell whether anything was
 * printed between two points (the test runner does, to keep its result
 * lines whole). */
uint64_t console_chars_written(void);

/* A key for the console: Shift+PgUp and the others page the VGA screen
 * back through the lines that scrolled off it (scrollback.h); the serial
 * side is untouched.  Takes the lock: called from the keyboard's IRQ
 * handler (keyboard_init(console_key)), which is why every other holder of
 * the lock keeps interrupts off. */
void console_key(struct key_event ev);

/*
 * For a fatal path (panic, an exception report): takes the console for
 * itself by no longer honouring the lock, so the report always gets out,
 * even when the failure happened while the lock was held (inside a
 * kprintf, say).  Starts a fresh line and switches VGA to white on red.
 */
void console_panic_mode(void);
/* For the test runner after a failed or should-panic test: back to
 * normal (the runner has released the locks the test held). */
void console_reset(void);

/* Runs fn(arg) with the console lock held (interrupts off); for the
 * stage-1 lesson on locks and interrupt handlers. */
void console_with_lock(void (*fn)(void *arg), void *arg);
/*
 * A gauge of how much of `total` is used, drawn on the screen only, at the
 * end of the line just printed (columns CONSOLE_GAUGE_COL on): used cells
 * solid red blocks, the rest light green shade, so the two differ in shape
 * as well as colour.  The chapters' heaps show themselves with it.
 */
#define CONSOLE_GAUGE_COL 59
#define CONSOLE_GAUGE_WIDTH 20
void console_gauge(size_t used, size_t total);
/* Writes while the caller already holds the lock (inside fn above). */
__attribute__((format(printf, 1, 2))) int kprintf_locked(const char *fmt, ...);

#endif

/* console.c - see console.h. */
#include "console.h"

#include <stdarg.h>
#include <stdbool.h>

#include "format.h"
#include "serial.h"
#include "spinlock.h"

/* The console's state and the lock guarding it, side by side. */
static struct {
	struct spinlock lock;
	bool panicking;	  /* set once by panic: bypass the lock from then on */
	bool mid_line;	  /* the last character written was not a newline */
	uint64_t written; /* characters written since boot; only grows */
} console = {SPINLOCK_INIT("console lock"), false, false, 0};

static void sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n == 0)
		return;
	serial_write(s, n);
	vga_write(s, n);
	console.mid_line = s[n - 1] != '\n';
	console.written += n;
}

uint64_t console_chars_written(void)
{
	return console.written;
}

void console_init(void)
{
	serial_init();
	vga_init();
}

static uint64_t lock_console(void)
{
	if (console.panicking)
		return read_rflags();
	return spin_lock_irqsave(&console.lock);
}

static void unlock_console(uint64_t flags)
{
	if (console.panicking)
		return;
	spin_unlock_irqrestore(&console.lock, flags);
}

int kvprintf(const char *fmt, va_list ap);
int kvprintf(const char *fmt, va_list ap)
{
	uint64_t flags = lock_console();
	int n = kformat(sink, NULL, fmt, ap);
	unlock_console(flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int kprintf_color(enum vga_color fg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint64_t flags = lock_console();
	vga_set_color(fg, VGA_BLACK);
	int n = kformat(sink, NULL, fmt, ap);
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	unlock_console(flags);
	va_end(ap);
	return n;
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = lock_console();
	sink(NULL, s, n);
	unlock_console(flags);
}

void console_start_line(void)
{
	uint64_t flags = lock_console();
	if (console.mid_line)
		sink(NULL, "\n", 1);
	unlock_console(flags);
}

void console_panic_mode(void)
{
	console.panicking = true;
	if (console.mid_line)
		sink(NULL, "\n", 1);
	vga_set_color(VGA_WHITE, VGA_RED);
}

void console_reset(void)
{
	console.panicking = false;
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
}

void console_key(struct key_event ev)
{
	uint64_t flags = lock_console();
	vga_scrollback_key(ev); /* at most one screen copied: short */
	unlock_console(flags);
}

void console_with_lock(void (*fn)(void *arg), void *arg)
{
	uint64_t flags = lock_console();
	fn(arg);
	unlock_console(flags);
}

void console_gauge(size_t used, size_t total)
{
	/* used / total of CONSOLE_GAUGE_WIDTH cells, rounded up: a block
	 * that is used at all shows */
	size_t cells = CONSOLE_GAUGE_WIDTH;
	int filled = total == 0 ? 0 : (int)((used * cells + total - 1) / total);
	uint64_t flags = lock_console();
	/* on the line just printed */
	vga_draw_bar(vga_cursor_row() - 1, CONSOLE_GAUGE_COL,
		     CONSOLE_GAUGE_WIDTH, filled, VGA_RED, VGA_GREEN);
	unlock_console(flags);
}

int kprintf_locked(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kformat(sink, NULL, fmt, ap);
	va_end(ap);
	return n;
}

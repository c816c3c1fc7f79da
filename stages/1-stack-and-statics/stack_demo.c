/*
 * stack_demo.c - lesson 1: local variables live in stack frames, static
 * variables at fixed addresses for the whole run (and what one static
 * table cannot do for its callers), and mutable statics are reached only
 * through a lock.
 *
 * The picture this file prints, with real addresses (x86_64, frame
 * pointers on; the stack grows towards lower addresses):
 *
 *   higher addresses
 *   +------------------------+
 *   | outer's frame          |  x = 1
 *   +------------------------+
 *   | return address         |  pushed by `call inner`: where to go back
 *   | saved RBP of outer     |  inner's frame pointer points here
 *   | saved RBX, R12, ...    |  callee-saved registers inner uses
 *   | inner's locals         |  z[0..2] = {1, 2, 3}, compiler temporaries
 *   +------------------------+  <- RSP while inner runs
 *   lower addresses
 *
 * Which callee-saved registers are saved, and where z lands among the
 * temporaries, is the compiler's choice (gdb: `info frame` in inner).
 * Unlike the 32-bit picture in many textbooks, x86_64 passes the first six
 * arguments in registers (i arrives in RDI), so no parameter is pushed.
 */
#include "stack_demo.h"

#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "pic.h"
#include "sections.h"

#define NOINLINE __attribute__((noinline))

/* Where inner() put its array, remembered so outer() can compare. */
static uintptr_t inner_z_addr;

static NOINLINE uint32_t inner(uint64_t i)
{
	volatile uint32_t z[3] = {1, 2, 3};
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t ret = (uintptr_t)__builtin_return_address(0);

	inner_z_addr = (uintptr_t)&z[0];
	kprintf("inner(%lu): z[] at 0x%lx, frame pointer 0x%lx\n", i,
		(uintptr_t)&z[0], fp);
	kprintf("inner(%lu): return address 0x%lx, stored at 0x%lx\n", i, ret,
		fp + 8);
	return z[i];
}

/* A function shaped like inner(): its locals land where inner's were.
 * It reports where its array was as a number, through a static, because
 * returning the address of a local is exactly the bug compilers flag: the
 * address is only to be printed, never to be used. */
static volatile uintptr_t probe_addr;

NOINLINE uintptr_t stack_probe(void)
{
	volatile uint32_t w[3] = {7, 8, 9};
	probe_addr = (uintptr_t)&w[0];
	return probe_addr;
}

static NOINLINE void outer(void)
{
	volatile uint32_t x = 1;
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);

	kprintf("outer(): x at 0x%lx, frame pointer 0x%lx\n", (uintptr_t)&x,
		fp);
	uint32_t y = inner(x);
	kprintf("outer(): inner(1) returned %u\n", y);
	kprintf("outer(): inner's z[] was 0x%lx bytes below x: the stack "
		"grows down\n",
		(uintptr_t)&x - inner_z_addr);

	/* The next call at the same depth gets the same stack memory: inner's
	 * frame is gone, its addresses are handed to whoever comes next. */
	uintptr_t probe = stack_probe();
	long delta = (long)(probe - inner_z_addr);
	kprintf("outer(): stack_probe()'s w[] is at 0x%lx, %s%ld bytes from "
		"inner's old z[]:\n"
		"outer(): the same stack memory, reused\n",
		probe, delta < 0 ? "-" : "+", delta < 0 ? -delta : delta);
}

void stack_demo(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- locals live in stack frames --\n");
	kprintf("kernel stack: 0x%lx - 0x%lx, guard page at 0x%lx\n",
		(uintptr_t)stack_bottom, (uintptr_t)stack_top,
		(uintptr_t)stack_guard);
	outer();
}

/* ------------------------------------------------------------- statics */

/* A constant static: in .rodata.  `const` makes the compiler refuse a
 * write; the boot page tables map .rodata writable like everything else,
 * so a write through a cast is not stopped at run time. */
static const uint32_t Z[3] = {1, 2, 3};
/* An initialised mutable static: in .data. */
static uint64_t boot_count = 1;
/* A zero-initialised static: in .bss (no bytes in the kernel file). */
static char scratch[64];

/* Fine: Z lives for the whole run, so &Z[i] never dangles (Rust would
 * give it the type &'static u32).  Returning &z[i] of a local array is a
 * bug the compiler reports: see tests/compile-fail/return_local_addr.c. */
const uint32_t *inner_static(unsigned i)
{
	return &Z[i];
}

static const char *section_of(const void *p)
{
	const char *a = p;
	if (a >= __text_start && a < __text_end)
		return ".text";
	if (a >= __rodata_start && a < __rodata_end)
		return ".rodata";
	if (a >= __data_start && a < __data_end)
		return ".data";
	if (a >= __bss_start && a < __bss_end)
		return ".bss";
	return "(no section)";
}

void statics_demo(void)
{
	kprintf_color(
		VGA_LIGHT_CYAN,
		"-- statics live at fixed addresses for the whole run --\n");
	kprintf(".text   0x%lx - 0x%lx\n", (uintptr_t)__text_start,
		(uintptr_t)__text_end);
	kprintf(".rodata 0x%lx - 0x%lx\n", (uintptr_t)__rodata_start,
		(uintptr_t)__rodata_end);
	kprintf(".data   0x%lx - 0x%lx\n", (uintptr_t)__data_start,
		(uintptr_t)__data_end);
	kprintf(".bss    0x%lx - 0x%lx\n", (uintptr_t)__bss_start,
		(uintptr_t)__bss_end);
	kprintf("Z          at 0x%lx in %s\n", (uintptr_t)Z, section_of(Z));
	kprintf("boot_count at 0x%lx in %s\n", (uintptr_t)&boot_count,
		section_of(&boot_count));
	kprintf("scratch    at 0x%lx in %s\n", (uintptr_t)scratch,
		section_of(scratch));
	kprintf("outer()    at 0x%lx in %s\n", (uintptr_t)outer,
		section_of((const void *)outer));
	const uint32_t *p = inner_static(1);
	kprintf("inner_static(1) returned 0x%lx, *p = %u: still valid after "
		"the call\n",
		(uintptr_t)p, *p);
}

/*
 * What a static cannot do.  A function that makes an array for its caller
 * cannot use a local (it dies with the frame), so it uses a static: but a
 * static has one size, fixed when the kernel is compiled; there is one
 * copy, shared by every caller; and its bytes stay used for the whole run.
 * (Chapter 4 makes the array on a heap instead: range_heap.)
 */
#define TABLE_INTS 8
static int table[TABLE_INTS];

int *range_static(int first, size_t n)
{
	if (n > TABLE_INTS)
		return NULL;
	for (size_t i = 0; i < n; i++)
		table[i] = first + (int)i;
	return table;
}

void static_limits_demo(void)
{
	kprintf_color(VGA_LIGHT_CYAN, "-- what a static array cannot do --\n");
	int *a = range_static(10, 3);
	kprintf("a = range_static(10, 3): a[0] = %d\n", a[0]);
	int *b = range_static(20, 3);
	kprintf("b = range_static(20, 3): a[0] = %d now, a %s b\n", a[0],
		a == b ? "==" : "!=");
	kprintf("range_static(0, 12) returns %s: the table holds %d ints\n",
		range_static(0, 12) == NULL ? "NULL" : "a table", TABLE_INTS);
	kprintf("the table's %zu bytes stay used, needed or not\n",
		sizeof table);
}

/* --------------------------------------------------- the lock and an IRQ */

static volatile int irq_seen;

static void timer_irq(struct interrupt_frame *frame)
{
	(void)frame;
	pic_mask(0); /* one tick is all the demo needs */
	if (irq_seen++ == 0)
		kprintf("[irq 0] timer handler printed through the console\n");
}

static void while_locked(void *arg)
{
	(void)arg;
	kprintf_locked("holding the console lock: interrupts are %s\n",
		       interrupts_enabled() ? "on" : "off");
	pit_one_shot(100); /* about 84 microseconds */
	while (!pic_irq_pending(0))
		;
	kprintf_locked("timer IRQ raised while the lock is held: pending, "
		       "handler has run %d times\n",
		       irq_seen);
}

void lock_demo(void)
{
	kprintf_color(
		VGA_LIGHT_CYAN,
		"-- a mutable static is reached only through its lock --\n");
	pit_quiesce();
	irq_seen = 0;
	irq_set(0, timer_irq);
	sti();
	console_with_lock(while_locked, NULL);
	/* the lock restored IF=1: the pending IRQ is taken right here */
	cli();
	kprintf("lock released: interrupts back on, the handler ran %d "
		"time%s\n",
		irq_seen, irq_seen == 1 ? "" : "s");
}

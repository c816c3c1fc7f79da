/* idt.c - see idt.h. */
#include "idt.h"

#include "console.h"
#include "cpu.h"
#include "gdt.h"
#include "panic.h"
#include "pic.h"
#include "sections.h"

/* An IDT gate (16 bytes): where to go, and how. */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector; /* code segment to run the handler in */
	uint8_t ist;	   /* 0: current stack; n: switch to TSS IST n */
	uint8_t type_attr; /* 0x8e: present, ring 0, interrupt gate (IF=0) */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "an IDT gate is 16 bytes");

#define N_VECTORS 48

static struct idt_gate idt[N_VECTORS];
static irq_handler irq_handlers[16];
extern const uint64_t isr_stubs[N_VECTORS];

static const char *const names[32] = {
	"DIVIDE ERROR",
	"DEBUG",
	"NMI",
	"BREAKPOINT",
	"OVERFLOW",
	"BOUND RANGE EXCEEDED",
	"INVALID OPCODE",
	"DEVICE NOT AVAILABLE",
	"DOUBLE FAULT",
	"COPROCESSOR SEGMENT OVERRUN",
	"INVALID TSS",
	"SEGMENT NOT PRESENT",
	"STACK-SEGMENT FAULT",
	"GENERAL PROTECTION FAULT",
	"PAGE FAULT",
	"RESERVED (15)",
	"x87 FLOATING-POINT ERROR",
	"ALIGNMENT CHECK",
	"MACHINE CHECK",
	"SIMD FLOATING-POINT ERROR",
	"VIRTUALIZATION EXCEPTION",
	"CONTROL PROTECTION EXCEPTION",
	"RESERVED (22)",
	"RESERVED (23)",
	"RESERVED (24)",
	"RESERVED (25)",
	"RESERVED (26)",
	"RESERVED (27)",
	"HYPERVISOR INJECTION EXCEPTION",
	"VMM COMMUNICATION EXCEPTION",
	"SECURITY EXCEPTION",
	"RESERVED (31)",
};

const char *exception_name(uint64_t vector)
{
	return vector < 32 ? names[vector] : "INTERRUPT";
}

static void set_gate(int vector, uint64_t handler, uint8_t ist)
{
	idt[vector] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = GDT_KERNEL_CODE,
		.ist = ist,
		.type_attr = 0x8e,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

void idt_init(void)
{
	for (int v = 0; v < N_VECTORS; v++)
		set_gate(v, isr_stubs[v], v == 8 ? IST_DOUBLE_FAULT : 0);
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} ptr = {sizeof idt - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" : : "m"(ptr));
	pic_init();
}

void irq_set(int irq, irq_handler handler)
{
	if (irq < 0 || irq >= 16)
		panic("irq_set: no IRQ %d (the PICs have IRQs 0-15)", irq);
	irq_handlers[irq] = handler;
	pic_unmask(irq);
}

static bool in_guard_page(uint64_t addr)
{
	return addr >= (uint64_t)stack_guard && addr < (uint64_t)stack_bottom;
}

/* A page fault's error code in words (the bits: PF_* in idt.h). */
static const char *pf_cause(uint64_t err)
{
	return err & PF_PRESENT ? "protection violation" : "not present";
}

static const char *pf_access(uint64_t err)
{
	if (err & PF_INSTR)
		return "instruction fetch";
	if (err & PF_WRITE)
		return "write";
	return "read";
}

/* A stage that knows some addresses better than this file (stage 8's
 * guarded blocks) defines its own page_fault_hook: it panics with its
 * report when it recognises the address, and returns when it does not. */
__attribute__((weak)) void page_fault_hook(uint64_t addr, uint64_t error_code)
{
	(void)addr;
	(void)error_code;
}

/* The same for a general protection fault, which gives no address: an
 * access through a non-canonical address (bits 63-48 not all equal to
 * bit 47) is one.  Stage 8 looks in the registers for a pointer read
 * from freed memory, whose poison makes it non-canonical. */
__attribute__((weak)) void
general_protection_hook(const struct interrupt_frame *frame)
{
	(void)frame;
}

/*
 * A CPU exception in the kernel is fatal: report it and panic.  The fault
 * may have hit while the console lock was held (inside a kprintf, say), so
 * the report takes the console for itself first, as panic() does; waiting
 * for the lock would only end in "deadlock" and lose the report.
 */
__attribute__((noreturn)) static void exception(struct interrupt_frame *f)
{
	console_panic_mode();
	if (f->vector == 14)
		page_fault_hook(read_cr2(), f->error_code);
	if (f->vector == 13)
		general_protection_hook(f);
	kprintf("EXCEPTION: %s (vector %lu, error code 0x%lx)\n",
		exception_name(f->vector), f->vector, f->error_code);
	kprintf("    RIP 0x%016lx  RSP 0x%016lx  RFLAGS 0x%lx\n", f->rip,
		f->rsp, f->rflags);

	if (f->vector == 14) {
		uint64_t err = f->error_code;
		uint64_t cr2 = read_cr2();
		const char *cause = pf_cause(err);
		const char *access = pf_access(err);
		kprintf("    CR2 0x%016lx: %s, %s, %s mode%s\n", cr2, cause,
			access, err & PF_USER ? "user" : "kernel",
			err & PF_RESERVED ? ", reserved bit set" : "");
		panic("PAGE FAULT at 0x%016lx (%s, %s)", cr2, cause, access);
	}
	if (f->vector == 8) {
		/* A page fault whose delivery failed (the CPU could not push
		 * its frame) escalates to a double fault, and CR2 still holds
		 * the address that faulted: in the guard page, the stack ran
		 * out. */
		uint64_t cr2 = read_cr2();
		kprintf("    CR2 0x%016lx (the last page-fault address)\n",
			cr2);
		if (in_guard_page(cr2))
			panic("DOUBLE FAULT: kernel stack overflow (CR2 0x%lx "
			      "in the guard page)",
			      cr2);
		panic("DOUBLE FAULT");
	}
	panic("%s (vector %lu) at RIP 0x%lx", exception_name(f->vector),
	      f->vector, f->rip);
}

void interrupt_dispatch(struct interrupt_frame *f);
void interrupt_dispatch(struct interrupt_frame *f)
{
	if (f->vector < 32)
		exception(f);
	int irq = (int)f->vector - 32;
	if (pic_is_spurious(irq)) {
		/* IRQ 7/15 with nothing in service: noise on the line.  No
		 * handler, and no EOI (it would end a real IRQ's service),
		 * except to the master for a spurious IRQ from the slave. */
		if (irq == 15)
			pic_eoi(2);
		return;
	}
	if (irq_handlers[irq] != NULL)
		irq_handlers[irq](f);
	pic_eoi(irq);
}

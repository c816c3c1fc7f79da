/*
 * idt.h - the Interrupt Descriptor Table, CPU exception reports and
 * hardware interrupt (IRQ) handlers.
 *
 * Every CPU exception (vectors 0-31) has a handler that prints the
 * exception's name, vector, error code, RIP and RSP (and, for a page fault,
 * CR2 and the decoded error bits), then panics.  Vectors 32-47 are the
 * PIC's hardware interrupts, dispatched to handlers set with irq_set().
 */
#ifndef IDT_H
#define IDT_H

#include <stdint.h>

/* The stack as isr.S leaves it (see the picture there). */
struct interrupt_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void idt_init(void);

/*
 * Page-fault error code bits (Intel SDM vol. 3, "Interrupt 14"):
 *   PF_PRESENT   0: the page was not present; 1: a protection violation
 *   PF_WRITE     the access was a write (else a read)
 *   PF_USER      the access came from ring 3
 *   PF_RESERVED  a reserved bit was set in a page-table entry
 *   PF_INSTR     an instruction fetch (reported when NX is on)
 */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_INSTR (1u << 4)

/* An IRQ handler; runs with interrupts off, the EOI is sent for it. */
typedef void (*irq_handler)(struct interrupt_frame *frame);
void irq_set(int irq, irq_handler handler);

/* Called on a page fault before it is reported; the default does
 * nothing.  A stage may define its own (see idt.c). */
void page_fault_hook(uint64_t addr, uint64_t error_code);

/* Called on a general protection fault before it is reported, with the
 * registers as they were; the default does nothing.  A stage may define
 * its own (see idt.c). */
void general_protection_hook(const struct interrupt_frame *frame);

const char *exception_name(uint64_t vector);

#endif

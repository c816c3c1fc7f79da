/*
 * pic.h - the two legacy 8259 interrupt controllers and the 8254 timer.
 *
 * The PICs are remapped so IRQ 0-15 arrive as vectors 32-47 (the CPU's
 * exceptions own 0-31).  All IRQs start masked; irq_set() unmasks one.
 */
#ifndef PIC_H
#define PIC_H

#include <stdbool.h>
#include <stdint.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_mask(int irq);
void pic_eoi(int irq);
/* Ends every IRQ still in service.  For recovery only: a handler that
 * panicked never sent its EOI, and until one is sent the PIC delivers no
 * IRQ of that priority or lower again. */
void pic_end_all_service(void);
/* True for an IRQ 7 or 15 that the PIC does not have in service: a
 * spurious interrupt, which must not be acknowledged (see idt.c). */
bool pic_is_spurious(int irq);
/* True when the PIC has IRQ `irq` raised and waiting for the CPU. */
bool pic_irq_pending(int irq);

/* Starts PIT channel 0 counting down from `count` ticks (1.193182 MHz) in
 * one-shot mode: IRQ 0 is raised once when it reaches zero. */
void pit_one_shot(uint16_t count);

/*
 * Makes IRQ 0 quiet and predictable before a demo or test uses it: stops
 * the periodic tick the BIOS left running, and lets a request that was
 * already latched in the PIC arrive (and be ignored) now rather than at a
 * surprising moment later.  Leaves interrupts off and IRQ 0 masked.
 */
void pit_quiesce(void);

#endif

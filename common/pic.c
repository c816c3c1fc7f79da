/* pic.c - see pic.h. */
#include "pic.h"

#include "cpu.h"
#include "idt.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43

static void io_wait(void)
{
	outb(0x80, 0); /* an unused port: a short delay for old PICs */
}

void pic_init(void)
{
	/* ICW1: initialise, ICW4 follows */
	outb(PIC1_CMD, 0x11);
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, 32); /* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, 40);
	io_wait();
	outb(PIC1_DATA, 4); /* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 2);
	io_wait();
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 0x01);
	io_wait();
	outb(PIC1_DATA, 0xfb); /* mask everything but the cascade (IRQ 2) */
	outb(PIC2_DATA, 0xff);
}

void pic_unmask(int irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	outb(port, inb(port) & (uint8_t) ~(1u << (irq & 7)));
}

void pic_mask(int irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	outb(port, inb(port) | (uint8_t)(1u << (irq & 7)));
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

static uint8_t in_service(uint16_t cmd_port)
{
	outb(cmd_port, 0x0b); /* OCW3: next read returns the in-service reg. */
	return inb(cmd_port);
}

void pic_end_all_service(void)
{
	/* A non-specific EOI ends the highest-priority IRQ in service; at
	 * most eight can be in service on each PIC. */
	for (int i = 0; i < 8 && in_service(PIC2_CMD) != 0; i++)
		outb(PIC2_CMD, PIC_EOI);
	for (int i = 0; i < 8 && in_service(PIC1_CMD) != 0; i++)
		outb(PIC1_CMD, PIC_EOI);
}

bool pic_is_spurious(int irq)
{
	if (irq != 7 && irq != 15)
		return false;
	uint16_t port = irq == 7 ? PIC1_CMD : PIC2_CMD;
	outb(port, 0x0b); /* OCW3: next read returns the in-service register */
	return (inb(port) & 0x80) == 0;
}

bool pic_irq_pending(int irq)
{
	uint16_t port = irq < 8 ? PIC1_CMD : PIC2_CMD;
	outb(port, 0x0a); /* OCW3: next read returns the request register */
	return (inb(port) & (1u << (irq & 7))) != 0;
}

void pit_one_shot(uint16_t count)
{
	outb(PIT_CMD, 0x30); /* channel 0, lo/hi byte, mode 0, binary */
	outb(PIT_CH0, (uint8_t)(count & 0xff));
	outb(PIT_CH0, (uint8_t)(count >> 8));
}

static void ignore_irq(struct interrupt_frame *f)
{
	(void)f;
}

void pit_quiesce(void)
{
	cli();
	pit_one_shot(0xffff); /* mode 0: no more periodic ticks */
	irq_set(0, ignore_irq);
	sti();
	for (volatile int i = 0; i < 1000; i++)
		; /* a latched request is delivered here */
	cli();
	pic_mask(0);
}

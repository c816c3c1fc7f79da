/* serial.c - see serial.h. */
#include "serial.h"

#include "cpu.h"

#define COM1 0x3f8

/* 16550 register offsets from the base port */
enum {
	UART_DATA = 0, /* DLAB=0: transmit/receive; DLAB=1: divisor low */
	UART_IER = 1,  /* DLAB=0: interrupt enable; DLAB=1: divisor high */
	UART_FCR = 2,  /* FIFO control */
	UART_LCR = 3,  /* line control; bit 7 is DLAB */
	UART_MCR = 4,  /* modem control */
	UART_LSR = 5,  /* line status; bit 5: transmitter holding empty */
};

#define LSR_THR_EMPTY 0x20

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);  /* no interrupts: we poll */
	outb(COM1 + UART_LCR, 0x80);  /* DLAB on to set the divisor */
	outb(COM1 + UART_DATA, 0x03); /* 115200 / 3 = 38400 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
	outb(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03); /* DTR and RTS */
}

static void serial_putc(char c)
{
	while ((inb(COM1 + UART_LSR) & LSR_THR_EMPTY) == 0)
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

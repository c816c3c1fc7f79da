/*
 * serial.h - the COM1 16550 UART, polled (no interrupts).
 * QEMU connects it to the terminal with `-serial stdio`; tests read it.
 */
#ifndef SERIAL_H
#define SERIAL_H

#include <stddef.h>

void serial_init(void);
/* Writes n bytes; "\n" goes out as "\r\n".  Not locked: use the console. */
void serial_write(const char *s, size_t n);

#endif

/*
 * qemu.h - leaving QEMU from inside the guest.
 *
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04) makes QEMU exit with status (value << 1) | 1 when a value is
 * written to its port.  Test kernels use it to report their verdict:
 *   0x10 -> QEMU exits 33: all tests passed
 *   0x11 -> QEMU exits 35: something failed
 * Without the device the write does nothing, and the caller halts.
 */
#ifndef QEMU_H
#define QEMU_H

#include "cpu.h"

enum qemu_exit_code {
	QEMU_EXIT_SUCCESS = 0x10,
	QEMU_EXIT_FAILURE = 0x11,
};

__attribute__((noreturn)) static inline void qemu_exit(enum qemu_exit_code c)
{
	outl(0xf4, c);
	halt_forever();
}

#endif

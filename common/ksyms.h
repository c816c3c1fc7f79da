/*
 * ksyms.h - the kernel's own symbol table: which function holds an
 * address.
 *
 * A stage that links ksyms.c reserves room for the table in the kernel
 * image (the .ksyms section); after the link, scripts/ksyms reads the
 * ELF file's symbol table and writes the functions' addresses and names
 * into that room.  So a report can say `kfree+0x1c` instead of 0x102a3c,
 * with no file system and no debugger.
 */
#ifndef KSYMS_H
#define KSYMS_H

#include <stddef.h>
#include <stdint.h>

/* The function whose code holds addr, with *offset set to addr minus its
 * start; NULL if no function holds it, or the table was not filled in. */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

/* Writes "name+0xoff" (or the bare address) into buf; returns buf. */
const char *ksyms_format(uintptr_t addr, char *buf, size_t size);

/* Symbols in the table (0: not filled in). */
size_t ksyms_count(void);

#endif

/*
 * stack_demo.h - the parts of lesson 1, each printing what it shows.
 */
#ifndef STACK_DEMO_H
#define STACK_DEMO_H

#include <stddef.h>
#include <stdint.h>

/* outer() calls inner(i): where their locals, the parameter and the return
 * address are, which way the stack grows, and that inner's frame is gone
 * (its addresses reused) once it returns. */
void stack_demo(void);

/* Statics at fixed addresses in .data/.bss/.rodata, shown against the
 * linker's section symbols; returning a pointer to a static is fine. */
void statics_demo(void);

/* What a static array cannot be for a function that makes arrays for its
 * callers: one size, one copy shared by every caller, always used. */
void static_limits_demo(void);
/* first, first + 1, ... in the one static table; NULL if n ints do not
 * fit.  Every call returns the same table. */
int *range_static(int first, size_t n);

/* The static console writer: only reachable through its lock, and an
 * interrupt raised while the lock is held waits until it is released. */
void lock_demo(void);

/* For the tests: the address of a local in a frame one call deep. */
uintptr_t stack_probe(void);
/* &Z[i] for the static array Z = {1, 2, 3}. */
const uint32_t *inner_static(unsigned i);

#endif

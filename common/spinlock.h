/*
 * spinlock.h - a lock whose guarded section runs with interrupts off.
 *
 * This kernel runs on one CPU, so what a lock protects against is an
 * interrupt handler running in the middle of a guarded section and touching
 * the same data.  spin_lock_irqsave() therefore saves RFLAGS and disables
 * interrupts before taking the lock; spin_unlock_irqrestore() puts the
 * interrupt flag back as it was.  Because interrupts are off while the lock
 * is held, no handler can ever find it taken: if one does (say, through an
 * `int` instruction, which ignores the interrupt flag), it would spin
 * forever, so the lock panics with its name instead.
 *
 * Mutable global state is kept `static` in one .c file, next to its lock,
 * and reached only through functions that take the lock: the C counterpart
 * of Rust's `static WRITER: Mutex<Writer>`.
 */
#ifndef SPINLOCK_H
#define SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "panic.h"

struct spinlock {
	volatile uint32_t locked; /* 1 while held */
	const char *name;         /* for the deadlock report */
};

#define SPINLOCK_INIT(lock_name) {0, lock_name}

/* Disables interrupts and takes the lock; returns the saved RFLAGS. */
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = read_rflags();
	cli();
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		/* One CPU, interrupts off: nobody else can ever release it. */
		l->locked = 0; /* let the panic message through */
		panic("spinlock: deadlock: %s is already held", l->name);
	}
	return flags;
}

/* Releases the lock and restores the interrupt flag saved by the lock. */
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		sti();
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif

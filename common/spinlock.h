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
	const char *name;	  /* for the deadlock report */
};

#define SPINLOCK_INIT(lock_name)                                               \
	{                                                                      \
		0, lock_name                                                   \
	}

/*
 * The locks held right now, in the order they were taken (one CPU, so one
 * list).  A panic or a failed test can leave a guarded section without
 * unlocking; the test runner then calls spin_release_all() so that the
 * locks the failing code held do not stay taken for ever.  Invariant:
 * spin_held[0 .. spin_n_held) are exactly the locks whose `locked` is 1.
 */
#define SPIN_MAX_HELD 8
extern struct spinlock *spin_held[SPIN_MAX_HELD];
extern int spin_n_held;

/* Releases every held lock (for recovery after a panic only). */
void spin_release_all(void);

/* Disables interrupts and takes the lock; returns the saved RFLAGS.
 * Panics if the lock is already held (on one CPU with interrupts off,
 * nobody could ever release it) or if SPIN_MAX_HELD locks are held. */
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = read_rflags();
	cli();
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		/* (panic takes the console for itself, so this message gets
		 * out even when the console lock is the one.) */
		panic("spinlock: deadlock: %s is already held", l->name);
	}
	if (spin_n_held == SPIN_MAX_HELD) {
		l->locked = 0;
		panic("spinlock: %s: more than %d locks held at once", l->name,
		      SPIN_MAX_HELD);
	}
	spin_held[spin_n_held++] = l;
	return flags;
}

/* Releases the lock and restores the interrupt flag saved by the lock.
 * Panics if the lock is not held: an unlock without its lock is a bug
 * that would otherwise let two sections in at once. */
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	int i = spin_n_held - 1;
	while (i >= 0 && spin_held[i] != l)
		i--;
	if (i < 0 || !__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
		panic("spinlock: %s released but not held", l->name);
	spin_held[i] = spin_held[--spin_n_held];
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		sti();
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif

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
 * The locks held right now, in no particular order (one CPU, so one
 * list).  A
 * panic can happen inside a guarded section; when the test runner resumes
 * after an expected panic it calls spin_release_all() so that the locks
 * the panicking code held do not stay taken for ever.
 */
#define SPIN_MAX_HELD 8
extern struct spinlock *spin_held[SPIN_MAX_HELD];
extern int spin_n_held;

/* Releases every held lock (for recovery after a panic only). */
void spin_release_all(void);

/* Disables interrupts and takes the lock; returns the saved RFLAGS. */
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = read_rflags();
	cli();
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0) {
		/* One CPU, interrupts off: nobody else can ever release it.
		 * (panic prints without the console lock, so this message
		 * gets out even when the console lock is the one.) */
		panic("spinlock: deadlock: %s is already held", l->name);
	}
	if (spin_n_held < SPIN_MAX_HELD)
		spin_held[spin_n_held++] = l;
	return flags;
}

/* Releases the lock and restores the interrupt flag saved by the lock. */
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	for (int i = spin_n_held - 1; i >= 0; i--) {
		if (spin_held[i] == l) {
			spin_held[i] = spin_held[--spin_n_held];
			break;
		}
	}
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		sti();
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif

/*
 * Exercise 1.5: spin_trylock_irqsave, a lock that says no instead of
 * panicking (common/spinlock.h):
 *
 *   bool spin_trylock_irqsave(struct spinlock *l, uint64_t *flags);
 *
 * true: the lock is taken, interrupts are off, *flags holds the RFLAGS to
 * give spin_unlock_irqrestore.  false: the lock was already held; nothing
 * changed, and the interrupt flag is as it was before the call.
 */
#include "cpu.h"
#include "ktest.h"
#include "spinlock.h"

KTEST(trylock_takes_a_free_lock_with_interrupts_off)
{
	struct spinlock l = SPINLOCK_INIT("exercise lock");
	uint64_t flags;
	int held = spin_n_held;
	sti();
	bool ok = spin_trylock_irqsave(&l, &flags);
	bool off = !interrupts_enabled();
	KT_ASSERT(ok);
	KT_ASSERT(off);
	KT_ASSERT(spin_is_locked(&l));
	KT_ASSERT_EQ(spin_n_held, held + 1);
	spin_unlock_irqrestore(&l, flags);
	KT_ASSERT(interrupts_enabled()); /* restored as it was: on */
	cli();
	KT_ASSERT(!spin_is_locked(&l));
	KT_ASSERT_EQ(spin_n_held, held);
}

KTEST(trylock_of_a_held_lock_says_no_and_changes_nothing)
{
	struct spinlock l = SPINLOCK_INIT("exercise lock");
	uint64_t outer = spin_lock_irqsave(&l), flags = 0;
	int held = spin_n_held;
	/* as an interrupt handler would find it: interrupts on, lock taken */
	sti();
	bool ok = spin_trylock_irqsave(&l, &flags);
	bool on = interrupts_enabled();
	cli();
	KT_ASSERT(!ok);
	KT_ASSERT_MSG(on, "a failed trylock left interrupts off");
	KT_ASSERT(spin_is_locked(&l));
	KT_ASSERT_EQ(spin_n_held, held);
	spin_unlock_irqrestore(&l, outer);
	KT_ASSERT(!spin_is_locked(&l));
}

KTEST(trylock_with_interrupts_off_keeps_them_off)
{
	struct spinlock l = SPINLOCK_INIT("exercise lock");
	uint64_t flags;
	cli();
	KT_ASSERT(spin_trylock_irqsave(&l, &flags));
	spin_unlock_irqrestore(&l, flags);
	KT_ASSERT(!interrupts_enabled());
}

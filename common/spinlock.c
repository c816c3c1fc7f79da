/* spinlock.c - the list of held locks (see spinlock.h). */
#include "spinlock.h"

struct spinlock *spin_held[SPIN_MAX_HELD];
int spin_n_held;

void spin_release_all(void)
{
	while (spin_n_held > 0)
		__atomic_store_n(&spin_held[--spin_n_held]->locked, 0,
				 __ATOMIC_RELEASE);
}

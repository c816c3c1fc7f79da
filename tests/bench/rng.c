/*
 * rng.c - splitmix64 and a uniform range (rng.h).
 */
#include "rng.h"

uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* The high half of a 128-bit product: no modulo, and no bias worth the
 * name for ranges this small. */
uint64_t rng_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
	unsigned __int128 wide = (unsigned __int128)rng_next(state) * (hi - lo);
	return lo + (uint64_t)(wide >> 64);
}

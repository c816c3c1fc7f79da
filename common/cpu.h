/*
 * cpu.h - the x86_64 instructions C cannot express, as inline functions.
 */
#ifndef CPU_H
#define CPU_H

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* RFLAGS, and its interrupt flag (IF, bit 9). */
#define RFLAGS_IF (1ul << 9)

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline bool interrupts_enabled(void)
{
	return (read_rflags() & RFLAGS_IF) != 0;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("movq %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("movq %%cr3, %0" : "=r"(v));
	return v;
}

static inline void invlpg(uint64_t addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_msr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

/* The current stack pointer and frame pointer. */
static inline uint64_t read_rsp(void)
{
	uint64_t v;
	__asm__ volatile("movq %%rsp, %0" : "=r"(v));
	return v;
}

/* Sleeps forever with interrupts on: each interrupt wakes the CPU, its
 * handler runs, and hlt waits for the next one. */
__attribute__((noreturn)) static inline void idle_forever(void)
{
	for (;;) {
		sti();
		hlt();
	}
}

/* Halts forever with interrupts off. */
__attribute__((noreturn)) static inline void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

#endif

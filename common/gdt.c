/* gdt.c - see gdt.h. */
#include "gdt.h"

#include <stdint.h>

/* The 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stacks for privilege changes (unused: ring 0) */
	uint64_t reserved1;
	uint64_t ist[7]; /* IST 1..7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "the TSS is 104 bytes");

/* The double-fault stack: 16 KiB, only ever used by the #DF handler. */
static uint8_t double_fault_stack[16384] __attribute__((aligned(16)));

static struct tss tss;

/*
 * Descriptors (a code/data descriptor is 8 bytes; the TSS one is 16):
 *
 *   63    56 55  52 51  48 47      40 39     16 15      0
 *  +--------+------+------+----------+---------+---------+
 *  |base hi |flags |lim hi|  access  | base lo | limit lo|
 *  +--------+------+------+----------+---------+---------+
 *   access: P(47) DPL(46:45) S(44) type(43:40); flags: G(55) L(53)
 */
#define DESC_CODE64 ((1ull << 43) | (1ull << 44) | (1ull << 47) | (1ull << 53))
#define DESC_DATA ((1ull << 41) | (1ull << 44) | (1ull << 47))

static uint64_t gdt[5];

struct __attribute__((packed)) descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

void gdt_init(void)
{
	tss.ist[IST_DOUBLE_FAULT - 1] =
		(uint64_t)(double_fault_stack + sizeof double_fault_stack);
	tss.iomap_base = sizeof tss; /* no I/O permission bitmap */

	uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
	gdt[0] = 0;
	gdt[1] = DESC_CODE64;
	gdt[2] = DESC_DATA;
	/* available 64-bit TSS: type 0x9, present */
	gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;

	struct descriptor_ptr ptr = {sizeof gdt - 1, (uint64_t)gdt};
	__asm__ volatile(
		"lgdt %0\n\t"
		/* reload CS with a far return: push selector, push target */
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"ltr %w3\n\t"
		:
		: "m"(ptr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA),
		  "r"(GDT_TSS)
		: "rax", "memory");
}

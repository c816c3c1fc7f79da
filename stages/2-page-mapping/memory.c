/* memory.c - see memory.h. */
#include "memory.h"

#include "console.h"
#include "paging.h"
#include "panic.h"
#include "sections.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct frame_allocator frames; /* guarded by lock */
	uint64_t phys_end;	       /* set once by memory_init */
} memory = {.lock = SPINLOCK_INIT("frame allocator lock")};

#define ONE_MIB (1ull << 20)

void memory_init(const struct boot_info *boot)
{
	struct frame_allocator *fa = &memory.frames;
	enum mb2_error err = frame_allocator_init_from_mb2(fa, &boot->mb2);
	if (err != MB2_OK)
		panic("memory_init: memory map refused: %s",
		      mb2_error_str(err));

	/* Frames that are in use although the map calls them available:
	 * the first MiB (real-mode structures, BIOS data), the kernel image
	 * with its .bss (which holds the boot page tables and stacks), and
	 * the multiboot2 information we keep reading. */
	bool ok =
		frame_allocator_reserve(fa, 0, ONE_MIB) &&
		frame_allocator_reserve(fa, (uint64_t)(uintptr_t)_kernel_start,
					(uint64_t)(uintptr_t)_kernel_end) &&
		frame_allocator_reserve(fa, boot->mb2_phys,
					boot->mb2_phys + boot->mb2.total_size);
	if (!ok)
		panic("memory_init: too many reserved ranges");
	if (fa->n_usable == 0)
		panic("memory_init: the memory map has no usable memory");
	memory.phys_end = fa->usable[fa->n_usable - 1].end;
	paging_init(fa, memory.phys_end);
}

struct frame_allocator *memory_lock(uint64_t *flags)
{
	*flags = spin_lock_irqsave(&memory.lock);
	return &memory.frames;
}

void memory_unlock(uint64_t flags)
{
	spin_unlock_irqrestore(&memory.lock, flags);
}

struct frame_allocator memory_snapshot(void)
{
	uint64_t flags;
	struct frame_allocator copy = *memory_lock(&flags);
	memory_unlock(flags);
	return copy;
}

uint64_t memory_phys_end(void)
{
	return memory.phys_end;
}

/* Prints a size the way a person reads it: 639 KiB, 127 MiB, 4 GiB. */
static void print_size(uint64_t bytes)
{
	if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
		kprintf("%6lu GiB", bytes >> 30);
	else if (bytes >= (1ull << 20))
		kprintf("%6lu MiB", bytes >> 20);
	else
		kprintf("%6lu KiB", bytes >> 10);
}

void memory_print_map(const struct boot_info *boot)
{
	kprintf("memory map from %s:\n", boot->mb2.bootloader_name
						 ? boot->mb2.bootloader_name
						 : "the boot loader");
	kprintf("  %-17s %-18s %-18s %9s\n", "type", "start", "end", "size");
	struct mb2_mmap_entry e;
	uint64_t usable = 0;
	for (size_t i = 0; mb2_mmap_get(&boot->mb2, i, &e); i++) {
		kprintf("  %-17s 0x%016lx 0x%016lx ", mb2_mem_type_name(e.type),
			e.base, e.base + e.length);
		print_size(e.length);
		kprintf("\n");
		if (e.type == MB2_MEM_AVAILABLE)
			usable += e.length;
	}
	kprintf("usable memory: ");
	print_size(usable);
	kprintf(" (%lu KiB)\n", usable >> 10);
	kprintf("after reserving the first MiB, the kernel and the boot "
		"information:\n  %lu free frames of 4 KiB\n",
		frame_allocator_free_frames(&memory.frames));
}

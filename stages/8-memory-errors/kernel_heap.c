/*
 * kernel_heap.c - chapter 7's heap (slab.c over freelist.c, growing by
 * heap_grow.c) with the debugging allocator (debug_alloc.c, guard.c) on
 * top, as the kernel's global allocator.
 *
 *   kmalloc -> heap_alloc -> guard_alloc (a sample)  -> its own pages
 *                         -> debug_alloc (the rest)  -> slab_alloc
 *
 * One lock guards every layer, as in chapter 7.  A report panics with
 * the lock held; the panic path does not need it.
 *
 * Undecorated (kernel_heap_undecorated, for the tests): chapter 7's heap
 * alone, as if this stage had not put anything over it,
 *
 *   kmalloc -> heap_alloc -> slab_alloc
 *
 * so that chapter 7's slab_tests.c runs here unchanged: it checks where
 * the slabs put blocks, and the slabs' own panics, which the redzones and
 * the reports would change.  No block crosses the switch: it happens only
 * when nothing of the debugging allocator is live, and the heap starts
 * empty on each side of it.
 */
#include "kernel_heap.h"

#include <stdint.h>

#include "alloc.h"
#include "console.h"
#include "debug_alloc.h"
#include "freelist.h"
#include "guard.h"
#include "heap.h"
#include "heap_grow.h"
#include "idt.h"
#include "ksyms.h"
#include "mem.h"
#include "panic.h"
#include "slab.h"
#include "spinlock.h"

static struct {
	struct spinlock lock;
	struct freelist_heap fallback; /* guarded by lock, all of them */
	struct slab_heap slabs;
	struct heap_growth growth;
	struct debug_heap debug;
	unsigned guard_every; /* guard one allocation in this many; 0: none */
	unsigned countdown;   /* allocations until the next guarded one */
	bool undecorated;     /* the slabs alone: no debug, no guard */
} kernel_heap = {.lock = SPINLOCK_INIT("heap lock"),
		 .growth = {.heap = &kernel_heap.fallback,
			    .frame_budget = SIZE_MAX}};

/* The debugging allocator's shadow map: a byte per 16 bytes of heap. */
static uint8_t shadow[HEAP_MAX_SIZE / DBG_GRANULE];

/* ------------------------------------------------------ who called us */

/* The allocator's own functions, skipped when looking for the caller. */
static bool in_allocator(const char *fn)
{
	static const char *const names[] = {"heap_alloc",
					    "heap_dealloc",
					    "heap_realloc",
					    "allocator_alloc",
					    "allocator_dealloc",
					    "allocator_alloc_zeroed",
					    "allocator_realloc",
					    "default_alloc_zeroed",
					    "default_realloc",
					    "kmalloc",
					    "kcalloc",
					    "krealloc",
					    "kfree",
					    "kmalloc_or_panic",
					    "kcalloc_or_panic"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(fn, names[i]) == 0)
			return true;
	return false;
}

/*
 * The return address into the first function outside the allocator: the
 * code that called kmalloc or kfree.  The kernel keeps frame pointers, so
 * the chain of saved rbp values is the call stack:
 *
 *   rbp -> [saved rbp][return address]   call_site's caller: heap_alloc
 *          [saved rbp][return address]   allocator_alloc, kmalloc ...
 *          [saved rbp][return address]   the caller wanted
 */
static __attribute__((noinline)) uintptr_t call_site(void)
{
	const uintptr_t *fp = __builtin_frame_address(0);
	for (int depth = 0; depth < 8 && fp != NULL; depth++) {
		uintptr_t ret = fp[1], off;
		const char *fn = ksyms_lookup(ret, &off);
		if (fn == NULL || !in_allocator(fn))
			return ret;
		fp = (const uintptr_t *)fp[0];
	}
	return 0;
}

/* ------------------------------------------------- the layers, wired */

static void *inner_alloc(void *slabs, struct layout layout)
{
	return slab_alloc(slabs, layout);
}

static void inner_dealloc(void *slabs, void *ptr, struct layout layout)
{
	slab_dealloc(slabs, ptr, layout);
}

static const char *site_name(uintptr_t site, char *buf, size_t size)
{
	return ksyms_format(site, buf, size);
}

/* Is this allocation one of the sample guarded? */
static bool take_guarded(void)
{
	if (kernel_heap.guard_every == 0)
		return false;
	if (kernel_heap.countdown > 1) {
		kernel_heap.countdown--;
		return false;
	}
	kernel_heap.countdown = kernel_heap.guard_every;
	return true;
}

static void *heap_alloc(struct allocator *self, struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = NULL;
	if (kernel_heap.undecorated) {
		p = slab_alloc(&kernel_heap.slabs, layout);
	} else {
		uintptr_t site = call_site();
		if (take_guarded())
			p = guard_alloc(layout, site);
		if (p == NULL)
			p = debug_alloc(&kernel_heap.debug, layout, site);
	}
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return p;
}

static void heap_dealloc(struct allocator *self, void *ptr,
			 struct layout layout)
{
	(void)self;
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	if (kernel_heap.undecorated) {
		slab_dealloc(&kernel_heap.slabs, ptr, layout);
	} else {
		uintptr_t site = call_site();
		if (!guard_free(ptr, layout, site))
			debug_dealloc(&kernel_heap.debug, ptr, layout, site);
	}
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* No realloc in place: the default moves every block, so a stale pointer
 * to the old one is caught like any use after free.  (Undecorated: in
 * place within a class, as chapter 7 does.) */
static void *heap_realloc(struct allocator *self, void *ptr,
			  struct layout layout, size_t new_size)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	void *p = NULL;
	if (kernel_heap.undecorated)
		p = slab_realloc_in_place(&kernel_heap.slabs, ptr, layout,
					  new_size);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (p != NULL)
		return p;
	return default_realloc(self, ptr, layout, new_size);
}

static struct allocator debug_allocator = {
	.name = "debugging allocator",
	.alloc = heap_alloc,
	.dealloc = heap_dealloc,
	.realloc = heap_realloc,
};

GLOBAL_ALLOCATOR(debug_allocator);

/* Every layer empty, with the lock held. */
static void start_afresh(void)
{
	if (kernel_heap.growth.size == 0)
		kernel_heap.growth.size = HEAP_SIZE; /* what heap_init mapped */
	enum freelist_error err = freelist_init(
		&kernel_heap.fallback, HEAP_START, kernel_heap.growth.size);
	if (err != FREELIST_OK)
		panic("kernel_heap_init: %s", freelist_error_str(err));
	slab_heap_init(&kernel_heap.slabs, &kernel_heap.fallback, heap_grow,
		       &kernel_heap.growth);
	memset(shadow, 0, sizeof shadow);
	struct dbg_inner inner = {inner_alloc, inner_dealloc,
				  &kernel_heap.slabs};
	debug_heap_init(&kernel_heap.debug, inner, HEAP_START, shadow,
			sizeof shadow);
	kernel_heap.debug.site_name = site_name;
}

void kernel_heap_init(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	start_afresh();
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/*
 * The switch to chapter 7's heap alone and back.  A block must be freed
 * by the layer that allocated it, so none may cross: switching on needs
 * no live block of the debugging allocator (a block freed in the
 * quarantine is given back first, its poison checked), and on each side
 * the heap starts empty.  What a test left live underneath (a block of a
 * test that panicked on purpose) is forgotten with it.
 */
void kernel_heap_undecorated(bool yes)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	if (yes == kernel_heap.undecorated) {
		spin_unlock_irqrestore(&kernel_heap.lock, flags);
		return;
	}
	if (yes) {
		debug_flush(&kernel_heap.debug);
		size_t live = kernel_heap.debug.live;
		if (live != 0)
			panic("kernel_heap_undecorated: %zu block%s of the "
			      "debugging allocator still live",
			      live, live == 1 ? "" : "s");
	}
	start_afresh();
	kernel_heap.undecorated = yes;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------------------------ settings */

void kernel_heap_guard_every(unsigned n)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	kernel_heap.guard_every = n;
	kernel_heap.countdown = n;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* A report printed, and the kernel goes on (the demo's mode). */
static void print_report(const char *report)
{
	console_start_line();
	kprintf_color(VGA_LIGHT_RED, "BUG: %s\n", report);
}

void kernel_heap_reports_continue(bool yes)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	kernel_heap.debug.on_report = yes ? print_report : NULL;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

size_t kernel_heap_reports(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	size_t n = kernel_heap.debug.reports;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return n;
}

void kernel_heap_limit_frames(size_t frames)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	kernel_heap.growth.frame_budget = frames;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

void kernel_heap_flush(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	debug_flush(&kernel_heap.debug);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------------------------ looking */

/* Undecorated: the slabs' counts, as chapter 7 gives them. */
static void count_slab_blocks(struct heap_stats *s)
{
	const struct slab_heap *h = &kernel_heap.slabs;
	s->used = slab_used(h);
	s->live = h->large_live;
	for (int i = 0; i < SLAB_CLASSES; i++)
		s->live += h->classes[i].live;
}

/* The blocks handed out: the debugging allocator's and the guarded. */
static void count_debug_blocks(struct heap_stats *s)
{
	size_t guarded, guarded_bytes;
	guard_live(&guarded, &guarded_bytes);
	s->used = kernel_heap.debug.live_bytes + guarded_bytes;
	s->live = kernel_heap.debug.live + guarded;
}

struct heap_stats kernel_heap_stats(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct heap_stats s = {
		.size = kernel_heap.growth.size,
		.grown = kernel_heap.growth.grown,
		.largest_free =
			freelist_stats(&kernel_heap.fallback).largest_free};
	if (kernel_heap.undecorated)
		count_slab_blocks(&s);
	else
		count_debug_blocks(&s);
	s.free = s.size - s.used;
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return s;
}

static void print_leak(void *ctx, const void *ptr, size_t size, uintptr_t at)
{
	(void)ctx;
	char name[64];
	kprintf("  leak: %zu-byte block %p\n    allocated by %s\n", size,
		ptr, ksyms_format(at, name, sizeof name));
}

size_t kernel_heap_leaks(void)
{
	/* printed under the heap lock: kprintf does not allocate */
	console_start_line();
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	size_t n = debug_each_live(&kernel_heap.debug, print_leak, NULL);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return n;
}

struct each_live {
	void (*each)(void *ctx, const void *block, size_t size);
	void *ctx;
};

static void call_each(void *ctx, const void *ptr, size_t size, uintptr_t at)
{
	(void)at;
	struct each_live *e = ctx;
	e->each(e->ctx, ptr, size);
}

size_t kernel_heap_each_live(void (*each)(void *ctx, const void *block,
					  size_t size),
			     void *ctx)
{
	struct each_live e = {each, ctx};
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	size_t n = debug_each_live(&kernel_heap.debug, call_each, &e);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	return n;
}

void kernel_heap_check(void)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	struct slab_fault fault;
	const char *what;
	bool slabs_ok = slab_check(&kernel_heap.slabs, &fault);
	bool debug_ok = debug_check(&kernel_heap.debug, &what);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
	if (!slabs_ok)
		panic("slab_check: %s at %p", fault.what, (void *)fault.at);
	if (!debug_ok)
		panic("debug_check: %s", what);
}

void kernel_heap_class_stats(int class, struct slab_class_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&kernel_heap.lock);
	slab_class_stats(&kernel_heap.slabs, class, out);
	spin_unlock_irqrestore(&kernel_heap.lock, flags);
}

/* ------------------------------------------- a poisoned pointer, used */

/*
 * The exceptions' #GP hook (idt.c).  Freed memory holds 0x6b in every
 * byte, so a pointer read from a freed block is 0x6b6b6b6b6b6b6b6b, which
 * is not a canonical address: following it is a general protection
 * fault (not a page fault, and the CPU does not say which address it
 * was).  So a register holding exactly that value names the bug, as
 * Linux's "general protection fault, probably for non-canonical address
 * 0x6b6b6b6b6b6b6b6b" does:
 *
 *   p = s->next;    a load from freed memory: rax = 0x6b6b6b6b6b6b6b6b
 *   x = p->value;   mov (%rax), ...: #GP, reported here
 *
 * Without the heap lock: the fault may have come from inside the
 * allocator.  Returns when no register holds the poison (the usual
 * exception report follows), and also after a report the demo's mode
 * lets go on (a fault cannot be gone on from: the exception's own report
 * follows and panics).
 */
void general_protection_hook(const struct interrupt_frame *f)
{
	const struct {
		const char *name;
		uint64_t value;
	} regs[] = {{"rax", f->rax}, {"rbx", f->rbx}, {"rcx", f->rcx},
		    {"rdx", f->rdx}, {"rsi", f->rsi}, {"rdi", f->rdi},
		    {"rbp", f->rbp}, {"r8", f->r8},   {"r9", f->r9},
		    {"r10", f->r10}, {"r11", f->r11}, {"r12", f->r12},
		    {"r13", f->r13}, {"r14", f->r14}, {"r15", f->r15}};
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		if (regs[i].value == DBG_POISON_POINTER) {
			debug_poisoned_pointer(&kernel_heap.debug, regs[i].name,
					       f->rip);
			return;
		}
	}
}

/*
 * boot.S - from GRUB to C.
 *
 * GRUB loads the kernel ELF at 1 MiB and jumps to _start in 32-bit
 * protected mode with paging off, EAX = the multiboot2 magic and EBX = the
 * physical address of the boot information.  Before C can run in 64-bit
 * long mode this file must:
 *
 *   1. check that a multiboot2 loader booted us, that the CPU has CPUID and
 *      that it supports long mode, printing `ERR: <what>` if not;
 *   2. build the boot page tables: the first 4 GiB identity mapped, the
 *      first 2 MiB with 4 KiB pages so that the null page and the guard
 *      page below the kernel stack can be left unmapped;
 *   3. enable PAE, long mode (and NX if the CPU has it) and paging;
 *   4. load a 64-bit GDT and far-jump into 64-bit code, which calls
 *      kmain(magic, info).
 *
 * The boot page tables after step 2:
 *
 *   boot_pml4[0] -> boot_pdpt[0..3] -> boot_pd[0..2047]   (4 x 512 entries)
 *                                        |
 *      boot_pd[0] -> boot_pt: 512 x 4 KiB pages for 0 - 2 MiB
 *                     except page 0 (null) and stack_guard: not present
 *      boot_pd[1..2047]: 2 MiB pages for 2 MiB - 4 GiB
 */

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1 0x3f8
#define FB_WANT_WIDTH 640
#define FB_WANT_HEIGHT 480
#define FB_WANT_DEPTH 32

#define PTE_PRESENT (1 << 0)
#define PTE_WRITABLE (1 << 1)
#define PTE_HUGE (1 << 7)

/* ----------------------------------------------------- multiboot2 header */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0                          /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* Framebuffer tag (type 5): asks for a graphics mode of 640 x 480
	 * pixels of 32 bits, just room for the 80 x 25 cells of 8 x 16
	 * pixels.  GRUB sets such a mode whenever it can, so under BIOS
	 * grub.cfg asks it for text mode again (gfxpayload=text): the kernel
	 * gets the VGA text screen there, and the framebuffer under UEFI,
	 * which has no text mode.  Flag 1: optional, a loader that cannot set
	 * a mode boots the kernel anyway. */
	.balign 8
	.short 5
	.short 1
	.long 20
	.long FB_WANT_WIDTH
	.long FB_WANT_HEIGHT
	.long FB_WANT_DEPTH
	.balign 8
	.short 0                         /* end tag: type 0, flags 0, size 8 */
	.short 0
	.long 8
mb2_header_end:

/* ------------------------------------------------------- 32-bit entry */
	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	movl $stack_top, %esp
	movl %eax, %edi                  /* keep magic and info for kmain */
	movl %ebx, %esi

	call serial_init32

	cmpl $MB2_BOOTLOADER_MAGIC, %edi
	jne .Lno_multiboot2

	/* CPUID exists if the ID bit (21) of EFLAGS can be flipped. */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $(1 << 21), %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx                       /* restore the original flags */
	popfl
	cmpl %eax, %ecx
	je .Lno_cpuid

	/* Long mode: extended leaf 0x80000001, EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz .Lno_long_mode
	movl %edx, %ebp                  /* keep the feature bits for NX */

	call build_page_tables

	/* PAE on, CR3 = the PML4. */
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3

	/* EFER (MSR 0xC0000080): LME (bit 8); NXE (bit 11) if CPUID says NX. */
	movl $0xc0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	testl $(1 << 20), %ebp
	jz 1f
	orl $(1 << 11), %eax
1:	wrmsr

	/* Paging (bit 31) and write protect in ring 0 (bit 16). */
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16)), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_entry

.Lno_multiboot2:
	movl $msg_no_mb2, %eax
	jmp error32
.Lno_cpuid:
	movl $msg_no_cpuid, %eax
	jmp error32
.Lno_long_mode:
	movl $msg_no_long_mode, %eax
	jmp error32

/* Identity-map the first 4 GiB (see the picture at the top). */
build_page_tables:
	movl $boot_pdpt, %eax
	orl $(PTE_PRESENT | PTE_WRITABLE), %eax
	movl %eax, boot_pml4

	/* boot_pdpt[i] -> boot_pd + i * 4096, for i = 0..3 */
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $(PTE_PRESENT | PTE_WRITABLE), %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b

	/* boot_pd[i] = 2 MiB page at i * 2 MiB, for i = 1..2047 (the high
	 * half of a 64-bit entry stays zero from .bss: addresses < 4 GiB) */
	movl $1, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_PRESENT | PTE_WRITABLE | PTE_HUGE), %eax
	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	/* boot_pd[0] -> boot_pt; boot_pt[i] = 4 KiB page at i * 4 KiB */
	movl $boot_pt, %eax
	orl $(PTE_PRESENT | PTE_WRITABLE), %eax
	movl %eax, boot_pd
	movl $1, %ecx                    /* from 1: page 0 stays unmapped */
3:	movl %ecx, %eax
	shll $12, %eax
	orl $(PTE_PRESENT | PTE_WRITABLE), %eax
	movl %eax, boot_pt(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 3b

	/* Unmap the guard page below the kernel stack. */
	movl $stack_guard, %eax
	shrl $12, %eax
	movl $0, boot_pt(, %eax, 8)
	ret

/* Minimal COM1 setup so errors before C reach the serial port. */
serial_init32:
	movw $(COM1 + 1), %dx            /* interrupts off */
	movb $0x00, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx            /* DLAB on */
	movb $0x80, %al
	outb %al, %dx
	movw $(COM1 + 0), %dx            /* divisor 3: 38400 baud */
	movb $0x03, %al
	outb %al, %dx
	movw $(COM1 + 1), %dx
	movb $0x00, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx            /* 8 bits, no parity, 1 stop */
	movb $0x03, %al
	outb %al, %dx
	ret

/*
 * error32: print the NUL-terminated message at EAX on the first VGA line
 * (white on red) and on COM1, then halt forever.
 */
error32:
	movl %eax, %esi
	movl $0xb8000, %edi
1:	movb (%esi), %bl
	testb %bl, %bl
	jz 3f
	movb %bl, (%edi)
	movb $0x4f, 1(%edi)
	addl $2, %edi
	/* wait for the transmitter to be empty (LSR bit 5), then send */
	movw $(COM1 + 5), %dx
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	incl %esi
	jmp 1b
3:	movw $(COM1 + 5), %dx            /* end the line: \r\n */
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $COM1, %dx
	movb $'\r', %al
	outb %al, %dx
	movb $'\n', %al
	outb %al, %dx
5:	hlt
	jmp 5b

/* ------------------------------------------------------- 64-bit entry */
	.code64
/* The CFI lines tell a debugger this is the outermost frame: gdb's `bt`
 * ends here instead of walking into whatever lies above the stack. */
	.cfi_sections .debug_frame
long_mode_entry:
	.cfi_startproc
	.cfi_undefined rip
	xorl %eax, %eax                  /* data segments are unused in long mode */
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq $stack_top, %rsp
	xorl %ebp, %ebp                  /* end of the frame-pointer chain */
	/* kmain(magic, info): EDI and ESI already hold them, zero-extended
	 * (32-bit moves clear the upper halves) */
	movl %edi, %edi
	movl %esi, %esi
	call kmain
1:	cli
	hlt
	jmp 1b
	.cfi_endproc

/* ------------------------------------------------------- read-only data */
	.section .rodata
msg_no_mb2:
	.asciz "ERR: not booted by a multiboot2 boot loader (bad magic in EAX)"
msg_no_cpuid:
	.asciz "ERR: this CPU has no CPUID instruction"
msg_no_long_mode:
	.asciz "ERR: this CPU does not support 64-bit long mode"

/* The boot GDT: just enough for the far jump.  gdt_init() replaces it with
 * the final GDT and its TSS. */
	.balign 8
boot_gdt:
	.quad 0                          /* null descriptor */
	.quad (1 << 43) | (1 << 44) | (1 << 47) | (1 << 53) /* 64-bit code */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

/* ----------------------------------------------- page tables and stacks */
	.section .bss.boot, "aw", @nobits
	.balign 4096
	.global boot_pml4, boot_pdpt, boot_pd, boot_pt
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
boot_pt:
	.skip 4096

/*
 * The kernel stack grows down from stack_top towards stack_bottom.  The
 * page below it, stack_guard, is left unmapped: running off the end of the
 * stack touches it and page-faults instead of silently overwriting
 * whatever lies below.
 */
	.global stack_guard, stack_bottom, stack_top
stack_guard:
	.skip 4096
stack_bottom:
	.skip 4 * 4096
stack_top:

/* no executable stack */
	.section .note.GNU-stack, "", @progbits

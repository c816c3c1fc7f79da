/*
 * isr.S - the entry stubs for interrupts and exceptions.
 *
 * The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some exceptions, an
 * error code.  Each stub makes the frame uniform (a 0 error code where the
 * CPU pushes none), pushes its vector number, and jumps to isr_common,
 * which saves the general registers and calls interrupt_dispatch() with a
 * pointer to the whole frame (struct interrupt_frame in idt.h):
 *
 *   high  SS, RSP, RFLAGS, CS, RIP    pushed by the CPU
 *         error code                  by the CPU or the stub
 *         vector                      by the stub
 *   low   RAX ... R15                 by isr_common   <- RSP = frame
 */

.macro ISR_NOERR n
isr\n:
	pushq $0
	pushq $\n
	jmp isr_common
.endm

.macro ISR_ERR n
isr\n:
	pushq $\n
	jmp isr_common
.endm

	.section .text
	.code64
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31
/* hardware interrupts from the two 8259 PICs, remapped to 32..47 */
ISR_NOERR 32
ISR_NOERR 33
ISR_NOERR 34
ISR_NOERR 35
ISR_NOERR 36
ISR_NOERR 37
ISR_NOERR 38
ISR_NOERR 39
ISR_NOERR 40
ISR_NOERR 41
ISR_NOERR 42
ISR_NOERR 43
ISR_NOERR 44
ISR_NOERR 45
ISR_NOERR 46
ISR_NOERR 47

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi                  /* the frame; RSP is 16-byte aligned */
	call interrupt_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp                   /* vector and error code */
	iretq

/* The stubs' addresses, for idt_init(). */
	.section .rodata
	.balign 8
	.global isr_stubs
isr_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad isr\n
	.endr

/* no executable stack */
	.section .note.GNU-stack, "", @progbits

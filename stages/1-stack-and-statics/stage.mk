# Stage 1: stack and static variables.
#
# Every stage.mk adds to the lists its predecessors built; a name resolves
# to the newest stage folder that has it, then common/ (see scripts/kernel.mk).
STAGE_TITLE := stack and static variables

# The common core: boot, GDT/TSS, IDT, console (and its scrollback, paged
# with the keyboard; drawn on a framebuffer where there is no text mode),
# panic, multiboot2.
KERNEL_SOURCES += boot.S isr.S kmain.c gdt.c idt.c pic.c serial.c vga.c \
	console.c format.c mem.c panic.c multiboot2.c spinlock.c init.c \
	keyboard.c scrollback.c fbcon.c

# The demo kernel (`make stage-1 run`) and the test kernel (`make stage-1 test`).
DEMO_SOURCES += main.c stack_demo.c
TEST_SOURCES += stack_demo.c stack_tests.c fbcon_tests.c

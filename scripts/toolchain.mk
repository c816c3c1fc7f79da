# toolchain.mk - which compiler, linker, GRUB tools and gdb the course uses.
# Read by the Makefile and by scripts/kernel.mk, so both choose alike;
# `make -f scripts/kernel.mk toolchain` prints the choice.
#
#   Linux, make:            gcc, ld
#   Linux, make CC=clang:   clang --target=x86_64-elf, ld.lld
#   macOS, make:            Homebrew's x86_64-elf-gcc and x86_64-elf-ld
#                           (brew install x86_64-elf-gcc x86_64-elf-binutils)
#   macOS, make CC=clang:   clang --target=x86_64-elf, ld.lld
#                           (brew install llvm lld)
#   GRUB:   grub-mkrescue and grub-file; on macOS x86_64-elf-grub-mkrescue
#           and x86_64-elf-grub-file (brew install x86_64-elf-grub)
#   gdb:    gdb; on macOS x86_64-elf-gdb (brew install x86_64-elf-gdb)
#
# Only GCC and Clang build the kernels: CC is gcc, gcc-N, clang, clang-N or
# a cross compiler such as x86_64-elf-gcc (linked with x86_64-elf-ld);
# anything else is refused.  The Mac's own gcc is Apple's Clang making
# Mach-O files, so there CC=gcc means x86_64-elf-gcc.  LD=... on the
# command line and GDB=... choose those two.
#
# Only make's own functions and POSIX tools: the same on a Mac.
# UNAME_S=Darwin (or a `uname` earlier in PATH) simulates one
# (tests/scripts/test_toolchain.sh).

# (:= runs uname once; ?= would run it at every use.)
ifeq ($(origin UNAME_S),undefined)
UNAME_S := $(shell uname -s)
endif
export UNAME_S

# `make` with no CC, or CC=cc from the environment: the course's GCC.
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(CC),cc)
CC := gcc
endif
ifeq ($(UNAME_S),Darwin)
ifeq ($(CC),gcc)
CC := x86_64-elf-gcc
endif
endif

CC_NAME := $(notdir $(firstword $(CC)))
COMPILER := $(strip \
	$(if $(filter clang clang-% %-clang,$(CC_NAME)),clang,\
	$(if $(filter gcc gcc-% %-gcc,$(CC_NAME)),gcc)))
ifeq ($(COMPILER),)
$(error CC=$(CC): only gcc and clang are supported (make CC=gcc, the default, or make CC=clang; a cross compiler such as x86_64-elf-gcc works too))
endif

ifeq ($(COMPILER),clang)
TARGET_FLAGS := --target=x86_64-elf
TOOLCHAIN_LD := ld.lld
else
TARGET_FLAGS := -fno-tree-loop-distribute-patterns
# x86_64-elf-gcc links with x86_64-elf-ld; gcc and gcc-12 with ld.
TOOLCHAIN_LD := $(if $(filter %-gcc,$(CC_NAME)),$(patsubst %gcc,%ld,$(firstword $(CC))),ld)
endif
ifneq ($(origin LD),command line)
LD := $(TOOLCHAIN_LD)
endif

# grub_names TOOL: the names GRUB's TOOL goes by, the likeliest first.
ifeq ($(UNAME_S),Darwin)
GDB ?= x86_64-elf-gdb
grub_names = x86_64-elf-grub-$(1) i686-elf-grub-$(1) grub-$(1) grub2-$(1)
else
GDB ?= gdb
grub_names = grub-$(1) grub2-$(1) x86_64-elf-grub-$(1) i686-elf-grub-$(1)
endif

# find_tool NAMES: the first of NAMES found in PATH, as a path (make's
# own wildcard over PATH: no shell started).  Used only when expanded.
find_tool = $(firstword $(foreach t,$(1),$(wildcard $(addsuffix /$(t),$(subst :, ,$(PATH))))))
MKRESCUE = $(call find_tool,$(call grub_names,mkrescue))
GRUB_FILE = $(call find_tool,$(call grub_names,file))

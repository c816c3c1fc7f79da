# The heap-allocation teaching kernel.
#
#   make run                 build and boot the last stage
#   make test                every check; ends with `N passed, N failed`
#   make stage-N [run|debug|test|tree]
#   make diff FROM=a TO=b    what lesson b changes relative to lesson a
#   make help                every target
#
# The per-stage build itself is scripts/kernel.mk; this file picks the
# stage, installs what is missing, and runs things.

.DEFAULT_GOAL := help
SHELL := /bin/sh

STAGE_NUMBERS := $(sort $(patsubst stages/%,%,$(foreach d,$(wildcard stages/*-*),$(firstword $(subst -, ,$(d))))))
LAST_STAGE := $(lastword $(sort $(STAGE_NUMBERS)))

# `make stage-3 run`: the stage goal names the stage the other goals use.
STAGE_GOAL := $(firstword $(filter stage-%,$(MAKECMDGOALS)))
N := $(if $(STAGE_GOAL),$(patsubst stage-%,%,$(STAGE_GOAL)),$(LAST_STAGE))

ifeq ($(origin CC),default)
CC := gcc
endif
COMPILER := $(if $(findstring clang,$(CC)),clang,gcc)
OUT = build/$(COMPILER)/stage-$(N)
KMAKE = $(MAKE) --no-print-directory -f scripts/kernel.mk STAGE=$(N) CC=$(CC)

.PHONY: help deps run debug test tree diff clean bench $(addprefix stage-,$(STAGE_NUMBERS))

help:
	@echo "make run               build and boot stage $(LAST_STAGE) (the last) in QEMU"
	@echo "make test              host tests, compile-fail checks, every stage's kernel"
	@echo "                       tests under GCC and Clang, lesson output checks"
	@echo "make stage-N           build stage N's ISO (N = $(STAGE_NUMBERS))"
	@echo "make stage-N run       boot stage N (serial here; VGA in a window if there is a display)"
	@echo "make stage-N debug     boot stage N halted, gdb attached, stopped in kmain"
	@echo "make stage-N test      build and run stage N's in-kernel tests headless"
	@echo "make stage-N tree      write stage N's resolved sources to build/tree/stage-N"
	@echo "make diff FROM=a TO=b  unified diff of the resolved sources of two stages"
	@echo "make bench             allocator benchmark (not part of make test)"
	@echo "make clean             remove build/"
	@echo "make help              this list"
	@echo "Options: CC=clang builds with Clang and ld.lld."

deps:
	@scripts/install-deps

$(addprefix stage-,$(STAGE_NUMBERS)): deps
	@$(KMAKE) iso compile_commands.json
	@cp $(OUT)/compile_commands.json build/compile_commands.json

run: deps
	@$(KMAKE) iso
	@scripts/run-qemu run $(OUT)/stage-$(N).iso

debug: deps
	@$(KMAKE) iso
	@scripts/debug $(OUT)/kernel.elf $(OUT)/stage-$(N).iso

tree: deps
	@$(KMAKE) tree

# With a stage goal: that stage's kernel tests.  Alone: everything.
test: deps
ifneq ($(STAGE_GOAL),)
	@python3 scripts/run-tests --stage $(N) --compiler $(COMPILER)
else
	@python3 scripts/run-tests
endif

FROM ?= 1
TO ?= 2
diff: deps
	@$(MAKE) --no-print-directory -f scripts/kernel.mk STAGE=$(FROM) CC=$(CC) tree >/dev/null
	@$(MAKE) --no-print-directory -f scripts/kernel.mk STAGE=$(TO) CC=$(CC) tree >/dev/null
	@cd build/tree && diff -ruN stage-$(FROM) stage-$(TO) || true

bench: deps
	@python3 scripts/bench

clean:
	rm -rf build

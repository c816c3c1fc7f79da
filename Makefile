# The heap-allocation teaching kernel.
#
#   make run                 build and boot the last stage
#   make test                every check; ends with `N passed, N failed`
#   make stage-N [run|debug|test|tree]
#   make diff FROM=a TO=b    what lesson b changes relative to lesson a
#   make diff-html FROM=a TO=b   the same, side by side, as an HTML page
#   make help                every target
#
# The per-stage build itself is scripts/kernel.mk; this file picks the
# stage, installs what is missing, and runs things.

.DEFAULT_GOAL := help
SHELL := /bin/sh

STAGE_NUMBERS := $(sort $(patsubst stages/%,%,$(foreach d,$(wildcard stages/*-*),$(firstword $(subst -, ,$(d))))))
LAST_STAGE := $(lastword $(sort $(STAGE_NUMBERS)))

# `make stage-3 run`: the stage goal names the stage the other goals use.
# Alone, `make stage-3` builds its ISO; with one of STAGE_ACTIONS it only
# names the stage.  Anything else is refused before anything is built.
STAGE_ACTIONS := run debug test tree qemu qemu-nox qemu-gdb gdb
empty :=
ACTIONS_USAGE = $(subst $(empty) $(empty),|,$(STAGE_ACTIONS))
STAGE_GOALS := $(filter stage-%,$(MAKECMDGOALS))
STAGE_GOAL := $(firstword $(STAGE_GOALS))
N := $(if $(STAGE_GOAL),$(patsubst stage-%,%,$(STAGE_GOAL)),$(LAST_STAGE))
ifneq ($(STAGE_GOAL),)
ifneq ($(words $(STAGE_GOALS)),1)
$(error $(STAGE_GOALS): one stage at a time (make stage-N [$(ACTIONS_USAGE)]))
endif
ifeq ($(filter $(N),$(STAGE_NUMBERS)),)
$(error there is no stage $(N): the stages are $(STAGE_NUMBERS) (make stage-N [$(ACTIONS_USAGE)]; make help lists them))
endif
NOT_ACTIONS := $(filter-out $(STAGE_GOAL) $(STAGE_ACTIONS),$(MAKECMDGOALS))
ifneq ($(NOT_ACTIONS),)
$(error make $(STAGE_GOAL) $(NOT_ACTIONS): $(firstword $(NOT_ACTIONS)) is not something to do with a stage; the actions are $(STAGE_ACTIONS) (make $(STAGE_GOAL) alone builds its ISO))
endif
endif

# CC (gcc or clang; x86_64-elf-gcc on a Mac), COMPILER, LD, GDB: the same
# choice scripts/kernel.mk makes.  CC=tcc is refused there.
include scripts/toolchain.mk
OUT = build/$(COMPILER)/stage-$(N)
KMAKE = $(MAKE) --no-print-directory -f scripts/kernel.mk STAGE=$(N) CC=$(CC)

.PHONY: help deps run debug test tree diff clean bench bench-table $(addprefix stage-,$(STAGE_NUMBERS))

help:
	@echo "make run               build and boot stage $(LAST_STAGE) (the last) in QEMU"
	@echo "make test              host tests, compile-fail checks, every stage's kernel"
	@echo "                       tests under GCC and Clang, lesson output checks"
	@echo "make stage-N           build stage N's ISO (N = $(STAGE_NUMBERS))"
	@echo "make stage-N run       boot stage N (serial here; VGA in a window if there is a display)"
	@echo "make stage-N debug     boot stage N halted, gdb attached, stopped in kmain"
	@echo "make stage-N qemu-gdb  boot stage N halted, waiting for gdb (serial on this terminal)"
	@echo "make gdb               in a second terminal: gdb attached to that QEMU"
	@echo "make qemu, qemu-nox    as make run; qemu-nox without a window (also NOX=1)"
	@echo "make stage-N run UEFI=1  boot on UEFI firmware (OVMF) instead of a BIOS: the"
	@echo "                       same screen, drawn on a framebuffer (also debug, qemu-gdb)"
	@echo "make stage-N test      build and run stage N's in-kernel tests headless"
	@echo "                       (VARIANTS=1: also with other memory sizes, q35, no NX)"
	@echo "make test T=pattern    only the checks whose name has the pattern (T=host, T=stage-4)"
	@echo "make stage-N tree      write stage N's resolved sources to build/tree/stage-N"
	@echo "make check EX=5.7      build your tree and run exercise 5.7's checks (EX=5: all of"
	@echo "                       chapter 5; JUNIT=f.xml RESULTS_JSON=f.json: results for CI)"
	@echo "make diff FROM=a TO=b  what lesson b changes: a summary, then the lesson's own code"
	@echo "                       (FILE=pattern: one file, e.g. FILE=vec; ALL=1: tests, bench, build too)"
	@echo "make diff-html FROM=a TO=b"
	@echo "                       the same as a side-by-side HTML page in build/diff/"
	@echo "make diff-html-all     one HTML page per pair of neighbouring stages, and an index"
	@echo "make check-html        the diff checks, with the HTML pages rendered in headless Chromium"
	@echo "make bench             allocator benchmark: every allocator of the course and malloc on the"
	@echo "                       same workloads, one table; writes docs/bench/cost-vs-size.svg"
	@echo "                       (not part of make test)"
	@echo "make bench-table       its results as Markdown tables (WRITE=1: into LESSONS.md, between"
	@echo "                       <!-- bench-table: stage-N --> and <!-- /bench-table -->; WRITE=file)"
	@echo "make fuzz              the fuzzers (tests/fuzz/), FUZZ_SECONDS=60 each (FUZZ=freelist: only"
	@echo "                       that one; UPDATE_CORPUS=1: inputs reaching new code join its seeds)"
	@echo "make screenshots       the pictures of the VGA screen in LESSONS.md (docs/screens/)"
	@echo "make clean             remove build/"
	@echo "make help              this list"
	@echo "Options: CC=clang builds with Clang and ld.lld."

# What the goals need (scripts/install-deps asks for that and no more):
# building: the compiler and linker, GRUB's tools, xorriso, mtools; run
# (and a stage's tests, the benchmark, the screenshots): also QEMU and
# python3; check: also patch; debug: also gdb; make test: everything its
# checks use, both compilers included.
DEPS_FOR := $(or \
	$(if $(STAGE_GOAL),,$(filter test,$(MAKECMDGOALS))),\
	$(if $(filter debug qemu-gdb gdb,$(MAKECMDGOALS)),debug),\
	$(filter check,$(MAKECMDGOALS)),\
	$(if $(filter run qemu qemu-nox test bench bench-table screenshots,$(MAKECMDGOALS)),run),\
	build)

# Every goal that builds first writes compile_commands.json for editors
# (all the stages and the host tests, scripts/kernel.mk says how), when
# what it is made of changed or the repository moved.
COMPILE_DB := build/compile_commands.json
-include build/compile_commands.mk
$(COMPILE_DB): scripts/kernel.mk scripts/host-test \
		$(wildcard stages/*/stage.mk tests/host/*.c exercises/*/*.c) \
		$(if $(filter-out $(CURDIR),$(or $(COMPILE_DB_DIR),none)),FORCE)
	@$(KMAKE) compile_commands.json

.PHONY: FORCE
FORCE:

deps: $(COMPILE_DB)
	@CC='$(CC)' LD='$(LD)' GDB='$(GDB)' scripts/install-deps $(DEPS_FOR)

$(addprefix stage-,$(STAGE_NUMBERS)): deps
ifeq ($(filter-out $(STAGE_GOAL),$(MAKECMDGOALS)),)
	@$(KMAKE) iso
else
	@:
endif

run: deps
	@$(KMAKE) iso
	@python3 scripts/run-qemu $(N) $(OUT)/stage-$(N).iso

# Habits from xv6 and JOS: `make qemu` is `make run`, `make qemu-nox` the
# same without a window; `make qemu-gdb` here and `make gdb` in a second
# terminal is the two-terminal debugging flow.
.PHONY: qemu qemu-nox qemu-gdb gdb
qemu: run
qemu-nox: export NOX := 1
qemu-nox: run

debug: deps
	@$(KMAKE) iso
	@python3 scripts/debug $(N) $(OUT)/kernel.elf $(OUT)/stage-$(N).iso

qemu-gdb: deps
	@$(KMAKE) iso
	@python3 scripts/debug --qemu-only $(N) $(OUT)/kernel.elf $(OUT)/stage-$(N).iso

gdb:
	@python3 scripts/debug --gdb-only

tree: deps
	@$(KMAKE) tree

# With a stage goal: that stage's kernel tests.  Alone: everything.
# `make stage-N test` boots the test kernel once (VARIANTS=1 adds the
# machine variants); `make test T=pattern` runs only the matching checks.
test: deps
ifneq ($(STAGE_GOAL),)
	@python3 scripts/run-tests --stage $(N) --compiler $(COMPILER) $(if $(VARIANTS),,--no-variants)
else
	@python3 scripts/run-tests $(if $(T),--only '$(T)')
endif

# `make check EX=5.7`: an exercise's checks on this tree, PASS or FAIL
# each (scripts/check-exercise; the exercises are in LESSONS.md).
.PHONY: check
check: deps
	@CC=$(CC) python3 scripts/check-exercise $(EX) \
		$(if $(JUNIT),--junit $(JUNIT)) $(if $(RESULTS_JSON),--results-json $(RESULTS_JSON))

# The classroom diff (scripts/diff): needs only python3 and make, not the
# toolchain, so a teacher can run it anywhere.
.PHONY: diff diff-html diff-html-all check-html
DIFF_ARGS = --from '$(FROM)' --to '$(TO)' --file '$(FILE)' --all '$(ALL)'
diff:
	@python3 scripts/diff text $(DIFF_ARGS)

diff-html:
	@python3 scripts/diff html $(DIFF_ARGS)

diff-html-all:
	@python3 scripts/diff html-all --all '$(ALL)'

# Installs a headless Chromium (scripts/install-deps html) for the check
# that renders the pages; `make test` runs the same checks, that one only
# when a browser is there.
check-html:
	@scripts/install-deps html
	@python3 tests/scripts/test_diff.py

# `make bench`: the tables as text, the chart of cost by block size
# (docs/bench/cost-vs-size.svg, rewritten), then the student loop.
bench: deps
	@python3 scripts/bench

# The tables LESSONS.md shows, and the chart, measured again (medians of
# five runs); WRITE=1 puts the tables in LESSONS.md, WRITE=path in another
# file, in place of what is between the markers of stage N, the last stage
# with a bench kernel (BENCH_STAGE=N picks another, and leaves the chart).
bench-table: deps
	@python3 scripts/bench --table $(if $(WRITE),--write '$(if $(filter 1,$(WRITE)),LESSONS.md,$(WRITE))')

# The fuzzers (scripts/fuzz): each tests/fuzz/*_fuzz.c under libFuzzer for
# FUZZ_SECONDS, from its seed corpus; new inputs are kept in build/fuzz/,
# and join tests/fuzz/corpus/ only with UPDATE_CORPUS=1.  make test runs
# each for 1 s.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@python3 scripts/fuzz --seconds $(FUZZ_SECONDS) $(if $(UPDATE_CORPUS),--update-corpus) $(FUZZ)

# The VGA screens LESSONS.md shows, booted headless and saved as PNG with
# the text and colours they show (scripts/screenshots); `make test` checks
# that they are current (tests/scripts/check_pictures.py).
.PHONY: screenshots
screenshots: deps
	@python3 scripts/screenshots

clean:
	rm -rf build

# kernel.mk - builds one stage's kernels and ISOs.  Called by the top-level
# Makefile as:  make -f scripts/kernel.mk STAGE=N [CC=gcc|clang] <target>
#
# Targets: iso (the demo kernel's ISO), test-iso (the test kernel's ISO),
#          tree (the resolved sources, for reading),
#          compile_commands.json, extra-test-iso (the test kernel plus an
#          exercise's tests: EXTRA_TESTS, see below)
#
# How a stage is put together (the overlay):
#   stages/1-*/stage.mk, ..., stages/N-*/stage.mk are read in order; each
#   adds to (or filters) KERNEL_SOURCES, DEMO_SOURCES and TEST_SOURCES.
#   A file name (source, header, linker script) resolves to the newest
#   stage folder that has it, down to stages/1-*, then common/.
#
# The resolved tree, build/<cc>/stage-N/src/: one relative symlink per
# resolved name, and every file is compiled from there with -I pointing
# there.  Why: `#include "x.h"` looks first in the including file's own
# folder, so with -I options alone common/foo.c would get common/x.h even
# in a stage that overrides x.h.  Compiled as src/foo.c, its own folder is
# the resolved tree (GCC and Clang take the folder from the path as given,
# they do not resolve the symlink), so every file of the stage sees the
# same headers.  The links are relative, so a copy of the repository with
# its build/ (cp -a) builds from the copy's own sources.  What the student
# sees still names the real files: -ffile-prefix-map (one per link) maps
# src/<name> back to stages/... or common/... in __FILE__ (panic messages,
# test failures) and in the debug info gdb reads, and compiler messages
# are rewritten the same way (src.sed).
#
# (.S files are preprocessed apart so their debug info does too, see below.)
#
# Rebuilds: every object depends on the compiler's flags (in cflags,
# rewritten only when they change; they include the resolution, through
# the prefix maps, so a header that starts or stops overriding another
# rebuilds everything), on this file and on the stage.mk files; the
# kernels on the linker's flags (ldflags).  The -MMD dependency files,
# rewritten to name the real headers, rebuild the users of an edited one.

KERNEL_MK := $(lastword $(MAKEFILE_LIST))
STAGE ?= 1
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif

ifneq ($(findstring clang,$(CC)),)
COMPILER := clang
TARGET_FLAGS := --target=x86_64-elf
LD := ld.lld
else
COMPILER := gcc
TARGET_FLAGS := -fno-tree-loop-distribute-patterns
LD := ld
endif

STAGE_NUMBERS := $(shell seq 1 $(STAGE))
STAGE_DIRS_OLDEST_FIRST := $(foreach n,$(STAGE_NUMBERS),$(wildcard stages/$(n)-*))
STAGE_DIRS := $(shell echo $(STAGE_DIRS_OLDEST_FIRST) | tr ' ' '\n' | tac)
ifneq ($(words $(STAGE_DIRS)),$(STAGE))
$(error stage $(STAGE) does not exist (stage folders found: $(STAGE_DIRS_OLDEST_FIRST)))
endif
SEARCH_DIRS := $(STAGE_DIRS) common

KERNEL_SOURCES :=
DEMO_SOURCES :=
TEST_SOURCES :=
BENCH_SOURCES :=
STAGE_TITLE :=
$(foreach d,$(STAGE_DIRS_OLDEST_FIRST),$(eval include $(d)/stage.mk))

# The test runner's self-test: stage N's test kernel plus tests that must
# fail (tests/kernel/runner_selftest.c), built apart from the real one.
# SELFTEST=1 builds the ordinary self-test kernel; SELFTEST=name also
# defines SELFTEST_NAME (upper case), which adds that one scenario (a test
# that hangs, one that triple-faults, one that lies about its result...)
# for scripts/run-tests to check that the runner calls it a failure.
ifneq ($(SELFTEST),)
TEST_SOURCES += runner_selftest.c
SEARCH_DIRS += tests/kernel
OUT_SUFFIX := -selftest$(if $(filter-out 1,$(SELFTEST)),-$(SELFTEST))
CFLAGS_SELFTEST := $(if $(filter-out 1,$(SELFTEST)),-DSELFTEST_$(shell echo '$(SELFTEST)' | tr a-z- A-Z_))
endif

resolve = $(or $(firstword $(wildcard $(addsuffix /$(1),$(SEARCH_DIRS)))),$(error stage $(STAGE): no file named $(1) in $(SEARCH_DIRS)))
OUT := build/$(COMPILER)/stage-$(STAGE)$(OUT_SUFFIX)
OBJ := $(OUT)/obj
SRC := $(OUT)/src

# What goes in the resolved tree: every source of the stage, every header
# in its search folders (the newest of each name), the linker script.
ALL_SOURCES := $(sort $(KERNEL_SOURCES) $(DEMO_SOURCES) ktest.c $(TEST_SOURCES) $(BENCH_SOURCES))
HEADERS := $(sort $(notdir $(wildcard $(addsuffix /*.h,$(SEARCH_DIRS)))))
LINKED := $(sort $(ALL_SOURCES) $(HEADERS) linker.ld)
RESOLVED := $(foreach f,$(LINKED),$(f)=$(call resolve,$(f)))
path_of = $(patsubst $(1)=%,%,$(filter $(1)=%,$(RESOLVED)))
# From $(SRC) back up to the top of the repository: ../../../../
empty :=
UP := $(subst $(empty) ,,$(foreach c,$(subst /, ,$(SRC)),../))

CFLAGS := -std=gnu11 -ffreestanding -nostdlib -mno-red-zone \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror $(TARGET_FLAGS) \
	-I$(SRC) \
	-DSTAGE=$(STAGE) -DSTAGE_TITLE='"Stage $(STAGE): $(STAGE_TITLE)"' \
	$(CFLAGS_SELFTEST) \
	$(foreach p,$(RESOLVED),-ffile-prefix-map=$(SRC)/$(p))
LDFLAGS := -n -nostdlib -z max-page-size=0x1000 -T $(call path_of,linker.ld)

obj = $(addprefix $(OBJ)/,$(addsuffix .o,$(basename $(1))))
KERNEL_OBJS := $(call obj,$(KERNEL_SOURCES))
DEMO_OBJS := $(call obj,$(DEMO_SOURCES))
TEST_OBJS := $(call obj,ktest.c $(TEST_SOURCES))
BENCH_OBJS := $(call obj,$(BENCH_SOURCES))

.PHONY: iso test-iso bench-iso extra-test-iso tree kernels FORCE
# A recipe that fails leaves no half-written target behind.
.DELETE_ON_ERROR:
iso: $(OUT)/stage-$(STAGE).iso
test-iso: $(OUT)/stage-$(STAGE)-test.iso
ifneq ($(BENCH_SOURCES),)
bench-iso: $(OUT)/stage-$(STAGE)-bench.iso
else
bench-iso:
	@echo "stage $(STAGE) has no benchmark (no BENCH_SOURCES in its stage.mk)" >&2; exit 1
endif
kernels: $(OUT)/kernel.elf $(OUT)/test-kernel.elf
FORCE:

# The text of $(1), single-quoted for the shell.
shquote = '$(subst ','\'',$(1))'

# $(OUT)/cflags: the compiler and its flags, rewritten only when they
# change, so an object is rebuilt when they do (a new STAGE_TITLE, CC=...,
# a header that now resolves elsewhere).  When they change, or a link is
# missing, the resolved tree is brought up to date first: stale links
# removed, each link (re)pointed at its file, and src.sed (link path ->
# real path, for compiler messages) rewritten.
$(OUT)/cflags: FORCE
	@mkdir -p $(SRC); new=$@.$$$$; \
	printf '%s\n' $(call shquote,$(CC) $(CFLAGS)) >$$new; \
	if cmp -s $$new $@ && [ -f $(OUT)/src.sed ]; then stale=; else stale=1; fi; \
	for n in $(LINKED); do [ -L $(SRC)/$$n ] || stale=1; done; \
	if [ -n "$$stale" ]; then \
		for l in $(SRC)/*; do \
			case " $(LINKED) " in *" $${l##*/} "*) ;; *) rm -f "$$l" ;; esac; \
		done; \
		for p in $(RESOLVED); do \
			ln -sfn $(UP)$${p#*=} $(SRC)/.$$$$ && mv -f $(SRC)/.$$$$ $(SRC)/$${p%%=*} || exit 1; \
		done; \
		printf '%s\n' $(foreach p,$(RESOLVED),$(call shquote,s|$(subst .,\.,$(SRC)/$(firstword $(subst =, ,$(p))))|$(call path_of,$(firstword $(subst =, ,$(p))))|g)) >$(OUT)/src.sed.$$$$; \
		mv -f $(OUT)/src.sed.$$$$ $(OUT)/src.sed; \
	fi; \
	if cmp -s $$new $@; then rm -f $$new; else mv -f $$new $@; fi

# write_if_changed TEXT: the target holds TEXT; rewritten only if it differs.
write_if_changed = mkdir -p $(@D); printf '%s\n' $(call shquote,$(1)) >$@.$$$$; \
	if cmp -s $@.$$$$ $@; then rm -f $@.$$$$; else mv -f $@.$$$$ $@; fi

$(OUT)/ldflags: FORCE
	@$(call write_if_changed,$(LD) $(LDFLAGS))

# One rule per source file: the object depends on the resolved file, and
# is compiled from its link.  Compiler messages go through src.sed, so
# they name stages/... or common/..., the file to open and fix (in colour
# when make's output is a terminal).  So does the -MMD dependency file:
# it names the real headers, so editing one rebuilds its users, and make
# never looks at the links themselves (they are only remade, by the cflags
# recipe above, before anything is compiled).
#
# A .S file is preprocessed first, to obj/<name>.s with its line markers
# rewritten by src.sed too, then assembled: the assemblers (GNU as, LLVM's)
# take the debug info's file name from those markers, and do not apply a
# -ffile-prefix-map to them.
COLOR = $$color
DEPS = -MMD -MP -MT $@ -MF $(@:.o=.d.new)
real_deps = sed -f $(OUT)/src.sed $(@:.o=.d.new) >$(@:.o=.d) && rm -f $(@:.o=.d.new)
compile_c = $(CC) $(CFLAGS) $(COLOR) $(DEPS) -c $(SRC)/$(1) -o $@ && $(real_deps)
compile_S = $(CC) $(CFLAGS) $(COLOR) $(DEPS) -E $(SRC)/$(1) -o $(@:.o=.i) \
	&& sed -f $(OUT)/src.sed $(@:.o=.i) >$(@:.o=.s) && rm -f $(@:.o=.i) \
	&& $(CC) $(TARGET_FLAGS) -g $(COLOR) -c $(@:.o=.s) -o $@ && $(real_deps)
define compile_rule
$(call obj,$(1)): $(call path_of,$(1)) $(OUT)/cflags $(KERNEL_MK) $(addsuffix /stage.mk,$(STAGE_DIRS)) | $(OBJ)
	@echo "  CC [$(COMPILER)] $(call path_of,$(1))"
	@color=$$$$([ -t 2 ] && echo -fdiagnostics-color=always); \
	{ $$(call compile_$(if $(filter %.S,$(1)),S,c),$(1)); } 2>$$@.err; status=$$$$?; \
		sed -f $(OUT)/src.sed $$@.err >&2; rm -f $$@.err; exit $$$$status
endef
$(foreach s,$(ALL_SOURCES),$(eval $(call compile_rule,$(s))))

$(OBJ):
	@mkdir -p $@

$(OUT)/kernel.elf: $(KERNEL_OBJS) $(DEMO_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(DEMO_OBJS)

$(OUT)/test-kernel.elf: $(KERNEL_OBJS) $(TEST_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(TEST_OBJS)

$(OUT)/bench-kernel.elf: $(KERNEL_OBJS) $(BENCH_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BENCH_OBJS)

# grub-mkrescue: only the BIOS (i386-pc) platform, so it is quick.
GRUB_DIR := $(firstword $(wildcard /usr/lib/grub/i386-pc /usr/local/lib/grub/i386-pc /opt/homebrew/lib/grub/i386-pc))
MKRESCUE := $(firstword $(shell command -v grub-mkrescue grub2-mkrescue i686-elf-grub-mkrescue x86_64-elf-grub-mkrescue 2>/dev/null))

$(OUT)/%.iso: $(OUT)/iso-%/boot/kernel.elf grub/grub.cfg
	@echo "  ISO     $@"
	@mkdir -p $(OUT)/iso-$*/boot/grub
	@cp grub/grub.cfg $(OUT)/iso-$*/boot/grub/grub.cfg
	@$(MKRESCUE) $(if $(GRUB_DIR),-d $(GRUB_DIR)) -o $@ $(OUT)/iso-$* >$(OUT)/grub-mkrescue.log 2>&1 \
		|| { cat $(OUT)/grub-mkrescue.log; exit 1; }

$(OUT)/iso-stage-$(STAGE)/boot/kernel.elf: $(OUT)/kernel.elf
	@mkdir -p $(dir $@) && cp $< $@
$(OUT)/iso-stage-$(STAGE)-test/boot/kernel.elf: $(OUT)/test-kernel.elf
	@mkdir -p $(dir $@) && cp $< $@
$(OUT)/iso-stage-$(STAGE)-bench/boot/kernel.elf: $(OUT)/bench-kernel.elf
	@mkdir -p $(dir $@) && cp $< $@

# An exercise's tests (scripts/check-exercise, `make check EX=4.5`):
#   EXTRA_TESTS=exercises/4.5/ex4_5_tests.c EXTRA_NAME=4.5 extra-test-iso
# builds $(OUT)/extra-4.5/stage-N-test.iso, a second test kernel: the
# stage's test kernel plus those files.  They are compiled where they are,
# not through the resolved tree, with the stage's flags (so `#include
# "box.h"` finds the stage's box.h through -I$(SRC)); the stage's flags,
# objects and kernels are shared and left as they are, so a check rebuilds
# only what the student changed, and then the exercise's own files.
ifneq ($(EXTRA_TESTS),)
EXTRA_NAME ?= check
EXTRA_OUT := $(OUT)/extra-$(EXTRA_NAME)
extra_obj = $(EXTRA_OUT)/$(basename $(notdir $(1))).o
EXTRA_OBJS := $(foreach t,$(EXTRA_TESTS),$(call extra_obj,$(t)))
compile_extra = $(CC) $(CFLAGS) $(COLOR) $(DEPS) -c $(1) -o $@ && $(real_deps)
define extra_rule
$(call extra_obj,$(1)): $(1) $(OUT)/cflags $(KERNEL_MK) | $(EXTRA_OUT)
	@echo "  CC [$(COMPILER)] $(1)"
	@color=$$$$([ -t 2 ] && echo -fdiagnostics-color=always); \
	{ $$(call compile_extra,$(1)); } 2>$$@.err; status=$$$$?; \
		sed -f $(OUT)/src.sed $$@.err >&2; rm -f $$@.err; exit $$$$status
endef
$(foreach t,$(EXTRA_TESTS),$(eval $(call extra_rule,$(t))))

$(EXTRA_OUT):
	@mkdir -p $@

# The list of extra objects: a file changed in the list relinks.
$(EXTRA_OUT)/objs: FORCE | $(EXTRA_OUT)
	@$(call write_if_changed,$(EXTRA_OBJS))

$(EXTRA_OUT)/test-kernel.elf: $(KERNEL_OBJS) $(TEST_OBJS) $(EXTRA_OBJS) $(EXTRA_OUT)/objs $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(TEST_OBJS) $(EXTRA_OBJS)

$(EXTRA_OUT)/stage-$(STAGE)-test.iso: $(EXTRA_OUT)/test-kernel.elf grub/grub.cfg
	@echo "  ISO     $@"
	@mkdir -p $(EXTRA_OUT)/iso/boot/grub
	@cp $< $(EXTRA_OUT)/iso/boot/kernel.elf
	@cp grub/grub.cfg $(EXTRA_OUT)/iso/boot/grub/grub.cfg
	@$(MKRESCUE) $(if $(GRUB_DIR),-d $(GRUB_DIR)) -o $@ $(EXTRA_OUT)/iso >$(EXTRA_OUT)/grub-mkrescue.log 2>&1 \
		|| { cat $(EXTRA_OUT)/grub-mkrescue.log; exit 1; }

extra-test-iso: $(EXTRA_OUT)/stage-$(STAGE)-test.iso
-include $(wildcard $(EXTRA_OUT)/*.d)
else
extra-test-iso:
	@echo "extra-test-iso: no EXTRA_TESTS given" >&2; exit 1
endif

# build/tree/stage-N: exactly the files this stage's kernels are built
# from (sources, the headers they include, the linker script) and the
# stage's own stage.mk, flat, as a student would read them: copies of
# what $(SRC) links to.  (`make diff`, scripts/diff, needs no build: it
# asks this file for the lists and RESOLVED, and follows the includes.)
TREE := build/tree/stage-$(STAGE)
tree: $(OUT)/kernel.elf $(OUT)/test-kernel.elf
	@rm -rf $(TREE) && mkdir -p $(TREE)
	@cp $(foreach f,$(ALL_SOURCES) linker.ld,$(call path_of,$(f))) $(TREE)/
	@for f in $$(cat $(patsubst %.o,%.d,$(sort $(KERNEL_OBJS) $(DEMO_OBJS) $(TEST_OBJS) $(BENCH_OBJS))) 2>/dev/null \
		| tr ' \\' '\n\n' | grep -E '^[^/:][^:]*\.h$$' | sort -u); do \
		cp $$f $(TREE)/; done
	@cp $(lastword $(STAGE_DIRS_OLDEST_FIRST))/stage.mk $(TREE)/
	@echo "stage $(STAGE) sources in $(TREE)"

# For editors: each source's real path, compiled as the build does (from
# its link in the resolved tree).  Rewritten when the repository moves.
$(OUT)/directory: FORCE
	@$(call write_if_changed,$(CURDIR))

compile_commands.json: $(OUT)/compile_commands.json
$(OUT)/compile_commands.json: $(KERNEL_MK) $(addsuffix /stage.mk,$(STAGE_DIRS)) $(OUT)/cflags $(OUT)/directory
	@{ echo '['; sep=''; \
	  for s in $(sort $(KERNEL_SOURCES) $(DEMO_SOURCES) ktest.c $(TEST_SOURCES)); do \
	    p=; for r in $(RESOLVED); do [ "$${r%%=*}" = "$$s" ] && p=$${r#*=}; done; \
	    printf '%s  {"directory": "%s", "file": "%s", "command": "%s %s -c %s"}' \
	      "$$sep" "$(CURDIR)" "$$p" "$(CC)" "$(subst ",\\\",$(CFLAGS))" "$(SRC)/$$s"; sep=$$(printf ',\n'); \
	  done; echo; echo ']'; } > $@

-include $(wildcard $(OBJ)/*.d)

# kernel.mk - builds one stage's kernels and ISOs.  Called by the top-level
# Makefile as:  make -f scripts/kernel.mk STAGE=N [CC=gcc|clang] <target>
#
# Targets: iso (the demo kernel's ISO), test-iso (the test kernel's ISO),
#          tree (the resolved sources, for reading),
#          compile_commands.json (build/compile_commands.json, for every
#          stage: see the end), toolchain (what scripts/toolchain.mk
#          chose), extra-test-iso (the test kernel plus an
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
# CC, COMPILER (gcc or clang), TARGET_FLAGS, LD, MKRESCUE, GRUB_FILE
include $(dir $(KERNEL_MK))toolchain.mk

# Make's own functions, no seq or tac (a Mac has neither):
# count_to N: 1 2 ... N;  reverse LIST: LIST backwards.
count_to = $(if $(filter $(1),$(words $(2))),$(strip $(2)),$(call count_to,$(1),$(2) $(words x $(2))))
reverse = $(if $(1),$(strip $(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1))))
ALL_STAGES := $(sort $(foreach d,$(wildcard stages/*-*/stage.mk),$(firstword $(subst -, ,$(patsubst stages/%,%,$(d))))))
ifeq ($(filter $(STAGE),$(ALL_STAGES)),)
$(error stage $(STAGE) does not exist (the stages are $(ALL_STAGES)))
endif
STAGE_NUMBERS := $(call count_to,$(STAGE))
STAGE_DIRS_OLDEST_FIRST := $(foreach n,$(STAGE_NUMBERS),$(wildcard stages/$(n)-*))
STAGE_DIRS := $(call reverse,$(STAGE_DIRS_OLDEST_FIRST))
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

# (BASE_CFLAGS, TARGET_FLAGS and the title are also what
# compile_commands.json says, below.)
BASE_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -mno-red-zone \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror
TITLE_DEFINE := -DSTAGE_TITLE="Stage $(STAGE): $(STAGE_TITLE)"
CFLAGS := $(BASE_CFLAGS) $(TARGET_FLAGS) \
	-I$(SRC) \
	-DSTAGE=$(STAGE) -DSTAGE_TITLE='"Stage $(STAGE): $(STAGE_TITLE)"' \
	$(CFLAGS_SELFTEST) \
	$(foreach p,$(RESOLVED),-ffile-prefix-map=$(SRC)/$(p))
LDFLAGS := -n -nostdlib -z max-page-size=0x1000 -T $(call path_of,linker.ld)

obj = $(addprefix $(OBJ)/,$(addsuffix .o,$(basename $(1))))
KERNEL_OBJS := $(call obj,$(KERNEL_SOURCES))
DEMO_OBJS := $(call obj,$(DEMO_SOURCES))
TEST_OBJS = $(call obj,ktest.c $(TEST_SOURCES)) $(BUG_OBJS)
BENCH_OBJS := $(call obj,$(BENCH_SOURCES))
# The console's font (common/font.h), which is not a file of the tree:
# scripts/consolefont.py writes it from a Linux console font, once for
# every stage and compiler.
FONT_C := build/font/font.c
CONSOLE_FONT ?= /usr/share/consolefonts/Uni2-VGA16.psf.gz
export CONSOLE_FONT
KERNEL_OBJS += $(OBJ)/font.o

.PHONY: iso test-iso bench-iso extra-test-iso tree kernels FORCE
# A recipe that fails leaves no half-written target behind.
.DELETE_ON_ERROR:
# (The empty recipes, `@:`: with one, make does not say `Nothing to be
# done for 'test-iso'` when there was nothing to do.)
iso: $(OUT)/stage-$(STAGE).iso
	@:
test-iso: $(OUT)/stage-$(STAGE)-test.iso
	@:
ifneq ($(BENCH_SOURCES),)
bench-iso: $(OUT)/stage-$(STAGE)-bench.iso
	@:
else
bench-iso:
	@echo "stage $(STAGE) has no benchmark (no BENCH_SOURCES in its stage.mk)" >&2; exit 1
endif
kernels: $(OUT)/kernel.elf $(OUT)/test-kernel.elf
	@:
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
# A dependency file may name a stage folder's source that has been deleted
# since, and now resolves to an earlier stage's or common/'s (-MP covers
# the headers): nothing to make, and the object is rebuilt from the file
# that is there now, as its rule says.
stages/%.c stages/%.S: ;

define compile_rule
$(call obj,$(1)): $(call path_of,$(1)) $(OUT)/cflags $(KERNEL_MK) $(addsuffix /stage.mk,$(STAGE_DIRS)) | $(OBJ)
	@echo "  CC [$(COMPILER)] $(call path_of,$(1))"
	@color=$$$$([ -t 2 ] && echo -fdiagnostics-color=always); \
	{ $$(call compile_$(if $(filter %.S,$(1)),S,c),$(1)); } 2>$$@.err; status=$$$$?; \
		sed -f $(OUT)/src.sed $$@.err >&2; rm -f $$@.err; exit $$$$status
endef
$(foreach s,$(ALL_SOURCES),$(eval $(call compile_rule,$(s))))

$(FONT_C): scripts/consolefont.py $(wildcard $(CONSOLE_FONT))
	@echo "  FONT    $@"
	@mkdir -p $(@D) && python3 scripts/consolefont.py $@
# (Without debug information: a table of glyphs has no lines to step
# through, and no debugger or message should name a file under build/.)
$(OBJ)/font.o: $(FONT_C) $(OUT)/cflags | $(OBJ)
	@echo "  CC [$(COMPILER)] $<"
	@$(CC) $(CFLAGS) -g0 -c $< -o $@

# Stage 8 runs compile-fail cases (RUNTIME_BUG_CASES: tests/compile-fail/
# NAME.c) in its test kernel, to see what the debugging allocator does with
# the bugs the compilers miss.  They are built as they are: without
# -Werror and without warnings, since here the bug must reach run time.
BUG_OBJS := $(addprefix $(OBJ)/bug-,$(addsuffix .o,$(RUNTIME_BUG_CASES)))
$(OBJ)/bug-%.o: tests/compile-fail/%.c $(OUT)/cflags | $(OBJ)
	@echo "  CC [$(COMPILER)] $< (as it is, warnings off)"
	@$(CC) $(filter-out -Werror,$(CFLAGS)) -w -c $< -o $@

$(OBJ):
	@mkdir -p $@

# A stage that links ksyms.c (stage 8 on) has the symbol table written into
# each kernel after the link: no address moves (scripts/ksyms).
KSYMS_STEP = $(if $(filter ksyms.c,$(KERNEL_SOURCES)),python3 scripts/ksyms $@,:)

$(OUT)/kernel.elf: $(KERNEL_OBJS) $(DEMO_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(DEMO_OBJS) && $(KSYMS_STEP)

$(OUT)/test-kernel.elf: $(KERNEL_OBJS) $(TEST_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(TEST_OBJS) && $(KSYMS_STEP)

$(OUT)/bench-kernel.elf: $(KERNEL_OBJS) $(BENCH_OBJS) $(call path_of,linker.ld) $(OUT)/ldflags
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BENCH_OBJS) && $(KSYMS_STEP)

# grub-mkrescue: GRUB for BIOS (i386-pc) and, when its modules are
# installed (Debian: grub-efi-amd64-bin), for UEFI (x86_64-efi) too, so
# that one ISO boots on both.  Without them the ISO is BIOS only, and
# `make stage-N run UEFI=1` says what to install.
# (MKRESCUE and GRUB_FILE: scripts/toolchain.mk; x86_64-elf-... on a Mac.)
GRUB_DIR := $(firstword $(wildcard /usr/lib/grub/i386-pc /usr/local/lib/grub/i386-pc /opt/homebrew/lib/grub/i386-pc))
GRUB_EFI_DIR := $(firstword $(wildcard /usr/lib/grub/x86_64-efi /usr/local/lib/grub/x86_64-efi /opt/homebrew/lib/grub/x86_64-efi))
grub_missing = $(error no $(1) found in PATH (Debian: grub-common and grub-pc-bin; macOS: brew install x86_64-elf-grub); scripts/install-deps installs what is missing)

define check_multiboot2
$(or $(GRUB_FILE),$(call grub_missing,grub-file)) --is-x86-multiboot2 $(1) || { \
	echo "$(1) is not a multiboot2 kernel: grub-file --is-x86-multiboot2 says GRUB would not boot it." >&2; \
	echo "Its multiboot2 header (common/boot.S, section .multiboot2, placed first by the linker script) must lie in the file's first 32 KiB, 8-byte aligned, magic 0xe85250d6, with a checksum that makes magic + architecture + length + checksum zero." >&2; \
	exit 1; }
endef

# grub-mkrescue builds GRUB's boot images anew every time (about two
# seconds of the student's edit-and-run loop).  So it runs once, for a
# template holding only GRUB and grub.cfg, shared by every stage, whose
# files are taken out into a folder, build/grub-template/tree; each
# kernel's ISO is that folder plus the kernel file, written by xorriso
# (which grub-mkrescue itself calls) with the boot records grub-mkrescue
# asks for, in a tenth of the time.  (xorriso can also replay a
# template's boot records as they are, but not once the UEFI boot image's
# partition has to move.)  The MBR's boot code is the template's first
# sector (.mbr), so no GRUB folder need be found again.
#
# Several builds may make the template at once (make test builds two
# stages at a time), and one may be writing an ISO from the folder while
# another replaces it.  So each build writes a folder of its own,
# tree.<pid>, and then points the symbolic link `tree` at it, atomically
# (a rename, by Python's os.replace: mv cannot rename onto a link to a
# folder everywhere); a folder is never changed once `tree` may lead to it.  (The
# folders a link no longer leads to stay until `make clean`.)
GRUB_TEMPLATE := build/grub-template/tree/.made
# Only the GRUB modules grub.cfg uses (the CD's own iso9660, normal for
# the menu file, test for its `if`, multiboot2 for the kernel, all_video
# for a UEFI framebuffer), no fonts, locales or themes: 4.6 MB (0.8 MB
# for BIOS alone) instead of 20.  With both platforms grub-mkrescue takes
# each from its default folder; with one, from -d.  Made again when
# GRUB's UEFI files are installed.
GRUB_TEMPLATE_CONTENTS := --install-modules="multiboot2 normal iso9660 test all_video" \
	--fonts= --locales= --themes=
GRUB_PLATFORMS := $(if $(GRUB_EFI_DIR),,$(if $(GRUB_DIR),-d $(GRUB_DIR)))
$(GRUB_TEMPLATE): grub/grub.cfg $(wildcard $(GRUB_EFI_DIR)/modinfo.sh)
	@echo "  GRUB    $(dir $@)"
	@d=$(dir $(@D)); t=tree.$$$$; w=$$d/work.$$$$; \
	rm -rf $$w $$d/$$t && mkdir -p $$w/in/boot/grub && \
	cp grub/grub.cfg $$w/in/boot/grub/ && \
	$(or $(MKRESCUE),$(call grub_missing,grub-mkrescue)) $(GRUB_PLATFORMS) \
		$(GRUB_TEMPLATE_CONTENTS) -o $$w/template.iso $$w/in >$$w/log 2>&1 && \
	mkdir -p $$d/$$t && \
	xorriso -osirrox on -indev $$w/template.iso -extract / $$d/$$t >>$$w/log 2>&1 \
		|| { cat $$w/log; rm -rf $$w $$d/$$t; exit 1; }; \
	chmod -R u+w $$d/$$t && rm -f $$d/$$t/boot.catalog && \
	dd if=$$w/template.iso of=$$d/$$t/.mbr bs=512 count=1 2>/dev/null && \
	touch $$d/$$t/.made && rm -rf $$w && \
	{ [ -L $(@D) ] || rm -rf $(@D); } && ln -sfn $$t $$d/link.$$$$ && \
	python3 -c 'import os, sys; os.replace(*sys.argv[1:])' $$d/link.$$$$ $(@D)

# make_iso ELF: the template's folder (where the link `tree` leads when
# xorriso starts) with ELF added as /boot/kernel.elf,
# into $@: BIOS boots the El Torito image (GRUB's i386-pc core), UEFI the
# FAT image efi.img (GRUB's x86_64-efi), when the tree has one.  The MBR
# and partition tables let the same file boot from a USB stick.  (-m:
# the template's own files .made and .mbr stay out of the ISO.)
GRUB_TREE = $(dir $(GRUB_TEMPLATE))
GRUB_EFI_BOOT = $(if $(wildcard $(GRUB_TREE)efi.img), \
	--efi-boot efi.img -efi-boot-part --efi-boot-image)
define make_iso
rm -f $@ && tree=$$(cd $(GRUB_TREE) && pwd -P) && \
xorriso -as mkisofs -graft-points -m .made -m .mbr \
	-b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 \
	-boot-info-table --grub2-boot-info --grub2-mbr $$tree/.mbr \
	-apm-block-size 2048 $(GRUB_EFI_BOOT) --protective-msdos-label \
	-o $@ -r $$tree /boot/kernel.elf=$(1) >$@.log 2>&1 \
	|| { cat $@.log; exit 1; }; rm -f $@.log
endef

$(OUT)/%.iso: $(OUT)/iso-%/boot/kernel.elf $(GRUB_TEMPLATE)
	@echo "  ISO     $@"
	@$(call check_multiboot2,$<)
	@$(call make_iso,$<)

$(OUT)/iso-stage-$(STAGE)/boot/kernel.elf: $(OUT)/kernel.elf
	@mkdir -p $(dir $@) && cp $< $@
$(OUT)/iso-stage-$(STAGE)-test/boot/kernel.elf: $(OUT)/test-kernel.elf
	@mkdir -p $(dir $@) && cp $< $@
$(OUT)/iso-stage-$(STAGE)-bench/boot/kernel.elf: $(OUT)/bench-kernel.elf
	@mkdir -p $(dir $@) && cp $< $@

# An exercise's tests (scripts/check-exercise, `make check EX=5.7`):
#   EXTRA_TESTS=exercises/5.7/ex5_7_tests.c EXTRA_NAME=5.7 extra-test-iso
# builds $(OUT)/extra-5.7/stage-N-test.iso, a second test kernel: the
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
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(TEST_OBJS) $(EXTRA_OBJS) && $(KSYMS_STEP)

$(EXTRA_OUT)/stage-$(STAGE)-test.iso: $(EXTRA_OUT)/test-kernel.elf $(GRUB_TEMPLATE)
	@echo "  ISO     $@"
	@$(call check_multiboot2,$<)
	@$(call make_iso,$<)

extra-test-iso: $(EXTRA_OUT)/stage-$(STAGE)-test.iso
	@:
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

# compile_commands.json, for editors (clangd and the like): one database,
# $(COMPILE_DB), for every stage, the exercises and the host tests, where
# clangd finds it from any file of the repository.  Each file appears once,
# with the flags of the first stage that compiles it (its own lesson's; a
# common/ file: the first stage that uses it), written for Clang whichever
# compiler builds: --target=x86_64-elf, no GCC-only flags, and for the
# overlay -I the stage's folders newest first, then common/ (an editor
# opens the real file, not its link in the resolved tree, and this is the
# resolution the links give).  The Makefile has it rewritten before a build
# when a stage.mk, this file or a host test changed, or the repository
# moved ($(COMPILE_DB:.json=.mk) says where it was written).
COMPILE_DB ?= build/compile_commands.json
comma := ,
json = "$(subst ",\",$(subst \,\\,$(1)))"
DB_ARGS := $(foreach a,clang --target=x86_64-elf $(BASE_CFLAGS) $(addprefix -I,$(SEARCH_DIRS)) -DSTAGE=$(STAGE),$(call json,$(a))$(comma)) $(call json,$(TITLE_DEFINE))$(comma)
db_entry = {"directory": $(call json,$(CURDIR)), "file": $(call json,$(1)), "arguments": [$(DB_ARGS) "-c", $(call json,$(1))]}
DB_FILES := $(foreach f,$(sort $(ALL_SOURCES)),$(call path_of,$(f))) $(wildcard exercises/$(STAGE).*/*.c)

.PHONY: compile_commands.json compile-db-entries toolchain
# This stage's entries, one a line.
compile-db-entries:
	@printf '%s\n' $(foreach f,$(DB_FILES),$(call shquote,$(call db_entry,$(f))))

# Every stage's entries, then the host tests' (scripts/host-test --flags),
# the first of each file kept.
compile_commands.json:
	@mkdir -p $(dir $(COMPILE_DB)); new=$(COMPILE_DB).$$$$; \
	{ for n in $(call count_to,$(words $(ALL_STAGES))); do \
		$(MAKE) -s --no-print-directory -f $(KERNEL_MK) STAGE=$$n SELFTEST= EXTRA_TESTS= \
			COMPILE_DB=$(COMPILE_DB) compile-db-entries || exit 1; \
	  done; \
	  for f in tests/host/*.c; do \
		flags=$$(sh scripts/host-test --flags $$f) || exit 1; args=; \
		for a in clang $$flags -c $$f; do args="$$args\"$$a\", "; done; \
		printf '{"directory": "%s", "file": "%s", "arguments": [%s]}\n' '$(CURDIR)' "$$f" "$${args%, }"; \
	  done; } >$$new.lines || { rm -f $$new.lines; exit 1; }; \
	awk 'BEGIN { print "[" } \
	     { f = $$0; sub(/^.*"file": "/, "", f); sub(/".*$$/, "", f); if (seen[f]++) next; \
	       if (n++) printf ",\n"; printf "  %s", $$0 } \
	     END { if (n) printf "\n"; print "]" }' $$new.lines >$$new && \
	rm -f $$new.lines && mv -f $$new $(COMPILE_DB) && \
	printf 'COMPILE_DB_DIR := %s\n' '$(CURDIR)' >$(COMPILE_DB:.json=.mk)

# What scripts/toolchain.mk chose (tests/scripts/test_toolchain.sh).
toolchain:
	@echo "UNAME_S=$(UNAME_S)"; echo "CC=$(CC)"; echo "COMPILER=$(COMPILER)"; \
	echo "TARGET_FLAGS=$(TARGET_FLAGS)"; echo "LD=$(LD)"; echo "GDB=$(GDB)"; \
	echo "MKRESCUE=$(MKRESCUE)"; echo "GRUB_FILE=$(GRUB_FILE)"

-include $(wildcard $(OBJ)/*.d)

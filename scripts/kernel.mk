# kernel.mk - builds one stage's kernels and ISOs.  Called by the top-level
# Makefile as:  make -f scripts/kernel.mk STAGE=N [CC=gcc|clang] <target>
#
# Targets: iso (the demo kernel's ISO), test-iso (the test kernel's ISO),
#          tree (the resolved sources, for reading and for `make diff`),
#          compile_commands.json
#
# How a stage is put together (the overlay):
#   stages/1-*/stage.mk, ..., stages/N-*/stage.mk are read in order; each
#   adds to (or filters) KERNEL_SOURCES, DEMO_SOURCES and TEST_SOURCES.
#   A file name resolves to the newest stage folder that has it, down to
#   stages/1-*, then common/.  Headers resolve the same way, through the
#   order of the -I options.

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

CFLAGS := -std=gnu11 -ffreestanding -nostdlib -mno-red-zone \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror $(TARGET_FLAGS) \
	$(addprefix -I,$(SEARCH_DIRS)) \
	-DSTAGE=$(STAGE) -DSTAGE_TITLE='"Stage $(STAGE): $(STAGE_TITLE)"' \
	$(CFLAGS_SELFTEST)
LDFLAGS := -n -nostdlib -z max-page-size=0x1000 -T $(call resolve,linker.ld)

obj = $(addprefix $(OBJ)/,$(addsuffix .o,$(basename $(1))))
KERNEL_OBJS := $(call obj,$(KERNEL_SOURCES))
DEMO_OBJS := $(call obj,$(DEMO_SOURCES))
TEST_OBJS := $(call obj,ktest.c $(TEST_SOURCES))
BENCH_OBJS := $(call obj,$(BENCH_SOURCES))

.PHONY: iso test-iso bench-iso tree kernels
iso: $(OUT)/stage-$(STAGE).iso
test-iso: $(OUT)/stage-$(STAGE)-test.iso
ifneq ($(BENCH_SOURCES),)
bench-iso: $(OUT)/stage-$(STAGE)-bench.iso
else
bench-iso:
	@echo "stage $(STAGE) has no benchmark (no BENCH_SOURCES in its stage.mk)" >&2; exit 1
endif
kernels: $(OUT)/kernel.elf $(OUT)/test-kernel.elf

# One pattern rule per source file: the object depends on the resolved path.
define compile_rule
$(call obj,$(1)): $(call resolve,$(1)) | $(OBJ)
	@echo "  CC [$(COMPILER)] $$<"
	@$(CC) $(CFLAGS) -MMD -MP -c $$< -o $$@
endef
$(foreach s,$(sort $(KERNEL_SOURCES) $(DEMO_SOURCES) ktest.c $(TEST_SOURCES) $(BENCH_SOURCES)),$(eval $(call compile_rule,$(s))))

$(OBJ):
	@mkdir -p $@

$(OUT)/kernel.elf: $(KERNEL_OBJS) $(DEMO_OBJS) $(call resolve,linker.ld)
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(DEMO_OBJS)

$(OUT)/test-kernel.elf: $(KERNEL_OBJS) $(TEST_OBJS) $(call resolve,linker.ld)
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(TEST_OBJS)

$(OUT)/bench-kernel.elf: $(KERNEL_OBJS) $(BENCH_OBJS) $(call resolve,linker.ld)
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

# The resolved tree: exactly the files this stage's kernels are built from
# (sources, the headers they include, the linker script) and the stage's
# own stage.mk, flat, as a student would read them.  `make diff` compares
# two such trees, so it shows what a lesson adds, changes and drops.
TREE := build/tree/stage-$(STAGE)
ALL_SOURCES := $(sort $(KERNEL_SOURCES) $(DEMO_SOURCES) ktest.c $(TEST_SOURCES) $(BENCH_SOURCES))
tree: $(OUT)/kernel.elf $(OUT)/test-kernel.elf
	@rm -rf $(TREE) && mkdir -p $(TREE)
	@cp $(foreach s,$(ALL_SOURCES),$(call resolve,$(s))) $(TREE)/
	@for f in $$(cat $(OBJ)/*.d | tr ' \\' '\n\n' | grep -E '^(common|stages)/[^:]+\.h$$' | sort -u); do \
		cp $$f $(TREE)/; done
	@cp $(call resolve,linker.ld) $(lastword $(STAGE_DIRS_OLDEST_FIRST))/stage.mk $(TREE)/
	@echo "stage $(STAGE) sources in $(TREE)"

compile_commands.json: $(OUT)/compile_commands.json
$(OUT)/compile_commands.json: scripts/kernel.mk $(foreach d,$(STAGE_DIRS),$(d)/stage.mk)
	@mkdir -p $(OUT)
	@{ echo '['; sep=''; \
	  for s in $(foreach s,$(sort $(KERNEL_SOURCES) $(DEMO_SOURCES) ktest.c $(TEST_SOURCES)),$(call resolve,$(s))); do \
	    printf '%s  {"directory": "%s", "file": "%s", "command": "%s %s -c %s"}' \
	      "$$sep" "$(CURDIR)" "$$s" "$(CC)" "$(subst ",\\\",$(CFLAGS))" "$$s"; sep=$$(printf ',\n'); \
	  done; echo; echo ']'; } > $@

-include $(wildcard $(OBJ)/*.d)

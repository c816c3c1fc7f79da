#!/bin/sh
# test_overlay.sh - checks of the overlay build (scripts/kernel.mk).
#
#   tests/scripts/test_overlay.sh
#
# Works in a copy of common/, stages/ and scripts/kernel.mk (with the
# toolchain.mk it reads) in a temporary folder (the real tree and its
# build/ are never touched) and builds stage 1
# with GCC, reading the results off the ELF (strings, debug info), without
# booting.  The copy gets a probe: common/overlay_probe.c, which puts the
# value of OVERLAY_PROBE from "overlay_probe.h" and its own __FILE__ in the
# kernel, and common/overlay_probe.h; stage 1 then overrides the header.
#
# What is built is what each check reads, no more: a full build (every
# object compiled) only where a check needs make to rebuild the kernel
# after a change (the header added, the title changed); the state before
# such a change, and the clean build of the header trap, are
# build/gcc/stage-1/obj/overlay_probe.o alone (the object that includes
# the header); the file names are read off that clean object and the
# kernel rebuilt after the header was added.
#
# One line per check, `overlay/<check>... [ok]` or `... [failed] <why>`,
# then `N passed, N failed`; exit status 1 if a check failed.
# OVERLAY_KERNEL_MK=path tests another kernel.mk (e.g. an older one).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel_mk=${OVERLAY_KERNEL_MK:-$top/scripts/kernel.mk}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_overlay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM

passed=0
failed=0
ok() { echo "overlay/$1... [ok]"; passed=$((passed + 1)); }
fail() { echo "overlay/$1... [failed] $2"; failed=$((failed + 1)); }

stage1=stages/1-stack-and-statics
elf=build/gcc/stage-1/kernel.elf

# build DIR LOG: stage 1's demo kernel, in DIR
build() {
	(cd "$1" && make --no-print-directory -j2 -f scripts/kernel.mk \
		STAGE=1 CC=gcc "$elf") >"$2" 2>&1
}
# build_probe DIR LOG: only the probe's object (and the resolved tree and
# flags it is compiled with), in DIR
probe_obj=build/gcc/stage-1/obj/overlay_probe.o
build_probe() {
	(cd "$1" && make --no-print-directory -f scripts/kernel.mk \
		STAGE=1 CC=gcc "$probe_obj") >"$2" 2>&1
}
# has DIR STRING: the kernel built in DIR holds STRING
has() { grep -aqF -e "$2" "$1/$elf"; }
# probe_has DIR STRING: the probe's object built in DIR holds STRING
probe_has() { grep -aqF -e "$2" "$1/$probe_obj"; }
# checksum FILE
sum() { cksum <"$1"; }

repo=$tmp/repo
mkdir -p "$repo/scripts"
cp -a "$top/common" "$top/stages" "$repo/" && cp "$kernel_mk" "$repo/scripts/kernel.mk" &&
	cp "$top/scripts/toolchain.mk" "$top/scripts/consolefont.py" "$repo/scripts/" || exit 1

cat >"$repo/common/overlay_probe.h" <<'EOF'
#define OVERLAY_PROBE "overlay-probe: common"
EOF
cat >"$repo/common/overlay_probe.c" <<'EOF'
#include "overlay_probe.h"

__attribute__((used)) const char overlay_probe[] = OVERLAY_PROBE;
__attribute__((used)) const char overlay_probe_file[] = "overlay-file: " __FILE__;
EOF
printf '\nKERNEL_SOURCES += overlay_probe.c\n' >>"$repo/$stage1/stage.mk"
# stage_header DIR VALUE: stage 1's overlay_probe.h in DIR, with its own __FILE__
stage_header() {
	cat >"$1/$stage1/overlay_probe.h" <<EOF
#define OVERLAY_PROBE "overlay-probe: $2"
__attribute__((used)) static const char overlay_probe_header[] =
	"overlay-header-file: " __FILE__;
EOF
}

# 1. Build once with only the common header (the probe's object), then
#    add the stage's own overlay_probe.h: the rebuilt kernel must hold the
#    stage's value.
if ! build_probe "$repo" "$tmp/build1.log" || ! probe_has "$repo" "overlay-probe: common"; then
	fail baseline-build "stage 1 with the probe did not build or lacks the probe: $(tail -5 "$tmp/build1.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok baseline-build
stage_header "$repo" stage
if ! build "$repo" "$tmp/build2.log"; then
	fail adding-an-overriding-header-rebuilds "build failed: $(tail -5 "$tmp/build2.log")"
elif has "$repo" "overlay-probe: stage"; then
	ok adding-an-overriding-header-rebuilds
else
	fail adding-an-overriding-header-rebuilds "after $stage1/overlay_probe.h was added, common/overlay_probe.c still has common/overlay_probe.h's value"
fi

# 2. The same from a clean build: the header trap itself (a file in
#    common/ finding the header next to it before the stage's).  A copy
#    of the sources that was never built (so $repo's kernel stays for
#    3 and 4), and of it only the object that includes the header.
clean=$tmp/clean
mkdir "$clean" && cp -a "$repo/common" "$repo/stages" "$repo/scripts" "$clean/" || exit 1
if ! build_probe "$clean" "$tmp/build3.log"; then
	fail stage-header-reaches-common-files "build failed: $(tail -5 "$tmp/build3.log")"
elif probe_has "$clean" "overlay-probe: stage" && ! probe_has "$clean" "overlay-probe: common"; then
	ok stage-header-reaches-common-files
else
	fail stage-header-reaches-common-files "clean build: common/overlay_probe.c got common/overlay_probe.h, not $stage1/overlay_probe.h"
fi

# 3. __FILE__ and the debug info name the real files, never build/: in
#    the probe's object of 2 (a clean build) and in the kernel of 1
#    (every other object compiled there for the first time), so that
#    neither depends on what 1 checks.
why=
probe_has "$clean" "overlay-file: common/overlay_probe.c" ||
	why="$why; __FILE__ in common/overlay_probe.c is not \"common/overlay_probe.c\""
probe_has "$clean" "overlay-header-file: $stage1/overlay_probe.h" ||
	why="$why; __FILE__ in the stage's header is not \"$stage1/overlay_probe.h\""
leaked=$(cat "$repo/$elf" "$clean/$probe_obj" | grep -ao 'build/[A-Za-z0-9_./-]*' | sort -u | head -3 | tr '\n' ' ')
[ -z "$leaked" ] || why="$why; the kernel names build paths: $leaked"
objdump --dwarf=info --dwarf=line "$repo/$elf" >"$tmp/dwarf.txt" 2>&1
# (run where the object is, so that objdump's heading names no build/ path)
(cd "$clean/${probe_obj%/*}" && objdump --dwarf=info --dwarf=line "${probe_obj##*/}") >"$tmp/dwarf-probe.txt" 2>&1
grep -q 'common/overlay_probe.c' "$tmp/dwarf-probe.txt" ||
	why="$why; the debug info does not name common/overlay_probe.c"
grep -q 'common/boot.S' "$tmp/dwarf.txt" ||
	why="$why; the debug info does not name common/boot.S"
dleak=$(cat "$tmp/dwarf.txt" "$tmp/dwarf-probe.txt" | grep -o 'build/gcc/[A-Za-z0-9_./-]*' | grep -v "^$elf\$" | sort -u | head -3 | tr '\n' ' ')
[ -z "$dleak" ] || why="$why; the debug info names build paths: $dleak"
if [ -z "$why" ]; then ok file-names-are-the-real-files; else fail file-names-are-the-real-files "${why#; }"; fi

# 4. A new STAGE_TITLE in stage.mk reaches the kernel.
sed 's/^STAGE_TITLE :=.*/STAGE_TITLE := overlay title probe/' "$repo/$stage1/stage.mk" >"$tmp/stage.mk" &&
	cat "$tmp/stage.mk" >"$repo/$stage1/stage.mk"
if ! build "$repo" "$tmp/build4.log"; then
	fail stage-title-change-rebuilds "build failed: $(tail -5 "$tmp/build4.log")"
elif has "$repo" "Stage 1: overlay title probe"; then
	ok stage-title-change-rebuilds
else
	fail stage-title-change-rebuilds "the kernel still has the old STAGE_TITLE after stage.mk changed"
fi

# 5. A copy of the repository and its build/ (cp -a) builds from its own
#    sources: mutate the stage's header in the copy; the copy's kernel
#    changes, only the object that uses the header is rebuilt, and the
#    original's kernel stays as it was.
copy=$tmp/copy
cp -a "$repo" "$copy"
before=$(sum "$repo/$elf")
copy_before=$(sum "$copy/$elf")
# the marker strictly newer than the copy's objects (a clock tick between
# them, when the newest one shares the marker's timestamp)
touch "$tmp/marker"
newest=$(ls -t "$copy"/build/gcc/stage-1/obj/*.o | head -1)
if [ -z "$(find "$tmp/marker" -newer "$newest")" ]; then
	sleep 1
	touch "$tmp/marker"
fi
stage_header "$copy" mutant
if ! build "$copy" "$tmp/build5.log"; then
	fail copy-builds-from-its-own-sources "build of the copy failed: $(tail -5 "$tmp/build5.log")"
else
	why=
	has "$copy" "overlay-probe: mutant" && [ "$(sum "$copy/$elf")" != "$copy_before" ] ||
		why="$why; the copy's kernel lacks the mutation made in the copy"
	[ "$(sum "$repo/$elf")" = "$before" ] || why="$why; the original's kernel changed"
	has "$repo" "overlay-probe: mutant" && why="$why; the original's kernel has the copy's mutation"
	grep -q mutant "$repo/$stage1/overlay_probe.h" && why="$why; the original's header changed"
	if [ -z "$why" ]; then ok copy-builds-from-its-own-sources; else fail copy-builds-from-its-own-sources "${why#; }"; fi
	rebuilt=$(cd "$copy/build/gcc/stage-1/obj" && find . -name '*.o' -newer "$tmp/marker" | sed 's|^\./||' | sort | tr '\n' ' ')
	if [ "$rebuilt" = "overlay_probe.o " ]; then
		ok copy-rebuilds-only-what-changed
	else
		fail copy-rebuilds-only-what-changed "rebuilt: ${rebuilt:-nothing} (expected overlay_probe.o alone)"
	fi
fi

# 6. Compiler errors name the file to open: an #error in the stage's
#    header is reported at stages/..., included from common/....
printf '#error overlay probe error\n' >>"$copy/$stage1/overlay_probe.h"
if build "$copy" "$tmp/build6.log"; then
	fail errors-name-the-real-files "the build did not fail on the #error in $stage1/overlay_probe.h"
elif grep -q "^$stage1/overlay_probe.h:[0-9]*:[0-9]*: error: #error overlay probe error" "$tmp/build6.log" &&
	grep -q "common/overlay_probe.c:1" "$tmp/build6.log" &&
	! grep -q 'build/gcc/stage-1/src' "$tmp/build6.log"; then
	ok errors-name-the-real-files
else
	fail errors-name-the-real-files "messages: $(grep -E 'error|included' "$tmp/build6.log" | head -3 | tr '\n' ' ')"
fi

# 7. A stage's source that overrides another is deleted (as stage 3's
#    init.c was: the stage then takes stage 2's): the next build does not
#    stop on the dependency file that still names it, and the kernel
#    holds the file that is there now.
cat >"$repo/$stage1/overlay_probe.c" <<'EOF2'
__attribute__((used)) const char overlay_probe[] = "overlay-source: stage";
EOF2
if ! build "$repo" "$tmp/build7.log" || ! has "$repo" "overlay-source: stage"; then
	fail deleting-an-overriding-source-rebuilds "the stage's overlay_probe.c did not build: $(tail -3 "$tmp/build7.log")"
else
	rm "$repo/$stage1/overlay_probe.c"
	if ! build "$repo" "$tmp/build8.log"; then
		fail deleting-an-overriding-source-rebuilds "build failed: $(tail -3 "$tmp/build8.log")"
	elif has "$repo" "overlay-probe: stage" && ! has "$repo" "overlay-source: stage"; then
		ok deleting-an-overriding-source-rebuilds
	else
		fail deleting-an-overriding-source-rebuilds "after $stage1/overlay_probe.c was deleted, the kernel does not hold common/overlay_probe.c's value"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

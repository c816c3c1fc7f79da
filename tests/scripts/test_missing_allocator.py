#!/usr/bin/env python3
"""test_missing_allocator.py - a kernel that calls kmalloc but links no
global allocator must not link: the C counterpart of Rust's "no global
memory allocator found but one is required".

    python3 tests/scripts/test_missing_allocator.py
    python3 tests/scripts/test_missing_allocator.py --print gcc|clang

alloc.c (kmalloc and the rest of the interface) reaches the allocator
through one symbol, `global_allocator`, which only GLOBAL_ALLOCATOR(x)
defines.  Stage 3 links alloc.c and null_alloc.c, the file that says
GLOBAL_ALLOCATOR(null_allocator).  This script works in a copy of
common/, stages/ and scripts/kernel.mk in a temporary folder (the real
tree and its build/ are never touched), with GCC (ld) and with Clang
(ld.lld).  The copy takes the real tree's build of stage 3
(build/CC/stage-3: its resolved tree of relative links, objects and flags,
timestamps kept), so make rebuilds only what changed since (nothing,
after `make test` built the stages; everything, without a build).  Then
the copy's stage 3 demo kernel is built by make as it is, and linked
again, by the build's own link command (kernel.mk's $(LD) $(LDFLAGS) and
its list of objects, $(KERNEL_OBJS) $(DEMO_OBJS)), first whole, then
with null_alloc.o taken out: what taking null_alloc.c out of stage 3's
stage.mk line `KERNEL_SOURCES += alloc.c null_alloc.c` leaves to link
(the other objects are the same code either way: the flags would only
lose null_alloc.c's file-name mapping, for the debug info).

  link/stage-3-links-with-its-allocator (CC)
      the unmodified copy builds, and the link command with every object
      links: what fails below fails for the allocator
  link/no-global-allocator-is-an-undefined-reference (CC)
      without null_alloc.o the link fails, on `global_allocator` and on
      nothing else

Clang's checks are skipped when clang or ld.lld is missing.  One line per
check, then `N passed, N failed`; exit status 1 if a check failed.

--print CC prints what the linker says about the kernel without an
allocator, with the paths of the checkout, of the temporary folder and
of wherever the objects were compiled (the debug info names that folder)
taken out, and nothing else: the text LESSONS.md quotes, checked by
tests/scripts/check_lessons.py (`<!-- run: ... -->` blocks).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAGE3_MK = "stages/3-null-allocator/stage.mk"
ALLOC_LINE = "KERNEL_SOURCES += alloc.c null_alloc.c"
WANTED = {
    "gcc": "undefined reference to `global_allocator'",
    "clang": "undefined symbol: global_allocator",
}
ANY_UNDEFINED = {
    "gcc": re.compile(r"undefined reference to `([^']*)'"),
    "clang": re.compile(r"undefined symbol: (\S+)"),
}

counts = {"ok": 0, "failed": 0, "skipped": 0}


def result(name, status, why=""):
    counts[status] += 1
    print(f"link/{name}... [{status}]" + (f" {why}" if why else ""), flush=True)


# Prints, after the demo kernel is up to date, how kernel.mk links it.
LINK_RULE = """
_missing_allocator_link: $(OUT)/kernel.elf
\t$(info link $(LD) $(LDFLAGS))$(info objs $(KERNEL_OBJS) $(DEMO_OBJS))@:
"""


def strip_paths(text, repo, dirs=()):
    """TEXT without the copy's path, the checkout's, and DIRS (where the
    objects were compiled: the debug info the linker quotes names it)."""
    for d in sorted({repo, ROOT, *dirs}, key=len, reverse=True):
        text = text.replace(d + "/", "")
    return text


def compile_dirs(repo, objs):
    """The folders OBJS were compiled in (DW_AT_comp_dir): the checkout's,
    the copy's for an object rebuilt there, another for a build copied
    from elsewhere (cp -a)."""
    try:
        p = subprocess.run(["readelf", "--debug-dump=info", "--dwarf-depth=1"] + objs,
                           cwd=repo, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
    except OSError:
        return set()
    return set(re.findall(r"DW_AT_comp_dir\s*:.*?: (/.*\S)",
                          p.stdout.decode(errors="replace")))


def build(repo, cc):
    """Builds stage 3's demo kernel in REPO (make: up to date when the
    copied build is); returns (exit status, output with REPO's path taken
    out, the link command, the objects it links)."""
    p = subprocess.run(["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                        "-f", "-", "STAGE=3", f"CC={cc}",
                        "_missing_allocator_link"], cwd=repo, input=LINK_RULE.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = strip_paths(p.stdout.decode(errors="replace"), repo)
    link = objs = None
    kept = []
    for line in out.split("\n"):
        if line.startswith("link "):
            link = shlex.split(line[5:])  # as the recipe's shell splits it
        elif line.startswith("objs "):
            objs = line[5:].split()
        else:
            kept.append(line)
    out = "\n".join(kept)
    if p.returncode == 0 and not (link and objs):
        return 1, out + "\nkernel.mk did not say how it links", None, None
    return p.returncode, out, link, objs


def link(repo, cc, command, objs):
    """Runs the build's link command on OBJS; returns (exit status, the
    linker's output with the paths taken out)."""
    elf = f"build/{cc}/stage-3/test-missing-allocator.elf"
    p = subprocess.run(command + ["-o", elf] + objs, cwd=repo,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        out = strip_paths(out, repo, compile_dirs(repo, objs))
    return p.returncode, strip_paths(out, repo)


def without_allocator(repo, cc, built=None):
    """Links stage 3 in REPO without null_alloc.o, the object the stage.mk
    line names; returns (exit status, output), or (None, why) when
    stage.mk is not as expected or stage 3 does not build."""
    text = open(os.path.join(repo, STAGE3_MK)).read()
    if ALLOC_LINE not in text:
        return None, f"{STAGE3_MK} no longer has the line `{ALLOC_LINE}`"
    code, out, command, objs = built or build(repo, cc)
    if code != 0:
        return None, "stage 3 does not build: " + " | ".join(out.strip().splitlines()[-3:])
    null = f"build/{cc}/stage-3/obj/null_alloc.o"
    if null not in objs:
        return None, f"kernel.mk does not link {null}"
    # the line names null_alloc.c once: one object less
    rest = list(objs)
    rest.remove(null)
    return link(repo, cc, command, rest)


def linker_lines(out):
    """The linker's part of a build's output (not make's or the CC lines)."""
    return [l for l in out.split("\n")
            if l and not l.startswith("  ") and not l.startswith("make")]


def check(repo, cc):
    built = build(repo, cc)
    code, out, command, objs = built
    if code == 0:
        code, out = link(repo, cc, command, objs)
    if code != 0:
        result(f"stage-3-links-with-its-allocator ({cc})", "failed",
               "the unmodified stage 3 does not link: "
               + " | ".join(out.strip().splitlines()[-3:]))
        result(f"no-global-allocator-is-an-undefined-reference ({cc})", "failed",
               "no baseline to compare with")
        return
    result(f"stage-3-links-with-its-allocator ({cc})", "ok")

    name = f"no-global-allocator-is-an-undefined-reference ({cc})"
    code, out = without_allocator(repo, cc, built)
    others = sorted(set(ANY_UNDEFINED[cc].findall(out)) - {"global_allocator"})
    if code is None:
        result(name, "failed", out)
    elif code == 0:
        result(name, "failed", "stage 3 without null_alloc.c linked")
    elif WANTED[cc] not in out:
        result(name, "failed", f"the link failed, but not with `{WANTED[cc]}`: "
               + " | ".join(out.strip().splitlines()[-3:]))
    elif others:
        result(name, "failed", f"also undefined: {' '.join(others)}")
    else:
        result(name, "ok")


def copy_tree(tmp, compilers):
    """The sources and kernel.mk, and of each compiler's build of stage 3
    what make and the link read (not the ISOs), timestamps kept."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "scripts"))
    for d in ("common", "stages"):
        shutil.copytree(d, os.path.join(repo, d), symlinks=True)
    shutil.copy2("scripts/kernel.mk", os.path.join(repo, "scripts"))
    shutil.copy2("scripts/toolchain.mk", os.path.join(repo, "scripts"))
    shutil.copy2("scripts/consolefont.py", os.path.join(repo, "scripts"))
    # the console's font, as made for the build (scripts/consolefont.py)
    os.makedirs(os.path.join(repo, "build/font"))
    shutil.copy2("build/font/font.c", os.path.join(repo, "build/font"))
    for cc in compilers:
        built = f"build/{cc}/stage-3"
        if not os.path.isdir(os.path.join(built, "obj")):
            continue
        for item in ("src", "obj", "cflags", "ldflags", "src.sed", "kernel.elf"):
            src, dest = os.path.join(built, item), os.path.join(repo, built, item)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if os.path.isdir(src) and not os.path.islink(src):
                shutil.copytree(src, dest, symlinks=True)
            elif os.path.lexists(src):
                shutil.copy2(src, dest, follow_symlinks=False)
    return repo


def main():
    os.chdir(ROOT)
    tmp = tempfile.mkdtemp(prefix="test_missing_allocator.")
    try:
        if sys.argv[1:2] == ["--print"]:
            if sys.argv[2:] not in (["gcc"], ["clang"]):
                print("usage: test_missing_allocator.py --print gcc|clang",
                      file=sys.stderr)
                return 2
            repo = copy_tree(tmp, sys.argv[2:])
            code, out = without_allocator(repo, sys.argv[2])
            if code is None:
                print(out, file=sys.stderr)
                return 1
            print("\n".join(linker_lines(out)))
            return 0
        repo = copy_tree(tmp, ("gcc", "clang"))
        for cc in ("gcc", "clang"):
            if cc == "clang" and not (shutil.which("clang") and shutil.which("ld.lld")):
                for name in ("stage-3-links-with-its-allocator",
                             "no-global-allocator-is-an-undefined-reference"):
                    result(f"{name} (clang)", "skipped", "clang or ld.lld not found")
                continue
            check(repo, cc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{counts['ok']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

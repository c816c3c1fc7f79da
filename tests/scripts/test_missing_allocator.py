#!/usr/bin/env python3
"""test_missing_allocator.py - a kernel that calls kmalloc but links no
global allocator must not link: the C counterpart of Rust's "no global
memory allocator found but one is required".

    python3 tests/scripts/test_missing_allocator.py
    python3 tests/scripts/test_missing_allocator.py --print gcc|clang

alloc.c (kmalloc and the rest of the interface) reaches the allocator
through one symbol, `global_allocator`, which only GLOBAL_ALLOCATOR(x)
defines.  Stage 3 links alloc.c and null_alloc.c, the file that says
GLOBAL_ALLOCATOR(null_allocator).  This script builds stage 3's demo
kernel in a copy of common/, stages/ and scripts/kernel.mk in a temporary
folder (the real tree and its build/ are never touched), first as it is,
then with null_alloc.c taken out of stage 3's stage.mk, with GCC (ld) and
with Clang (ld.lld):

  link/stage-3-links-with-its-allocator (CC)
      the unmodified copy links: what fails below fails for the allocator
  link/no-global-allocator-is-an-undefined-reference (CC)
      without null_alloc.c the link fails, on `global_allocator` and on
      nothing else

Clang's checks are skipped when clang or ld.lld is missing.  One line per
check, then `N passed, N failed`; exit status 1 if a check failed.

--print CC prints what the linker says about the kernel without an
allocator, with the temporary folder's path taken out (for a student it
is the checkout's path), and nothing else: the text LESSONS.md quotes,
checked by tests/scripts/check_lessons.py (`<!-- run: ... -->` blocks).
"""
import os
import re
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


def build(repo, cc):
    """Builds stage 3's demo kernel in REPO; returns (exit status, output
    with REPO's path taken out)."""
    elf = f"build/{cc}/stage-3/kernel.elf"
    p = subprocess.run(["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                        "STAGE=3", f"CC={cc}", elf], cwd=repo,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    out = p.stdout.decode(errors="replace").replace(repo + "/", "")
    return p.returncode, out


def without_allocator(repo, cc):
    """Builds stage 3 in REPO with null_alloc.c left out of its stage.mk
    (put back afterwards); returns (exit status, output), or (None, why)
    when stage.mk is not as expected."""
    mk = os.path.join(repo, STAGE3_MK)
    text = open(mk).read()
    if ALLOC_LINE not in text:
        return None, f"{STAGE3_MK} no longer has the line `{ALLOC_LINE}`"
    with open(mk, "w") as f:
        f.write(text.replace(ALLOC_LINE, "KERNEL_SOURCES += alloc.c"))
    try:
        return build(repo, cc)
    finally:
        with open(mk, "w") as f:
            f.write(text)


def linker_lines(out):
    """The linker's part of a build's output (not make's or the CC lines)."""
    return [l for l in out.split("\n")
            if l and not l.startswith("  ") and not l.startswith("make")]


def check(repo, cc):
    code, out = build(repo, cc)
    if code != 0:
        result(f"stage-3-links-with-its-allocator ({cc})", "failed",
               "the unmodified stage 3 does not link: "
               + " | ".join(out.strip().splitlines()[-3:]))
        result(f"no-global-allocator-is-an-undefined-reference ({cc})", "failed",
               "no baseline to compare with")
        return
    result(f"stage-3-links-with-its-allocator ({cc})", "ok")

    name = f"no-global-allocator-is-an-undefined-reference ({cc})"
    code, out = without_allocator(repo, cc)
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


def copy_tree(tmp):
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "scripts"))
    for d in ("common", "stages"):
        shutil.copytree(d, os.path.join(repo, d), symlinks=True)
    shutil.copy("scripts/kernel.mk", os.path.join(repo, "scripts"))
    shutil.copy("scripts/toolchain.mk", os.path.join(repo, "scripts"))
    return repo


def main():
    os.chdir(ROOT)
    tmp = tempfile.mkdtemp(prefix="test_missing_allocator.")
    try:
        repo = copy_tree(tmp)
        if sys.argv[1:2] == ["--print"]:
            if sys.argv[2:] not in (["gcc"], ["clang"]):
                print("usage: test_missing_allocator.py --print gcc|clang",
                      file=sys.stderr)
                return 2
            code, out = without_allocator(repo, sys.argv[2])
            if code is None:
                print(out, file=sys.stderr)
                return 1
            print("\n".join(linker_lines(out)))
            return 0
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

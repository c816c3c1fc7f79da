#!/usr/bin/env python3
"""test_toolchain.py - what make chooses and asks for, on Linux and on a
simulated Mac; what it refuses; compile_commands.json as clangd reads it.

    python3 tests/scripts/test_toolchain.py

Works in a temporary folder, with make run in a clean environment whose
PATH holds only stand-ins and POSIX tools (links to sh, sed, awk, make...;
no tac, no seq, no compiler): a stand-in compiler, linker or GRUB tool
logs its arguments and writes the file it is asked for; `uname` says
Darwin or Linux; `id` says root or not; `apt-get` installs nothing.  The
build checks run in a copy of the repository (its build/ is never
touched); clangd reads a database written into the temporary folder.

  toolchain/linux-gcc-default, toolchain/linux-clang,
  toolchain/darwin-x86_64-elf-gcc, toolchain/darwin-clang
      what scripts/toolchain.mk picks (`make -f scripts/kernel.mk
      toolchain`): compiler, its flags, linker, GRUB tools, gdb
  toolchain/darwin-build
      `make stage-1` on the simulated Mac builds with x86_64-elf-gcc and
      x86_64-elf-ld, checks with x86_64-elf-grub-file and makes the ISO
      with x86_64-elf-grub-mkrescue, with POSIX tools only
  toolchain/objects-per-compiler
      then CC=clang compiles every source again, into build/clang/
  toolchain/no-nothing-to-be-done
      an up-to-date `make stage-1` and `kernel.mk iso test-iso` say nothing
  usage/cc-tcc-refused, usage/stage-9-refused, usage/bad-action-refused
  install-deps/run-needs-no-clang-or-gdb, install-deps/debug-adds-gdb,
  install-deps/test-needs-everything, install-deps/darwin-names-brew-packages,
  install-deps/no-root-no-sudo-prints-command, install-deps/no-root-tools-present,
  install-deps/failed-install-says-what-is-missing
  iso/grub-file-refuses-a-non-multiboot2-kernel
      the ISO rule runs grub-file --is-x86-multiboot2 first (real grub-file)
  compile-db/every-stage-and-host-tests, compile-db/clang-flags-only
      the database `make stage-1` wrote covers stages 1..N, the exercises
      and tests/host, with flags Clang accepts
  clangd/<file>
      clangd --check finds no error in one file of each stage and one host
      test (skipped without clangd; scripts/install-deps test installs it)

One line per check, then `N passed, N failed`; exit status 1 if one failed.
TOOLCHAIN_TEST_REPO=path tests another checkout (e.g. an older one).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.environ.get("TOOLCHAIN_TEST_REPO") or \
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPIED = ["Makefile", "common", "stages", "scripts", "tests", "grub", "exercises"]
# What a Mac has too: no tac, no seq, nothing GNU-only.
POSIX_TOOLS = ["sh", "make", "cat", "sed", "awk", "tr", "grep", "sort", "uniq",
               "mkdir", "rm", "mv", "cp", "ln", "cmp", "touch", "dirname",
               "basename", "env", "head", "tail", "wc", "expr", "chmod", "cut",
               "ls", "true", "false", "printf", "echo", "test", "[", "cksum",
               "dd", "pwd"]

STUB = """#!/bin/sh
# a stand-in: log the call, write what -o and -MF name
echo "${0##*/} $*" >>"$STUB_LOG"
out=; mf=; prev=
for a in "$@"; do
\tcase $prev in -o) out=$a ;; -MF) mf=$a ;; esac
\tprev=$a
done
[ -n "$out" ] && echo stub >"$out"
[ -n "$mf" ] && echo "$out:" >"$mf"
exit 0
"""

passed = failed = 0
SKIPPED = "skipped"


def result(name, ok, why=""):
    global passed, failed
    if ok is SKIPPED:
        print(f"{name}... [skipped] {why}")
    elif ok:
        passed += 1
        print(f"{name}... [ok]")
    else:
        failed += 1
        print(f"{name}... [failed] {why}")
    sys.stdout.flush()


def one_line(text, limit=300):
    text = " | ".join(l for l in text.strip().splitlines() if l.strip())
    return text if len(text) <= limit else text[:limit] + "..."


class Box:
    """A temporary PATH: POSIX tools, plus stand-ins."""

    def __init__(self, tmp, name):
        self.dir = os.path.join(tmp, name)
        self.bin = os.path.join(self.dir, "bin")
        self.log = os.path.join(self.dir, "calls.log")
        os.makedirs(self.bin)
        open(self.log, "w").close()
        for t in POSIX_TOOLS:
            real = shutil.which(t)
            if real:
                os.symlink(real, os.path.join(self.bin, t))

    def script(self, name, text):
        path = os.path.join(self.bin, name)
        if os.path.lexists(path):
            os.remove(path)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    def stubs(self, *names):
        for n in names:
            self.script(n, STUB)

    def uname(self, system):
        self.script("uname", f"#!/bin/sh\necho {system}\n")

    def uid(self, uid):
        self.script("id", f"#!/bin/sh\necho {uid}\n")

    def calls(self):
        with open(self.log) as f:
            return f.read()

    def run(self, args, cwd, **env):
        e = {"PATH": self.bin, "HOME": self.dir, "STUB_LOG": self.log, "LC_ALL": "C"}
        e.update(env)
        p = subprocess.run(args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
        return p.returncode, p.stdout.decode(errors="replace")


def toolchain(box, cwd, **make_vars):
    args = ["make", "--no-print-directory", "-f", "scripts/kernel.mk", "toolchain"]
    args += [f"{k}={v}" for k, v in make_vars.items()]
    code, out = box.run(args, cwd)
    return code, out, dict(l.split("=", 1) for l in out.splitlines() if "=" in l)


def expect(name, got, want, out):
    wrong = [f"{k}={got.get(k)!r}, expected {v!r}" for k, v in want.items()
             if not (v.match(got.get(k, "")) if hasattr(v, "match") else got.get(k) == v)]
    result(name, not wrong, "; ".join(wrong) + f" (make said: {one_line(out)})")


def selection_checks(tmp):
    linux = Box(tmp, "linux")
    linux.uname("Linux")
    linux.stubs("gcc", "ld", "clang", "ld.lld", "grub-mkrescue", "grub-file")
    code, out, got = toolchain(linux, ROOT)
    expect("toolchain/linux-gcc-default", got, {
        "CC": "gcc", "COMPILER": "gcc", "LD": "ld", "GDB": "gdb",
        "TARGET_FLAGS": "-fno-tree-loop-distribute-patterns",
        "MKRESCUE": os.path.join(linux.bin, "grub-mkrescue"),
        "GRUB_FILE": os.path.join(linux.bin, "grub-file")}, out)
    code, out, got = toolchain(linux, ROOT, CC="clang")
    expect("toolchain/linux-clang", got, {
        "CC": "clang", "COMPILER": "clang", "LD": "ld.lld",
        "TARGET_FLAGS": "--target=x86_64-elf"}, out)

    mac = Box(tmp, "mac")
    mac.uname("Darwin")
    mac.uid(501)
    # a plain grub-mkrescue too: the x86_64-elf one must still be chosen
    mac.stubs("x86_64-elf-gcc", "x86_64-elf-ld", "x86_64-elf-grub-mkrescue",
              "x86_64-elf-grub-file", "grub-mkrescue", "clang", "ld.lld",
              "xorriso", "mformat", "qemu-system-x86_64")
    # Homebrew's python3: the build runs scripts (the console font)
    os.symlink(shutil.which("python3"), os.path.join(mac.bin, "python3"))
    code, out, got = toolchain(mac, ROOT)
    expect("toolchain/darwin-x86_64-elf-gcc", got, {
        "UNAME_S": "Darwin", "CC": "x86_64-elf-gcc", "COMPILER": "gcc",
        "LD": "x86_64-elf-ld", "GDB": "x86_64-elf-gdb",
        "TARGET_FLAGS": "-fno-tree-loop-distribute-patterns",
        "MKRESCUE": os.path.join(mac.bin, "x86_64-elf-grub-mkrescue"),
        "GRUB_FILE": os.path.join(mac.bin, "x86_64-elf-grub-file")}, out)
    code, out, got = toolchain(mac, ROOT, CC="clang")
    expect("toolchain/darwin-clang", got, {
        "CC": "clang", "COMPILER": "clang", "LD": "ld.lld",
        "TARGET_FLAGS": "--target=x86_64-elf"}, out)
    return linux, mac


def copy_repo(tmp):
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    for item in COPIED:
        src = os.path.join(ROOT, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(repo, item), symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(src):
            shutil.copy2(src, repo)
    return repo


def sources_of_stage_1(repo):
    """The sources stage 1 compiles, as kernel.mk lists them."""
    rule = "_list:\n\t$(info $(sort $(ALL_SOURCES)))@:\n"
    p = subprocess.run(["make", "-s", "--no-print-directory", "-f", "scripts/kernel.mk",
                        "-f", "-", "STAGE=1", "CC=gcc", "_list"], cwd=repo,
                       input=rule.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=clean_env())
    return p.stdout.decode().split() if p.returncode == 0 else []


def clean_env():
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "CC", "LD")}


def build_checks(tmp, mac):
    repo = copy_repo(tmp)
    code, out = mac.run(["make", "--no-print-directory", "stage-1"], repo)
    calls = mac.calls()
    lines = calls.splitlines()
    compiles = [l for l in lines if l.startswith("x86_64-elf-gcc ") and " -c " in l]
    wrong = []
    if code != 0:
        wrong.append(f"make stage-1 failed ({code}): {one_line(out)}")
    else:
        if not compiles or not all("-fno-tree-loop-distribute-patterns" in l for l in compiles):
            wrong.append("no x86_64-elf-gcc compile with GCC's flags")
        if not any(l.startswith("x86_64-elf-ld ") and "kernel.elf" in l for l in lines):
            wrong.append("no link by x86_64-elf-ld")
        if not any(l.startswith("x86_64-elf-grub-file --is-x86-multiboot2 ") for l in lines):
            wrong.append("no x86_64-elf-grub-file --is-x86-multiboot2")
        if not any(l.startswith("x86_64-elf-grub-mkrescue ") for l in lines):
            wrong.append("no ISO by x86_64-elf-grub-mkrescue")
        if any(l.startswith(("grub-mkrescue ", "clang ", "ld.lld ")) for l in lines):
            wrong.append("a Linux or Clang tool was called")
    result("toolchain/darwin-build", not wrong, "; ".join(wrong))
    built = code == 0

    # the database the build wrote (before install-deps, for every stage)
    compile_db_checks(repo, built)

    # up to date: nothing to say
    noisy = []
    for args in (["make", "--no-print-directory", "stage-1"],
                 ["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                  "STAGE=1", "iso", "test-iso"],
                 ["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                  "STAGE=1", "iso", "test-iso"]):
        code, out = mac.run(args, repo)
        if code != 0 or re.search(r"Nothing to be done|is up to date", out):
            noisy.append(f"{' '.join(args[2:])}: {one_line(out)}")
    result("toolchain/no-nothing-to-be-done", built and not noisy,
           "; ".join(noisy) if built else "stage 1 did not build")

    # another compiler: its own build folder, every source compiled again
    open(mac.log, "w").close()
    code, out = mac.run(["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                         "STAGE=1", "CC=clang", "iso", "test-iso"], repo)
    want = sources_of_stage_1(repo)
    srcs = set()
    for l in mac.calls().splitlines():
        m = re.match(r"clang .* (?:-c|-E) (\S+)/src/(\S+)", l)
        if m and m.group(1).endswith("build/clang/stage-1"):
            srcs.add(m.group(2))
    missing = sorted(set(want) - srcs)
    result("toolchain/objects-per-compiler",
           code == 0 and want and not missing and
           os.path.isdir(os.path.join(repo, "build/clang/stage-1/obj")),
           f"make: {code} {one_line(out)}; not compiled by clang into build/clang/: {missing}")


def compile_db_checks(repo, built):
    db = os.path.join(repo, "build/compile_commands.json")
    try:
        entries = json.load(open(db))
    except (OSError, ValueError) as e:
        result("compile-db/every-stage-and-host-tests", False, f"{db}: {e}")
        result("compile-db/clang-flags-only", False, "no database")
        return
    files = {e["file"] for e in entries}
    stages = sorted(glob.glob(os.path.join(repo, "stages", "*-*")))
    wanted = [os.path.relpath(d, repo) + "/" for d in stages] + ["tests/host/test_", "common/"]
    if glob.glob(os.path.join(repo, "exercises", "*", "*.c")):
        wanted.append("exercises/")
    missing = [w for w in wanted if not any(f.startswith(w) for f in files)]
    dups = len(files) != len(entries)
    result("compile-db/every-stage-and-host-tests", not missing and not dups,
           f"nothing from {missing}" if missing else "a file listed twice")
    bad = []
    for e in entries:
        args = e.get("arguments") or e.get("command", "").split()
        if "-fno-tree-loop-distribute-patterns" in args:
            bad.append(f"{e['file']}: a GCC-only flag")
        kernel = not e["file"].startswith("tests/host/")
        if kernel and "--target=x86_64-elf" not in args:
            bad.append(f"{e['file']}: no --target=x86_64-elf")
        if e.get("directory") != repo:
            bad.append(f"{e['file']}: directory {e.get('directory')}")
    result("compile-db/clang-flags-only", not bad, "; ".join(bad[:3]))


def usage_checks(linux):
    code, out = linux.run(["make", "CC=tcc"], ROOT)
    result("usage/cc-tcc-refused",
           code != 0 and "only gcc and clang are supported" in out, one_line(out))
    stages = sorted({os.path.basename(d).split("-")[0]
                     for d in glob.glob(os.path.join(ROOT, "stages", "*-*"))}, key=int)
    code, out = linux.run(["make", "stage-9", "run"], ROOT)
    result("usage/stage-9-refused",
           code != 0 and "stage 9" in out and " ".join(stages) in out
           and "install-deps" not in out and not linux.calls(), one_line(out))
    code, out = linux.run(["make", "stage-3", "frobnicate"], ROOT)
    result("usage/bad-action-refused",
           code != 0 and "frobnicate" in out and
           all(a in out for a in ("run", "debug", "test", "tree")) and not linux.calls(),
           one_line(out))


def install_deps_checks(tmp):
    deps = [os.path.join(ROOT, "scripts/install-deps")]
    grub = os.path.join(tmp, "grub-i386-pc")
    os.makedirs(grub, exist_ok=True)
    open(os.path.join(grub, "modinfo.sh"), "w").close()
    env = {"UNAME_S": "Linux", "GRUB_PC_DIR": grub}
    apt = '#!/bin/sh\necho "apt-get $*" >>"$STUB_LOG"\nexit 0\n'

    # a user without sudo who has what make run needs: gcc, not clang or gdb
    box = Box(tmp, "user")
    box.uname("Linux")
    box.uid(1000)
    box.script("apt-get", apt)
    box.stubs("gcc", "ld", "grub-mkrescue", "grub-file", "xorriso", "mformat",
              "qemu-system-x86_64", "python3")
    code, out = box.run(deps + ["run"], ROOT, **env)
    result("install-deps/run-needs-no-clang-or-gdb",
           code == 0 and "apt-get" not in box.calls(), f"exit {code}: {one_line(out)}")
    result("install-deps/no-root-tools-present",
           code == 0 and not out.strip(), f"exit {code}: {one_line(out)}")
    code, out = box.run(deps + ["debug"], ROOT, **env)
    result("install-deps/debug-adds-gdb",
           code != 0 and re.search(r"needs: gdb$", out, re.M) is not None,
           f"exit {code}: {one_line(out)}")
    code, out = box.run(deps + ["--check"], ROOT, **env)
    named = re.search(r"needs:(.*)", out)
    want = {"clang", "ld.lld", "gdb", "clangd"}
    result("install-deps/test-needs-everything",
           code != 0 and named and want <= set(named.group(1).split()),
           f"exit {code}: {one_line(out)}")

    # the same user without QEMU: the exact command, and nothing run
    os.remove(os.path.join(box.bin, "qemu-system-x86_64"))
    code, out = box.run(deps + ["run"], ROOT, **env)
    result("install-deps/no-root-no-sudo-prints-command",
           code != 0 and "    apt-get update && apt-get install -y qemu-system-x86\n" in out
           and "apt-get" not in box.calls(), f"exit {code}: {one_line(out)}")

    # root, and an apt-get that installs nothing
    box.uid(0)
    code, out = box.run(deps + ["run"], ROOT, **env)
    calls = box.calls()
    result("install-deps/failed-install-says-what-is-missing",
           code != 0 and "apt-get install -y -qq qemu-system-x86" in calls and
           re.search(r"still missing: qemu-system-x86_64", out) is not None and
           "done" not in out, f"exit {code}: {one_line(out)}")

    # a Mac without gdb: Homebrew's names
    mac = Box(tmp, "mac-deps")
    mac.uname("Darwin")
    mac.uid(501)
    mac.stubs("x86_64-elf-gcc", "x86_64-elf-ld", "x86_64-elf-grub-mkrescue",
              "x86_64-elf-grub-file", "xorriso", "mformat", "qemu-system-x86_64", "python3")
    code, out = mac.run(deps + ["debug"], ROOT)
    result("install-deps/darwin-names-brew-packages",
           code != 0 and "brew install x86_64-elf-gdb" in out, f"exit {code}: {one_line(out)}")


def iso_check(tmp):
    name = "iso/grub-file-refuses-a-non-multiboot2-kernel"
    if not shutil.which("grub-file"):
        result(name, SKIPPED, "grub-file not installed")
        return
    out_dir = os.path.join(tmp, "iso-out")
    boot = os.path.join(out_dir, "iso-stage-1", "boot")
    os.makedirs(boot)
    shutil.copy(shutil.which("true") or "/bin/true", os.path.join(boot, "kernel.elf"))
    iso = os.path.join(out_dir, "stage-1.iso")
    p = subprocess.run(["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                        "STAGE=1", f"OUT={out_dir}", "-o", f"{out_dir}/kernel.elf", iso],
                       cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode(errors="replace")
    result(name, p.returncode != 0 and "is not a multiboot2 kernel" in out and not os.path.exists(iso),
           f"exit {p.returncode}, ISO {'made' if os.path.exists(iso) else 'not made'}: {one_line(out)}")


def clangd_checks(tmp):
    stages = sorted(glob.glob(os.path.join(ROOT, "stages", "*-*")),
                    key=lambda d: int(os.path.basename(d).split("-")[0]))
    files = []
    for d in stages:
        own = sorted(f for f in glob.glob(os.path.join(d, "*.c"))
                     if os.path.basename(f) != "init.c")
        if own:
            files.append(os.path.relpath(own[0], ROOT))
    files.append("tests/host/test_vec.c")
    if not shutil.which("clangd"):
        for f in files:
            result(f"clangd/{f}", SKIPPED, "clangd not installed")
        return
    db_dir = os.path.join(tmp, "db")
    p = subprocess.run(["make", "-s", "--no-print-directory", "-f", "scripts/kernel.mk",
                        f"COMPILE_DB={db_dir}/compile_commands.json", "compile_commands.json"],
                       cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    made = os.path.exists(os.path.join(db_dir, "compile_commands.json"))

    def check(f):
        q = subprocess.run(["clangd", f"--compile-commands-dir={db_dir}", f"--check={f}",
                            "--check-lines=1"], cwd=ROOT, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        return q.stdout.decode(errors="replace")

    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(check, files))
    for f, out in zip(files, outs):
        m = re.search(r"All checks completed, (\d+) errors", out)
        errors = [l.split("] ", 1)[-1] for l in out.splitlines() if l.startswith("E[")]
        result(f"clangd/{f}", made and m is not None and m.group(1) == "0" and not errors,
               ("" if made else f"no database ({one_line(p.stdout.decode(errors='replace'))}); ")
               + "; ".join(errors[:3]) if errors or not made else one_line(out[-300:]))


def main():
    with tempfile.TemporaryDirectory(prefix="test_toolchain.") as tmp:
        linux, mac = selection_checks(tmp)
        usage = Box(tmp, "usage")
        usage.uname("Linux")
        usage_checks(usage)
        install_deps_checks(tmp)
        build_checks(tmp, mac)
        iso_check(tmp)
        clangd_checks(tmp)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

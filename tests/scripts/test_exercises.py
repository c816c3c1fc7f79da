#!/usr/bin/env python3
"""test_exercises.py - proves every exercise checker (`make check EX=...`)
against its reference solution, and that LESSONS.md's exercises are whole.

    python3 tests/scripts/test_exercises.py [4.1 ...]

For each exercise with a checker (exercises/<ex>/check.json), in a copy of
the tree (Makefile common stages scripts tests grub exercises, and the
exercise's stage from build/gcc/, so only what changes is rebuilt):

    exercises/<ex>/fails-unmodified... [ok]      make check fails on the tree as it is
    exercises/<ex>/passes-with-solution... [ok]  and passes, every check, once
                                                 exercises/solutions/<ex>.patch is applied

and, once:

    exercises/every-checker-has-a-solution       and every solution a checker
    exercises/lessons-cite-every-checker         LESSONS.md says `make check EX=<ex>`
                                                 for each, and for no other
    exercises/every-exercise-has-a-hint          each exercise in LESSONS.md has
                                                 a *Hint:* and says how it is checked

Then `N passed, N failed`; exit status 1 if one failed.  Two exercises run
at a time; each boot has a short timeout (CHECK_BOOT_TIMEOUT, 30 s here).
The copies are made in a temporary folder and removed afterwards.
"""
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXERCISES = os.path.join(ROOT, "exercises")
SOLUTIONS = os.path.join(EXERCISES, "solutions")
TREE = ("Makefile", "common", "stages", "scripts", "tests", "grub", "exercises")
CHECK_LINE = re.compile(r"^check (\S+?)/(\S+)\.\.\. (PASS|FAIL)(?: (.*))?$", re.M)

lock = threading.Lock()
counts = {"ok": 0, "failed": 0}
timings = {}


def record(name, why=""):
    with lock:
        counts["failed" if why else "ok"] += 1
        print(f"{name}... [failed] {why}" if why else f"{name}... [ok]", flush=True)


def with_checks():
    return sorted((d for d in os.listdir(EXERCISES)
                   if os.path.exists(os.path.join(EXERCISES, d, "check.json"))),
                  key=lambda d: tuple(int(x) for x in d.split(".")))


def copy_tree(dest, stage, kernel=True):
    for item in TREE:
        src = os.path.join(ROOT, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, item), symlinks=True,
                            ignore=shutil.ignore_patterns("solutions"))
        else:
            shutil.copy2(src, dest)
    built = os.path.join(ROOT, "build", "gcc", f"stage-{stage}")
    if kernel and os.path.isdir(built):
        shutil.copytree(built, os.path.join(dest, "build", "gcc", f"stage-{stage}"),
                        symlinks=True,
                        ignore=shutil.ignore_patterns("extra-*"))
        # the GRUB template ISO (scripts/kernel.mk), so no copy makes its own
        template = os.path.join(ROOT, "build", "grub-template")
        if os.path.isdir(template):
            shutil.copytree(template, os.path.join(dest, "build", "grub-template"))


def make_check(tree, ex):
    env = dict(os.environ, CHECK_BOOT_TIMEOUT=os.environ.get("CHECK_BOOT_TIMEOUT", "30"),
               CC="gcc")
    p = subprocess.run(["make", "--no-print-directory", "check", f"EX={ex}"],
                       cwd=tree, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    out = p.stdout.decode(errors="replace")
    checks = {(m.group(2)): (m.group(3), m.group(4) or "")
              for m in CHECK_LINE.finditer(out) if m.group(1) == ex}
    return p.returncode, out, checks


def summary(checks):
    return ", ".join(f"{n} {st}" for n, (st, _) in checks.items())


def prove(ex):
    start = time.monotonic()
    try:
        prove_one(ex)
    except (OSError, subprocess.SubprocessError) as e:
        record(f"exercises/{ex}/proof", f"the proof itself failed: {e!r}")
    finally:
        with lock:
            timings[ex] = time.monotonic() - start


def prove_one(ex):
    conf = json.load(open(os.path.join(EXERCISES, ex, "check.json")))
    stage = conf["stage"]
    kernel = any(c["kind"] in ("ktest", "demo", "mutant") for c in conf["checks"])
    patch = os.path.join(SOLUTIONS, f"{ex}.patch")
    with tempfile.TemporaryDirectory(prefix=f"exercise-{ex}-") as tree:
        copy_tree(tree, stage, kernel)
        code, out, before = make_check(tree, ex)
        name = f"exercises/{ex}/fails-unmodified"
        if not before:
            record(name, f"no check lines (exit {code}): {out.strip()[-300:]!r}")
        elif code == 0 or all(st == "PASS" for st, _ in before.values()):
            record(name, f"make check passed on the unmodified tree: {summary(before)}")
        else:
            record(name)
        name = f"exercises/{ex}/passes-with-solution"
        if not os.path.exists(patch):
            record(name, f"no reference solution exercises/solutions/{ex}.patch")
            return
        p = subprocess.run(["patch", "-p1", "--batch", "--forward", "-i", patch],
                           cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            record(name, "the solution does not apply: "
                   + p.stdout.decode(errors="replace").strip().replace("\n", "; ")[-300:])
            return
        code, out, after = make_check(tree, ex)
        failing = {n: d for n, (st, d) in after.items() if st != "PASS"}
        if failing:
            n, d = next(iter(failing.items()))
            record(name, f"{len(failing)} check(s) fail, e.g. {n}: {d}")
        elif code != 0:
            record(name, f"make check exit status {code}: {out.strip()[-300:]!r}")
        elif set(after) != set(before):
            record(name, f"not the same checks: {sorted(before)} then {sorted(after)}")
        else:
            record(name)


# ------------------------------------------------------ LESSONS.md's side

def exercise_sections():
    """{ "4.1": text of that exercise } from the `### Exercises` sections:
    each exercise starts with a `#### <ch>.<n> ...` heading."""
    text = open(os.path.join(ROOT, "LESSONS.md")).read()
    found = {}
    for sec in re.finditer(r"^### Exercises\n(.*?)(?=^## |^### |\Z)", text, re.M | re.S):
        parts = re.split(r"^#### (\d+\.\d+)\b.*$", sec.group(1), flags=re.M)
        for i in range(1, len(parts), 2):
            found[parts[i]] = parts[i + 1]
    return found


def lessons_checks():
    checkers = set(with_checks())
    solutions = {f[:-6] for f in os.listdir(SOLUTIONS) if f.endswith(".patch")}
    name = "exercises/every-checker-has-a-solution"
    missing = sorted(checkers - solutions)
    stray = sorted(solutions - checkers)
    record(name, (f"no solution for {missing}" if missing else "")
           + (f" solutions without a checker: {stray}" if stray else ""))

    sections = exercise_sections()
    name = "exercises/lessons-cite-every-checker"
    cited = {ex for ex, body in sections.items()
             if re.search(rf"`make check EX={re.escape(ex)}`", body)}
    wrong = [ex for ex, body in sections.items()
             for other in re.findall(r"make check EX=(\d+\.\d+)", body) if other != ex]
    why = []
    if not sections:
        why.append("no `#### <ch>.<n>` exercises found in LESSONS.md")
    if checkers - cited:
        why.append(f"LESSONS.md never says `make check EX=..` for {sorted(checkers - cited)}")
    if cited - checkers:
        why.append(f"LESSONS.md cites checkers that do not exist: {sorted(cited - checkers)}")
    if wrong:
        why.append(f"an exercise cites another's checker: {wrong}")
    record(name, "; ".join(why))

    name = "exercises/every-exercise-has-a-hint"
    why = []
    for ex, body in sections.items():
        if "*Hint:*" not in body and "*Hints:*" not in body:
            why.append(f"{ex} has no *Hint:*")
        kinds = ("make check EX=", "Predict, then run", "*Discuss*")
        if not any(k in body for k in kinds):
            why.append(f"{ex} says neither `make check`, Predict, then run, nor *Discuss*")
        if "<details>" not in body:
            why.append(f"{ex} has no <details> answer")
    record(name, "; ".join(why) if sections else "no exercises found")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    known = with_checks()
    wanted = sys.argv[1:] or known
    for ex in wanted:
        if ex not in known:
            record(f"exercises/{ex}", f"no exercises/{ex}/check.json")
    wanted = [ex for ex in wanted if ex in known]
    lessons_checks()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for f in [pool.submit(prove, ex) for ex in wanted]:
            f.result()
    if timings:
        slow = sorted(timings.items(), key=lambda t: -t[1])[:5]
        print("slowest: " + ", ".join(f"{ex} {t:.1f}s" for ex, t in slow))
    print(f"{counts['ok']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""test_diff.py - checks of the classroom diff (`make diff`, `make diff-html`).

One line per check, `diff/<check>... [ok]`, `[failed] why` or `[skipped]
why`, then `N passed, N failed`; exit 1 if any failed.

    python3 tests/scripts/test_diff.py [--keep DIR]

What is checked (issue 11):
  - size: the numbers the issue sets.  The default view of lessons 2, 3
    and 4 (1->2, 2->3, 3->4: BUDGET_PAIRS) fits one projection (BUDGET
    lines): over it, the check fails.  Lesson 5 is one page per
    collection (FILE=vec, ...; FILE=btree, whose other files, btree_insert
    and so on, are pages of their own that its summary names), each
    within BUDGET, or the check fails.  The issue sets no number for the
    later lessons: a pair over BUDGET whose own changed lines alone are
    more than that is reported as skipped, with its numbers, and must
    instead be navigable: every file's page (FILE=<name>) fits, or is
    itself one file's changed lines;
  - the summary: lines added and removed, the common/ files the new stage
    starts to link (listed, not pasted), tests, benchmark and build files
    listed but shown only with ALL=1, the effective source lists instead of
    stage.mk's text;
  - renames: a demo rewritten (stage 3's becomes stage 4's) is shown
    whole under a header that names the demo it replaces; a file edited
    (at least half the same) is shown as its hunks; no timestamps, colour only on a terminal, a pager only on a terminal and
    only when the text is long, FILE=, the usage messages;
  - the HTML pages: self-contained, an index whose every entry leads to a
    file, dark and light colours, a large font; rendered by a headless
    Chromium (when one is installed): a screenshot at 1280x720 that is not
    blank, no horizontal scrolling at that size, darker in dark mode.

How `make diff` is run.  Through the real thing, as a student types it
(make, then scripts/diff in a process of its own): the checks of what a
terminal gets (colour, the pager), of piped output, and one usage error
per target; the piped `make diff FROM=3 TO=4` must also be, byte for
byte, the view the other checks read.  Those other checks ask make what
it would run (`make -n`: the Makefile's recipe, with FROM=, TO=, FILE=
and ALL= as it passes them) and, when that is `python3 scripts/diff
...` alone, run scripts/diff on those arguments in this process (the
body of its own `if __name__ == "__main__":`, so its output, messages
and exit status are what its process would give); each stage is loaded
and each pair compared once for all of them.

The browser is started once, and driven over its DevTools pipe: the page
loaded at 1280x720, a screenshot, the probe (what was laid out), a
screenshot with prefers-color-scheme: dark.
"""
import argparse
import ast
import base64
import contextlib
import fcntl
import html.parser
import importlib.machinery
import importlib.util
import io
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import traceback
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUDGET = 500
# The pairs whose default view the issue sets at most BUDGET lines.
BUDGET_PAIRS = {(1, 2), (2, 3), (3, 4)}
counts = {"ok": 0, "failed": 0, "skipped": 0}


class Skip(Exception):
    pass


class Failed(Exception):
    pass


def record(name, status, why=""):
    counts[status] += 1
    print(f"diff/{name}... [{status}]{' ' + why if why else ''}", flush=True)


def check(name, fn, *args):
    try:
        why = fn(*args) or ""
        record(name, "ok", why)
    except Skip as e:
        record(name, "skipped", str(e))
    except Failed as e:
        record(name, "failed", str(e))
    except Exception as e:  # a check that crashes has failed
        record(name, "failed", f"{type(e).__name__}: {e}")


def expect(cond, why):
    if not cond:
        raise Failed(why)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NO_COLOR")}
    # The recipes' `python3` is this interpreter (not a wrapper that would
    # look it up again, such as pyenv's shim).
    here = os.path.dirname(sys.executable)
    if os.path.basename(sys.executable).startswith("python3") and \
            os.path.exists(os.path.join(here, "python3")):
        env["PATH"] = here + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def make(*args, env=None, timeout=300):
    """`make ARGS` at the top of the repository, output piped."""
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout,
                       env=env or clean_env(), stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def load_diff_module():
    """scripts/diff, imported; each stage loaded (kernel.mk asked for its
    lists) and each pair of stages compared once, whatever the view."""
    path = os.path.join(ROOT, "scripts", "diff")
    loader = importlib.machinery.SourceFileLoader("classroom_diff", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    load_stage, compare = mod.load_stage, mod.compare
    loaded, compared = {}, {}

    def load_stage_once(number, folders):
        if number not in loaded:
            loaded[number] = load_stage(number, folders)
        return loaded[number]

    def compare_once(old, new, folders):
        key = (old.number, new.number)
        if key not in compared:
            compared[key] = compare(old, new, folders)
        return compared[key]

    mod.load_stage, mod.compare = load_stage_once, compare_once
    # the body of its `if __name__ == "__main__":`, run as the script's
    # own process runs it
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    blocks = [node.body for node in tree.body if isinstance(node, ast.If)
              and ast.unparse(node.test) in ("__name__ == '__main__'",
                                             "'__main__' == __name__")]
    mod.as_main = compile(ast.Module(body=blocks[-1], type_ignores=[]),
                          path, "exec") if blocks else None
    return mod


_diff_module = []


def diff_module():
    if not _diff_module:
        _diff_module.append(load_diff_module())
    return _diff_module[0]


def run_script(argv):
    """scripts/diff ARGV in this process, through the script's own
    `if __name__ == "__main__":` block: (exit status, stdout, stderr) as
    its process would end them (sys.exit's argument; an uncaught
    exception's traceback and status 1)."""
    mod = diff_module()
    if mod.as_main is None:
        p = subprocess.run([sys.executable, "scripts/diff", *argv], cwd=ROOT,
                           capture_output=True, text=True, timeout=300,
                           env=clean_env(), stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    out, err = io.StringIO(), io.StringIO()
    saved_argv, code = sys.argv, 0
    sys.argv = ["scripts/diff", *argv]
    # what the script's own children write (a pager) goes to files, as
    # Python's writes go to `out` and `err`
    sys.stdout.flush()
    sys.stderr.flush()
    files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    saved_fds = [os.dup(1), os.dup(2)]
    try:
        os.dup2(files[0].fileno(), 1)
        os.dup2(files[1].fileno(), 2)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                exec(mod.as_main, mod.__dict__)
            except SystemExit as e:
                if e.code is None or isinstance(e.code, int):
                    code = e.code or 0
                else:
                    print(e.code, file=sys.stderr)
                    code = 1
            except Exception:  # noqa: BLE001 (the process would die so)
                traceback.print_exc()
                code = 1
    finally:
        sys.argv = saved_argv
        os.dup2(saved_fds[0], 1)
        os.dup2(saved_fds[1], 2)
        for fd in saved_fds:
            os.close(fd)
    texts = []
    for f in files:
        f.seek(0)
        texts.append(f.read().decode("utf-8", "replace"))
        f.close()
    return code, out.getvalue() + texts[0], err.getvalue() + texts[1]


_recipes = {}


def recipe(*args):
    """What `make ARGS` would run (make -n): scripts/diff's arguments when
    it is one `python3 scripts/diff ...` command and nothing else, else
    None."""
    if args not in _recipes:
        p = subprocess.run(["make", "-n", "--no-print-directory", *args],
                           cwd=ROOT, capture_output=True, text=True,
                           timeout=60, env=clean_env(),
                           stdin=subprocess.DEVNULL)
        lines = p.stdout.splitlines()
        argv = None
        if p.returncode == 0 and len(lines) == 1 and \
                not re.search(r"[$`\\]", lines[0]):
            lex = shlex.shlex(lines[0], posix=True, punctuation_chars=True)
            lex.whitespace_split = True
            words = list(lex)
            if words[:2] == ["python3", "scripts/diff"] and not any(
                    w and set(w) <= set("();<>|&") for w in words):
                argv = words[2:]
        _recipes[args] = argv
    return _recipes[args]


def make_diff(*args):
    """`make ARGS` for a diff target: (exit status, stdout, stderr).  Its
    recipe's scripts/diff run in this process; the real make when the
    recipe is anything else."""
    argv = recipe(*args)
    if argv is None:
        return make(*args)
    return run_script(argv)


def diff(a, b, *extra):
    code, out, err = make_diff("diff", f"FROM={a}", f"TO={b}", *extra)
    if code != 0:
        raise Failed(f"make diff FROM={a} TO={b} {' '.join(extra)} "
                     f"exited {code}: {err.strip()[-300:]}")
    return out


def on_terminal(args, env, rows=40):
    """Runs a command with its output on a pseudo-terminal of `rows` rows;
    returns what it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack("HHHH", rows, 100, 0, 0))
    p = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.DEVNULL,
                         stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            p.kill()
            raise Failed("no output on the terminal for 60 s")
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def stages():
    found = []
    for entry in os.listdir(os.path.join(ROOT, "stages")):
        m = re.match(r"(\d+)-", entry)
        if m:
            found.append(int(m.group(1)))
    return sorted(found)


# ------------------------------------------------------------ parsing the view

SUMMARY_ROW = re.compile(r"^  (\S+(?: -> \S+)?)\s{2,}(.+?)\s{2,}([-+]\d+(?: -\d+)?|0)$")


def summary(out):
    """The summary's file rows {label: (description, counts)} by section
    ("shown" or "listed"), and its other lines."""
    rows = {"shown": {}, "listed": {}}
    section = None
    head = []
    for line in out.splitlines():
        if line.startswith("--- "):
            break
        head.append(line)
        if line.startswith("shown:"):
            section = "shown"
        elif line.startswith("listed, not shown"):
            section = "listed"
        elif section and (m := SUMMARY_ROW.match(line)):
            rows[section][m.group(1)] = (m.group(2), m.group(3))
    return rows, head


def shown_files(out):
    """The new-side paths of the files whose text is in the view."""
    return [line.split()[1] for line in out.splitlines()
            if line.startswith("+++ ")]


def changed_lines(out):
    """Lines of the view that are additions or removals (not headers)."""
    n = 0
    for line in out.splitlines():
        if line.startswith(("+++ ", "--- ")):
            continue
        if line.startswith(("+", "-")):
            n += 1
    return n


# ------------------------------------------------------------ size checks

def lesson_only(a, b, out):
    """The view shows the files its summary names, and only the lesson's
    own: sources from the stage folders of lessons a+1..b, no common/ file,
    no test or benchmark."""
    rows, _ = summary(out)
    expect(rows["shown"], "no summary of the files shown")
    paths = shown_files(out)
    names = [label.split(" -> ")[-1] for label in rows["shown"]]
    expect([os.path.basename(p) for p in paths] == names,
           f"the summary names {names}, the view shows {paths}")
    for p in paths:
        m = re.match(r"stages/(\d+)-[^/]+/[^/]+$", p)
        expect(m and a < int(m.group(1)) <= b,
               f"{p} is not from lesson {a + 1}..{b}'s folders")
        expect(not re.search(r"(_tests|bench_\w+)\.c$|stage\.mk$", p),
               f"{p} is not the lesson's own code")
    return names


def pages_fit(a, b, out):
    """Every shown file's own page (FILE=<file name>) shows that file
    alone, and fits the budget or is made of its changed lines alone."""
    problems, over = [], []
    for name in lesson_only(a, b, out):
        page = diff(a, b, f"FILE={name}")
        expect([os.path.basename(p) for p in shown_files(page)] == [name],
               f"FILE={name} shows {shown_files(page)}")
        lines = len(page.splitlines())
        if lines <= BUDGET:
            continue
        changed = changed_lines(page)
        if changed > BUDGET:
            over.append(f"{name} {lines} ({changed} changed)")
        else:
            problems.append(f"FILE={name}: {lines} lines")
    expect(not problems, "pages over budget: " + ", ".join(problems))
    return over


def check_size(a, b):
    out = diff(a, b)
    lines = len(out.splitlines())
    lesson_only(a, b, out)
    if lines <= BUDGET:
        return f"{lines} lines"
    changed = changed_lines(out)
    expect((a, b) not in BUDGET_PAIRS,
           f"{lines} lines, over the {BUDGET} that issue 11 sets for "
           f"lesson {b}'s default view ({changed} of them changed lines)")
    expect(changed > BUDGET,
           f"{lines} lines, over {BUDGET}, though the lesson's changed "
           f"lines are only {changed}")
    over = pages_fit(a, b, out)
    raise Skip(f"{lines} lines, over {BUDGET}: the lesson's own changed "
               f"lines alone are {changed}; navigable per file (FILE=), "
               f"every page within {BUDGET}"
               + (f" but for single files longer than that: "
                  f"{', '.join(over)}" if over else ""))


def check_collections(a, b):
    """Stage 5's lesson, one page per collection: FILE=vec and so on.  A
    collection written in several files (btree.c, then btree_insert.c...)
    is a page per file, and its first page names the others."""
    out = diff(a, b)
    rows, _ = summary(out)
    stems = []
    for label in rows["shown"]:
        stem = os.path.splitext(label.split(" -> ")[-1])[0]
        if stem not in stems and not stem.endswith("demo"):
            stems.append(stem)
    collections = [s for s in stems
                   if not any(s.startswith(t + "_") for t in stems)]
    expect(len(collections) >= 7,
           f"only {len(collections)} collections: {collections}")
    report, over = [], []
    for stem in stems:
        page = diff(a, b, f"FILE={stem}")
        files = shown_files(page)
        expect(files and all(os.path.basename(f).startswith(stem + ".")
                             for f in files),
               f"FILE={stem} shows {files}")
        parts = [t for t in stems if t.startswith(stem + "_")]
        if parts:
            _, head = summary(page)
            named = [line for line in head if line.startswith(
                f"the rest of {stem}, a page each: ")]
            expect(named and named[0].endswith(", ".join(
                f"FILE={t}" for t in parts)),
                   f"FILE={stem} does not name its other pages {parts}: "
                   f"{named}")
        lines = len(page.splitlines())
        report.append(f"{stem} {lines}" if stem in collections
                      else f"({stem} {lines})")
        if lines > BUDGET:
            over.append(f"{stem} ({lines} lines, "
                        f"{changed_lines(page)} changed)")
    expect(not over, f"pages over the {BUDGET} lines issue 11 sets for "
           f"each collection: {', '.join(over)}")
    return ", ".join(report)


# ------------------------------------------------------------ content checks

def check_summary_counts():
    out = diff(1, 2)
    rows, head = summary(out)
    expect(head and head[0].startswith("Lesson 2:"),
           f"the view does not open with the lesson's title: {head[:1]}")
    expect(rows["shown"], "no file rows in the summary")
    for label, (what, n) in rows["shown"].items():
        expect(re.fullmatch(r"[-+]\d+( -\d+)?", n),
               f"{label}: no line counts ({n})")
    m = re.search(r"\+(\d+) -(\d+) lines", "\n".join(head))
    expect(m, "no total of lines added and removed")
    plus = sum(int(x) for _, n in rows["shown"].values()
               for x in re.findall(r"\+(\d+)", n))
    expect(int(m.group(1)) == plus,
           f"total +{m.group(1)} is not the sum of the rows (+{plus})")
    real = sum(1 for line in out.splitlines()
               if line.startswith("+") and not line.startswith("+++ "))
    expect(real == plus, f"the summary says +{plus}, the hunks add {real}")


def check_common_listed():
    out = diff(1, 2)
    _, head = summary(out)
    links = [line for line in head if line.startswith("now also links:")]
    expect(links, "no 'now also links' line")
    for f in ("common/paging.c", "common/frame.c"):
        expect(f in links[0], f"{f} not in {links[0]!r}")
    expect(not any(p.startswith("common/") for p in shown_files(out)),
           f"common/ files pasted: {shown_files(out)}")
    expect(len(out.splitlines()) < 700, "common files pasted whole?")


def check_tests_listed():
    out = diff(3, 4)
    rows, _ = summary(out)
    listed = "\n".join(f"{k} {v[0]}" for k, v in rows["listed"].items())
    for name, role in (("heap_tests.c", "test"), ("bench_kernel.c", "bench"),
                       ("4-bump-heap/stage.mk", "build")):
        expect(re.search(rf"^{re.escape(name)} .*{role}", listed, re.M),
               f"{name} not listed as {role}: {listed!r}")
        expect(not any(p.endswith("/" + name) for p in shown_files(out)),
               f"{name} shown without ALL=1")
    everything = diff(3, 4, "ALL=1")
    for name in ("heap_tests.c", "bench_kernel.c", "stage.mk"):
        expect(any(p.endswith("/" + name) for p in shown_files(everything)),
               f"{name} not shown with ALL=1")


def check_effective_lists():
    """Stage 2 adds to the lists; it does not drop the core, and its
    stage.mk's text is not a hunk of the default view."""
    out = diff(1, 2)
    expect("KERNEL_SOURCES" not in out,
           "stage.mk text in the default view")
    everything = diff(1, 2, "ALL=1")
    expect(not re.search(r"^-KERNEL_SOURCES", everything, re.M),
           "a stage.mk hunk says stage 2 drops the core sources")
    rows, _ = summary(out)
    dropped = [k for k, v in rows["listed"].items() if "dropped" in v[0]]
    for core in ("kmain.c", "boot.S", "serial.c"):
        expect(core not in dropped, f"{core} reported dropped")
    expect("main.c -> paging_demo.c" in rows["shown"],
           "stage 1's demo entry (main.c) does not become stage 2's")


def check_rewritten_demo():
    """Stage 4's demo is a new program (8% the same as stage 3's): the row
    pairs the two demos, and the view shows the new one whole, under a
    header that names the one it replaces, without pasting the old one's
    lines again as removals."""
    out = diff(3, 4)
    rows, _ = summary(out)
    label = "alloc_demo.c -> bump_demo.c"
    expect(label in rows["shown"], f"no rename row: {list(rows['shown'])}")
    what, n = rows["shown"][label]
    expect(what.startswith("rewritten"), f"the row says {what!r}")
    with open(os.path.join(ROOT, "stages/4-bump-heap/bump_demo.c")) as f:
        new = f.read().splitlines()
    with open(os.path.join(ROOT, "stages/3-null-allocator/alloc_demo.c")) as f:
        old = f.read().splitlines()
    expect(n == f"+{len(new)} -{len(old)}",
           f"the row counts {n}, not +{len(new)} -{len(old)}")
    expect("--- stages/3-null-allocator/alloc_demo.c" not in out,
           "the old demo is pasted")
    text = out.split("+++ stages/4-bump-heap/bump_demo.c", 1)
    expect(len(text) == 2, "no '+++ stages/4-bump-heap/bump_demo.c'")
    head, _, rest = text[1].partition("\n")
    expect("replaces alloc_demo.c" in head,
           f"the header does not name the demo it replaces: {head!r}")
    body = rest.split("\n--- ", 1)[0].splitlines()
    expect(body[0] == f"@@ -0,0 +1,{len(new)} @@" and
           body[1:] == ["+" + line for line in new],
           "the new demo is not shown whole")


def check_edited_file_is_its_hunks():
    """A file renamed and edited (at least half the same) is shown as its
    hunks, with context: two made-up stages whose demos differ by a line."""
    mod = diff_module()
    work = tempfile.mkdtemp(prefix="diff-rename-",
                            dir=os.path.join(ROOT, "build"))
    try:
        lines = [f"line {i}" for i in range(40)] + ["void kernel_main(void)"]
        rel = os.path.relpath(work, ROOT)
        # (stage numbers of their own: compare() is cached by number)
        made_up = ((101, "one_demo.c", "line 20"),
                   (102, "two_demo.c", "line twenty"))
        for stage, name, edit in made_up:
            os.makedirs(os.path.join(work, str(stage)))
            with open(os.path.join(work, str(stage), name), "w") as f:
                f.write("\n".join(l if l != "line 20" else edit
                                  for l in lines) + "\n")
        folders = {n: f"{rel}/{n}" for n, _, _ in made_up}
        stages_ = [mod.Stage(n, folders[n], "t", {name: mod.File(
            name, f"{folders[n]}/{name}", "lesson", ["demo"])}, name)
            for n, name, _ in made_up]
        changes = mod.compare(stages_[0], stages_[1], folders)
        expect([c.kind for c in changes] == ["renamed"],
               f"changes: {[(c.kind, c.label) for c in changes]}")
        text = "\n".join(mod.file_lines(changes[0], mod.Colours(False)))
        expect("-line 20\n+line twenty" in text and "\n line 19\n" in text,
               f"not a hunk with context: {text!r}")
        expect(f"--- {rel}/101/one_demo.c" in text, "no old side")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_demo_is_the_file_with_kernel_main():
    """A stage's demo may be several files: stage 5's is ownership_demo.c,
    whose kernel_main is the entry, and collections_demo.c, the tour,
    which stages 6 and 8 link beside their own demos.  The demo that takes
    over is the file with kernel_main, never a tour it links."""
    rows, _ = summary(diff(4, 5))
    expect("bump_demo.c -> ownership_demo.c" in rows["shown"],
           f"4 -> 5: no demo rename: {list(rows['shown'])}")
    rows, _ = summary(diff(5, 6))
    expect(not any("collections_demo" in r for r in rows["shown"]),
           f"5 -> 6 shows the tour it links: {list(rows['shown'])}")
    expect("ownership_demo.c -> freelist_demo.c" in rows["shown"],
           f"5 -> 6: no demo rename: {list(rows['shown'])}")
    rows, _ = summary(diff(6, 7))
    expect("freelist_demo.c -> slab_demo.c" in rows["shown"],
           f"6 -> 7: no demo rename: {list(rows['shown'])}")


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\d\d:\d\d:\d\d\.\d+")


def check_no_timestamps():
    for a, b in zip(stages(), stages()[1:]):
        out = diff(a, b, "ALL=1")
        for line in out.splitlines():
            if line.startswith(("--- ", "+++ ")):
                expect(not TIMESTAMP.search(line) and "\t" not in line,
                       f"{a}->{b}: {line!r}")


# The runs of the real `make diff` (make, then scripts/diff in a process
# of its own), each made once and read by the checks that need it.  The
# pager is one that marks its output, in every run: it must show only
# where it is due (a terminal, a long text).
PAGER_MARK = "PAGER-WAS-HERE"
_real_runs = {}


def real_run(how, *args, no_color=False):
    """`make diff ARGS` on a terminal (how="terminal") or piped."""
    key = (how, args, no_color)
    if key not in _real_runs:
        env = clean_env(PAGER=f"echo {PAGER_MARK}; cat", TERM="xterm")
        if no_color:
            env["NO_COLOR"] = "1"
        if how == "terminal":
            _real_runs[key] = on_terminal(
                ["make", "--no-print-directory", "diff", *args], env)
        else:
            code, out, err = make("diff", *args, env=env)
            expect(code == 0, f"make diff {' '.join(args)} exited {code}: "
                   f"{err.strip()[-300:]}")
            _real_runs[key] = out
    return _real_runs[key]


def check_no_colour_piped():
    out = real_run("piped", "FROM=3", "TO=4")
    expect("\033[" not in out, "escape sequences in piped output")
    expect(out == diff(3, 4), "the piped output of make diff FROM=3 TO=4 "
           "is not the view scripts/diff gives in-process")


def check_colour_on_terminal():
    out = real_run("terminal", "FROM=3", "TO=4", "FILE=init")
    expect("\033[32m+" in out or "\033[32m" in out, "no green additions")
    expect("\033[31m-" in out or "\033[31m" in out, "no red removals")
    out = real_run("terminal", "FROM=3", "TO=4", "FILE=init", no_color=True)
    expect("\033[" not in out, "colour despite NO_COLOR")


def check_pager():
    long = real_run("terminal", "FROM=3", "TO=4")
    expect(PAGER_MARK in long, "long output on a terminal: no pager")
    short = real_run("terminal", "FROM=3", "TO=4", "FILE=init")
    expect(PAGER_MARK not in short, "a pager for a screenful")
    piped = real_run("piped", "FROM=3", "TO=4")
    expect(PAGER_MARK not in piped, "a pager when piped")


def check_file_filter():
    out = diff(4, 5, "FILE=vec")
    files = shown_files(out)
    expect(sorted(os.path.basename(f) for f in files) == ["vec.c", "vec.h"],
           f"FILE=vec shows {files}")
    expect("FILE=vec" in out.splitlines()[1], "the summary does not say FILE=")
    one = shown_files(diff(4, 5, "FILE=vec.h"))
    expect([os.path.basename(f) for f in one] == ["vec.h"],
           f"FILE=vec.h shows {one}")
    glob = shown_files(diff(3, 4, "FILE=bump_*"))
    expect(sorted(os.path.basename(f) for f in glob) ==
           ["bump_alloc.c", "bump_alloc.h", "bump_demo.c",
            "bump_heap_tests.c"],
           f"FILE=bump_* shows {glob}")
    tests = shown_files(diff(3, 4, "FILE=heap_tests"))
    expect([os.path.basename(f) for f in tests] == ["heap_tests.c"],
           f"FILE=heap_tests (a test file) shows {tests}")
    code, _, err = make_diff("diff", "FROM=4", "TO=5", "FILE=nosuchfile")
    expect(code != 0 and "matches no changed file" in err,
           f"FILE=nosuchfile: exit {code}, {err.strip()!r}")


# The first case of each target runs the real make and scripts/diff's
# own process; the others, make -n's recipe in-process.
USAGE_CASES = [
    ("missing-from", ["TO=3"], "FROM is missing"),
    ("missing-to", ["FROM=3"], "TO is missing"),
    ("missing-both", [], "FROM is missing"),
    ("non-numeric", ["FROM=two", "TO=3"], "FROM=two is not a stage number"),
    ("nonexistent", ["FROM=1", "TO=99"], "there is no stage 99"),
    ("reversed", ["FROM=4", "TO=3"], "FROM must be an earlier stage"),
    ("equal", ["FROM=3", "TO=3"], "FROM must be an earlier stage"),
]


def check_usage(target, args, reason, real=False):
    code, out, err = (make if real else make_diff)(target, *args)
    expect(code != 0, f"exit status 0 for make {target} {' '.join(args)}")
    expect(reason in err, f"no {reason!r} in {err.strip()!r}")
    expect(f"usage: make {target} FROM=a TO=b" in err,
           f"no usage line in {err.strip()!r}")
    expect(not out.strip(), f"output on stdout: {out[:80]!r}")


# ------------------------------------------------------------ HTML checks

class PageParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.index_links, self.sections = set(), [], []
        self.external, self.in_nav, self.style = [], False, ""
        self.in_style, self.title = False, ""
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "nav":
            self.in_nav = True
        if tag == "a" and self.in_nav and a.get("href", "").startswith("#"):
            self.index_links.append(a["href"][1:])
        if tag == "section":
            self.sections.append(a.get("id"))
        for attr in ("src", "href"):
            v = a.get(attr, "")
            if v and not v.startswith("#") and not v.endswith(".html"):
                self.external.append(f"<{tag} {attr}={v}>")
        if tag in ("link", "script", "img", "iframe", "object"):
            self.external.append(f"<{tag}>")
        self.in_style = tag == "style"
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav = False
        self.in_style = self.in_title = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        if self.in_title:
            self.title += data


_parsed = {}  # a page's text -> what it holds (the same text: the same parse)


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text not in _parsed:
        p = PageParser()
        p.feed(text)
        _parsed[text] = p
    return _parsed[text]


def check_html_pages(out_dir):
    code, out, err = make_diff("diff-html-all")
    expect(code == 0, f"make diff-html-all: {err.strip()[-300:]}")
    ns = stages()
    for a, b in zip(ns, ns[1:]):
        path = os.path.join(ROOT, "build", "diff", f"stage-{a}-to-{b}.html")
        expect(os.path.exists(path), f"no {path}")
        p = parse(path)
        rows, _ = summary(diff(a, b))
        expect(len(p.index_links) == len(rows["shown"]) == len(p.sections),
               f"{a}->{b}: {len(p.index_links)} index links, "
               f"{len(p.sections)} sections, {len(rows['shown'])} files")
        missing = [link for link in p.index_links if link not in p.ids]
        expect(not missing, f"{a}->{b}: index links to nothing: {missing}")
        expect(not p.external, f"{a}->{b}: external resources {p.external}")
        expect("prefers-color-scheme: dark" in p.style,
               f"{a}->{b}: no dark colours")
        m = re.search(r"html\s*{[^}]*font:\s*(\d+)px", p.style)
        expect(m and int(m.group(1)) >= 18,
               f"{a}->{b}: base font under 18px")
        expect(f"Lesson {b}" in p.title, f"{a}->{b}: title {p.title!r}")
    index = parse(os.path.join(ROOT, "build", "diff", "index.html"))
    expect(len(index.ids) >= 0 and not index.external,
           "index.html: external resources")
    code, out, err = make_diff("diff-html", "FROM=4", "TO=5")
    expect(code == 0 and "stage-4-to-5.html" in out,
           f"make diff-html FROM=4 TO=5: {out!r} {err!r}")
    p = parse(os.path.join(ROOT, "build", "diff", "stage-4-to-5.html"))
    for collection in ("vec", "kstring", "rc", "list", "deque", "binheap",
                       "btree", "btree_insert", "btree_remove"):
        expect(f"f-{collection}.c" in p.index_links,
               f"4->5: no index entry for {collection}.c")
    btree = os.path.join(out_dir, "btree.html")
    code, out, err = run_script(["html", "4", "5", "--file", "btree",
                                 "-o", btree])
    expect(code == 0, f"scripts/diff html 4 5 --file btree: {err!r}")
    with open(btree, encoding="utf-8") as f:
        text = f.read()
    expect("<code>FILE=btree_insert</code>" in text,
           "the FILE=btree page does not name btree_insert's page")
    # the page for one file, as FILE= picks it
    single = os.path.join(out_dir, "vec.html")
    code, out, err = run_script(["html", "4", "5", "--file", "vec",
                                 "-o", single])
    expect(code == 0, f"scripts/diff html 4 5 --file vec: {err!r}")
    expect(parse(single).index_links == ["f-vec.h", "f-vec.c"],
           f"FILE=vec page links {parse(single).index_links}")


def browser():
    for name in ("chromium", "chromium-headless-shell", "chromium-browser",
                 "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    alt = "/usr/lib/chromium/chromium"
    return alt if os.path.exists(alt) else None


BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,720",
                 "--hide-scrollbars"]
BROWSER_TIMEOUT = 60  # seconds for the whole session


class Browser:
    """One headless Chromium, driven over its DevTools pipe
    (--remote-debugging-pipe: commands in on fd 3, answers and events out
    on fd 4, JSON messages ended by a NUL byte), with one page."""

    def __init__(self, exe, work):
        self.profile = tempfile.mkdtemp(prefix="profile-", dir=work)
        self.log = os.path.join(work, "browser.log")
        self.deadline = time.monotonic() + BROWSER_TIMEOUT
        self.buf, self.next_id, self.session = b"", 0, None

        def high(fd):  # out of the way of the child's 3 and 4
            new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return new
        browser_in, self.commands = map(high, os.pipe())
        self.answers, browser_out = map(high, os.pipe())
        ours = (self.commands, self.answers)

        def child():
            # (dup2 leaves 3 and 4 open across exec; every other
            # descriptor of ours is close-on-exec, as Python opens them)
            os.dup2(browser_in, 3)
            os.dup2(browser_out, 4)
            for fd in ours:
                os.close(fd)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [exe, *BROWSER_FLAGS, f"--user-data-dir={self.profile}",
                 "--remote-debugging-pipe", "about:blank"],
                cwd=work, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                close_fds=False, preexec_fn=child, start_new_session=True)
        os.close(browser_in)
        os.close(browser_out)

    def why(self):
        """The end of what the browser said, on one line."""
        try:
            with open(self.log, errors="replace") as f:
                text = f.read()
        except OSError:
            return ""
        return " | ".join(l for l in text.splitlines() if l.strip())[-300:]

    def receive(self, wanted):
        """The first message for which wanted(message) is true."""
        while True:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [],
                                              left)[0]:
                raise Failed(f"the browser did not answer within "
                             f"{BROWSER_TIMEOUT} s: {self.why()}")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise Failed(f"the browser ended: {self.why()}")
            self.buf += chunk

    def send(self, method, session=True, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.commands, data):]
        except BrokenPipeError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            raise Failed(f"the browser ended (exit status "
                         f"{self.proc.returncode}): {self.why()}") from None
        return self.next_id

    def call(self, method, session=True, **params):
        n = self.send(method, session, **params)
        answer = self.receive(lambda m: m.get("id") == n)
        if "error" in answer:
            raise Failed(f"{method}: {answer['error']}")
        return answer["result"]

    def open(self, url):
        """The page shows URL, loaded (its load event fired)."""
        targets = self.call("Target.getTargets", session=False)
        page = [t for t in targets["targetInfos"] if t["type"] == "page"]
        expect(page, "the browser has no page")
        self.session = self.call("Target.attachToTarget", session=False,
                                 targetId=page[0]["targetId"],
                                 flatten=True)["sessionId"]
        self.call("Page.enable")
        result = self.call("Page.navigate", url=url)
        expect("errorText" not in result,
               f"{url}: {result.get('errorText')}")
        session = self.session
        self.receive(lambda m: m.get("method") == "Page.loadEventFired"
                     and m.get("sessionId") == session)

    def screenshot(self, path):
        """What the window shows, as a PNG file."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression,
                           returnByValue=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            what = details.get("exception", {}).get("description") or \
                details.get("text", "an exception")
            raise Failed(f"the rendered page has no probe: "
                         f"{what.splitlines()[0]}")
        return result["result"].get("value")

    def close(self):
        try:
            if self.proc.poll() is None:
                self.send("Browser.close", session=False)
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for fd in (self.commands, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


def read_png(path):
    """What a screenshot shows, without decoding all of it (that would take
    seconds in Python): (width, height, ink, background brightness).

    ink: the share of the image data's bytes that are not zero once
    compressed rows are inflated.  PNG stores each row as its difference
    from the pixel to the left or above, so a blank page (one colour) is
    all zeros whatever the filter, and a page with text is not.
    background: the mean brightness of the top rows, decoded (the page's
    margin, so its background colour)."""
    with open(path, "rb") as f:
        data = f.read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(
                ">IIBBBBB", chunk)
            expect(depth == 8 and colour in (2, 6) and not interlace,
                   f"unexpected PNG format {depth}/{colour}/{interlace}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    expect(len(raw) == height * (stride + 1), "truncated image data")
    ink = 1 - raw.count(0) / len(raw)
    # The top rows, decoded (filters: 0 none, 1 left, 2 up, 3 average,
    # 4 Paeth; the row above the first is zeros).
    prev, total = bytearray(stride), 0
    top = 4
    for y in range(top):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            r, g, bl = line[x:x + 3]
            total += 0.299 * r + 0.587 * g + 0.114 * bl
        prev = line
    return width, height, ink, total / (top * width)


# Evaluated in the loaded page: what the browser laid out.
PROBE = """(() => {
  const code = document.querySelector('table.code td.text');
  return JSON.stringify({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: innerWidth,
    codePx: parseFloat(getComputedStyle(code).fontSize),
    textPx: parseFloat(getComputedStyle(document.body).fontSize),
    sections: document.querySelectorAll('section.file').length,
    index: document.querySelectorAll('nav a[href^="#"]').length,
  });
})()"""


def check_browser(work):
    exe = browser()
    if exe is None:
        raise Skip("no Chromium installed (make check-html installs one)")
    page = os.path.join(ROOT, "build", "diff", "stage-3-to-4.html")
    expect(os.path.exists(page), "no stage-3-to-4.html (run the HTML check)")
    shot = os.path.join(work, "light.png")
    dark_shot = os.path.join(work, "dark.png")
    browser_ = Browser(exe, work)
    try:
        browser_.open("file://" + page)
        browser_.screenshot(shot)
        got = json.loads(browser_.evaluate(PROBE))
        # prefers-color-scheme: dark, as --blink-settings=preferredColorScheme=0
        browser_.call("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-color-scheme", "value": "dark"}])
        browser_.screenshot(dark_shot)
    finally:
        browser_.close()
    w, h, ink, light = read_png(shot)
    expect((w, h) == (1280, 720), f"screenshot is {w}x{h}")
    expect(ink > 0.01, f"a blank page: {ink:.1%} of the image is not flat")
    _, _, dark_ink, dark = read_png(dark_shot)
    expect(dark < light - 60 and dark_ink > 0.01,
           f"dark mode: mean brightness {dark:.0f} vs light {light:.0f}")
    expect(got["scrollWidth"] <= got["innerWidth"],
           f"scrolls sideways at 1280x720: {got}")
    expect(got["textPx"] >= 18 and got["codePx"] >= 16,
           f"font too small for a projector: {got}")
    expect(got["sections"] == got["index"] > 0,
           f"rendered: {got['index']} index links, {got['sections']} files")
    return (f"{exe.rsplit('/', 1)[-1]}: ink {ink:.0%}; background "
            f"brightness light {light:.0f}, dark {dark:.0f}; "
            f"text {got['textPx']:.0f}px, code {got['codePx']:.0f}px")


# ------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", help="keep screenshots and pages in this dir")
    args = ap.parse_args()
    work = os.path.abspath(args.keep) if args.keep else \
        tempfile.mkdtemp(prefix="test-diff-")
    os.chdir(ROOT)  # where make runs scripts/diff
    os.makedirs(work, exist_ok=True)
    ns = stages()
    try:
        for a, b in zip(ns, ns[1:]):
            if (a, b) == (4, 5):
                check(f"collections/{a}-{b}", check_collections, a, b)
            else:
                check(f"size/{a}-{b}", check_size, a, b)
        check("summary/counts", check_summary_counts)
        check("summary/common-listed", check_common_listed)
        check("summary/tests-bench-build-listed", check_tests_listed)
        check("summary/effective-lists", check_effective_lists)
        check("rename/rewritten-demo", check_rewritten_demo)
        check("rename/edited-file", check_edited_file_is_its_hunks)
        check("demo-is-the-file-with-kernel-main", check_demo_is_the_file_with_kernel_main)
        check("no-timestamps", check_no_timestamps)
        check("no-colour-piped", check_no_colour_piped)
        check("colour-on-terminal", check_colour_on_terminal)
        check("pager", check_pager)
        check("file-filter", check_file_filter)
        for target in ("diff", "diff-html"):
            for n, (name, case_args, reason) in enumerate(USAGE_CASES):
                check(f"usage/{target}/{name}", check_usage, target,
                      case_args, reason, n == 0)
        check("html/pages", check_html_pages, work)
        check("html/browser", check_browser, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    # as scripts/run-tests reads it: skipped checks are on their lines
    print(f"{counts['ok']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

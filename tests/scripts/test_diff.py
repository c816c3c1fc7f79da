#!/usr/bin/env python3
"""test_diff.py - checks of the classroom diff (`make diff`, `make diff-html`).

One line per check, `diff/<check>... [ok]`, `[failed] why` or `[skipped]
why`, then `N passed, N failed`; exit 1 if any failed.

    python3 tests/scripts/test_diff.py [--keep DIR]

What is checked (issue 11):
  - size: the default view of every pair of neighbouring stages fits one
    projection (BUDGET lines).  A lesson whose own changed lines alone are
    more than that cannot fit however the diff is laid out: then the pair
    is reported as skipped, with its numbers, and must instead be
    navigable: every file's page (FILE=<name>) fits, or is itself one
    file's changed lines;
  - the summary: lines added and removed, the common/ files the new stage
    starts to link (listed, not pasted), tests, benchmark and build files
    listed but shown only with ALL=1, the effective source lists instead of
    stage.mk's text;
  - renames (stage 3's demo becomes stage 4's, with its hunks), no
    timestamps, colour only on a terminal, a pager only on a terminal and
    only when the text is long, FILE=, the usage messages;
  - the HTML pages: self-contained, an index whose every entry leads to a
    file, dark and light colours, a large font; rendered by a headless
    Chromium (when one is installed): a screenshot at 1280x720 that is not
    blank, no horizontal scrolling at that size, darker in dark mode.
"""
import argparse
import fcntl
import html.parser
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUDGET = 500
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
    env.update(extra)
    return env


def make(*args, env=None, timeout=300):
    """`make ARGS` at the top of the repository, output piped."""
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout,
                       env=env or clean_env(), stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def diff(a, b, *extra):
    code, out, err = make("diff", f"FROM={a}", f"TO={b}", *extra)
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
    """Stage 5's lesson, one page per collection: FILE=vec and so on."""
    out = diff(a, b)
    rows, _ = summary(out)
    stems = []
    for label in rows["shown"]:
        stem = os.path.splitext(label.split(" -> ")[-1])[0]
        if stem not in stems and not stem.endswith("demo"):
            stems.append(stem)
    expect(len(stems) >= 7, f"only {len(stems)} collections: {stems}")
    report, over = [], []
    for stem in stems:
        page = diff(a, b, f"FILE={stem}")
        files = shown_files(page)
        expect(files and all(os.path.basename(f).startswith(stem + ".")
                             for f in files),
               f"FILE={stem} shows {files}")
        lines = len(page.splitlines())
        report.append(f"{stem} {lines}")
        if lines > BUDGET:
            changed = changed_lines(page)
            expect(changed > BUDGET, f"FILE={stem}: {lines} lines, though "
                   f"its changed lines are only {changed}")
            over.append(f"{stem} ({lines} lines, {changed} changed)")
    if over:
        raise Skip(f"{', '.join(report)}; over {BUDGET} because the "
                   f"collection's own code is longer: {', '.join(over)}")
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


def check_rename():
    out = diff(3, 4)
    rows, _ = summary(out)
    expect("alloc_demo.c -> bump_demo.c" in rows["shown"],
           f"no rename row: {list(rows['shown'])}")
    expect("renamed" in rows["shown"]["alloc_demo.c -> bump_demo.c"][0],
           "the row does not say renamed")
    text = out.split("--- stages/3-null-allocator/alloc_demo.c\n", 1)
    expect(len(text) == 2, "no '--- stages/3-null-allocator/alloc_demo.c'")
    body = text[1].split("\n--- ", 1)[0].splitlines()
    expect(body[0].startswith("+++ stages/4-bump-heap/bump_demo.c"),
           f"the rename's new side is {body[0]!r}")
    expect(any(line.startswith("@@ -1,") for line in body), "no hunk")
    expect(any(line.startswith("-") for line in body[1:]),
           "no removed lines")
    expect(any(line.startswith(" ") for line in body[1:]),
           "no context lines: a delete and an add, not a rename")
    expect("/dev/null" not in "\n".join(line for line in out.splitlines()
                                        if "demo" in line),
           "a demo is added or deleted whole")


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\d\d:\d\d:\d\d\.\d+")


def check_no_timestamps():
    for a, b in zip(stages(), stages()[1:]):
        out = diff(a, b, "ALL=1")
        for line in out.splitlines():
            if line.startswith(("--- ", "+++ ")):
                expect(not TIMESTAMP.search(line) and "\t" not in line,
                       f"{a}->{b}: {line!r}")


def check_no_colour_piped():
    out = diff(3, 4)
    expect("\033[" not in out, "escape sequences in piped output")


def check_colour_on_terminal():
    env = clean_env(PAGER="cat", TERM="xterm")
    out = on_terminal(["make", "--no-print-directory", "diff", "FROM=3",
                       "TO=4", "FILE=init"], env)
    expect("\033[32m+" in out or "\033[32m" in out, "no green additions")
    expect("\033[31m-" in out or "\033[31m" in out, "no red removals")
    env["NO_COLOR"] = "1"
    out = on_terminal(["make", "--no-print-directory", "diff", "FROM=3",
                       "TO=4", "FILE=init"], env)
    expect("\033[" not in out, "colour despite NO_COLOR")


def check_pager():
    marker = "PAGER-WAS-HERE"
    env = clean_env(PAGER=f"echo {marker}; cat", TERM="xterm")
    long = on_terminal(["make", "--no-print-directory", "diff", "FROM=3",
                        "TO=4"], env)
    expect(marker in long, "long output on a terminal: no pager")
    short = on_terminal(["make", "--no-print-directory", "diff", "FROM=3",
                         "TO=4", "FILE=init"], env)
    expect(marker not in short, "a pager for a screenful")
    code, piped, _ = make("diff", "FROM=3", "TO=4", env=env)
    expect(marker not in piped, "a pager when piped")


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
           ["bump_alloc.c", "bump_alloc.h", "bump_demo.c"],
           f"FILE=bump_* shows {glob}")
    tests = shown_files(diff(3, 4, "FILE=heap_tests"))
    expect([os.path.basename(f) for f in tests] == ["heap_tests.c"],
           f"FILE=heap_tests (a test file) shows {tests}")
    code, _, err = make("diff", "FROM=4", "TO=5", "FILE=nosuchfile")
    expect(code != 0 and "matches no changed file" in err,
           f"FILE=nosuchfile: exit {code}, {err.strip()!r}")


USAGE_CASES = [
    ("missing-from", ["TO=3"], "FROM is missing"),
    ("missing-to", ["FROM=3"], "TO is missing"),
    ("missing-both", [], "FROM is missing"),
    ("non-numeric", ["FROM=two", "TO=3"], "FROM=two is not a stage number"),
    ("nonexistent", ["FROM=1", "TO=99"], "there is no stage 99"),
    ("reversed", ["FROM=4", "TO=3"], "FROM must be an earlier stage"),
    ("equal", ["FROM=3", "TO=3"], "FROM must be an earlier stage"),
]


def check_usage(target, args, reason):
    code, out, err = make(target, *args)
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


def parse(path):
    p = PageParser()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def check_html_pages(out_dir):
    code, out, err = make("diff-html-all")
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
    code, out, err = make("diff-html", "FROM=4", "TO=5",
                          env=clean_env())
    expect(code == 0 and "stage-4-to-5.html" in out,
           f"make diff-html FROM=4 TO=5: {out!r} {err!r}")
    p = parse(os.path.join(ROOT, "build", "diff", "stage-4-to-5.html"))
    for collection in ("vec", "kstring", "rc", "list", "deque", "binheap",
                       "btree"):
        expect(f"f-{collection}.c" in p.index_links,
               f"4->5: no index entry for {collection}.c")
    # the page for one file, as FILE= picks it
    single = os.path.join(out_dir, "vec.html")
    subprocess.run([sys.executable, "scripts/diff", "html", "4", "5",
                    "--file", "vec", "-o", single], cwd=ROOT, check=True,
                   capture_output=True)
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


def run_browser(exe, work, url, *args, size="1280,720"):
    profile = tempfile.mkdtemp(prefix="profile-", dir=work)
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           f"--window-size={size}", "--hide-scrollbars", *args, url]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       cwd=work)
    shutil.rmtree(profile, ignore_errors=True)
    return p


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


# Added to a copy of the page only: what the browser laid out.
PROBE = """<script>
addEventListener('load', () => {
  const code = document.querySelector('table.code td.text');
  const m = document.createElement('pre');
  m.id = 'probe';
  m.textContent = JSON.stringify({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: innerWidth,
    codePx: parseFloat(getComputedStyle(code).fontSize),
    textPx: parseFloat(getComputedStyle(document.body).fontSize),
    sections: document.querySelectorAll('section.file').length,
    index: document.querySelectorAll('nav a[href^="#"]').length,
  });
  document.body.appendChild(m);
});
</script>"""


def check_browser(work):
    exe = browser()
    if exe is None:
        raise Skip("no Chromium installed (make check-html installs one)")
    page = os.path.join(ROOT, "build", "diff", "stage-3-to-4.html")
    expect(os.path.exists(page), "no stage-3-to-4.html (run the HTML check)")
    shot = os.path.join(work, "light.png")
    p = run_browser(exe, work, "file://" + page, f"--screenshot={shot}")
    expect(os.path.exists(shot), f"no screenshot: {p.stderr[-300:]}")
    w, h, ink, light = read_png(shot)
    expect((w, h) == (1280, 720), f"screenshot is {w}x{h}")
    expect(ink > 0.01, f"a blank page: {ink:.1%} of the image is not flat")
    dark_shot = os.path.join(work, "dark.png")
    run_browser(exe, work, "file://" + page, f"--screenshot={dark_shot}",
                "--blink-settings=preferredColorScheme=0")
    _, _, dark_ink, dark = read_png(dark_shot)
    expect(dark < light - 60 and dark_ink > 0.01,
           f"dark mode: mean brightness {dark:.0f} vs light {light:.0f}")
    probe = os.path.join(work, "probe.html")
    with open(page, encoding="utf-8") as f:
        text = f.read()
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", PROBE + "</body>"))
    p = run_browser(exe, work, "file://" + probe, "--dump-dom",
                    "--virtual-time-budget=3000")
    m = re.search(r'<pre id="probe">(.*?)</pre>', p.stdout)
    expect(m, f"the rendered page has no probe: {p.stderr[-300:]}")
    got = json.loads(m.group(1).replace("&quot;", '"'))
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
    work = args.keep or tempfile.mkdtemp(prefix="test-diff-")
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
        check("rename", check_rename)
        check("no-timestamps", check_no_timestamps)
        check("no-colour-piped", check_no_colour_piped)
        check("colour-on-terminal", check_colour_on_terminal)
        check("pager", check_pager)
        check("file-filter", check_file_filter)
        for target in ("diff", "diff-html"):
            for name, case_args, reason in USAGE_CASES:
                check(f"usage/{target}/{name}", check_usage, target,
                      case_args, reason)
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

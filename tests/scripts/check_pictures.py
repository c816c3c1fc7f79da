#!/usr/bin/env python3
"""check_pictures - the pictures in LESSONS.md are true of the tree today,
and every line a kernel prints fits the 80 columns of the VGA screen.

    python3 tests/scripts/check_pictures.py

One line per check, `name... [ok]` or `[failed] why`, then
`N passed, N failed`; exit 1 if a check failed.  Run by `make test` once
every stage is built and the logs are saved (scripts/run-tests,
LATE_CHECKS).  About 5 s of CPU time, nearly all of it four boots.

  screens/NAME/is-current
      The scene NAME of scripts/vgascreen.py, booted again (the GCC kernel
      in build/gcc/), leaves on the screen exactly the characters and the
      colours docs/screens/NAME.txt says, and NAME.png is the picture made
      with it (its sha256 is in NAME.txt).  Four boots, two at a time.
      When it fails: `make screenshots`, then look at the picture.
  screens/NAME/is-shown-in-lessons
      LESSONS.md shows the picture: ![...](docs/screens/NAME.png).
  screens/heap-bar-is-not-colour-alone
      In stage 4's picture, the used cells and the free cells of the heap
      bars differ in their character (a full block and a light shade), not
      only in colour.
  address-space/picture-matches-the-code
      The picture of the virtual address space in Chapter 2 (the block
      after `<!-- picture: address-space -->`) shows exactly these
      addresses: the ones the code defines (PHYS_OFFSET in
      common/paging.h; HEAP_START and HEAP_START + HEAP_SIZE in
      stages/2-page-mapping/heap.h; the 1 MiB start and the 2 MiB limit in
      common/linker.ld; the end of the identity map, 4 x 512 entries of
      2 MiB from boot_pd in common/boot.S; page 1, where the null page
      ends; the VGA buffer in common/vga.c) and the architecture's (0, the
      end of the canonical lower half, the top of the address space).
  columns/demo-stage-N, columns/test-stage-N
      Every line of build/test-logs/demo-stage-N.log (the demo kernels'
      output) is at most 80 characters long: a longer one wraps, mid-word,
      on the screen.  The same for the test kernels' logs, except the
      runner's own result lines (`ktest [i/N] name... [ok] (detail)`),
      whose format scripts/run-tests reads.
  selftest/...
      Each check above, given a broken input, fails.
"""
import concurrent.futures
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import vgascreen  # noqa: E402  (scripts/vgascreen.py)

os.chdir(ROOT)
LOGS = os.environ.get("RUN_TESTS_LOGS", "build/test-logs")
COLUMNS = 80
RESULT_LINE = re.compile(r"^ktest \[\d+/\d+\] \S+\.\.\. \[(ok|failed)\]")
BAR_COL, BAR_WIDTH = 59, 20  # CONSOLE_GAUGE_COL, _WIDTH: common/console.h
RED, GREEN = 4, 2            # the bar's colours (VGA_RED, VGA_GREEN)

results = []  # (name, passed)


def record(name, problem=None):
    results.append((name, problem is None))
    print(f"{name}... [ok]" if problem is None else f"{name}... [failed] {problem}",
          flush=True)


# ------------------------------------------------------------- screens

def screen_difference(want, have):
    """None if the two screens are the same, else where they differ."""
    for i in range(0, len(want), 2):
        if want[i:i + 2] != have[i:i + 2]:
            y, x = divmod(i // 2, vgascreen.WIDTH)
            what = "character" if want[i] != have[i] else "colour"
            row = vgascreen.text_rows(have)[y].rstrip()
            return (f"row {y + 1}, column {x + 1} differs ({what}); the "
                    f"kernel shows there: {row!r}")
    return None if len(want) == len(have) else "the screens differ in size"


def boot_scene(scene):
    """(scene, screen bytes or None, why not)."""
    if not os.path.exists(scene.iso_path):
        return scene, None, f"{scene.iso_path} is not built"
    try:
        _, vga = vgascreen.capture(scene)
        return scene, vga, None
    except (RuntimeError, OSError) as e:
        return scene, None, str(e)


def scene_problem(scene, vga, why):
    if why:
        return why
    try:
        want, sha = vgascreen.read_dump(scene)
    except (OSError, ValueError) as e:
        return f"{scene.dump()}: {e}; run make screenshots"
    if not os.path.exists(scene.png()):
        return f"{scene.png()} is missing; run make screenshots"
    if vgascreen.sha256(scene.png()) != sha:
        return (f"{scene.png()} is not the picture {scene.dump()} was made "
                "with; run make screenshots")
    try:
        size = vgascreen.png_size(scene.png())
    except ValueError as e:
        return str(e)
    if size != (720, 400):
        return (f"{scene.png()} is {size[0]}x{size[1]}, not QEMU's 720x400 "
                "text screen")
    diff = screen_difference(want, vga)
    if diff:
        return (f"the screen changed: {diff}; run make screenshots and look "
                "at the picture")
    return None


def lessons_show_problem(text, scene):
    link = re.compile(r"!\[[^\]]+\]\(" + re.escape(scene.png()) + r"\)")
    return None if link.search(text) else f"LESSONS.md has no ![...]({scene.png()})"


def heap_bar_problem(vga):
    used, free = set(), set()
    for row in vgascreen.rows(vga):
        for ch, attr in row[BAR_COL:BAR_COL + BAR_WIDTH]:
            if attr & 0xF == RED:
                used.add(ch)
            elif attr & 0xF == GREEN:
                free.add(ch)
    if not used or not free:
        return ("the picture shows no bar with both used (red) and free "
                "(green) cells")
    if used & free:
        return ("used and free cells share a character, so only the colour "
                f"tells them apart ({sorted(used & free)})")
    return None


# -------------------------------------------------------- address space

def code_value(path, pattern):
    """The integer the first match of `pattern` (one group) in `path` says,
    the group being a C integer constant or a product like `100 * 1024`."""
    with open(path) as f:
        m = re.search(pattern, f.read(), re.M)
    if not m:
        raise ValueError(f"{path}: no match for {pattern!r}")
    value = 1
    for factor in m.group(1).split("*"):
        value *= int(re.sub(r"[uUlL]+$", "", factor.strip()), 0)
    return value


def address_space_addresses():
    """{address: where it comes from} for every address the picture must
    show, and the only ones it may show."""
    heap_start = code_value("stages/2-page-mapping/heap.h",
                            r"^#define HEAP_START (\S+)")
    heap_size = code_value("stages/2-page-mapping/heap.h",
                           r"^#define HEAP_SIZE \((.*)\)")
    page = code_value("common/paging.h", r"^#define PAGE_SIZE (\S+)")
    pd_bytes = code_value("common/boot.S", r"^boot_pd:\s*\n\s*\.skip (.*)")
    vga = code_value("common/vga.c",
                     r"VGA_TEXT_MEMORY \(\(volatile uint16_t \*\)(\w+)\)")
    start = code_value("common/linker.ld", r"^\s*\. = (\d+)M;")
    limit = code_value("common/linker.ld", r"_kernel_end <= (\d+)M")
    mib = 1 << 20
    return {
        0: "the null page",
        page: "page 1 (PAGE_SIZE), the end of the null page",
        vga: "VGA_TEXT_MEMORY",
        start * mib: "the kernel's start (linker.ld)",
        limit * mib: "the kernel's limit, the end of the 4 KiB pages",
        pd_bytes // page * 512 * 2 * mib: "the end of the identity map",
        heap_start: "HEAP_START",
        heap_start + heap_size: "HEAP_START + HEAP_SIZE",
        1 << 47: "the end of the canonical lower half",
        code_value("common/paging.h", r"^#define PHYS_OFFSET (\S+)"):
            "PHYS_OFFSET",
        (1 << 64) - 1: "the top of the address space",
    }


def address_space_problem(text, want):
    lines = text.split("\n")
    try:
        at = lines.index("<!-- picture: address-space -->")
        end = lines.index("```", at + 2)
    except ValueError:
        return "LESSONS.md has no <!-- picture: address-space --> block"
    shown = {int(a.replace("_", ""), 16)
             for line in lines[at + 2:end]
             for a in re.findall(r"0x[0-9a-fA-F_]+", line)}
    missing = [f"{hex(a)} ({why})" for a, why in sorted(want.items())
               if a not in shown]
    extra = [hex(a) for a in sorted(shown) if a not in want]
    problems = []
    if missing:
        problems.append(f"not shown: {', '.join(missing)}")
    if extra:
        problems.append(f"shown, but not from the code: {', '.join(extra)}")
    return "; ".join(problems) or None


# ------------------------------------------------------------- columns

def column_problem(text, kind):
    long = []  # "line N has M: ..." for each line too long
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        if len(line) > COLUMNS and not (kind == "test" and RESULT_LINE.match(line)):
            long.append(f"line {n} has {len(line)}: {line[:40]}...")
    if not long:
        return None
    return f"{len(long)} line(s) over {COLUMNS} columns: " + "; ".join(long[:3])


def check_columns():
    logs = os.listdir(LOGS) if os.path.isdir(LOGS) else []
    found = False
    for kind in ("demo", "test"):
        for path in sorted(f for f in logs
                           if re.fullmatch(rf"{kind}-stage-\d+\.log", f)):
            found = True
            with open(os.path.join(LOGS, path), errors="replace") as f:
                record(f"columns/{path[:-4]}", column_problem(f.read(), kind))
    if not found:
        record("columns/logs", f"no demo or test logs in {LOGS} (make test "
               "writes them)")


# ------------------------------------------------------------ selftests

def selftests(text, want, bar_vga):
    """Each check, given a broken input, must fail."""
    def expect_failure(name, problem):
        record(f"selftest/{name}", None if problem else
               "the broken input passed the check")
    heap = "0x0000_4444_4444_0000"
    expect_failure("address-space-catches-a-moved-heap",
                   address_space_problem(text.replace(heap, heap[:-4] + "1000"),
                                         want) if heap in text else "no heap")
    expect_failure("columns-catch-an-81-column-demo-line",
                   column_problem("x" * 81, "demo"))
    expect_failure("columns-catch-a-long-panic-in-a-test-log",
                   column_problem("PANIC: " + "y" * 74, "test"))
    if bar_vga is not None:
        changed = bytearray(bar_vga)
        changed[1] ^= 0x01  # the first cell's colour
        expect_failure("screens-catch-one-colour-changed",
                       screen_difference(bar_vga, bytes(changed)))
        same = bytearray(bar_vga)  # every bar cell the same character
        for y in range(vgascreen.HEIGHT):
            for x in range(BAR_COL, BAR_COL + BAR_WIDTH):
                same[2 * (y * vgascreen.WIDTH + x)] = 0xDB
        expect_failure("heap-bar-catches-colour-alone", heap_bar_problem(bytes(same)))


def main():
    scenes = vgascreen.SCENES
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        booted = list(pool.map(boot_scene, scenes))
    for scene, vga, why in booted:
        record(f"screens/{scene.name}/is-current", scene_problem(scene, vga, why))
    text = open("LESSONS.md", encoding="utf-8").read()
    for scene in scenes:
        record(f"screens/{scene.name}/is-shown-in-lessons",
               lessons_show_problem(text, scene))
    bar_scene = next(s for s in scenes if s.name == "heap-exhausted")
    try:
        bar_vga, _ = vgascreen.read_dump(bar_scene)
        record("screens/heap-bar-is-not-colour-alone", heap_bar_problem(bar_vga))
    except (OSError, ValueError) as e:
        bar_vga = None
        record("screens/heap-bar-is-not-colour-alone", f"{bar_scene.dump()}: {e}")
    try:
        want = address_space_addresses()
        record("address-space/picture-matches-the-code",
               address_space_problem(text, want))
    except (OSError, ValueError) as e:
        want = {}
        record("address-space/picture-matches-the-code", str(e))
    check_columns()
    selftests(text, want, bar_vga)
    passed = sum(ok for _, ok in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

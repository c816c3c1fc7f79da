#!/usr/bin/env python3
"""uefi_screens.py - the demos' screens on UEFI are the screens they show
under BIOS, pixel for pixel.

One line per scene, `uefi/screen/<scene>... [ok]` or `[failed] why` (or
`[skipped] why` when there is no OVMF or no UEFI boot image), then
`N passed, N failed`; exit 1 if any failed.

    python3 tests/scripts/uefi_screens.py [--scene NAME] [--png DIR]

For each scene of scripts/vgascreen.py that a UEFI machine can boot (all
but the 32-bit CPU's), and the end of the demos of the stages that have
none (vgascreen.LIVE_SCENES): the demo ISO is booted on OVMF until the scene's
serial line, and QEMU's screendump of the framebuffer is taken.  The
expected picture is the BIOS screen of the same scene: docs/screens/
<scene>.txt (the cells VGA text memory held; tests/scripts/
check_pictures.py checks that it is today's), or for a live scene the
same demo booted on SeaBIOS now, drawn here with the
kernel's own font (scripts/consolefont.py) and the VGA palette, at the
offset fbcon.c centres the text at.  Every pixel of the text area must
match, except the last two pixel rows of the cell under the cursor (VGA
text memory does not hold the cursor; fbcon draws it there, and where
that is follows from the serial output, screen_from_serial).  So the
check is of cells, characters and colours, each cell's pixels against
the font the kernel draws with, not of the VGA card's own glyphs.  On a
mismatch the report names the first cells that differ and reads the
screen's text back (each cell's glyph looked up in the font), so that
the message says what the screen showed.  Stage 2's demo prints the
memory map, which is UEFI's there: its screen is read back as text and
compared with its own serial output instead (TEXT_ONLY).  Under UEFI kmain prints one
line more, after the title ("screen: a 640 x 480 framebuffer ..."): a
screen that never scrolled has it inserted (with_screen_line).

scripts/run-tests runs one scene a task (--scene), beside the kernels.

--png DIR writes each screendump as DIR/uefi-<scene>.png (`make
screenshots` puts them in docs/screens/).
"""
import argparse
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import consolefont  # noqa: E402
import course_qemu  # noqa: E402
import vgascreen  # noqa: E402

# The VGA palette fbcon.c draws with (0-15), as RGB bytes.
PALETTE = [bytes(c) for c in (
    (0x00, 0x00, 0x00), (0x00, 0x00, 0xaa), (0x00, 0xaa, 0x00),
    (0x00, 0xaa, 0xaa), (0xaa, 0x00, 0x00), (0xaa, 0x00, 0xaa),
    (0xaa, 0x55, 0x00), (0xaa, 0xaa, 0xaa), (0x55, 0x55, 0x55),
    (0x55, 0x55, 0xff), (0x55, 0xff, 0x55), (0x55, 0xff, 0xff),
    (0xff, 0x55, 0x55), (0xff, 0x55, 0xff), (0xff, 0xff, 0x55),
    (0xff, 0xff, 0xff))]
FW, FH = 8, 16
W, H = vgascreen.WIDTH, vgascreen.HEIGHT
CURSOR_ROWS = 2

counts = {"passed": 0, "failed": 0, "skipped": 0}


def record(name, status, why=""):
    counts[{"ok": "passed"}.get(status, status)] += 1
    print(f"uefi/screen/{name}... [{status}]" + (f" {why}" if why else ""),
          flush=True)


class Screen:
    """A screendump's text area: cell (row, col)'s 8 x 16 pixels."""

    def __init__(self, ppm):
        self.w, self.h, self.rgb = vgascreen.read_ppm(ppm)
        if self.w < W * FW or self.h < H * FH:
            raise ValueError(f"a {self.w} x {self.h} screen is smaller "
                             "than the text")
        self.x0 = (self.w - W * FW) // 2
        self.y0 = (self.h - H * FH) // 2

    def pixel(self, row, col, x, y):
        px = self.x0 + col * FW + x
        py = self.y0 + row * FH + y
        i = 3 * (py * self.w + px)
        return self.rgb[i:i + 3]


def expected_pixel(glyphs, cells, row, col, x, y):
    ch, attr = cells[row][col]
    on = glyphs[ch][y] & (0x80 >> x)
    return PALETTE[attr & 15] if on else PALETTE[attr >> 4]


def read_cell(glyphs, screen, row, col):
    """The character a cell shows: the glyph whose bits match, in either
    colour of the cell (a cell of one colour reads as a space); '?' if no
    glyph does (the cursor's cell may not)."""
    px = [[screen.pixel(row, col, x, y) for x in range(FW)]
          for y in range(FH)]
    colours = {p for r in px for p in r}
    if len(colours) == 1:
        return " "
    for fg in colours:
        bits = [sum(0x80 >> x for x in range(FW) if px[y][x] == fg)
                for y in range(FH)]
        for ch, g in enumerate(glyphs):
            if list(g) == bits and ch:
                return vgascreen.GLYPHS[ch]
    return "?"


def compare(glyphs, cells, screen, cursor):
    """The cells whose pixels differ from the expected picture."""
    bad = []
    for row in range(H):
        for col in range(W):
            rows = FH - CURSOR_ROWS if (row, col) == cursor else FH
            if any(screen.pixel(row, col, x, y) !=
                   expected_pixel(glyphs, cells, row, col, x, y)
                   for y in range(rows) for x in range(FW)):
                bad.append((row, col))
    return bad


SCREEN_LINE = "screen: a "

# Demos whose screen on UEFI differs from the BIOS one, and why: only
# their text is checked, against their own serial output.
TEXT_ONLY = {2: "it prints UEFI's memory map, not the BIOS's"}


def with_screen_line(cells, serial):
    """The BIOS screen as UEFI shows it: there kmain prints one line more,
    after the title, naming the framebuffer.  A screen that scrolled shows
    the same last 25 lines either way; one that did not (its first row is
    the title, its last blank) has that line inserted."""
    title = "".join(vgascreen.GLYPHS[c] for c, _ in cells[0])
    last = "".join(vgascreen.GLYPHS[c] for c, _ in cells[-1])
    if not title.startswith("== Stage") or last.strip():
        return cells
    line = next((l for l in serial.split("\n") if l.startswith(SCREEN_LINE)),
                None)
    if line is None:
        return cells
    grey = 0x07  # light grey on black, the console's colour
    row = [(vgascreen.BYTE_OF.get(ch, 0x3f), grey) for ch in line[:W]]
    row += [(0x20, grey)] * (W - len(row))
    return [cells[0], row] + cells[1:-1]


def screen_from_serial(serial, until):
    """The 25 rows of text the console shows after printing the serial
    output from the kernel's title on, and where its cursor is, laid out
    as vga.c lays it out: a wrap at 80 columns that waits for the next
    character, \t to the next multiple of 8, \b one back, \r to the
    row's start; the rows from the top while they fit, the last 25 once
    the screen has scrolled."""
    text = serial[serial.rfind("== Stage"):]
    if text.endswith(until):
        text += "\n"  # read before its newline came; the screen has it
    rows, row, col = [], [" "] * W, 0
    for ch in text:
        if ch == "\n":
            rows.append(row)
            row, col = [" "] * W, 0
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(col - 1, 0)
        else:
            for c in (" " * (8 - col % 8) if ch == "\t" else ch):
                if col == W:
                    rows.append(row)
                    row, col = [" "] * W, 0
                row[col] = c
                col += 1
    rows.append(row)
    rows = ["".join(r) for r in rows[-H:]]
    cursor = (len(rows) - 1, min(col, W - 1))
    return rows + [" " * W] * (H - len(rows)), cursor


def bios_cells(scene):
    """The BIOS screen of the scene: its dump, or for a stage without one
    (vgascreen.LIVE_SCENES), the demo booted on SeaBIOS now."""
    if os.path.exists(os.path.join(ROOT, scene.dump())):
        vga, _ = vgascreen.read_dump(scene)
    else:
        _, vga = vgascreen.capture(scene, timeout=90)
    return vgascreen.rows(vga)


def check_text(scene, glyphs, screen, serial):
    """A screen that differs from the BIOS one on purpose: its text must
    be the last 25 rows of what the kernel printed on serial."""
    want, cursor = screen_from_serial(serial, scene.until)
    for row in range(H):
        got = "".join(" " if (row, c) == cursor and
                      read_cell(glyphs, screen, row, c) == "?"
                      else read_cell(glyphs, screen, row, c)
                      for c in range(W))
        if got != want[row]:
            return record(scene.name, "failed",
                          f"row {row} reads {got.rstrip()!r}, serial says "
                          f"{want[row].rstrip()!r}")
    record(scene.name, "ok", f"{screen.w} x {screen.h}, the text of the "
           f"last {H} lines on serial ({TEXT_ONLY[scene.stage]})")


def check_scene(scene, glyphs, png_dir):
    cells = None if scene.stage in TEXT_ONLY else bios_cells(scene)
    uefi = vgascreen.Scene(scene.name, scene.stage, scene.until, scene.what,
                           extra=course_qemu.uefi_args())
    with tempfile.TemporaryDirectory(prefix="uefi-screen-") as tmp:
        ppm = os.path.join(tmp, "screen.ppm")
        try:
            serial, _ = vgascreen.capture(uefi, ppm=ppm, timeout=90,
                                         framebuffer=True)
        except RuntimeError as e:
            return record(scene.name, "failed", str(e))
        if cells is not None:
            cells = with_screen_line(cells, serial)
        if png_dir:
            vgascreen.ppm_to_png(ppm, os.path.join(png_dir,
                                                   f"uefi-{scene.name}.png"))
        try:
            screen = Screen(ppm)
        except ValueError as e:
            return record(scene.name, "failed", str(e))
    if cells is None:
        return check_text(scene, glyphs, screen, serial)
    bad = compare(glyphs, cells, screen,
                  screen_from_serial(serial, scene.until)[1])
    if not bad:
        return record(scene.name, "ok",
                      f"{screen.w} x {screen.h}: the BIOS screen's {W * H} "
                      "cells, each one's pixels as the font draws it")
    row = bad[0][0]
    got = "".join(read_cell(glyphs, screen, row, c) for c in range(W))
    want = "".join(vgascreen.GLYPHS[ch] for ch, _ in cells[row])
    record(scene.name, "failed",
           f"{len(bad)} cells differ from the BIOS screen, the first at "
           f"{bad[0]}; row {row} reads {got.rstrip()!r}, under BIOS "
           f"{want.rstrip()!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--png", help="write the screendumps here as PNG")
    ap.add_argument("--scene", help="only this scene")
    args = ap.parse_args()
    scenes = [s for s in vgascreen.SCENES + vgascreen.LIVE_SCENES
              if not s.extra and args.scene in (None, s.name)]
    if not scenes:
        raise SystemExit(f"uefi_screens: no scene {args.scene!r}")
    missing = None
    if course_qemu.uefi_firmware() is None:
        missing = course_qemu.UEFI_MISSING
    elif not os.path.exists(os.path.join(ROOT, "build/grub-template/tree/efi.img")):
        missing = ("the ISOs have no UEFI boot image: scripts/install-deps "
                   "installs grub-efi-amd64-bin")
    if not missing and not os.path.exists(consolefont.FONT):
        missing = (f"no console font at {consolefont.FONT}, so the kernels "
                   "draw blank glyphs: scripts/install-deps installs "
                   "console-setup-linux")
    glyphs = None if missing else consolefont.load()[0]
    for scene in scenes:
        if missing:
            record(scene.name, "skipped", missing)
        elif not os.path.exists(os.path.join(ROOT, scene.iso_path)):
            record(scene.name, "failed", f"no {scene.iso_path}: build it "
                   f"first (make stage-{scene.stage})")
        else:
            check_scene(scene, glyphs, args.png)
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

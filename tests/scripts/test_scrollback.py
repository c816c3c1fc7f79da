#!/usr/bin/env python3
"""test_scrollback.py - the VGA console's scrollback, end to end: the keys
a student presses in the QEMU window page the screen back to the stage's
title, and back down again.

    python3 tests/scripts/test_scrollback.py [--iso ISO]

One boot of stage 5's demo kernel (build/gcc/stage-5/stage-5.iso, brought
up to date first with `make -f scripts/kernel.mk STAGE=5 CC=gcc iso`; or
ISO, as it is), headless: the serial port goes to a file, QEMU's human
monitor (HMP) listens on a Unix socket.  Once the serial log says
"kernel_main returned: halting." (the demo has printed over four
screens, so its title has scrolled off), the monitor types keys into the
guest's PS/2 keyboard (`sendkey shift-pgup`) and reads the screen back
(`pmemsave 0xb8000 4000 FILE`: the 80 x 25 text cells, character and
colour).  A check waits up to KEY_TIMEOUT seconds for the screen to show
what it expects.

  scrollback/shift-pgup-shows-the-title
      before any key the title line "== Stage 5: Box and the collections ==" is not
      on the screen; after four Shift+PgUp it is
  scrollback/status-line-says-where-the-view-is
      meanwhile the bottom row is the status line, black on grey:
      "-- scrollback: lines 1-24 of N; ..." with N the lines kept plus
      the 25 of the screen
  scrollback/shift-pgdn-returns-to-the-bottom
      after four Shift+PgDn the screen is again, cell for cell, what it
      was before the keys; and the keys added nothing to the serial log
      (the tests read serial: the scrollback is the screen's alone)

One line per check, then `N passed, N failed`; exit status 1 if a check
failed.  Run by `make test` once every stage is built (scripts/run-tests,
LATE_CHECKS).
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scripts"))
import vgascreen  # noqa: E402  (scripts/vgascreen.py: connect_unix)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BOOT_TIMEOUT = int(os.environ.get("BOOT_TIMEOUT", "60"))
KEY_TIMEOUT = 5
TITLE = "== Stage 5: Box and the collections =="
HALTED = "kernel_main returned: halting."
PRESSES = 4  # Shift+PgUp: 23 lines each; the demo's output is under 92
STATUS = re.compile(r"^-- scrollback: lines 1-24 of (\d+); ")
STATUS_ATTR = 0x70  # black on light grey

results = []


def check(name, ok, why=""):
    results.append(ok)
    print(f"scrollback/{name}... " + ("[ok]" if ok else f"[failed] {why}"),
          flush=True)


class Monitor:
    """QEMU's human monitor on a Unix socket: a command, then its output
    up to the next "(qemu) " prompt."""

    def __init__(self, path, timeout):
        self.sock = vgascreen.connect_unix(path, timeout)
        self.read_prompt()  # the greeting

    def read_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("the monitor closed its socket")
            buf += chunk
        return buf.decode(errors="replace")

    def command(self, text):
        self.sock.sendall(text.encode() + b"\n")
        return self.read_prompt()


class Screen:
    """The VGA text screen: rows of (character, attribute) cells."""

    def __init__(self, raw):
        self.raw = raw
        self.rows = [raw[r * 160:(r + 1) * 160] for r in range(25)]

    def text(self, r):
        return bytes(self.rows[r][0::2]).decode("latin-1").rstrip()

    def attrs(self, r):
        return set(self.rows[r][1::2])

    def find(self, text):
        return next((r for r in range(25) if text in self.text(r)), None)


def read_screen(mon, tmp):
    path = os.path.join(tmp, "vga.bin")
    out = mon.command(f'pmemsave 0xb8000 4000 "{path}"')
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) != 4000:
        raise OSError(f"pmemsave wrote {len(raw)} bytes: {out!r}")
    return Screen(raw)


def settled_screen(mon, tmp):
    """The screen once two reads 50 ms apart agree: the kernel writes a
    line to serial first and then to the screen, so the halt line can be
    on serial while the screen is still scrolling (a busy host makes that
    window long)."""
    last = read_screen(mon, tmp)
    for _ in range(40):
        time.sleep(0.05)
        now = read_screen(mon, tmp)
        if now.raw == last.raw:
            return now
        last = now
    raise OSError("the screen never settled")


def keys_until(mon, tmp, key, want):
    """Types `key` PRESSES times, then reads the screen until want(screen)
    or KEY_TIMEOUT; returns the last screen read."""
    for _ in range(PRESSES):
        mon.command(f"sendkey {key}")
    deadline = time.monotonic() + KEY_TIMEOUT
    while True:
        screen = read_screen(mon, tmp)
        if want(screen) or time.monotonic() > deadline:
            return screen
        time.sleep(0.05)


def serial_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def boot_and_press(iso, tmp):
    """Returns (screens: before, after Shift+PgUp, after Shift+PgDn;
    serial at the halt, serial at the end), or raises RuntimeError."""
    serial, sock = os.path.join(tmp, "serial.log"), os.path.join(tmp, "mon")
    cmd = [QEMU, "-cdrom", iso, "-boot", "d", "-m", "128M", "-no-reboot",
           "-display", "none", "-serial", f"file:{serial}",
           "-monitor", f"unix:{sock},server,nowait"]
    # QEMU stays in this script's process group: whoever stops the script
    # (scripts/run-tests stops its children's groups) stops QEMU too.
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while HALTED not in serial_text(serial):
            if qemu.poll() is not None:
                raise RuntimeError(f"QEMU exited ({qemu.returncode}): "
                                   f"{qemu.stdout.read().decode(errors='replace')[-300:]!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {HALTED!r} on serial in {BOOT_TIMEOUT} s")
            time.sleep(0.02)
        halted = serial_text(serial)
        mon = Monitor(sock, KEY_TIMEOUT)
        before = settled_screen(mon, tmp)
        up = keys_until(mon, tmp, "shift-pgup",
                        lambda s: s.find(TITLE) is not None)
        down = keys_until(mon, tmp, "shift-pgdn",
                          lambda s: s.raw == before.raw)
        return before, up, down, halted, serial_text(serial)
    finally:
        qemu.kill()
        qemu.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso", help="boot this ISO as it is (default: stage 5's, built)")
    args = ap.parse_args()
    names = ["shift-pgup-shows-the-title", "status-line-says-where-the-view-is",
             "shift-pgdn-returns-to-the-bottom"]
    iso = args.iso
    if iso is None:
        iso = "build/gcc/stage-5/stage-5.iso"
        made = subprocess.run(["make", "--no-print-directory", "-f", "scripts/kernel.mk",
                               "STAGE=5", "CC=gcc", "iso"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if made.returncode != 0:
            out = made.stdout.decode(errors="replace").strip().splitlines()
            for n in names:
                check(n, False, f"stage 5 does not build: {out[-1] if out else ''}")
            return finish()
    tmp = tempfile.mkdtemp(prefix="scrollback-")
    try:
        before, up, down, halted, final = boot_and_press(iso, tmp)
    except (RuntimeError, OSError) as e:
        for n in names:
            check(n, False, f"{iso}: {e}")
        return finish()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    moved = up.raw != before.raw
    at = up.find(TITLE)
    if before.find(TITLE) is not None:
        check(names[0], False, f"the title is on the screen before any key "
              f"(row {before.find(TITLE)}): nothing to scroll back to")
    else:
        check(names[0], at is not None,
              f"after {PRESSES} x Shift+PgUp no row says {TITLE!r}; "
              f"top row: {up.text(0)!r}" + ("" if moved else
                                           " (the screen did not change)"))

    status, m = up.text(24), STATUS.match(up.text(24))
    if not m:
        check(names[1], False, f"the bottom row is {status!r}")
    elif up.attrs(24) != {STATUS_ATTR}:
        check(names[1], False, f"the status line's colours are "
              f"{sorted(hex(a) for a in up.attrs(24))}, not black on grey")
    else:
        check(names[1], int(m.group(1)) > 25,
              f"{int(m.group(1))} lines in all: nothing scrolled off?")

    if not moved:
        check(names[2], False, "Shift+PgUp never moved the view: "
              "nothing to come back from")
    elif down.raw != before.raw:
        diff = [r for r in range(25) if down.rows[r] != before.rows[r]]
        check(names[2], False, f"rows {diff} differ from the screen before "
              f"the keys; row {diff[0]} is {down.text(diff[0])!r}, "
              f"was {before.text(diff[0])!r}")
    else:
        check(names[2], final == halted,
              f"the keys printed to serial: {final[len(halted):][:200]!r}")
    return finish()


def finish():
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

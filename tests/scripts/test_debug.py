#!/usr/bin/env python3
"""test_debug.py - running and debugging a stage the way a student does,
driven through pseudo-terminals (as a person at a terminal would type).

    python3 tests/scripts/test_debug.py

Needs stage 1 built with GCC (make test runs it after the builds).  Checks:
  - `make stage-1 debug`: gdb stops in kmain; after `continue`, Ctrl-C
    stops the kernel and gives the gdb prompt back (QEMU survives it);
    `bt` shows a stack that ends at the 64-bit entry, not in junk frames;
  - the two-terminal flow: `make stage-1 qemu-gdb` in one terminal,
    `make gdb` in another; `make gdb` with no QEMU says what to do;
  - a port another QEMU holds is refused, and a QEMU that is not ours
    (another name on the port) is never debugged;
  - `make stage-1 run` with a DISPLAY nobody answers on runs headless with
    a hint, titled with the stage, and the quit hint is printed.
One line per check, `debug/<check>... [ok]` or `[failed] why`, then
`N passed, N failed`; exit status 1 if a check failed.
"""
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
ELF = "build/gcc/stage-1/kernel.elf"
ISO = "build/gcc/stage-1/stage-1.iso"
results = []


def record(name, ok, why=""):
    results.append(ok)
    print(f"debug/{name}... [{'ok' if ok else 'failed'}]"
          + ("" if ok else f" {why}"), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Terminal:
    """A program on a pseudo-terminal of its own (its controlling tty)."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.text = ""
        self.pos = 0  # expect searches what was printed after this

    def expect(self, pattern, timeout=30):
        """Reads until pattern appears in what was printed after the last
        match; returns the match or None."""
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.text[self.pos:])
            if m:
                self.pos += m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return None
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            self.text += data.decode(errors="replace").replace("\r", "")

    def send(self, s):
        os.write(self.fd, s.encode())

    def close(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def qemus_named(prefix):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"-name" in argv:
            name = argv[argv.index(b"-name") + 1].decode()
            if name.startswith(prefix):
                found.append(int(pid))
    return found


def qemu_argv(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0")]
    except OSError:
        return []


def env(**kw):
    e = dict(os.environ, NOX="1", GDB_PORT=str(free_port()), TERM="dumb")
    e.pop("DISPLAY", None)
    e.update(kw)
    return e


def ctrl_c_in_gdb():
    t = Terminal(["make", "--no-print-directory", "stage-1", "debug"], env())
    try:
        if not t.expect(r"Breakpoint 1, kmain .*\n(.*\n)*?\(gdb\) ", 60):
            record("debug-stops-in-kmain", False, repr(t.text[-400:]))
            return
        record("debug-stops-in-kmain", True)
        t.send("continue\n")
        t.expect(r"Continuing\.", 10)
        time.sleep(1.0)  # the demo runs, then halts
        t.send("\x03")
        stopped = t.expect(r"(SIGINT|stopped)(.*\n)*?.*\(gdb\) ", 15)
        record("ctrl-c-stops-the-kernel-and-returns-to-gdb", bool(stopped),
               repr(t.text[-400:]))
        alive = qemus_named("debug-")
        record("qemu-survives-ctrl-c", bool(alive) and
               "terminating on signal" not in t.text, repr(t.text[-300:]))
        t.send("bt\n")
        bt = t.expect(r"(#\d+ .*\n)+(.*\n)*?\(gdb\) ", 15)
        frames = re.findall(r"^#\d+ .*$", bt.group(0) if bt else "", re.M)
        ok = frames and "long_mode_entry" in frames[-1] or \
            (frames and "kmain" in frames[-1])
        record("bt-ends-at-the-64-bit-entry", bool(ok) and
               not any("?? ()" in f for f in frames), repr(frames))
        t.send("quit\n")
        time.sleep(1.0)
        left = qemus_named("debug-")
        record("quitting-gdb-ends-qemu", not left, f"still running: {left}")
    finally:
        t.close()


def two_terminals():
    port = str(free_port())
    q = Terminal(["make", "--no-print-directory", "stage-1", "qemu-gdb"],
                 env(GDB_PORT=port))
    g = None
    try:
        if not q.expect(r"In another terminal: make gdb", 60):
            record("qemu-gdb-waits-for-gdb", False, repr(q.text[-300:]))
            return
        record("qemu-gdb-waits-for-gdb", True)
        g = Terminal(["make", "--no-print-directory", "gdb"], env(GDB_PORT=port))
        ok = g.expect(r"\(gdb\) ", 30)
        g.send("hbreak kmain\ncontinue\n")
        hit = g.expect(r"Breakpoint 1, kmain", 30)
        record("make-gdb-attaches-with-the-stage-symbols", bool(ok and hit),
               repr(g.text[-300:]))
        g.send("continue\n")
        serial = q.expect(r"== Stage 1: stack and static variables ==", 20)
        record("serial-on-the-qemu-terminal", bool(serial), repr(q.text[-300:]))
        g.send("\x03")
        g.expect(r"\(gdb\) ", 10)
        g.send("quit\n")
        time.sleep(0.5)
    finally:
        if g:
            g.close()
        q.send("\x01x")  # Ctrl-A X quits QEMU
        time.sleep(0.5)
        q.close()
    # with no QEMU waiting, `make gdb` says what to do
    try:
        os.remove("build/gdb-target.json")
    except OSError:
        pass
    r = subprocess.run(["make", "--no-print-directory", "gdb"], env=env(),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=30)
    record("make-gdb-without-qemu-says-what-to-do",
           r.returncode != 0 and "make stage-N qemu-gdb" in r.stderr + r.stdout,
           repr(r.stderr + r.stdout))


def someone_elses_qemu():
    port = free_port()
    other = subprocess.Popen(
        ["qemu-system-x86_64", "-cdrom", ISO, "-m", "128M", "-display", "none",
         "-serial", "null", "-name", "someone-else", "-gdb",
         f"tcp:127.0.0.1:{port}", "-S"], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        for _ in range(200):  # until its gdb stub listens
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        r = subprocess.run(["python3", "scripts/debug", "--check", "1", ELF, ISO],
                           env=env(GDB_PORT=str(port)), capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        out = r.stdout + r.stderr
        record("a-taken-port-is-refused", "is taken" in out and "kmain" not in out,
               repr(out[-300:]))
        # the second line of defence: a QEMU under another name on the port
        # the target file names is refused before gdb touches it
        with open("build/gdb-target.json", "w") as f:
            json.dump({"stage": 1, "elf": os.path.abspath(ELF), "port": port,
                       "name": "qemu-gdb-mine"}, f)
        r = subprocess.run(["python3", "scripts/debug", "--gdb-only"], env=env(),
                           capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        out = r.stdout + r.stderr
        record("a-qemu-that-is-not-ours-is-refused",
               "not the one this script started" in out and r.returncode != 0,
               repr(out[-300:]))
    finally:
        os.remove("build/gdb-target.json")
        other.kill()
        other.wait()


def stale_display():
    e = env(DISPLAY=":97")
    e.pop("NOX")
    t = Terminal(["make", "--no-print-directory", "stage-1", "run"], e)
    try:
        hint = t.expect(r"no display answers on DISPLAY=':97'", 60)
        title = t.expect(r"Stage 1: stack and static variables \(serial only\);"
                         r" quit with Ctrl-A then X", 10)
        booted = t.expect(r"kernel_main returned: halting\.", 30)
        record("a-stale-display-runs-headless-with-a-hint",
               bool(hint and title and booted) and "gtk" not in t.text,
               repr(t.text[-400:]))
        # the window's title is the stage, and it boots from the CD
        # without trying the floppy and the disk first (-boot d)
        argv = [qemu_argv(p) for p in qemus_named("Stage 1: ")]
        record("qemu-is-titled-with-the-stage-and-boots-from-the-cd",
               any("-boot" in a and a[a.index("-boot") + 1] == "d" for a in argv),
               repr(argv))
        t.send("\x01x")
        time.sleep(0.3)
    finally:
        t.close()


def timed(fn):
    start = time.monotonic()
    fn()
    print(f"({fn.__name__}: {time.monotonic() - start:.1f} s)", file=sys.stderr)


def main():
    for path in (ELF, ISO):
        if not os.path.exists(path):
            print(f"test_debug: {path} is missing: build stage 1 first "
                  "(make stage-1)", file=sys.stderr)
            return 2
    for check in (ctrl_c_in_gdb, two_terminals, someone_elses_qemu,
                  stale_display):
        timed(check)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

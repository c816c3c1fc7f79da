"""vgascreen - the VGA text screen of a kernel at a chosen moment.

Used by scripts/screenshots (which writes docs/screens/) and by
tests/scripts/check_screens.py (which checks that what is there is what
the kernels show today).

A *scene* is a kernel booted headless until its serial port prints a given
line; every scene here ends in a halt (a demo's last line, a panic, a boot
refusal), so the screen it leaves is the same on every boot.  QEMU is asked
through its QMP socket for two things:

  pmemsave   the 80 x 25 x 2 bytes at physical 0xb8000: each cell's
             character (code page 437) and attribute (colours).  This is
             what the check compares: it says everything the picture shows,
             and it does not depend on QEMU's font or scaling.
  screendump the picture QEMU draws of it (PPM), which becomes the PNG.

The dump is kept next to the PNG as text (`write_dump`/`read_dump`): the
characters, then the foreground and the background colour of each cell as
one hex digit, 25 lines of each, so that `git diff` shows what changed.
"""
import hashlib
import json
import os
import socket
import struct
import subprocess
import tempfile
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
SCREENS = "docs/screens"
WIDTH, HEIGHT = 80, 25
DEMO_END = "kernel_main returned: halting."


class Scene:
    def __init__(self, name, stage, until, what, extra=(), iso="demo"):
        self.name = name      # docs/screens/<name>.png and .txt
        self.stage = stage
        self.until = until    # the serial line that marks the moment
        self.what = what      # one line: what the picture shows
        self.extra = list(extra)
        self.iso = iso        # "demo": build/gcc/stage-N/stage-N.iso

    @property
    def iso_path(self):
        return f"build/gcc/stage-{self.stage}/stage-{self.stage}.iso"

    def png(self):
        return f"{SCREENS}/{self.name}.png"

    def dump(self):
        return f"{SCREENS}/{self.name}.txt"


SCENES = [
    Scene("no-long-mode", 1, "ERR:",
          "stage 1 on a 32-bit CPU (-cpu qemu32): boot.S refuses, white on red",
          extra=["-cpu", "qemu32"]),
    Scene("alloc-error-panic", 3, "halted.",
          "stage 3's demo: kmalloc_or_panic on the null allocator panics"),
    Scene("heap-exhausted", 4, DEMO_END,
          "stage 4's demo at its end: the heap bars, full then empty"),
    Scene("collections-tour", 5, DEMO_END,
          "stage 5's demo at its end: the last screen of the tour"),
    Scene("free-list", 6, DEMO_END,
          "stage 6's demo at its end: the heap maps in colour"),
    Scene("memory-errors", 8, "halted.",
          "stage 8's demo at its end: each bug's report, and the guarded "
          "read that stops the kernel"),
]

# The stages without a scene above, at the end of their demo: no picture
# of them is kept, but tests/scripts/uefi_screens.py boots them on SeaBIOS
# and on UEFI and compares the two screens.
LIVE_SCENES = [Scene(f"demo-{n}", n, DEMO_END, f"stage {n}'s demo at its end")
               for n in (1, 2, 7)]


# ---------------------------------------------------------------- QEMU

def connect_unix(path, timeout):
    """A connection to the unix socket QEMU is about to open at path (its
    monitor), retried until QEMU has it ready or `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Qmp:
    """QEMU's machine protocol on a unix socket: one JSON object a line."""

    def __init__(self, path, timeout):
        self.sock = connect_unix(path, timeout)
        self.file = self.sock.makefile("rwb")
        self._reply()  # the greeting
        self.run("qmp_capabilities")

    def _reply(self):
        while True:
            line = self.file.readline()
            if not line:
                raise RuntimeError("QEMU closed its QMP socket")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def run(self, command, **args):
        req = {"execute": command}
        if args:
            req["arguments"] = args
        self.file.write(json.dumps(req).encode() + b"\n")
        self.file.flush()
        reply = self._reply()
        if "error" in reply:
            raise RuntimeError(f"QMP {command}: {reply['error']}")
        return reply.get("return")

    def close(self):
        self.sock.close()


def capture(scene, ppm=None, timeout=30, framebuffer=False):
    """Boots the scene's kernel until its serial line; returns (serial
    text, the 4000 bytes of the screen), and writes QEMU's picture of the
    screen to `ppm` if given.  Raises RuntimeError if the moment never
    comes.  framebuffer: the screen is a framebuffer (UEFI), so VGA text
    memory says nothing; the picture is taken once two agree."""
    with tempfile.TemporaryDirectory(prefix="vgascreen-") as tmp:
        sock = os.path.join(tmp, "qmp")
        cmd = [QEMU, "-cdrom", os.path.join(ROOT, scene.iso_path),
               "-m", "128M", "-no-reboot", "-display", "none",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-serial", "stdio", "-monitor", "none",
               "-qmp", f"unix:{sock},server=on,wait=off"] + scene.extra
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            serial = b""
            while scene.until.encode() not in serial:
                chunk = p.stdout.read1(4096)
                if not chunk:
                    raise RuntimeError(
                        f"{scene.name}: {scene.until!r} never came on the "
                        f"serial port (QEMU: {p.stderr.read().decode()!r})")
                serial += chunk
            qmp = Qmp(sock, timeout)
            vga = _settled_screen(qmp, tmp)
            if ppm is not None and framebuffer:
                _settled_picture(qmp, ppm)
            qmp.run("stop")
            if ppm is not None:
                qmp.run("screendump", filename=os.path.abspath(ppm))
            qmp.run("quit")
            qmp.close()
            p.wait(timeout=10)
        finally:
            timer.cancel()
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
    return serial.decode(errors="replace").replace("\r", ""), vga


def _settled_screen(qmp, tmp):
    """The screen once two reads 50 ms apart agree (the serial line may
    come out just before the same text reaches the screen)."""
    path = os.path.join(tmp, "vga.bin")
    last = None
    for _ in range(40):
        qmp.run("pmemsave", val=0xB8000, size=WIDTH * HEIGHT * 2,
                filename=path)
        with open(path, "rb") as f:
            now = f.read()
        if now == last:
            return now
        last = now
        time.sleep(0.05)
    raise RuntimeError("the screen never settled")


def _settled_picture(qmp, ppm):
    """Waits until two screendumps 50 ms apart agree: the kernel draws a
    line on the framebuffer just after it sends it to serial."""
    last = None
    for _ in range(40):
        qmp.run("screendump", filename=os.path.abspath(ppm))
        with open(ppm, "rb") as f:
            now = f.read()
        if now == last:
            return
        last = now
        time.sleep(0.05)
    raise RuntimeError("the framebuffer never settled")


# ------------------------------------------------------------ the dump

# Code page 437 as the VGA font draws it: Python's cp437 codec has the
# upper half; below 0x20 and at 0x7f the font has pictures, not controls.
LOW = ("\u2400☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼")
GLYPHS = [LOW[b] if b < 0x20 else "⌂" if b == 0x7F else
          bytes([b]).decode("cp437") for b in range(256)]
BYTE_OF = {g: b for b, g in enumerate(GLYPHS)}
assert len(BYTE_OF) == 256


def rows(vga):
    """The screen as 25 rows of (character byte, attribute byte) pairs."""
    return [[(vga[2 * (y * WIDTH + x)], vga[2 * (y * WIDTH + x) + 1])
             for x in range(WIDTH)] for y in range(HEIGHT)]


def text_rows(vga):
    return ["".join(GLYPHS[c] for c, _ in r) for r in rows(vga)]


def write_dump(scene, vga, png_sha256):
    border = "+" + "-" * WIDTH + "+"
    out = [f"VGA text screen, {WIDTH} x {HEIGHT} cells at physical 0xb8000: "
           f"{scene.name}",
           scene.what,
           f"booted until the serial line {scene.until!r}; written by "
           "`make screenshots` with",
           f"{scene.name}.png (sha256 {png_sha256})",
           "",
           "characters (code page 437, shown as Unicode):",
           border]
    out += ["|" + t + "|" for t in text_rows(vga)]
    out += [border, "", "foreground colour of each cell (0-f, the VGA "
            "palette: 4 red, 2 green, 7 grey, f white):"]
    out += ["".join(f"{a & 0xF:x}" for _, a in r) for r in rows(vga)]
    out += ["", "background colour of each cell (0-f; 8-f: bright, or "
            "blinking):"]
    out += ["".join(f"{a >> 4:x}" for _, a in r) for r in rows(vga)]
    with open(os.path.join(ROOT, scene.dump()), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def read_dump(scene):
    """(the 4000 bytes of the screen, the PNG's sha256) from the dump
    file; raises ValueError if it is malformed."""
    with open(os.path.join(ROOT, scene.dump()), encoding="utf-8") as f:
        lines = f.read().split("\n")
    border = "+" + "-" * WIDTH + "+"
    try:
        top = lines.index(border)
        text = [l[1:-1] for l in lines[top + 1:top + 1 + HEIGHT]]
        fg_at = next(i for i, l in enumerate(lines)
                     if l.startswith("foreground")) + 1
        bg_at = next(i for i, l in enumerate(lines)
                     if l.startswith("background")) + 1
        sha = next(l for l in lines if "sha256 " in l).split(
            "sha256 ")[1].rstrip(")")
    except (ValueError, StopIteration, IndexError):
        raise ValueError("not a screen dump written by make screenshots")
    fg, bg = lines[fg_at:fg_at + HEIGHT], lines[bg_at:bg_at + HEIGHT]
    if len(text) != HEIGHT or any(len(r) != WIDTH for r in text + fg + bg):
        raise ValueError(f"not {HEIGHT} rows of {WIDTH} cells")
    vga = bytearray()
    for t, f_, b_ in zip(text, fg, bg):
        for ch, fc, bc in zip(t, f_, b_):
            if ch not in BYTE_OF:
                raise ValueError(f"{ch!r} is not a code page 437 glyph")
            vga += bytes([BYTE_OF[ch], int(bc, 16) << 4 | int(fc, 16)])
    return bytes(vga), sha


# ----------------------------------------------------------------- PNG

def read_ppm(ppm):
    """(width, height, RGB bytes) of QEMU's screendump, a binary PPM."""
    with open(ppm, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; no comments
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{ppm}: not an 8-bit binary PPM")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + 3 * w * h]


def ppm_to_png(ppm, png):
    """QEMU's screendump (binary PPM, P6) as a PNG: an indexed-colour one
    when the picture has at most 256 colours (a text screen has 16)."""
    w, h, pixels = read_ppm(ppm)
    rgb = [pixels[i:i + 3] for i in range(0, len(pixels), 3)]
    palette = sorted(set(rgb))
    if len(palette) <= 256:
        index = {c: bytes([i]) for i, c in enumerate(palette)}
        raw = b"".join(b"\0" + b"".join(index[c] for c in rgb[y * w:(y + 1) * w])
                       for y in range(h))
        header = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)
        chunks = [(b"IHDR", header), (b"PLTE", b"".join(palette))]
    else:
        raw = b"".join(b"\0" + pixels[3 * w * y:3 * w * (y + 1)]
                       for y in range(h))
        chunks = [(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))]
    chunks += [(b"IDAT", zlib.compress(raw, 9)), (b"IEND", b"")]
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(png, "wb") as f:
        f.write(out)


def png_size(png):
    """(width, height) from a PNG's header; ValueError if it is none."""
    with open(png, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{png} is not a PNG")
    return struct.unpack(">II", head[16:24])


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

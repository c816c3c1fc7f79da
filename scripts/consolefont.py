#!/usr/bin/env python3
"""consolefont - the console's 8x16 font, taken from a Linux console font.

    scripts/consolefont.py OUT.c        write the font as a C array
    scripts/consolefont.py --check      say which font it would use

The VGA card draws text with the font in its ROM, code page 437: byte
0xdb is a full block, 0xb0 a light shade.  A framebuffer has no font, so
the kernel carries one (common/font.h), made at build time from a PSF
file of Debian's console-setup-linux package:

    /usr/share/consolefonts/Uni2-VGA16.psf.gz

PSF version 1 (what that file is): a 4-byte header (0x36 0x04, mode,
bytes a glyph), then 256 or 512 glyphs of 16 bytes (one byte a pixel row,
bit 7 leftmost), then, with mode bit 1, a Unicode table: for each glyph
the code points it draws, in 16-bit words, ended by 0xffff.  The glyphs
are not in code page 437's order, so each of the 256 bytes is turned into
its Unicode character and looked up in the table.  Five block elements
the font lacks are drawn here; the symbols of bytes 0x01-0x1f and 0x7f
(smileys, card suits, arrows) the kernel never prints are left blank.

The font's licence (console-setup's copyright.fonts): the glyphs come
from u_vga16.bdf, Copyright (C) 2000, 2001 Dmitry Bolkhovityanov, under a
permissive X11-style licence whose notice the generated file carries.

Without the font file (macOS has no Debian packages) it writes blank
glyphs and says so: every stage still builds and runs under BIOS, whose
VGA card has its own font; only a UEFI screen stays dark.  Set
CONSOLE_FONT to an 8x16 PSF1 font with a Unicode table (Uni2-VGA16.psf.gz
copied from a Debian machine, say) to have one.

tests/scripts/uefi_screens.py reads the same glyphs (load()) to draw the
screen a UEFI boot must show.
"""
import gzip
import os
import sys

FONT = os.environ.get("CONSOLE_FONT",
                      "/usr/share/consolefonts/Uni2-VGA16.psf.gz")
HEIGHT = 16

LICENCE = """\
 * The glyphs: u_vga16.bdf, as shipped in Debian's console-setup-linux
 * package (Uni2-VGA16.psf.gz).  Its notice, from that package's
 * copyright.fonts:
 *
 * Copyright © 2000, 2001 by Dmitry Bolkhovityanov.  All Rights Reserved.
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is fur-
 * nished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FIT-
 * NESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.  IN NO EVENT SHALL THE
 * XFREE86 PROJECT BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
 * IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CON-
 * NECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 *
 * Except as contained in this notice, the name of Dmitry Bolkhovityanov
 * shall not be used in advertising or otherwise to promote the sale, use
 * or other dealings in this Software without prior written authorization
 * from the Dmitry Bolkhovityanov."""

# Code page 437's pictures for the control bytes 0x00-0x1f.
CP437_LOW = "\0☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼"

# Block elements drawn here: (glyph rows, byte of each row).
DRAWN = {
    "▄": [0x00] * 8 + [0xff] * 8,
    "▀": [0xff] * 8 + [0x00] * 8,
    "▌": [0xf0] * 16,
    "▐": [0x0f] * 16,
    "▓": [0xdd, 0x77] * 8,  # three dots of four: the dark shade
}


def cp437(byte):
    if byte < 0x20:
        return CP437_LOW[byte]
    if byte == 0x7f:
        return "⌂"
    return bytes([byte]).decode("cp437")


def read_psf1(path):
    """{code point: 16-byte glyph} of a PSF1 font with a Unicode table."""
    try:
        data = gzip.open(path).read() if path.endswith(".gz") else \
            open(path, "rb").read()
    except OSError as e:
        raise SystemExit(
            f"consolefont: cannot read the console font {path} ({e.strerror}).\n"
            "It comes with Debian's console-setup-linux package: "
            "scripts/install-deps installs it (or set CONSOLE_FONT to another "
            "8x16 PSF1 font with a Unicode table).")
    if data[:2] != b"\x36\x04":
        raise SystemExit(f"consolefont: {path} is not a PSF1 font")
    mode, size = data[2], data[3]
    count = 512 if mode & 1 else 256
    if size != HEIGHT or not mode & 2:
        raise SystemExit(f"consolefont: {path}: need 8x16 glyphs and a "
                         "Unicode table")
    glyphs = [data[4 + i * size:4 + (i + 1) * size] for i in range(count)]
    table = data[4 + count * size:]
    by_char, g, sequence = {}, 0, False
    for i in range(0, len(table) - 1, 2):
        u = table[i] | table[i + 1] << 8
        if u == 0xffff:  # the end of this glyph's entry
            g, sequence = g + 1, False
        elif u == 0xfffe:  # what follows are sequences (a letter and its
            sequence = True  # combining marks): not single characters
        elif not sequence and g < count:
            by_char.setdefault(u, glyphs[g])
    return by_char


def load(path=FONT):
    """The 256 glyphs in code page 437 order, and the bytes left blank."""
    by_char = read_psf1(path)
    out, blank = [], []
    for byte in range(256):
        ch = cp437(byte)
        if ord(ch) in by_char:
            out.append(bytes(by_char[ord(ch)]))
        elif ch in DRAWN:
            out.append(bytes(DRAWN[ch]))
        else:
            out.append(bytes(HEIGHT))
            if byte:
                blank.append(byte)
    return out, blank


def c_source(path=FONT):
    glyphs, blank = load(path)
    lines = [
        "/* font.c - made by scripts/consolefont.py from",
        f" * {os.path.basename(path)}; do not edit (make writes it anew).",
        " *",
        " * 256 glyphs of 8 x 16 pixels in code page 437 order, as the VGA",
        " * card's own font: font_8x16[c][y] is pixel row y of byte c, bit 7",
        " * the leftmost pixel.  Left blank (code page 437's pictures the",
        " * font lacks and the kernel never prints):",
    ]
    names = [f"0x{b:02x}" for b in blank]
    for i in range(0, len(names), 8):
        lines.append(" *   " + ", ".join(names[i:i + 8]) +
                     ("," if i + 8 < len(names) else "."))
    lines += [
        " *",
        LICENCE,
        " */",
        '#include "font.h"',
        "",
        "const uint8_t font_8x16[256][FONT_HEIGHT] = {",
    ]
    for byte, g in enumerate(glyphs):
        rows = ", ".join(f"0x{b:02x}" for b in g)
        lines.append(f"\t[0x{byte:02x}] = {{{rows}}},")
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    if sys.argv[1:] == ["--check"]:
        read_psf1(FONT)
        print(FONT)
        return
    if len(sys.argv) != 2:
        raise SystemExit("usage: scripts/consolefont.py OUT.c | --check")
    if os.path.exists(FONT):
        src = c_source()
    else:
        print(f"consolefont: no console font at {FONT}: the framebuffer "
              "console gets blank glyphs (a UEFI screen stays dark; BIOS "
              "is unaffected).  Debian: scripts/install-deps installs "
              "console-setup-linux; elsewhere set CONSOLE_FONT to an 8x16 "
              "PSF1 font.", file=sys.stderr)
        src = ("/* font.c - blank: scripts/consolefont.py found no console "
               "font. */\n#include \"font.h\"\n\n"
               "const uint8_t font_8x16[256][FONT_HEIGHT];\n")

    tmp = f"{sys.argv[1]}.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(src)
    os.replace(tmp, sys.argv[1])


if __name__ == "__main__":
    main()

"""course_qemu - how the course starts QEMU, shared by scripts/run-qemu and
scripts/debug.

- The machine: 128 MiB, no reboot (a triple fault ends QEMU instead of
  looping), the isa-debug-exit device test kernels leave through, and
  `-boot d`: straight from the CD, without first trying the floppy and the
  hard disk ("Boot failed: could not read the boot disk").
- The window is titled with the stage ("Stage 4: a bump heap").
- UEFI=1: the machine boots OVMF, the UEFI firmware built for QEMU,
  instead of SeaBIOS (its BIOS); uefi_firmware() finds it.
- A window only where one can open: NOX=1 forces headless; so does a
  DISPLAY nobody answers on (a stale one from an old ssh -X session), with
  a one-line hint instead of GTK's error.
"""
import os
import platform
import re
import socket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")


def stage_title(n):
    """'Stage 4: a bump heap': the last STAGE_TITLE set by stage.mk files
    1..n, as scripts/kernel.mk builds it into the kernel."""
    title = ""
    stages = os.path.join(ROOT, "stages")
    for d in sorted(os.listdir(stages), key=lambda d: int(d.split("-")[0])):
        if int(d.split("-")[0]) > int(n):
            break
        with open(os.path.join(stages, d, "stage.mk")) as f:
            for line in f:
                m = re.match(r"^STAGE_TITLE\s*:?=\s*(.*?)\s*$", line)
                if m:
                    title = m.group(1)
    return f"Stage {n}: {title}"


def machine(iso, title):
    return [QEMU, "-cdrom", iso, "-boot", "d", "-m", "128M", "-no-reboot",
            "-name", title,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + \
        (uefi_args() if os.environ.get("UEFI", "") not in ("", "0") else [])


# OVMF as one file (code and variables together): Debian's ovmf package,
# then other systems' usual places.  One file is all a test needs: the
# variables it would keep (the boot order) are not kept between boots.
OVMF_PLACES = ["/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd",
               "/usr/share/edk2-ovmf/x64/OVMF.fd",
               "/opt/homebrew/share/qemu/edk2-x86_64-code.fd",
               "/usr/local/share/qemu/edk2-x86_64-code.fd"]


def uefi_firmware():
    """The OVMF image to boot with, or None."""
    env = os.environ.get("OVMF")
    for path in ([env] if env else OVMF_PLACES):
        if os.path.isfile(path):
            return path
    return None


UEFI_MISSING = ("no UEFI firmware (OVMF) found: scripts/install-deps "
                "installs Debian's ovmf package (or set OVMF=/path/to/OVMF.fd)")


def uefi_args():
    """QEMU's arguments for a UEFI machine: the firmware, and no network
    card (OVMF would first try to boot from the network, for seconds).
    Exits with what to install if there is no firmware."""
    fw = uefi_firmware()
    if fw is None:
        raise SystemExit(UEFI_MISSING)
    if not os.path.exists(os.path.join(ROOT, "build/grub-template/tree/efi.img")):
        raise SystemExit("the ISOs have no UEFI boot image, so OVMF would "
                         "find nothing to boot: scripts/install-deps installs "
                         "grub-efi-amd64-bin (GRUB for UEFI), and the next "
                         "make writes ISOs with it")
    if fw.endswith("code.fd"):  # a code-only image: read-only flash
        return ["-drive", f"if=pflash,format=raw,readonly=on,file={fw}",
                "-net", "none"]
    return ["-bios", fw, "-net", "none"]


def _x11_answers(display):
    """Is an X server listening for DISPLAY (":0", "unix:1", "host:10.0")?"""
    m = re.match(r"^(.*):(\d+)(?:\.\d+)?$", display)
    if not m:
        return False
    host, number = m.group(1), int(m.group(2))
    try:
        if host in ("", "unix"):
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(0.5)
                s.connect(f"/tmp/.X11-unix/X{number}")
        else:
            socket.create_connection((host, 6000 + number), 0.5).close()
        return True
    except OSError:
        return False


def display():
    """(QEMU display arguments, a note for the student or None)."""
    if os.environ.get("NOX"):
        return ["-display", "none"], None
    if platform.system() == "Darwin":
        return [], None  # QEMU's Cocoa window
    wayland = os.environ.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if os.path.exists(os.path.join(runtime, wayland)):
            return [], None
    x = os.environ.get("DISPLAY")
    if x and _x11_answers(x):
        return [], None
    if x or wayland:
        return ["-display", "none"], (
            f"no display answers on DISPLAY={x or wayland!r} (a stale one?): "
            "running without a window; NOX=1 says so quietly")
    return ["-display", "none"], None

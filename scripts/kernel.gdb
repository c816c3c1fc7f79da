# kernel.gdb - gdb's setup for a course kernel in QEMU (scripts/debug loads
# it; `make gdb` and `make stage-N debug` use it).
#
# QEMU's x86_64 gdb stub always sends 64-bit registers; the kernel starts
# in 16-bit real mode and switches to 64-bit mode in boot.S, so gdb is told
# the architecture up front.
set architecture i386:x86-64
set pagination off
set confirm off

# course-attach PORT NAME: connect to the QEMU listening on 127.0.0.1:PORT
# and check that it is the one called NAME (QEMU's -name), so that a second
# student's QEMU on the same port is never debugged by mistake.  Any
# failure quits gdb with a message saying what to do.
python
import gdb


class CourseAttach(gdb.Command):
    """course-attach PORT NAME: attach to our QEMU, or quit saying why."""

    def __init__(self):
        super().__init__("course-attach", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        port, name = arg.split()
        try:
            gdb.execute(f"target remote 127.0.0.1:{port}")
        except gdb.error as e:
            print(f"debug: nothing answers on 127.0.0.1:{port} ({e}).\n"
                  "debug: start QEMU first: `make stage-N qemu-gdb` in "
                  "another terminal, then `make gdb`.")
            gdb.execute("quit 1")
        got = gdb.execute("monitor info name", to_string=True).strip()
        if got != name:
            print(f"debug: the QEMU on port {port} is {got!r}, not the one "
                  f"this script started ({name!r}): another checkout or "
                  "student? Set GDB_PORT to a free port.")
            gdb.execute("detach")
            gdb.execute("quit 1")


CourseAttach()
end

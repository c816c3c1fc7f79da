#!/usr/bin/env python3
"""test_runner_output.py - what make test shows a person, and writes for CI.

    python3 tests/scripts/test_runner_output.py

Runs scripts/run-tests on one cheap check (`--only host/test_layout`),
once on a pseudo-terminal and once into a pipe, and checks:
  - colour and a progress line on a terminal, none in a pipe (or with
    NO_COLOR), and the same results either way;
  - the table of sections and the closing `N passed, N failed` line;
  - build/test-results.xml is JUnit XML with one testcase per result;
  - `--only` runs what matches and nothing else;
  - a failing check's log is attached to its JUnit failure (a host test
    file that fails on purpose, run from a scratch copy of the harness).
One line per check, `runner-output/<check>... [ok]` or `[failed] why`,
then `N passed, N failed`; exit status 1 if a check failed.
"""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
results = []


def record(name, ok, why=""):
    results.append(ok)
    print(f"runner-output/{name}... [{'ok' if ok else 'failed'}]"
          + ("" if ok else f" {why}"), flush=True)


def run_on_pty(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], 120)
        if not r:
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def main():
    env = dict(os.environ, TERM="xterm")
    env.pop("NO_COLOR", None)
    logs = tempfile.mkdtemp(prefix="runner-output-")
    env["RUN_TESTS_LOGS"] = logs
    cmd = [sys.executable, "scripts/run-tests", "--only", "host/test_layout"]
    code_t, tty = run_on_pty(cmd, env)
    piped = subprocess.run(cmd, env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=300)
    nocolour = subprocess.run(cmd, env=dict(env, NO_COLOR="1"),
                              capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=300)

    record("colour-and-progress-on-a-terminal",
           "\033[32m[ok]" in tty and re.search(r"\[\d+ checks, 0 failed, \d+ s\]", tty),
           repr(tty[-300:]))
    record("no-escape-codes-in-a-pipe", "\033" not in piped.stdout and
           "\033" not in nocolour.stdout, repr(piped.stdout[-200:]))
    last = piped.stdout.strip().splitlines()[-1] if piped.stdout.strip() else ""
    n_ok = len(re.findall(r"^host/test_layout/\S+\.\.\. \[ok\]$", piped.stdout, re.M))
    record("same-results-and-closing-line",
           piped.returncode == 0 and code_t == 0 and n_ok > 0 and
           last == f"{n_ok} passed, 0 failed" and
           re.search(rf"^{n_ok} passed, 0 failed\s*$", tty.replace("\r", "\n"), re.M),
           f"exit {piped.returncode}/{code_t}, last line {last!r}")
    record("a-table-of-sections",
           re.search(r"^sections \(done after\):\n  host +\d+ ok +0 failed", piped.stdout,
                     re.M), repr(piped.stdout[-300:]))
    others = [l for l in piped.stdout.splitlines()
              if re.match(r"^\S+\.\.\. \[", l) and not l.startswith("host/test_layout/")]
    record("only-runs-what-matches", n_ok > 0 and not others, repr(others[:3]))
    try:
        tree = ET.parse("build/test-results.xml")
        cases = tree.getroot().findall(".//testcase")
        ok = len(cases) == n_ok and all(c.get("name", "").startswith("host/test_layout/")
                                        for c in cases)
        why = f"{len(cases)} testcases for {n_ok} results"
    except (OSError, ET.ParseError) as e:
        ok, why = False, str(e)
    record("junit-xml-one-testcase-per-result", ok, why)

    # A failing check: its log ends up inside the JUnit <failure>.
    scratch = tempfile.mkdtemp(prefix="runner-output-tree-")
    try:
        for d in ("scripts", "common", "stages", "tests"):
            shutil.copytree(d, os.path.join(scratch, d), symlinks=True)
        with open(os.path.join(scratch, "tests/host/test_zz_fails.c"), "w") as f:
            f.write("// sources:\n#include \"harness.h\"\n"
                    "TEST(fails_on_purpose) { CHECK_EQ(6 * 7, 24); }\n")
        r = subprocess.run([sys.executable, "scripts/run-tests", "--only",
                            "host/test_zz_fails"], cwd=scratch, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=300,
                           env=dict(env, RUN_TESTS_LOGS=os.path.join(scratch, "logs")))
        try:
            failure = ET.parse(os.path.join(scratch, "build/test-results.xml")) \
                .getroot().find(".//failure")
        except (OSError, ET.ParseError):
            failure = None
        ok = (r.returncode == 1 and failure is not None and
              "42 != 24 (0x2a != 0x18)" in (failure.get("message") or ""))
        record("a-failure-in-junit-with-its-message-in-decimal", ok,
               f"exit {r.returncode}; {r.stdout[-300:]!r}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

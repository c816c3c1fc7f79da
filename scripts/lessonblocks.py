"""lessonblocks - the one parser for the program output quoted in LESSONS.md.

A quoted block is a marker line naming where the output comes from,
followed on the very next line by a fenced block:

    <!-- output: stage-3 -->
    ```text
    heap: 4 KiB at 0x...
    ```

SOURCE is one word (no spaces): `stage-N` for a demo kernel's log,
`stage-N-test` for the test kernel's (GCC, plain boot),
`compile-fail/<case>.<cc>` for a saved compiler output.

The rules, and what is reported as an error instead of being guessed at:

- The marker is a whole line; spaces around it are ignored.  A line that
  starts like a marker (`<!-- output`) but is not exactly
  `<!-- output: SOURCE -->` is an error ("malformed marker").
- The opening fence (three or more backticks, an info string such as
  `text` allowed) must be on the line right after the marker.  No blank
  line in between: a marker whose block was deleted must not silently
  adopt the next code block further down.  Otherwise: "fence missing".
- The block ends at the first line made only of backticks, at least as
  many as the opening fence has.  None before the end of the file:
  "unterminated fence".
- A block with no lines, or only blank ones, is an error ("empty block"):
  an empty quote is found in any output, so it would always pass.
- A marker is recognized on any line, also inside another fenced block.

Only the standard library; no state.  Used by scripts/refresh-lessons and
scripts/run-tests, tested by tests/scripts/test_lessonblocks.py.
"""
import re
from typing import List, NamedTuple

MARKER = re.compile(r"^<!-- output: (\S+) -->$")
LOOKS_LIKE_MARKER = re.compile(r"^<!--\s*output\b")
FENCE = re.compile(r"^(`{3,})")


class Block(NamedTuple):
    """One quoted block.  Line numbers are 1-based, as in an editor."""
    source: str       # what the marker names ("" if the marker is malformed)
    lines: List[str]  # the quoted lines, as in the file, without the fences
    line: int         # the line of the marker
    first: int        # the first quoted line: the line after the opening fence
    last: int         # the last quoted line; first - 1 when there are none
    error: str        # "" when the block is well formed, else what is wrong


def parse(text: str) -> List[Block]:
    """Every quoted block of TEXT (a whole LESSONS.md), in file order,
    well formed or not.  Lines are split at "\\n" only; `lines[first-1:last]`
    of `text.split("\\n")` is the block's content, so a caller can replace
    it in place."""
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        here = lines[i].strip()
        if not LOOKS_LIKE_MARKER.match(here):
            i += 1
            continue
        block, i = _block_at(lines, i)
        blocks.append(block)
    return blocks


def _block_at(lines, i):
    """The block whose marker is lines[i], and the index to go on from."""
    line = i + 1
    m = MARKER.match(lines[i].strip())
    if not m:
        return Block("", [], line, line + 1, line,
                     "malformed marker: write <!-- output: SOURCE -->"), i + 1
    source = m.group(1)
    fence = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
    if not fence:
        return Block(source, [], line, line + 1, line,
                     "fence missing: the line after the marker must open "
                     "a ``` block"), i + 1
    ticks = len(fence.group(1))
    start = i + 2  # index of the first quoted line
    end = start
    while end < len(lines) and not _closes(lines[end], ticks):
        end += 1
    content = lines[start:end]
    error = ""
    if end == len(lines):
        error = f"unterminated fence: the ``` opened on line {line + 1} is never closed"
    elif not any(l.strip() for l in content):
        error = "empty block: nothing is quoted"
    return Block(source, content, line, start + 1, end, error), end + 1


def _closes(line, ticks):
    s = line.rstrip()
    return len(s) >= ticks and s == "`" * len(s)


def read(path="LESSONS.md") -> List[Block]:
    """parse() of the file at PATH."""
    with open(path) as f:
        return parse(f.read())

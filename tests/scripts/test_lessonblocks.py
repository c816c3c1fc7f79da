#!/usr/bin/env python3
"""Unit tests for scripts/lessonblocks.py, the parser of the output blocks
quoted in LESSONS.md.

    python3 tests/scripts/test_lessonblocks.py

One line per case, `lessonblocks/<case>... [ok]` or `[failed] why`, then
`N passed, N failed`.  Exit 1 if a case failed.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import lessonblocks  # noqa: E402

F = "```"


def doc(*lines):
    return "\n".join(lines)


def expect(blocks, *want):
    """Compare blocks with WANT, tuples of (source, lines, line, first,
    last, error substring).  Returns why they differ, or ""."""
    if len(blocks) != len(want):
        return f"{len(blocks)} blocks, expected {len(want)}: {blocks}"
    for b, (source, lines, line, first, last, error) in zip(blocks, want):
        got = (b.source, b.lines, b.line, b.first, b.last)
        if got != (source, lines, line, first, last):
            return f"got {got}, expected {(source, lines, line, first, last)}"
        if bool(error) != bool(b.error) or error not in b.error:
            return f"error {b.error!r}, expected {error!r}"
    return ""


def normal_block():
    text = doc("Some prose.", "",
               "<!-- output: stage-3 -->",
               F + "text",
               "heap: 4 KiB",
               "  indented line",
               F,
               "More prose.")
    blocks = lessonblocks.parse(text)
    why = expect(blocks, ("stage-3", ["heap: 4 KiB", "  indented line"], 3, 5, 6, ""))
    if not why and text.split("\n")[4:6] != blocks[0].lines:
        why = "first/last do not index the content"
    return why


def fence_not_on_next_line():
    blank = lessonblocks.parse(doc("<!-- output: stage-1 -->", "", F, "a", F))
    prose = lessonblocks.parse(doc("<!-- output: stage-1 -->", "Prose.", F, "a", F))
    return (expect(blank, ("stage-1", [], 1, 2, 1, "fence missing"))
            or expect(prose, ("stage-1", [], 1, 2, 1, "fence missing")))


def marker_at_end_of_file():
    return expect(lessonblocks.parse(doc("x", "<!-- output: stage-1 -->")),
                  ("stage-1", [], 2, 3, 2, "fence missing"))


def empty_block():
    empty = lessonblocks.parse(doc("<!-- output: stage-2 -->", F + "text", F))
    blank = lessonblocks.parse(doc("<!-- output: stage-2 -->", F, "", "   ", F))
    return (expect(empty, ("stage-2", [], 1, 3, 2, "empty block"))
            or expect(blank, ("stage-2", ["", "   "], 1, 3, 4, "empty block")))


def unterminated_fence():
    text = doc("<!-- output: stage-4 -->", F + "text", "line 1", "line 2")
    return expect(lessonblocks.parse(text),
                  ("stage-4", ["line 1", "line 2"], 1, 3, 4, "unterminated fence"))


def two_blocks():
    text = doc("<!-- output: stage-1 -->", F, "one", F, "",
               "between", "",
               "<!-- output: compile-fail/use_after_free.gcc -->", F + "text",
               "two a", "two b", F)
    return expect(lessonblocks.parse(text),
                  ("stage-1", ["one"], 1, 3, 3, ""),
                  ("compile-fail/use_after_free.gcc", ["two a", "two b"], 8, 10, 11, ""))


def marker_with_trailing_spaces():
    text = doc("  <!-- output: stage-5 -->   ", F, "x", F)
    return expect(lessonblocks.parse(text), ("stage-5", ["x"], 1, 3, 3, ""))


def malformed_marker():
    text = doc("<!-- output: -->", F, "x", F,
               "<!-- output: stage-1", F, "y", F)
    return expect(lessonblocks.parse(text),
                  ("", [], 1, 2, 1, "malformed marker"),
                  ("", [], 5, 6, 5, "malformed marker"))


def marker_in_prose_is_not_a_block():
    text = doc("The `<!-- output: ... -->` line above a block says where.",
               F, "not quoted", F)
    return expect(lessonblocks.parse(text))


def longer_fence_holds_backticks():
    text = doc("<!-- output: stage-1 -->", "````text", "```", "x", "````")
    return expect(lessonblocks.parse(text), ("stage-1", ["```", "x"], 1, 3, 4, ""))


def closing_fence_with_text_does_not_close():
    text = doc("<!-- output: stage-1 -->", F, "a", F + "text", "b", F)
    return expect(lessonblocks.parse(text),
                  ("stage-1", ["a", F + "text", "b"], 1, 3, 5, ""))


def the_lessons_parse_cleanly():
    path = os.path.join(HERE, "..", "..", "LESSONS.md")
    if not os.path.exists(path):
        return ""
    bad = [f"LESSONS.md:{b.line}: {b.error}" for b in lessonblocks.read(path) if b.error]
    return "; ".join(bad)


CASES = [normal_block, fence_not_on_next_line, marker_at_end_of_file,
         empty_block, unterminated_fence, two_blocks,
         marker_with_trailing_spaces, malformed_marker,
         marker_in_prose_is_not_a_block, longer_fence_holds_backticks,
         closing_fence_with_text_does_not_close, the_lessons_parse_cleanly]


def main():
    passed = failed = 0
    for case in CASES:
        label = f"lessonblocks/{case.__name__}..."
        try:
            why = case()
        except Exception as e:  # a crash is a failure, as in refresh-lessons
            why = f"raised {type(e).__name__}: {e}"
        if why:
            print(f"{label} [failed] {why}")
            failed += 1
        else:
            print(f"{label} [ok]")
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

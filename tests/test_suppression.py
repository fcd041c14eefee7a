"""``# noqa`` forms, file-level directives and ``--no-noqa``, applied after the rules ran."""

from __future__ import annotations

from asynclint.config import Config
from asynclint.engine import lint_source
from asynclint.suppression import parse_suppressions


def found(src: str, **cfg) -> list[int]:
    return [f.line for f in lint_source(src, "m.py", Config(**cfg)).findings]


HEAD = "import time\nasync def f():\n"


def test_line_noqa_forms():
    src = HEAD + (
        "    time.sleep(1)  # noqa: ASL101\n"  # 3: suppressed
        "    time.sleep(1)  # noqa:ASL102,ASL101\n"  # 4: suppressed
        "    time.sleep(1)  # noqa: ASL102 ASL101\n"  # 5: suppressed
        "    time.sleep(1)  # noqa\n"  # 6: suppressed (bare)
        "    time.sleep(1)  # NOQA: asl101\n"  # 7: suppressed (case-insensitive)
        "    time.sleep(1)  # noqa: ASL102\n"  # 8: another code: still reported
        "    time.sleep(1)  # keep: noqa is only a comment directive at the start\n"  # 9
        "    x = '# noqa'; time.sleep(1)\n"  # 10: inside a string: no effect
        "    time.sleep(1)\n"  # 11
    )
    assert found(src) == [8, 9, 10, 11]


def test_noqa_applies_to_the_line_where_the_finding_starts():
    src = HEAD + "    time.sleep(\n        1,\n    )  # noqa: ASL101\n    time.sleep(  # noqa: ASL101\n        1)\n"
    assert found(src) == [3]


def test_file_level_directive_in_leading_comments():
    assert found("#!/usr/bin/env python\n# asynclint: noqa\n" + HEAD + "    time.sleep(1)\n") == []
    assert found("# asynclint: noqa: ASL101\n" + HEAD + "    time.sleep(1)\n") == []
    assert found("# asynclint: noqa: ASL102\n" + HEAD + "    time.sleep(1)\n") == [4]
    # Only the file's leading comments count: after code it is no file directive.
    assert found(HEAD + "    # asynclint: noqa\n    time.sleep(1)\n") == [4]


def test_no_noqa_reports_everything():
    src = "# asynclint: noqa\n" + HEAD + "    time.sleep(1)  # noqa\n"
    assert found(src, noqa=False) == [4]


def test_parse_suppressions_codes():
    s = parse_suppressions("x = 1  # noqa: ASL101, ASL2\ny = 2  # noqa\n")
    assert s.suppresses(1, "ASL101") and not s.suppresses(1, "ASL102")
    assert s.suppresses(2, "ASL999")
    assert not s.suppresses(3, "ASL101")

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


def test_a_peer_code_for_the_same_check_silences_ours():
    # Written for flake8-async or ruff: the maintainers kept this call on purpose.
    src = "import time\nasync def f(path):\n" + (
        "    time.sleep(1)  # noqa: ASYNC251\n"  # 3: the same check: silenced
        "    open(path)  # noqa: ASYNC230\n"  # 4: silenced
        "    open(path)  # noqa: ASYNC251\n"  # 5: the sleep check's code: still reported
        "    open(path)  # noqa: ASYNC100\n"  # 6: a check we do not have: still reported
        "    open(path)  # noqa: E501, ASYNC230 long line\n"  # 7: silenced
    )
    assert [(f.line, f.code) for f in lint_source(src, "m.py", Config()).findings] == [(5, "ASL104"), (6, "ASL104")]
    assert found(src, noqa=False) == [3, 4, 5, 6, 7]
    assert found("# asynclint: noqa: ASYNC251\n" + HEAD + "    time.sleep(1)\n") == []


def test_a_peer_code_is_never_reported_as_an_unused_noqa():
    src = "async def f(path):\n    open(path)  # noqa: ASYNC230, ASL101\n"
    findings = lint_source(src, "m.py", Config(extend_select=("ASL100",))).findings
    assert [(f.line, f.code, f.message.count("ASYNC")) for f in findings] == [(2, "ASL100", 0)]


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


# ---------------------------------------------------------------------- malformed noqa (issue 19)
def test_malformed_noqa_is_no_blanket_suppression():
    src = HEAD + (
        "    time.sleep(1)  # noqa: XYZ\n"  # 3: invalid list: suppresses nothing
        "    time.sleep(1)  # noqa: ASL-101\n"  # 4: invalid code: nothing
        "    time.sleep(1)  # noqa: ASL999\n"  # 5: unknown code: nothing
        "    time.sleep(1)  # noqa:\n"  # 6: no codes: nothing
        "    time.sleep(1)  # noqa: ASL101, XYZ\n"  # 7: ASL101 named: suppressed
        "    time.sleep(1)  # noqa: ASL101 - reason given\n"  # 8: explanation after the code
        "    time.sleep(1)  # noqa : ASL101\n"  # 9: blank before the colon
        "    time.sleep(1)  # noqa: E501 ASL102\n"  # 10: other codes only
        "    time.sleep(1)  # noqa: ASL101  # type: ignore\n"  # 11
    )
    assert found(src) == [3, 4, 5, 6, 10]


def test_file_directive_with_malformed_codes_suppresses_nothing():
    assert found("# asynclint: noqa: XYZ\n" + HEAD + "    time.sleep(1)\n") == [4]


def test_directive_warnings_name_the_problem():
    from asynclint.suppression import directive_warnings

    src = "a = 1  # noqa: XYZ\nb = 2  # noqa: ASL999, ASL101\nc = 3  # noqa: ASL101, ASL-1\nd = 4  # noqa\ne = 5  # noqa: E501\nf = '# noqa: XYZ'\n"
    assert directive_warnings(src) == [
        (1, "invalid `# noqa` code list: 'XYZ' is not a rule code; it suppresses nothing (expected e.g. `# noqa: ASL101, ASL102`)"),
        (2, "`# noqa`: unknown code ASL999; it suppresses nothing (see `asynclint rules`)"),
        (3, "invalid `# noqa` code list: 'ASL-1' is not a rule code; it suppresses only ASL101 (expected e.g. `# noqa: ASL101, ASL102`)"),
    ]


def test_cli_warns_about_malformed_noqa_and_still_reports(tmp_path):
    from tests.test_cli import run

    (tmp_path / "m.py").write_text(HEAD + "    time.sleep(1)  # noqa: ASL-101\n")
    code, out, err = run(["m.py", "--format", "concise"], tmp_path)
    assert code == 1
    assert out == "m.py:3:5: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"
    assert err == "m.py:3: warning: invalid `# noqa` code list: 'ASL-101' is not a rule code; it suppresses nothing (expected e.g. `# noqa: ASL101, ASL102`)\n"


# ---------------------------------------------------------------------- ASL100 unused-noqa
ASL100_SRC = HEAD + (
    "    time.sleep(1)  # noqa: ASL101\n"  # 3: used
    "    x = 1  # noqa: ASL101\n"  # 4: unused
    "    x = 2  # noqa: ASL101, E501  # why\n"  # 5: ASL101 unused, E501 not ours
    "    time.sleep(1)  # noqa: ASL101, ASL102 - reason\n"  # 6: ASL102 unused
    "    x = 3  # noqa: ASL999\n"  # 7: unknown
    "    x = 4  # noqa\n"  # 8: blanket: not judged
    "    x = 5  # noqa: ASL101 - reason\n"  # 9: unused with an explanation
    "    x = 6  # noqa: ASL101, ASL100\n"  # 10: ASL100 silenced on its line
)


def test_asl100_reports_unused_codes_with_positions_and_messages():
    run = lint_source(ASL100_SRC, "m.py", Config(extend_select=("ASL100",)))
    got = [(f.line, f.column, f.code, f.message) for f in run.findings]
    assert got == [
        (4, 12, "ASL100", "Unused `# noqa` directive (unused: ASL101)"),
        (5, 12, "ASL100", "Unused `# noqa` codes (unused: ASL101)"),
        (6, 20, "ASL100", "Unused `# noqa` codes (unused: ASL102)"),
        (7, 12, "ASL100", "Unused `# noqa` directive (unknown: ASL999)"),
        (9, 12, "ASL100", "Unused `# noqa` directive (unused: ASL101)"),
    ]


def test_asl100_is_not_on_by_default_and_off_with_no_noqa():
    assert not [f for f in lint_source(ASL100_SRC, "m.py", Config()).findings if f.code == "ASL100"]
    run = lint_source(ASL100_SRC, "m.py", Config(extend_select=("ASL100",), noqa=False))
    assert not [f for f in run.findings if f.code == "ASL100"]


def test_asl100_counts_a_code_of_a_rule_not_selected_as_unused():
    run = lint_source(HEAD + "    time.sleep(1)  # noqa: ASL101\n", "m.py", Config(select=("ASL100",)))
    assert [(f.line, f.code) for f in run.findings] == [(3, "ASL100")]


def test_asl100_fix_output(tmp_path):
    from tests.test_cli import run

    f = tmp_path / "m.py"
    f.write_text(ASL100_SRC)
    code, out, _ = run(["m.py", "--extend-select", "ASL100", "--fix-only"], tmp_path)
    assert (code, out) == (0, "Fixed 5 findings.\n")
    assert f.read_text() == HEAD + (
        "    time.sleep(1)  # noqa: ASL101\n"
        "    x = 1\n"
        "    x = 2  # noqa: E501  # why\n"
        "    time.sleep(1)  # noqa: ASL101 - reason\n"
        "    x = 3\n"
        "    x = 4  # noqa\n"
        "    x = 5\n"
        "    x = 6  # noqa: ASL101, ASL100\n"
    )


def test_asl100_sees_project_wide_findings(tmp_path):
    """ASL110's findings are settled in pass 2; a noqa that silences one is used."""
    from tests.test_cli import run

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "helpers.py").write_text("import time\n\ndef pause():\n    time.sleep(1)\n")
    (tmp_path / "app.py").write_text("from helpers import pause\n\nasync def main():\n    pause()  # noqa: ASL110\n    pause()  # noqa: ASL101\n")
    for _ in range(2):  # cold, then from the cache
        code, out, _ = run(["app.py", "helpers.py", "--select", "ASL110,ASL100", "--format", "concise"], tmp_path)
        rows = out.splitlines()
        assert code == 1
        assert [r.split(" ")[:2] for r in rows] == [["app.py:5:5:", "ASL110"], ["app.py:5:14:", "ASL100"]]
        assert rows[1] == "app.py:5:14: ASL100 [*] Unused `# noqa` directive (unused: ASL101)"

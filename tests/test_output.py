"""Output formats: exact text/concise lines, the JSON shape, valid SARIF 2.1.0, GitHub commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from asynclint.finding import Edit, FileError, Finding, Fix
from asynclint.output import render

FINDING = Finding("src/app.py", 4, 5, 4, 18, "ASL101", "blocking-sleep", "`time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`",
                  Fix("safe", (Edit(4, 5, 4, 18, "await asyncio.sleep(1)"),), "Use `await asyncio.sleep()`", ("asyncio",)))
PLAIN = Finding("src/db.py", 10, 9, 10, 30, "ASL105", "blocking-database-call", "`sqlite3.Connection.execute()` blocks")


def test_text_and_concise():
    text = render("text", [FINDING, PLAIN], files_checked=3)
    assert text == (
        "src/app.py:4:5: ASL101 [*] `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"
        "src/db.py:10:9: ASL105 `sqlite3.Connection.execute()` blocks\n"
        "\n"
        "Found 2 findings in 3 files checked. 1 fixable with `--fix`.\n"
    )
    assert render("concise", [FINDING, PLAIN]) == "".join(text.splitlines(keepends=True)[:2])
    assert render("text", [], files_checked=1) == "All checks passed (1 file checked).\n"


def test_json_shape():
    data = json.loads(render("json", [FINDING, PLAIN]))
    assert data[0] == {
        "path": "src/app.py",
        "line": 4,
        "column": 5,
        "end_line": 4,
        "end_column": 18,
        "code": "ASL101",
        "name": "blocking-sleep",
        "message": "`time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`",
        "fix": {
            "applicability": "safe",
            "description": "Use `await asyncio.sleep()`",
            "edits": [{"line": 4, "column": 5, "end_line": 4, "end_column": 18, "content": "await asyncio.sleep(1)"}],
            "imports": ["asyncio"],
        },
        "origin": "static",
    }
    assert data[1]["fix"] is None
    assert json.loads(render("json", [])) == []


def test_github_commands_escape_percent_colon_comma_and_newlines():
    f = Finding("dir,odd:name%.py", 3, 1, 3, 9, "ASL101", "blocking-sleep", "100% bad:\nreally")
    out = render("github", [f], [FileError("x.py", "cannot analyse: syntax error")])
    assert out.splitlines() == [
        "::error file=dir%2Codd%3Aname%25.py,line=3,col=1,endLine=3,endColumn=9,title=ASL101 blocking-sleep::ASL101 100%25 bad:%0Areally",
        "::error file=x.py,title=asynclint::cannot analyse: syntax error",
    ]


def test_sarif_structure():
    doc = json.loads(render("sarif", [FINDING, PLAIN, FINDING]))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["ASL101", "ASL105"]  # one entry per rule that fired
    assert rules[0]["name"] == "blocking-sleep"
    assert rules[0]["helpUri"].endswith("/rules/ASL101/")
    assert rules[0]["shortDescription"]["text"] and rules[0]["fullDescription"]["text"]
    res = run["results"][0]
    assert res["ruleId"] == "ASL101" and res["ruleIndex"] == 0
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 18}
    assert run["results"][1]["ruleIndex"] == 1


def _sarif_multitool() -> list[str] | None:
    """Microsoft's SARIF validator, installed once from npm into a cache directory."""
    if shutil.which("npm") is None:
        return None
    home = Path(os.environ.get("ASYNCLINT_TEST_CACHE", Path.home() / ".cache" / "asynclint-tests")) / "sarif"
    exe = home / "node_modules" / ".bin" / "sarif-multitool"
    if not exe.exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(home), "@microsoft/sarif-multitool"], check=True, capture_output=True, timeout=600)
    return [str(exe)]


@pytest.mark.network
def test_sarif_is_valid_per_microsofts_validator(tmp_path):
    tool = _sarif_multitool()
    if tool is None:
        pytest.skip("npm is not installed")
    related = Finding("src/app.py", 7, 1, 7, 20, "ASL502", "task-exception-never-retrieved", "task failed", origin="runtime",
                      related=(__import__("asynclint.finding", fromlist=["Related"]).Related("src/app.py", 3, 5, "raised here"),))
    sarif = tmp_path / "out.sarif"
    sarif.write_text(render("sarif", [FINDING, PLAIN, related], [FileError("bad.py", "cannot analyse: syntax error")]))
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([*tool, "validate", str(sarif), "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())["runs"][0]["results"]
    errors = [r for r in results if r.get("level") == "error"]
    assert errors == []


def test_findings_sharing_a_root_cause_are_shown_once_in_text_and_statistics():
    """Issue 16: every call site of one blocking helper stays a finding (counted, at its own
    line) but the text output shows the helper once, and --statistics counts root causes."""
    def site(path, line, root):
        return Finding(path, line, 5, line, 11, "ASL110", "transitive-blocking-call", f"`{root}` blocks", root=f"`{root}` (h.py:3)")

    findings = [site("a.py", 10, "load()"), site("a.py", 12, "save()"), site("a.py", 20, "load()"), site("b.py", 4, "load()")]
    text = render("text", findings, files_checked=2)
    assert text.splitlines() == [
        "a.py:10:5: ASL110 `load()` blocks",
        "    ... and 2 more call sites of `load()` (h.py:3): a.py:20, b.py:4",
        "a.py:12:5: ASL110 `save()` blocks",
        "",
        "Found 4 findings in 2 files checked.",
    ]
    assert render("concise", findings).count("\n") == 4
    from asynclint.output.text import render_statistics

    stats = render_statistics(findings).splitlines()
    assert stats[0].split() == ["4", "ASL110", "transitive-blocking-call"]
    assert stats[1].strip() == "from 2 root causes; most call sites: `load()` (h.py:3) 3, `save()` (h.py:3) 1"
    assert json.loads(render("json", findings))[0]["root"] == "`load()` (h.py:3)"
    assert json.loads(render("json", findings, statistics=True)) == [
        {
            "code": "ASL110",
            "name": "transitive-blocking-call",
            "count": 4,
            "fixable": False,
            "roots": [{"root": "`load()` (h.py:3)", "count": 3}, {"root": "`save()` (h.py:3)", "count": 1}],
        }
    ]

"""The runtime rules' (ASL5xx) examples are programs: each runs under the real `asynclint run`,
and the (line, code) set it reports must be exactly the one its `# expect:` markers state; the
good examples must report nothing. The names the runtime uses for codes match the rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.registry import all_rules
from asynclint.rule import Example, Rule

RUNTIME_RULES = [r for r in all_rules() if r.runtime_only]
CASES = [
    pytest.param(rule, kind, i, ex, id=f"{rule.code}-{kind}{i}")
    for rule in RUNTIME_RULES
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples)
]
# Wall-clock steps: a loaded CI machine stalls steps now and then, so ASL501 is judged with a
# threshold far below the bad example's step (seconds) and far above ordinary scheduling noise.
THRESHOLD_MS = "300"


def run_example(ex: Example, tmp_path: Path) -> set[tuple[int, str]]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'example'\n")
    (tmp_path / "example.py").write_text(ex.source)
    env = {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_RUNTIME_DIR", "PYTEST_ADDOPTS")}
    proc = subprocess.run(
        [sys.executable, "-m", "asynclint", "run", "--format", "json", "--output-file", "report.json", "--slow-threshold", THRESHOLD_MS, "--", "python", "example.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    findings = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    return {(f["line"], f["code"]) for f in findings if f["path"] == "example.py"}


def test_there_are_five_runtime_rules():
    assert [r.code for r in RUNTIME_RULES] == ["ASL501", "ASL502", "ASL503", "ASL504", "ASL505"]


@pytest.mark.parametrize("rule,kind,i,ex", CASES)
def test_runtime_example(rule: type[Rule], kind, i, ex, tmp_path):
    found = run_example(ex, tmp_path)
    if kind == "good":
        assert not ex.expected()
    assert found == ex.expected()


def test_runtime_rules_have_no_static_handlers():
    for rule in RUNTIME_RULES:
        assert rule.handlers() == {}, rule.code


def test_runtime_code_names_agree_with_the_rules():
    from asynclint.runtime.codes import NAMES

    by_code = {r.code: r.name for r in all_rules()}
    assert {c: by_code[c] for c in NAMES} == NAMES

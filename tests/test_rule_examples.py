"""Every rule's own good and bad examples are its tests: the exact (line, code) set marked with
``# expect:`` must be reported, and the good examples must be clean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import Linter, finish
from asynclint.registry import all_rules
from asynclint.rule import Example, Rule

CASES = [
    pytest.param(rule, kind, i, ex, id=f"{rule.code}-{kind}{i}")
    for rule in all_rules()
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples)
]


def run_example(rule: type[Rule], ex: Example, tmp_path: Path, select: tuple[str, ...] | None = None):
    """Lint the example as ``example.py`` inside a throw-away project with its sibling files."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'example'\n")
    for rel, text in ex.files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        import textwrap

        p.write_text(textwrap.dedent(text).lstrip("\n"))
    main = tmp_path / "example.py"
    main.write_text(ex.source)
    options = tuple(sorted((k, v if not isinstance(v, dict) else tuple(sorted(v.items()))) for k, v in ex.config.items()))
    cfg = Config(select=select or (rule.code,), rule_options=options, target_version=ex.target_version or (3, 12), base_dir=str(tmp_path))
    linter = Linter(cfg, tmp_path)
    results = [linter.lint_path(str(main), "example.py")]
    for rel in ex.files:
        if rel.endswith(".py"):
            results.append(linter.lint_path(str(tmp_path / rel), rel))
    run = finish(results, cfg, tmp_path, linter)
    assert not run.errors, run.errors
    return [f for f in run.findings if f.path == "example.py"]


def test_every_rule_has_examples():
    for rule in all_rules():
        assert rule.bad, f"{rule.code} has no bad example"
        assert rule.good, f"{rule.code} has no good example"
        assert rule.doc.strip() and rule.summary, rule.code
        assert rule.bad[0].expected(), f"{rule.code}'s first bad example marks no line"


@pytest.mark.parametrize("rule,kind,i,ex", CASES)
def test_example(rule, kind, i, ex, tmp_path):
    found = {(f.line, f.code) for f in run_example(rule, ex, tmp_path)}
    expected = ex.expected()
    if kind == "good":
        assert not expected, "good examples must not mark lines"
    assert found == expected

"""Every rule's own good and bad examples are its tests: the exact (line, code) set marked with
``# expect:`` must be reported, and the good examples must be clean."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.registry import all_rules
from asynclint.rule import Example, Rule
from asynclint.workspace import Workspace

# The runtime rules' examples are programs: tests/test_runtime_rule_examples.py runs them.
CASES = [
    pytest.param(rule, kind, i, ex, id=f"{rule.code}-{kind}{i}")
    for rule in all_rules()
    if not rule.runtime_only
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
    cfg = Config(select=select or (rule.code, *ex.select), rule_options=options, target_version=ex.target_version or (3, 12), base_dir=str(tmp_path))
    ws = Workspace(cfg.with_(cache=False), tmp_path)
    results = [ws.pass1_path(str(main), "example.py")]
    for rel in ex.files:
        if rel.endswith(".py"):
            results.append(ws.pass1_path(str(tmp_path / rel), rel))
    run = ws.finish(results)
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


# ---------------------------------------------------------------------- fixes
FIX_CASES = [
    pytest.param(rule, i, ex, id=f"{rule.code}-bad{i}-fix")
    for rule in all_rules()
    for i, ex in enumerate(rule.bad)
    if ex.fixed is not None
]
_EXPECT_MARK = re.compile(r"[ \t]*#\s*expect:[A-Z0-9, \t]*$", re.MULTILINE)


def fix_example(rule: type[Rule], ex: Example, tmp_path: Path):
    """``--fix`` (plus ``--unsafe-fixes`` when the example says so) on the example, with its
    ``# expect:`` markers removed; returns (outcome, a lint function for the same project)."""
    from asynclint.fix import fix_text

    run_example(rule, ex, tmp_path)  # writes the project
    source = _EXPECT_MARK.sub("", ex.source)
    (tmp_path / "example.py").write_text(source)
    options = tuple(sorted((k, v if not isinstance(v, dict) else tuple(sorted(v.items()))) for k, v in ex.config.items()))
    cfg = Config(select=(rule.code, *ex.select), rule_options=options, target_version=ex.target_version or (3, 12), base_dir=str(tmp_path))
    ws = Workspace(cfg.with_(cache=False), tmp_path)
    others = [ws.pass1_path(str(tmp_path / rel), rel).summary for rel in ex.files if rel.endswith(".py")]
    lint = ws.relinter(str(tmp_path / "example.py"), "example.py", [s for s in others if s is not None])
    return fix_text(source, lint, unsafe=ex.unsafe), lint


@pytest.mark.parametrize("rule,i,ex", FIX_CASES)
def test_example_fix(rule, i, ex, tmp_path):
    from asynclint.fix import fixable

    outcome, lint = fix_example(rule, ex, tmp_path)
    assert not outcome.errors, outcome.errors
    assert outcome.text == ex.fixed_source
    compile(outcome.text, "example.py", "exec", dont_inherit=True)
    findings, errors = lint(outcome.text)
    assert not errors, errors
    left = [(f.line, f.code) for f in fixable(findings, ex.unsafe)]
    assert not left, f"fixed text still has fixable findings (fixes do not converge): {left}"


def test_fixable_rules_show_their_fix():
    missing = [r.code for r in all_rules() if r.fix and not any(ex.fixed is not None for ex in r.bad)]
    assert not missing, f"rules with `fix` set but no bad example with `fixed=`: {missing}"
    unsafe_untested = [r.code for r in all_rules() if r.fix == "unsafe" and not any(ex.fixed is not None and ex.unsafe for ex in r.bad)]
    assert not unsafe_untested, f"rules with unsafe fixes but no example with `unsafe=True`: {unsafe_untested}"

"""The real-bug benchmark's data is well-formed (its score is measured, never asserted here)."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "benchmarks" / "realbugs"

spec = importlib.util.spec_from_file_location("realbugs_score", ROOT / "score.py")
score = importlib.util.module_from_spec(spec)
sys.modules["realbugs_score"] = score
spec.loader.exec_module(score)

CASES = score.load_cases()
SHAPES = {
    "missing-await-self-method",
    "missing-await-project-method",
    "missing-await-module-function",
    "missing-await-library-method",
    "missing-await-stdlib",
    "truth-test",
    "coroutine-as-value",
    "returned-without-await",
    "unawaited-in-sync-def",
    "future-as-value",
    "lost-task",
    "blocking-call-in-async",
}


def test_at_least_forty_cases_with_unique_ids_and_one_directory_each():
    ids = [c.id for c in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert sorted(p.name for p in (ROOT / "cases").iterdir()) == sorted(ids)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_metadata(case):
    assert re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", case.repo)
    assert re.fullmatch(r"[0-9a-f]{40}", case.commit)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", case.date)
    assert case.file.endswith(".py")
    assert case.shape in SHAPES
    assert case.bug and case.known_by


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_buggy_and_fixed_restatements_parse_and_mark_the_same_line(case, tmp_path):
    buggy = case.root / "buggy"
    rel, line = score.marked_line(buggy)
    fixed = tmp_path / "fixed"
    score.write_fixed(case, fixed)
    assert score.marked_line(fixed)[0] == rel
    for tree in (buggy, fixed):
        for path in tree.rglob("*.py"):
            ast.parse(path.read_text(encoding="utf-8"), str(path))
    old = (buggy / rel).read_text(encoding="utf-8").splitlines()[line - 1]
    new = (fixed / rel).read_text(encoding="utf-8").splitlines()[score.marked_line(fixed)[1] - 1]
    assert old != new
    # Exactly one of the two ways to give the fixed version.
    assert (case.fixed is None) == (case.root / "fixed").is_dir()


def test_text_and_markdown_summaries_count_every_case():
    results = [score.Result(c, detected=i % 2 == 0) for i, c in enumerate(CASES)]
    total = score.summarise(results)[-1]
    assert total == ("total", len(CASES), (len(CASES) + 1) // 2, 0)
    assert f"| **total** | {len(CASES)} |" in score.render_markdown(results)

"""The good examples of every rule are negatives for ASL203, ASL206, ASL207 and ASL3xx too:
run with every rule selected (opt-in ones included), none of those may fire on them.

The opt-in ASL9xx rules are opinions, and the minimal `async def`s of other rules' examples
often are exactly what they point out (an `async def` that never awaits, a `gather()`
without `return_exceptions`). A finding of theirs is accepted only when a plain reading of
the source text, independent of the rule's code, confirms it is a true positive; anything
else fails the test like a finding of the default rules does.
"""

from __future__ import annotations

import re

import pytest

from asynclint.registry import all_rules
from test_rule_examples import run_example

DEFAULT_ON = frozenset({"ASL203", "ASL206", "ASL207", "ASL301", "ASL302", "ASL303"})
OPT_IN = frozenset({"ASL901", "ASL902", "ASL903", "ASL904"})

GOOD = [
    pytest.param(rule, i, ex, id=f"{rule.code}-good{i}")
    for rule in all_rules()
    for i, ex in enumerate(rule.good)
]


def _block(lines: list[str], start: int) -> list[str]:
    """The statement starting on line ``start`` (1-based) with its indented body."""
    head = lines[start - 1]
    indent = len(head) - len(head.lstrip())
    out = [head]
    for line in lines[start:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        out.append(line)
    return out


def _confirmed(code: str, lines: list[str], line: int) -> bool:
    text = lines[line - 1]
    if code == "ASL901":
        body = "\n".join(_block(lines, line))
        return text.lstrip().startswith("async def") and not re.search(r"\bawait\b|\basync (for|with)\b|\byield\b", body)
    if code == "ASL902":
        body = "\n".join(_block(lines, line))
        return text.lstrip().startswith("while") and "sleep(" in body
    if code == "ASL903":
        return "ClientSession(" in text or "AsyncClient(" in text
    if code == "ASL904":
        return "gather(" in text and "return_exceptions" not in text
    return False


@pytest.mark.parametrize("rule,i,ex", GOOD)
def test_good_examples_are_negatives_for_these_rules(rule, i, ex, tmp_path):
    findings = run_example(rule, ex, tmp_path, select=("ALL",))
    lines = ex.source.splitlines()
    wrong = [
        (f.line, f.code, f.message)
        for f in findings
        if f.code in DEFAULT_ON or (f.code in OPT_IN and not _confirmed(f.code, lines, f.line))
    ]
    assert wrong == []


def test_the_oracle_rejects_what_it_should():
    lines = ["async def f():", "    await g()", "while x:", "    work()", "gather(a, b, return_exceptions=True)"]
    assert not _confirmed("ASL901", lines, 1)
    assert not _confirmed("ASL902", lines, 3)
    assert not _confirmed("ASL904", lines, 5)
    assert not _confirmed("ASL903", lines, 1)
    assert _confirmed("ASL901", ["async def f():", "    return 1", "x = await y"], 1)

"""Static and runtime agree on which lines lose a coroutine or a task.

Every bad and good example of ASL201, ASL202 and ASL203 is run for real under ``asynclint
run`` (``tests/fixtures/crosscheck/driver.py`` calls each function and method with stand-in
arguments; stand-ins for aiohttp and aiofiles make the library examples run without a
network). The runtime is the ground truth for "created and never awaited" (ASL201 at the
coroutine's creation) and for "lost task" (ASL203/ASL503 at the task's creation): the set of
example lines it reports must be exactly the set the static rules flag with ASL201, ASL202 or
ASL203. An example where they cannot agree says why in its ``runtime`` note, and the test
checks that they do disagree there (a stale note fails too).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.registry import all_rules

from test_rule_examples import run_example

DRIVER = Path(__file__).parent / "fixtures" / "crosscheck" / "driver.py"
CODES = ("ASL201", "ASL202", "ASL203")
RUNTIME_LOST = {"ASL201", "ASL203", "ASL503"}  # a coroutine never awaited, a task lost

CASES = [
    (rule.code, kind, i, ex)
    for rule in all_rules()
    if rule.code in CODES
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples)
]


def case_id(code: str, kind: str, i: int) -> str:
    return f"{code}-{kind}{i}"


# What an example cannot do before Python 3.11 (it would fail where the runtime looks).
NEWER_APIS = re.compile(r"TaskGroup|asyncio\.timeout\b|asyncio\.Runner|except\s*\*")


def runs_here(ex) -> bool:
    return sys.version_info >= (3, 11) or not any(NEWER_APIS.search(t) for t in (ex.source, *ex.files.values()))


@pytest.fixture(scope="module")
def runtime_lines(tmp_path_factory) -> dict[str, set[int]]:
    """Example id -> lines of its example.py where ``asynclint run`` saw a coroutine or task lost."""
    root = tmp_path_factory.mktemp("crosscheck")
    dirs = []
    for code, kind, i, ex in CASES:
        d = root / case_id(code, kind, i)
        d.mkdir()
        for rel, text in ex.files.items():
            p = d / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text).lstrip("\n"))
        (d / "example.py").write_text(ex.source)
        dirs.append(str(d))
    report = root / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_RUNTIME_DIR", "PYTEST_ADDOPTS")}
    proc = subprocess.run(
        # ``-c``: the driver's own directory must not count as first-party code, so that a task
        # it creates for a stand-in job is located at the example's line that made it.
        [sys.executable, "-m", "asynclint", "run", "--format", "json", "-o", str(report), "--",
         sys.executable, "-c", f"import runpy; runpy.run_path({str(DRIVER)!r}, run_name='__main__')", *dirs],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, set[int]] = {case_id(c, k, i): set() for c, k, i, _ in CASES}
    for f in json.loads(report.read_text()):
        parts = Path(f["path"]).parts
        if f["code"] in RUNTIME_LOST and len(parts) >= 2 and parts[-1] == "example.py" and parts[-2] in out:
            out[parts[-2]].add(f["line"])
    return out


@pytest.mark.parametrize("code,kind,i,ex", CASES, ids=[case_id(c, k, i) for c, k, i, _ in CASES])
def test_static_and_runtime_agree(code, kind, i, ex, runtime_lines, tmp_path):
    if not runs_here(ex):
        pytest.skip("the example uses asyncio APIs of Python 3.11+")
    static = {f.line for f in run_example(next(r for r in all_rules() if r.code == code), ex, tmp_path, select=CODES)}
    seen = runtime_lines[case_id(code, kind, i)]
    if ex.runtime:
        assert static != seen, f"the example says static and runtime cannot agree ({ex.runtime}), but both report {sorted(static)}"
    else:
        assert static == seen, f"static {sorted(static)} != runtime {sorted(seen)}"

"""Runtime mode under uvloop: every check but slow steps works, and a warning says which one
does not (docs/runtime.md, "uvloop")."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("uvloop")

FIXTURE = Path(__file__).parent / "fixtures" / "runtime" / "under_uvloop.py"


def expected() -> set[tuple[str, int]]:
    out = set()
    for n, line in enumerate(FIXTURE.read_text().splitlines(), 1):
        m = re.search(r"# expect: ([A-Z0-9, ]+)", line)
        if m:
            out |= {(code, n) for code in re.findall(r"ASL\d{3}", m.group(1))}
    return out


def test_runtime_checks_under_uvloop(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_RUNTIME_DIR", "PYTEST_ADDOPTS")}
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "asynclint", "run", "--format", "json", "-o", str(report), "--slow-threshold", "300", "--", "python", FIXTURE.name],
        cwd=FIXTURE.parent, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = {(f["code"], f["line"]) for f in json.loads(report.read_text()) if f["path"] == FIXTURE.name}
    want = expected()
    if "__del__" not in vars(asyncio.StreamWriter):
        # Before Python 3.11.5 an unclosed StreamWriter does not warn, and uvloop's transports
        # warn from C: nothing to hook until the loop closes.
        want = {(code, line) for code, line in want if code != "ASL504"}
    assert found == want
    assert proc.stderr.count("asynclint: warning: uvloop's event loop runs no asyncio Handle") == 1

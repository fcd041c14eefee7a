"""ASL110 on call chains of any depth, and an internal error that never costs other files
their findings (issue 19 item 8). A real CLI run on a real project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.project.index import ProjectIndex

EXE = [sys.executable, "-m", "asynclint"]
DEPTH = 1500
OTHERS = 200


def _project(root: Path, limit: str = "max-chain-length = 0\n") -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'deep'\n\n[tool.asynclint]\n" + limit)
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    helpers = ["import time\n\n"]
    for i in range(DEPTH - 1):
        helpers.append(f"def f{i}():\n    return f{i + 1}()\n\n\n")
    helpers.append(f"def f{DEPTH - 1}():\n    time.sleep(1)\n")
    (pkg / "chain.py").write_text("".join(helpers))
    (pkg / "main.py").write_text("from pkg.chain import f0\n\n\nasync def handler():\n    f0()\n")
    for n in range(OTHERS):
        (pkg / f"other{n}.py").write_text(f"import time\n\n\ndef pause{n}():\n    time.sleep(1)\n\n\nasync def job{n}():\n    pause{n}()\n")
    return root


def test_chain_of_any_depth_is_followed_and_other_files_keep_their_findings(tmp_path):
    root = _project(tmp_path)
    proc = subprocess.run([*EXE, "--no-cache", "--select", "ASL110", "--format", "json", "pkg"], cwd=root, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1, proc.stderr[-3000:]
    findings = json.loads(proc.stdout)
    by_file = {}
    for f in findings:
        by_file.setdefault(Path(f["path"]).name, []).append((f["line"], f["code"]))
    assert by_file.pop("main.py") == [(5, "ASL110")]
    assert len(by_file) == OTHERS and all(v == [(9, "ASL110")] for v in by_file.values())
    [deep] = [f for f in findings if f["path"].endswith("main.py")]
    assert deep["message"].startswith("`f0()` defined at ") and "f1499() -> time.sleep()" in deep["message"]


def test_the_default_limit_drops_the_deep_chain_and_only_it(tmp_path):
    root = _project(tmp_path, limit="")
    proc = subprocess.run([*EXE, "--no-cache", "--select", "ASL110", "--format", "json", "pkg"], cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-3000:]
    files = sorted(Path(f["path"]).name for f in json.loads(proc.stdout))
    assert "main.py" not in files and len(files) == OTHERS


def test_a_failure_while_resolving_leaves_no_placeholder_behind(monkeypatch):
    """An internal error on one ref (here injected) must not make it unknown for later files."""
    index = ProjectIndex(())
    real = ProjectIndex._evaluate
    calls = []

    def flaky(self, ref, depth):
        calls.append(ref)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(self, ref, depth)

    monkeypatch.setattr(ProjectIndex, "_evaluate", flaky)
    with pytest.raises(RuntimeError):
        index.value("time.sleep")
    assert index.value("time.sleep").kind == "external"

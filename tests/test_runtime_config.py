"""The runtime codes are rules: `[tool.asynclint]`'s select, ignore and per-file-ignores apply
to what `asynclint run` and the pytest plugin report, exactly as to the static findings; a
configuration that names a runtime code is valid for every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ASYNCLINT = [sys.executable, "-m", "asynclint"]

APP = """\
import asyncio
import time

from legacy.old import old_sleep


async def fail():
    raise ValueError("boom")


async def main():
    time.sleep(0.001)
    old_sleep()
    task = asyncio.create_task(fail())
    await asyncio.sleep(0.01)


asyncio.run(main())
"""
OLD = """\
import time


def old_sleep():
    time.sleep(0.001)
"""
TEST = """\
import asyncio

from app_lib import main


def test_main():
    asyncio.run(main())
"""


def project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.asynclint]\n" + textwrap.dedent(table))
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "__init__.py").write_text("")
    (tmp_path / "legacy" / "old.py").write_text(OLD)
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_RUNTIME_DIR", "PYTEST_ADDOPTS")}


def runtime(tmp_path: Path, *extra: str) -> tuple[int, set[tuple[str, str, int]], str]:
    proc = subprocess.run(
        [*ASYNCLINT, "run", "--format", "json", "-o", "report.json", *extra, "--", "python", "app.py"],
        cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=120,
    )
    report = tmp_path / "report.json"
    found = {(f["code"], f["path"], f["line"]) for f in json.loads(report.read_text())} if report.exists() else set()
    return proc.returncode, found, proc.stderr


def test_defaults_report_every_runtime_code(tmp_path):
    code, found, _ = runtime(project(tmp_path, ""))
    assert code == 0
    assert found == {("ASL101", "app.py", 12), ("ASL101", "legacy/old.py", 5), ("ASL502", "app.py", 14)}


def test_ignore_a_runtime_code_in_config(tmp_path):
    root = project(tmp_path, 'ignore = ["ASL502"]\n')
    code, found, _ = runtime(root)
    assert code == 0
    assert found == {("ASL101", "app.py", 12), ("ASL101", "legacy/old.py", 5)}
    # The same configuration is valid for the static checks (it used to make them exit 2).
    static = subprocess.run([*ASYNCLINT, "check", "--no-cache", "app.py"], cwd=root, env=env(), capture_output=True, text=True, timeout=120)
    assert static.returncode == 1, static.stderr
    assert "ASL101" in static.stdout


def test_select_and_per_file_ignores_apply_to_runtime_findings(tmp_path):
    root = project(tmp_path, 'select = ["ASL1"]\nper-file-ignores = { "legacy/*" = ["ASL101"] }\n')
    code, found, _ = runtime(root)
    assert code == 0
    assert found == {("ASL101", "app.py", 12)}


def test_select_by_rule_name(tmp_path):
    code, found, _ = runtime(project(tmp_path, 'select = ["task-exception-never-retrieved"]\n'))
    assert found == {("ASL502", "app.py", 14)}


def test_a_broken_configuration_stops_before_the_program_runs(tmp_path):
    root = project(tmp_path, 'ignore = ["ASL5O2"]\n')  # a letter O, not a zero
    (root / "app.py").write_text("print('ran')\n")
    proc = subprocess.run([*ASYNCLINT, "run", "--", "python", "app.py"], cwd=root, env=env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "ASL5O2" in proc.stderr and "pyproject.toml" in proc.stderr


def test_explicit_config_file(tmp_path):
    root = project(tmp_path, "")
    (root / "strict.toml").write_text('ignore = ["ASL101"]\n')
    code, found, _ = runtime(root, "--config", "strict.toml")
    assert found == {("ASL502", "app.py", 14)}


def test_pytest_plugin_honours_the_configuration(tmp_path):
    root = project(tmp_path, 'ignore = ["ASL502"]\nper-file-ignores = { "legacy/*" = ["ASL1"] }\n')
    (root / "app_lib.py").write_text(APP.replace("\n\nasyncio.run(main())\n", "\n"))
    (root / "test_app.py").write_text(TEST)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q",
         "--asynclint-runtime", "--asynclint-runtime-output", "report.json", "test_app.py"],
        cwd=root, env=env(), capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    found = {(f["code"], f["path"], f["line"]) for f in json.loads((root / "report.json").read_text())}
    assert found == {("ASL101", "app_lib.py", 12)}

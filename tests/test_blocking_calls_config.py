"""ASL109's ``blocking-calls`` read from a real ``[tool.asynclint]`` table through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PYPROJECT = """\
[project]
name = "svc"
requires-python = ">=3.11"

[tool.asynclint]
select = ["ASL109"]
blocking-calls = { "mycorp.db.query" = "`mycorp.db.aquery`", "mycorp.rpc.Client.call*" = "`mycorp.rpc.AsyncClient`", "legacy.*" = "" }
"""

SOURCE = """\
import asyncio
import legacy
from mycorp import db
from mycorp.rpc import Client as Rpc


async def handler(uid):
    db.query(uid)
    rpc = Rpc()
    rpc.call_remote(uid)
    legacy.load(uid)
    await db.aquery(uid)
    await asyncio.to_thread(db.query, uid)
    rpc.close()


def sync_handler(uid):
    return db.query(uid)
"""


def asynclint(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asynclint", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_blocking_calls_from_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "svc.py").write_text(SOURCE)
    proc = asynclint(["check", "svc.py", "--format", "json", "--no-cache"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = [(f["line"], f["column"], f["code"], f["message"]) for f in json.loads(proc.stdout)]
    assert found == [
        (8, 5, "ASL109", "`mycorp.db.query()` is listed as blocking in `blocking-calls`; use `mycorp.db.aquery`"),
        (10, 5, "ASL109", "`mycorp.rpc.Client.call_remote()` is listed as blocking in `blocking-calls`; use `mycorp.rpc.AsyncClient`"),
        (11, 5, "ASL109", "`legacy.load()` is listed as blocking in `blocking-calls`; run it with `await asyncio.to_thread(...)`"),
    ]


def test_without_the_option_nothing_is_configured(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace(PYPROJECT.splitlines()[-1], ""))
    (tmp_path / "svc.py").write_text(SOURCE)
    proc = asynclint(["check", "svc.py", "--format", "json", "--no-cache"], tmp_path)
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])


def test_blocking_calls_must_be_a_table_of_strings(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.asynclint]
            blocking-calls = ["mycorp.db.query"]
            """
        )
    )
    (tmp_path / "svc.py").write_text(SOURCE)
    proc = asynclint(["check", "svc.py", "--no-cache"], tmp_path)
    assert proc.returncode == 2
    assert "blocking-calls: expected a table of \"name\" = \"suggestion\" strings" in proc.stderr

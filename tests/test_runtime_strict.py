"""`asynclint run --strict` raises at a blocking call, and records the finding first: an
application that swallows the error (aiohttp answers 500) still gets it reported, and
`--fail-on-findings` fails the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ASYNCLINT = [sys.executable, "-m", "asynclint"]

SWALLOWED = """\
import asyncio
import time


async def main():
    try:
        time.sleep(0.001)
    except Exception as e:
        print("swallowed", type(e).__name__)


asyncio.run(main())
"""

AIOHTTP_APP = """\
import asyncio
import time

from aiohttp import ClientSession, web


async def slow(request):
    time.sleep(0.001)
    return web.Response(text="ok")


async def main():
    app = web.Application()
    app.router.add_get("/", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    async with ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/") as resp:
            print("status", resp.status)
    await runner.cleanup()


asyncio.run(main())
"""


def run(tmp_path, source: str, *flags: str) -> tuple[subprocess.CompletedProcess, set]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "app.py").write_text(source)
    env = {k: v for k, v in os.environ.items() if k not in ("ASYNCLINT_RUNTIME_DIR", "PYTEST_ADDOPTS")}
    proc = subprocess.run(
        [*ASYNCLINT, "run", "--format", "json", "-o", "report.json", *flags, "--", "python", "app.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    found = {(f["code"], f["path"], f["line"]) for f in json.loads((tmp_path / "report.json").read_text())}
    return proc, found


def test_strict_records_before_raising_when_the_program_swallows_it(tmp_path):
    proc, found = run(tmp_path, SWALLOWED, "--strict", "--fail-on-findings")
    assert proc.stdout == "swallowed BlockingCallError\n"
    assert found == {("ASL101", "app.py", 7)}
    assert proc.returncode == 1


def test_strict_under_aiohttp_which_answers_500(tmp_path):
    pytest.importorskip("aiohttp")
    proc, found = run(tmp_path, AIOHTTP_APP, "--strict", "--fail-on-findings")
    assert "status 500" in proc.stdout  # the error really was raised, and aiohttp caught it
    assert found == {("ASL101", "app.py", 8)}
    assert proc.returncode == 1
    # Without --strict the request succeeds and the finding is the same.
    proc, found = run(tmp_path, AIOHTTP_APP, "--fail-on-findings")
    assert "status 200" in proc.stdout
    assert found == {("ASL101", "app.py", 8)}

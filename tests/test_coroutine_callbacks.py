"""ASL201's callback form across modules, through the CLI: a coroutine function handed to an API
that calls it synchronously is settled in pass 2 against the project index, from a cold cache,
a warm one, and after the callee's module changed while the caller's cached records did not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import lint_source

FILES = {
    "pyproject.toml": "[project]\nname = 'p'\n\n[tool.asynclint]\ntarget-version = '3.12'\n",
    "app/__init__.py": "",
    "app/hooks.py": """
        import asyncio


        async def on_done(task: asyncio.Task) -> None:
            ...


        def log(task: asyncio.Task) -> None:
            ...


        class Notifier:
            async def send(self, text: str) -> None:
                ...

            def render(self, text: str) -> str:
                return text
        """,
    "app/worker.py": """
        import asyncio
        import atexit
        import threading
        from functools import partial

        from app import hooks
        from app.hooks import Notifier, on_done


        class Worker:
            def __init__(self):
                self.notifier = Notifier()

            async def run(self, job):
                loop = asyncio.get_running_loop()
                task = asyncio.create_task(job())
                task.add_done_callback(on_done)
                task.add_done_callback(hooks.log)
                loop.call_later(1, partial(self.notifier.send, "late"))
                loop.call_soon(lambda: self.notifier.send("now"))
                loop.call_soon(partial(self.notifier.render, "sync"))
                threading.Thread(target=hooks.on_done, args=(task,)).start()
                atexit.register(self.notifier.render, "bye")
                return task
        """,
}

EXPECTED = [
    ("app/worker.py", 17, "ASL201"),
    ("app/worker.py", 19, "ASL201"),
    ("app/worker.py", 20, "ASL201"),
    ("app/worker.py", 22, "ASL201"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return tmp_path


def check(root: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "ASYNCLINT_CACHE_DIR"}
    proc = subprocess.run(
        [sys.executable, "-m", "asynclint", "check", "--select", "ASL201", "--format", "json", "--cache-dir", ".cache", "app"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def lines(findings: list[dict]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["code"]) for f in findings]


def test_cross_module_callbacks_cold_and_warm_cache(project):
    cold = check(project)
    assert lines(cold) == EXPECTED
    first = cold[0]
    assert first["message"] == (
        "`on_done()` defined at app/hooks.py:4 is a coroutine function; `add_done_callback()` calls it "
        "without awaiting, so the coroutine it creates never runs. Pass a sync function that schedules it "
        "with `asyncio.create_task()`/`loop.create_task()` (and keeps the task)"
    )
    assert (first["column"], first["end_column"], first["fix"]) == (32, 39, None)
    by_line = {f["line"]: f["message"] for f in cold}
    assert by_line[19].startswith("`Notifier.send()` defined at app/hooks.py:13 is a coroutine function; `call_later()` calls it (through `functools.partial()`)")
    assert by_line[20].startswith("`Notifier.send()` defined at app/hooks.py:13 is a coroutine function; `call_soon()` calls it (through the lambda)")
    assert by_line[22].endswith(
        "`threading.Thread()` calls it without awaiting, so the coroutine it creates never runs. "
        "Await it directly, or, from another thread, submit it to the loop with `asyncio.run_coroutine_threadsafe()`"
    )
    assert (project / ".cache").is_dir()
    assert check(project) == cold


def test_the_callees_module_changing_resettles_the_cached_call_sites(project):
    check(project)
    hooks = project / "app" / "hooks.py"
    hooks.write_text(hooks.read_text().replace("async def on_done", "def on_done"))
    assert lines(check(project)) == [e for e in EXPECTED if e[1] not in (17, 22)]


def test_without_the_project_the_imported_callbacks_are_unknown():
    source = textwrap.dedent(FILES["app/worker.py"])
    run = lint_source(source, "worker.py", Config(select=("ASL201",)))
    assert run.findings == [] and run.errors == []

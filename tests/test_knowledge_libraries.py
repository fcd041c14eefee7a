"""Library knowledge read from the libraries' own code: the summariser, the shipped (generated)
data checked against installed libraries, and live knowledge from a project's own venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from asynclint.knowledge import generate, libraries
from asynclint.knowledge.summarise import installed_distributions, summarise_installed


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


MINIDB = {
    "minidb/__init__.py": """
        from .core import Connection, connect, rows
        from ._tx import transaction
        open("IMPORTED", "w").write("the summariser must never import this package")
    """,
    "minidb/core.py": """
        import functools
        from collections.abc import AsyncIterator, Coroutine, Generator
        from typing import Any, overload
        from .cursor import Cursor

        def _logged(func):
            @functools.wraps(func)
            async def wrapper(*args, **kwargs):
                return await func(*args, **kwargs)
            return wrapper

        class Connection:
            def __await__(self) -> Generator[Any, None, "Connection"]:
                ...

            async def __aenter__(self) -> "Connection":
                return self

            async def __aexit__(self, *exc):
                ...

            async def execute(self, sql: str) -> Cursor:
                ...

            @_logged
            def ping(self):
                ...

            def close_later(self) -> Coroutine[Any, Any, None]:
                ...

            def cursor(self) -> Cursor:
                ...

            @overload
            async def fetch(self, sql: str) -> list: ...
            @overload
            async def fetch(self, sql: bytes) -> tuple: ...
            async def fetch(self, sql):
                ...

            def sync_helper(self) -> int:
                return 1

        def connect(path: str) -> Connection:
            return Connection()

        async def rows(sql) -> AsyncIterator[tuple]:
            yield ()
    """,
    "minidb/cursor.py": """
        class Cursor:
            def __aiter__(self):
                return self

            async def __anext__(self):
                ...

            async def fetchone(self):
                ...
    """,
    "minidb/_tx.py": """
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def transaction(conn):
            yield conn
    """,
}


def test_summariser_reads_a_library_without_importing_it(tmp_path):
    _write(tmp_path, MINIDB)
    s = summarise_installed(tmp_path, "minidb")
    assert not (Path.cwd() / "IMPORTED").exists() and not (tmp_path / "IMPORTED").exists()
    assert s["entries"] == {
        "minidb.Connection": {"k": 1, "m": 1, "w": 1, "a": "minidb.Connection"},
        "minidb.Connection.close_later": {"c": 1},
        "minidb.Connection.cursor": {"r": "minidb.cursor.Cursor"},
        "minidb.Connection.execute": {"c": 1, "a": "minidb.cursor.Cursor"},
        "minidb.Connection.fetch": {"c": 1},  # overloads agree it is a coroutine function
        "minidb.Connection.ping": {"c": 1},  # the library's decorator wraps it in an async def
        "minidb.connect": {"r": "minidb.Connection", "a": "minidb.Connection"},
        "minidb.cursor.Cursor": {"k": 1, "i": 1},
        "minidb.cursor.Cursor.fetchone": {"c": 1},
        "minidb.rows": {"i": 1},
        "minidb.transaction": {"m": 1},
    }
    assert s["aliases"] == {
        "minidb._tx.transaction": "minidb.transaction",
        "minidb.core.Connection": "minidb.Connection",
        "minidb.core.connect": "minidb.connect",
        "minidb.core.rows": "minidb.rows",
    }


def test_summariser_leaves_classes_with_sync_protocols_alone(tmp_path):
    _write(
        tmp_path,
        {
            "both/__init__.py": """
                import pydantic

                class Either:  # with and async with: not async-only
                    def __enter__(self): ...
                    def __exit__(self, *a): ...
                    async def __aenter__(self): ...
                    async def __aexit__(self, *a): ...
                    async def go(self): ...

                class Model(pydantic.BaseModel):  # a base we cannot see may define __iter__
                    def __aiter__(self): ...
                    async def save(self): ...

                @some.unknown_decorator
                async def wrapped(): ...
            """
        },
    )
    e = summarise_installed(tmp_path, "both")["entries"]
    assert e["both.Either"] == {"k": 1}
    assert e["both.Model"] == {"k": 1}
    assert e["both.Model.save"] == {"c": 1}
    assert "both.wrapped" not in e  # an unknown decorator: unknown, never "coroutine function"


def test_lookup_folds_internal_spellings():
    assert libraries.is_coroutine_function("aiosqlite.Connection.execute")
    assert libraries.is_coroutine_function("aiosqlite.core.Connection.execute")
    assert libraries.await_returns("aiosqlite.connect") == "aiosqlite.Connection"
    assert libraries.is_async_context_manager("sqlalchemy.ext.asyncio.AsyncSession")
    assert libraries.is_coroutine_function("sqlalchemy.ext.asyncio.AsyncSession.execute")
    assert not libraries.is_coroutine_function("sqlalchemy.ext.asyncio.AsyncSession.add")
    assert libraries.is_async_iterable("websockets.ClientConnection")
    assert libraries.facts("numpy.array") is None


def _generated_fact(name: str, key: str):
    """What the shipped (generated) knowledge alone says about ``name``, live knowledge off."""
    root = name.partition(".")[0]
    if root not in libraries.GENERATED:
        return None
    data = json.loads((generate.OUT / f"{root}.json").read_text(encoding="utf-8"))
    entries, aliases = data["entries"], data["aliases"]
    e = entries.get(name)
    head, rest = name, ""
    while e is None and "." in head:
        if head in aliases:
            e = entries.get(aliases[head] + rest)
            break
        head, _, last = head.rpartition(".")
        rest = f".{last}{rest}"
    return e.get(key) if e is not None else None


def test_no_hand_entry_repeats_the_generated_knowledge():
    """Hand tables keep only what the libraries' code cannot say: an entry the generated
    knowledge answers identically is dead weight that hides a regression of the summariser."""
    from asynclint.knowledge import coroutines, types

    flags = {
        "coroutines.COROUTINE_FUNCTIONS": (coroutines.COROUTINE_FUNCTIONS, "c"),
        "coroutines.ASYNC_CONTEXT_MANAGERS": (coroutines.ASYNC_CONTEXT_MANAGERS, "m"),
        "coroutines.ASYNC_ITERABLES": (coroutines.ASYNC_ITERABLES, "i"),
        "types.CLASSES": (types.CLASSES, "k"),
    }
    values = {
        "coroutines.ATTRIBUTE_TYPES": (coroutines.ATTRIBUTE_TYPES, "t"),
        "coroutines.CALL_RETURNS": (coroutines.CALL_RETURNS, "r"),
        "types.RETURNS": (types.RETURNS, "r"),
        "types.AWAIT_RETURNS": (types.AWAIT_RETURNS, "a"),
        "types.ENTER_RETURNS": (types.ENTER_RETURNS, "e"),
    }
    repeated = [f"{t}: {n}" for t, (table, key) in flags.items() for n in sorted(table) if _generated_fact(n, key) is not None]
    repeated += [
        f"{t}: {n}" for t, (table, key) in values.items() for n, v in sorted(table.items()) if _generated_fact(n, key) == v
    ]
    assert repeated == []
    # The check reads the generated data: a name it knows is found (so an empty list means something).
    assert _generated_fact("aiosqlite.core.Connection.execute", "c") is not None
    assert _generated_fact("asyncpg.Connection.fetch", "c") is not None


def test_at_least_25_libraries_with_versions():
    versions = libraries.versions()
    assert len({dist for dist, _ in versions.values()}) >= 25
    pinned = generate.pinned(generate.REQUIREMENTS)
    for top, (dist, version) in versions.items():
        assert pinned[generate._norm(dist)] == version, top
        data = json.loads((generate.OUT / f"{top}.json").read_text())
        assert (data["dist"], data["version"]) == (dist, version)


def _sites_to_check() -> list[tuple[Path, dict[str, str]]]:
    """Where pinned libraries are installed: the venv CI builds from the pinned list
    ($ASYNCLINT_KNOWLEDGE_SITE), else this environment (checked for the pins it happens to hold)."""
    pinned = generate.pinned(generate.REQUIREMENTS)
    site = os.environ.get("ASYNCLINT_KNOWLEDGE_SITE")
    if site:
        return [(Path(site), pinned)]
    out = []
    for p in map(Path, sys.path):
        if p.name == "site-packages" and p.is_dir():
            installed = {generate._norm(d): v for d, v in installed_distributions(p).values()}
            held = {d: v for d, v in pinned.items() if installed.get(d) == v}
            if held:
                out.append((p, held))
    return out


def test_generated_knowledge_matches_the_installed_libraries():
    sites = _sites_to_check()
    if not sites:
        pytest.skip("no pinned library installed here (CI installs them: .ci/run)")
    checked = 0
    for site, wanted in sites:
        found = generate.summaries(site, wanted)
        assert generate.check(found) == []
        checked += len(found)
    assert checked


def test_check_fails_on_stale_data(tmp_path, monkeypatch):
    _write(tmp_path, MINIDB)
    found = {"minidb": {"dist": "minidb", "version": "1.0", **summarise_installed(tmp_path, "minidb")}}
    monkeypatch.setattr(generate, "OUT", tmp_path / "out")
    (tmp_path / "out").mkdir()
    assert generate.check(found) == ["minidb: installed (minidb 1.0) but not generated"]
    (tmp_path / "out" / "minidb.json").write_text(generate.dump(found["minidb"]).replace('"c":1', '"r":"x"', 1))
    assert generate.check(found) == ["minidb: minidb.json differs from the installed minidb 1.0"]


# ---------------------------------------------------------------------------------- live
def _venv_with_minidb(root: Path, version: str = "1.0", files: dict[str, str] = MINIDB) -> Path:
    env = root / ".venv"
    venv.create(env, with_pip=False, symlinks=True)
    (site,) = env.glob("lib/python3*/site-packages")
    _write(site, files)
    info = site / f"minidb-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: minidb\nVersion: {version}\n")
    (info / "top_level.txt").write_text("minidb\n")
    return env


PROJECT = """
    import minidb

    async def save(path, row):
        db = await minidb.connect(path)
        db.execute("INSERT")
        async with minidb.transaction(db):
            pass
"""


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return subprocess.run(
        [sys.executable, "-m", "asynclint", "check", "--format", "concise", "--select", "ASL201", *args, "app.py"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    _write(root, {"app.py": PROJECT})
    return root


def test_live_knowledge_from_python_option(project, tmp_path):
    env = _venv_with_minidb(tmp_path / "elsewhere")
    without = _run(project)
    assert without.returncode == 0, without.stdout + without.stderr
    r = _run(project, "--python", str(env / "bin" / "python"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "app.py:5:5: ASL201" in r.stdout
    assert not (project / "IMPORTED").exists() and not (tmp_path / "elsewhere" / "IMPORTED").exists()
    cached = list((project / ".asynclint_cache" / "knowledge").glob("minidb-1.0-minidb-*.json"))
    assert len(cached) == 1


def test_live_knowledge_from_project_venv_and_config(project):
    _venv_with_minidb(project)
    r = _run(project)
    assert "app.py:5:5: ASL201" in r.stdout, r.stdout + r.stderr
    # config ``python = ...`` (relative to the config file) names the same environment
    os.rename(project / ".venv", project / "env")
    assert _run(project).returncode == 0
    (project / "pyproject.toml").write_text("[project]\nname = 'proj'\n[tool.asynclint]\npython = 'env'\n")
    assert "app.py:5:5: ASL201" in _run(project).stdout


def test_live_summaries_are_cached_by_version(project):
    env = _venv_with_minidb(project)
    assert "ASL201" in _run(project).stdout
    (site,) = env.glob("lib/python3*/site-packages")
    # Same version, different code: the cached summary still answers (keyed by version) ...
    core = site / "minidb" / "core.py"
    core.write_text(core.read_text().replace("async def execute", "def execute"))
    assert "ASL201" in _run(project).stdout
    # ... a new version is summarised afresh, and the file results cached before are not reused.
    os.rename(site / "minidb-1.0.dist-info", site / "minidb-1.1.dist-info")
    assert _run(project).returncode == 0


def test_without_environment_generated_knowledge_answers(project):
    """An isolated run (pre-commit's own env): the libraries shipped as generated data."""
    _write(project, {"app.py": "import aiosqlite\n\nasync def f(p):\n    db = await aiosqlite.connect(p)\n    db.commit()\n"})
    r = _run(project, "--no-cache")
    assert "app.py:5:5: ASL201" in r.stdout, r.stdout + r.stderr

"""The project index: per-file summaries, cross-module resolution, and the rules settled with it
(ASL110, ASL201, ASL202, ASL204, ASL205), on multi-module fixture packages whose
``# expect: ASLnnn`` comments mark every line that must be reported (and only those)."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config, load_config
from asynclint.engine import Linter, finish, lint_files, lint_source
from asynclint.files import discover
from asynclint.project.index import ProjectIndex
from asynclint.project.summary import ModuleSummary

FIXTURES = Path(__file__).parent / "fixtures" / "project"
CODES = ("ASL110", "ASL201", "ASL202", "ASL204", "ASL205")
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")


def expected_in(root: Path) -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = _EXPECT.search(line)
            if m:
                out |= {(rel, n, c) for c in re.split(r"[,\s]+", m.group(1).strip()) if c}
    return out


def lint_project(root: Path, paths: list[str] | None = None):
    """Lint ``paths`` (default: the whole project) from inside ``root``, as the CLI does."""
    old = os.getcwd()
    os.chdir(root)
    try:
        cfg = load_config(None, cwd=root).with_(select=CODES, cache=False)
        run = lint_files(discover(paths or ["."], cfg).files, cfg, root)
    finally:
        os.chdir(old)
    assert not run.errors, run.errors
    return run


def found(run) -> set[tuple[str, int, str]]:
    return {(Path(f.path).as_posix(), f.line, f.code) for f in run.findings}


def write_project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n\n[tool.asynclint]\ntarget-version = '3.12'\n")
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return tmp_path


# ---------------------------------------------------------------------- fixture projects
@pytest.mark.parametrize("project", ["shop", "srclayout"])
def test_every_marked_line_and_nothing_else(project):
    root = FIXTURES / project
    assert found(lint_project(root)) == expected_in(root)


def test_the_fixture_pins_each_resolution_path():
    """Guard against the fixture losing cases: each path must stay marked."""
    marks = expected_in(FIXTURES / "shop")
    by_code = {}
    for _, _, code in marks:
        by_code[code] = by_code.get(code, 0) + 1
    assert by_code == {"ASL201": 23, "ASL202": 8, "ASL204": 2, "ASL205": 3, "ASL110": 2}


def test_messages_name_the_callee_and_where_it_is_defined():
    run = lint_project(FIXTURES / "shop", ["app/handlers.py"])
    msg = {(f.line, f.code): f.message for f in run.findings}
    assert msg[(51, "ASL201")] == (
        "`save_user()` defined at app/repo.py:4 is a coroutine function; calling it without `await` "
        "creates a coroutine that never runs. Add `await`, or keep the task from `asyncio.create_task()`"
    )
    assert msg[(29, "ASL201")].startswith("`Service.helper()` defined at app/base.py:12 is a coroutine function")
    assert msg[(30, "ASL201")].startswith("`BaseRepo.save()` defined at app/repo.py:13 is a coroutine function")
    assert msg[(34, "ASL201")].startswith("`aiohttp.ClientSession.close()` returns a coroutine")
    assert msg[(115, "ASL110")] == (
        "`load_config()` defined at app/config.py:9 blocks the event loop: "
        "load_config() -> read_config() -> time.sleep(). Make it async, or call it with `await asyncio.to_thread(...)`"
    )
    assert "Settings.__init__() -> load_config() -> read_config() -> time.sleep()" in msg[(116, "ASL110")]
    assert msg[(79, "ASL202")] == (
        "`UserRepo.exists()` defined at app/repo.py:21 is a coroutine function; testing the coroutine object "
        "is always true and never runs it. Use `await exists(...)`"
    )
    assert "`dropped` holds its coroutine but is never awaited" in msg[(87, "ASL202")]
    assert msg[(98, "ASL204")] == (
        "`with Connection()` fails at run time: `Connection` defined at app/client.py:23 has `__aenter__` "
        "but no `__enter__`. Use `async with`"
    )
    assert msg[(104, "ASL205")].endswith(
        "`UserRepo.rows()` defined at app/repo.py:40 is an async generator function. Use `async for`"
    )


def test_linting_one_file_uses_the_index_of_the_rest_of_the_project():
    root = FIXTURES / "shop"
    run = lint_project(root, ["app/handlers.py"])
    assert {p for p, _, _ in found(run)} == {"app/handlers.py"}
    assert found(run) == {e for e in expected_in(root) if e[0] == "app/handlers.py"}


def test_src_layout_single_file():
    root = FIXTURES / "srclayout"
    run = lint_project(root, ["src/pkg/api.py"])
    assert found(run) == expected_in(root)
    assert run.findings[0].message.startswith("`Engine.start()` defined at src/pkg/core.py:5")


def test_cli_on_one_file_finds_a_cross_module_coroutine():
    root = FIXTURES / "shop"
    proc = subprocess.run(
        [sys.executable, "-m", "asynclint", "--select", "ASL201", "--no-cache", "--format", "concise", "app/handlers.py"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert (
        "app/handlers.py:51:5: ASL201 [*unsafe] `save_user()` defined at app/repo.py:4 is a coroutine function; "
        "calling it without `await` creates a coroutine that never runs. Add `await`, or keep the task from "
        "`asyncio.create_task()`"
    ) in lines
    assert all(line.startswith("app/handlers.py:") for line in lines if line.strip())
    assert len(lines) == 23


def test_without_the_project_imported_callees_are_unknown_and_never_coroutines():
    src = (FIXTURES / "shop" / "app" / "handlers.py").read_text()
    run = lint_source(src, "handlers.py", Config(select=CODES))
    lines = {(f.line, f.code) for f in run.findings}
    # Only what the module itself or the library knowledge decides.
    assert lines == {
        (28, "ASL201"), (39, "ASL201"), (43, "ASL201"), (124, "ASL201"),
    }


# ---------------------------------------------------------------------- picklable pass 1
def test_summaries_and_deferred_records_pickle(tmp_path):
    root = FIXTURES / "shop"
    cfg = Config(select=CODES)
    linter = Linter(cfg, root)
    result = linter.lint_path(str(root / "app" / "handlers.py"), "app/handlers.py")
    assert isinstance(result.summary, ModuleSummary) and result.deferred
    again = pickle.loads(pickle.dumps(result))
    assert again.summary == result.summary and again.deferred == result.deferred
    assert result.summary.names["exported_save"] == ("import", "app.save_user")
    assert result.summary.classes["Handler"].bases == ("app.base.Service",)


def test_summary_records_functions_classes_attributes_and_calls():
    root = FIXTURES / "shop"
    linter = Linter(Config(select=CODES), root)
    base = linter.lint_path(str(root / "app" / "base.py"), "app/base.py").summary
    assert base.module == "app.base"
    assert base.classes["Service"].attrs == {"client": "app.client.ApiClient()", "repo": "app.repo.UserRepo()"}
    assert base.names["UserRepo"] == ("import", "app.repo.UserRepo")
    repo = linter.lint_path(str(root / "app" / "repo.py"), "app/repo.py").summary
    rows = repo.functions["UserRepo.rows"]
    assert (rows.is_async, rows.is_generator) == (True, True)
    assert repo.functions["UserRepo.make"].decorators == ("builtins.staticmethod",)
    assert repo.functions["get_repo"].returns == "app.repo.UserRepo()"
    assert repo.names["default_repo"] == ("var", "app.repo.UserRepo()")
    init = linter.lint_path(str(root / "app" / "__init__.py"), "app/__init__.py").summary
    assert init.is_package and init.names["save_user"] == ("import", "app.repo.save_user")
    assert init.names["notify"] == ("import", "app.util.notify")
    config = linter.lint_path(str(root / "app" / "config.py"), "app/config.py").summary
    assert config.functions["load_config"].calls == (("app.config.read_config", 10, None),)
    assert config.functions["read_config"].calls == (("time.sleep", 5, None),)


# ---------------------------------------------------------------------- index edge cases
def lint_tmp(tmp_path: Path, files: dict[str, str], main: str = "main.py") -> set[tuple[int, str]]:
    root = write_project(tmp_path, files)
    run = lint_project(root, [main])
    return {(f.line, f.code) for f in run.findings}


def test_star_imports_and_re_export_chains(tmp_path):
    assert lint_tmp(tmp_path, {
        "pkg/__init__.py": "from .api import *\n",
        "pkg/api.py": "from ._impl import fetch\n",
        "pkg/_impl.py": "async def fetch():\n    ...\n",
        "main.py": "import pkg\n\nasync def go():\n    pkg.fetch()\n",
    }) == {(4, "ASL201")}


def test_import_cycles_resolve_to_unknown(tmp_path):
    assert lint_tmp(tmp_path, {
        "a.py": "from b import thing\n",
        "b.py": "from a import thing\n",
        "main.py": "from a import thing\n\nasync def go():\n    thing()\n    if thing():\n        pass\n",
    }) == set()


def test_conflicting_definitions_are_unknown(tmp_path):
    assert lint_tmp(tmp_path, {
        "compat.py": """
            try:
                from fast import load
            except ImportError:
                from slow import load
            """,
        "slow.py": "async def load():\n    ...\n",
        "main.py": "from compat import load\n\nasync def go():\n    load()\n",
    }) == set()


def test_unknown_base_class_hides_methods_external_base_is_looked_up(tmp_path):
    assert lint_tmp(tmp_path, {
        "clients.py": """
            import httpx
            from framework import Base

            class Mine(httpx.AsyncClient):
                pass

            class Other(Base):
                pass
            """,
        "main.py": """
            from clients import Mine, Other

            async def go(m: Mine, o: Other):
                m.aclose()
                o.aclose()
            """,
    }) == {(4, "ASL201")}


def test_override_in_subclass_wins_over_the_async_base_method(tmp_path):
    assert lint_tmp(tmp_path, {
        "base.py": "class Base:\n    async def run(self):\n        ...\n",
        "sub.py": "from base import Base\n\nclass Sync(Base):\n    def run(self):\n        ...\n",
        "main.py": "from sub import Sync\nfrom base import Base\n\nasync def go(s: Sync, b: Base):\n    s.run()\n    b.run()\n",
    }) == {(6, "ASL201")}


def test_unknown_decorators_and_properties(tmp_path):
    assert lint_tmp(tmp_path, {
        "svc.py": """
            import functools
            from framework import route

            @route("/x")
            async def handler():
                ...

            @functools.lru_cache
            async def cached():
                ...

            class S:
                @property
                async def ready(self):
                    ...
            """,
        "main.py": """
            from svc import handler, cached, S

            async def go(s: S):
                handler()
                cached()
                if s.ready:
                    pass
            """,
    }) == {(5, "ASL201")}


def test_blocking_chain_stops_at_thread_handoff_and_async_code(tmp_path):
    assert lint_tmp(tmp_path, {
        "helpers.py": """
            import asyncio
            import time
            from concurrent.futures import ThreadPoolExecutor

            def in_thread(pool: ThreadPoolExecutor):
                pool.submit(time.sleep, 1)

            def makes_coroutine():
                return asyncio.sleep(1)

            def recursive(n):
                return recursive(n - 1) if n else 0

            def deep(n):
                return recursive(n) or time.sleep(1)
            """,
        "main.py": """
            from helpers import in_thread, makes_coroutine, recursive, deep

            async def go(pool):
                in_thread(pool)
                await makes_coroutine()
                makes_coroutine()
                recursive(3)
                deep(3)
            """,
    }) == {(8, "ASL110")}


def test_index_values_directly():
    def summary(module, **kw):
        return ModuleSummary(module, module.replace(".", "/") + ".py", False, kw.get("functions", {}), kw.get("classes", {}), kw.get("names", {}))

    index = ProjectIndex([summary("p", names={"x": ("import", "q.y")}), summary("q", names={"y": ("import", "p.x")})])
    assert index.value("p.x").kind == "unknown"
    assert index.value("asyncio.Lock()").kind == "external"
    assert index.coroutine_function("aiohttp.ClientSession().close").name == "aiohttp.ClientSession.close"
    assert index.coroutine_function("asyncio.Lock().locked") is None
    assert index.async_context_manager("asyncio.timeout()").name == "asyncio.timeout"
    assert index.async_context_manager("asyncio.Lock()").name == "asyncio.Lock"
    assert index.async_iterable("aiohttp.ClientResponse().content").name == "aiohttp.StreamReader"


def test_nested_functions_resolve(tmp_path):
    assert lint_tmp(tmp_path, {
        "main.py": """
            def outer():
                async def inner():
                    ...

                def plain():
                    ...

                async def use():
                    inner()
                    plain()

                return use
            """,
    }) == {(9, "ASL201")}


def test_super_resolves_to_the_next_class_in_the_mro(tmp_path):
    assert lint_tmp(tmp_path, {
        "base.py": "class Base:\n    async def close(self):\n        ...\n\n    def flush(self):\n        ...\n",
        "main.py": """
            from base import Base

            class Child(Base):
                async def close(self):
                    super().close()
                    super().flush()
                    await super().close()

                def flush(self):
                    super().flush()
            """,
    }) == {(5, "ASL201")}


def test_only_the_modules_call_sites_reach_are_summarized(tmp_path):
    from asynclint.project.discovery import ModuleLoader

    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/repo.py": "from app.models import User\n\nasync def save(user: User):\n    ...\n",
        "app/models.py": "class User:\n    pass\n",
        "app/unrelated.py": "async def other():\n    ...\n",
        "main.py": "from app.repo import save\n\nasync def go():\n    save(1)\n",
    })
    asked = []
    loader = ModuleLoader(root, Config())

    def recording(name):
        asked.append(name)
        return loader(name)

    cfg = Config(select=CODES)
    linter = Linter(cfg, root)
    result = linter.lint_path(str(root / "main.py"), "main.py")
    index = ProjectIndex([result.summary], recording)
    asked_201 = next(d for d in result.deferred if d.code == "ASL201")
    assert index.answer(asked_201.question).where == "app/repo.py:3"
    assert "app.unrelated" not in asked and "app.repo" in asked
    assert sorted(index.modules) == ["app.repo", "main"]


def test_keyword_arguments_of_calls_and_class_definitions():
    src = """
        import logging

        async def make():
            ...

        class C(metaclass=make()):
            pass

        async def go():
            logging.info("%s", extra=make())
            print("x", end=make())
        """
    run = lint_source(textwrap.dedent(src).lstrip("\n"), "k.py", Config(select=CODES))
    assert not run.errors
    assert {(f.line, f.code) for f in run.findings} == {(10, "ASL202"), (11, "ASL202")}


def test_asl110_follows_isinstance_guards_of_the_first_helper(tmp_path):
    """Issue 16: the call site's argument class decides an ``isinstance`` branch of the helper;
    an argument of unknown class keeps the chain."""
    from asynclint.config import Config
    from asynclint.engine import lint_source

    src = (
        "import io\n"
        "from pathlib import Path\n"
        "def load(src, *, mode='rb'):\n"
        "    if isinstance(src, (str, Path)):\n"
        "        with open(src, mode) as f:\n"
        "            return f.read()\n"
        "    return src.read()\n"
        "async def main(data, unknown):\n"
        "    load(io.BytesIO(data))\n"
        "    load('config.toml')\n"
        "    load(Path('x'))\n"
        "    load(unknown)\n"
        "    load(src=io.BytesIO(data))\n"
    )
    run = lint_source(src, "m.py", Config(select=("ASL110",)))
    assert sorted(f.line for f in run.findings) == [10, 11, 12]
    assert {f.root for f in run.findings} == {"`load()` (m.py:3)"}

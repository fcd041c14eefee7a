"""Pass 2's memo: a fully warm run takes the settled findings from one file, and any change to
what pass 2 read (a linted file, a project module outside the run, a module that appears, the
configuration) or a damaged memo falls back to the ordinary path with the right findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from projects import make_project, write

from asynclint.config import Config
from asynclint.engine import lint_files

COROS = "async def fetch():\n    return 1\n"
USE = "from pkg.coros import fetch\nfrom pkg.later import thing\n\n\nasync def main():\n    fetch()\n    thing()\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/coros.py": COROS, "pkg/use.py": USE})


def run(root: Path, names=("__init__.py", "coros.py", "use.py"), findings_only=True, **config):
    cfg = Config(base_dir=str(root), cache_dir=str(root / ".cache"), **config)
    items = [(str(root / "pkg" / n), f"pkg/{n}") for n in names]
    return lint_files(items, cfg, root, findings_only=findings_only)


def found(result) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.code) for f in result.findings]


def memos(root: Path) -> list[Path]:
    return sorted((root / ".cache").glob("pass2-*.pickle"))


def test_warm_run_takes_pass_two_output_from_the_memo(project):
    cold = run(project)
    assert found(cold) == [("pkg/use.py", 6, "ASL201")]
    assert not cold.cache_stats.pass2_memo_hit
    assert len(memos(project)) == 1
    warm = run(project)
    assert warm.cache_stats.pass2_memo_hit
    assert warm.findings == cold.findings
    assert [r.path for r in warm.files] == ["pkg/__init__.py", "pkg/coros.py", "pkg/use.py"]
    assert warm.cache_stats.hits == 3 and warm.cache_stats.misses == 0


def test_callers_that_need_whole_results_never_get_the_memo(project):
    run(project)
    again = run(project, findings_only=False)
    assert not again.cache_stats.pass2_memo_hit
    assert all(r.summary is not None for r in again.files)


@pytest.mark.parametrize("name", ["coros.py", "use.py", "__init__.py"])
def test_editing_any_linted_file_invalidates_it(project, name):
    run(project)
    path = project / "pkg" / name
    write(path, path.read_text() + "\nX = 1\n" if name != "coros.py" else "def fetch():\n    return 1\n")
    again = run(project)
    assert not again.cache_stats.pass2_memo_hit
    expected = [] if name == "coros.py" else [("pkg/use.py", 6, "ASL201")]
    assert found(again) == expected
    assert run(project).cache_stats.pass2_memo_hit  # and the memo is rewritten for the new inputs


def test_editing_a_project_module_outside_the_run_invalidates_it(project):
    assert found(run(project, names=("use.py",))) == [("pkg/use.py", 6, "ASL201")]
    assert run(project, names=("use.py",)).cache_stats.pass2_memo_hit
    write(project / "pkg" / "coros.py", "def fetch():\n    return 1\n")
    again = run(project, names=("use.py",))
    assert not again.cache_stats.pass2_memo_hit
    assert found(again) == []


def test_a_module_that_appears_outside_the_run_invalidates_it(project):
    run(project, names=("use.py",))
    write(project / "pkg" / "later.py", "async def thing():\n    return 1\n")
    again = run(project, names=("use.py",))
    assert not again.cache_stats.pass2_memo_hit
    assert found(again) == [("pkg/use.py", 6, "ASL201"), ("pkg/use.py", 7, "ASL201")]


def test_configuration_change_is_a_different_memo(project):
    run(project)
    other = run(project, ignore=("ASL201",))
    assert not other.cache_stats.pass2_memo_hit
    assert found(other) == []


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_corrupt_memo_is_a_miss_and_is_rewritten(project, damage):
    cold = run(project)
    (memo,) = memos(project)
    data = memo.read_bytes()
    memo.write_bytes(data[: len(data) // 2] if damage is None else damage)
    again = run(project)
    assert not again.cache_stats.pass2_memo_hit
    assert again.findings == cold.findings
    assert run(project).cache_stats.pass2_memo_hit


def test_a_fully_warm_cli_run_imports_no_rule_no_semantics_and_no_project_index(project):
    env = {**os.environ, "ASYNCLINT_CACHE_DIR": str(project / ".cache")}
    cmd = [sys.executable, "-m", "asynclint", "pkg", "--format", "json"]
    cold = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['asynclint', 'pkg', '--format', 'json']\n"
        "try:\n    runpy.run_module('asynclint', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('asynclint.rules', 'asynclint.registry', 'asynclint.semantics', 'asynclint.project.index', 'asynclint.project.summary', 'libcst')))\n"
        "sys.stderr.write('MODULES:' + ','.join(bad) + '\\n')\n"
    )
    warm = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert [len(json.loads(cold.stdout))] == [1]
    assert "MODULES:\n" in warm.stderr


def test_the_cli_keeps_one_memo_per_scope_as_files_come_and_go(project):
    env = {**os.environ, "ASYNCLINT_CACHE_DIR": str(project / ".cache")}
    cmd = [sys.executable, "-m", "asynclint", "pkg", "--format", "json"]
    first = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    assert [(f["path"], f["line"]) for f in json.loads(first.stdout)] == [("pkg/use.py", 6)]
    write(project / "pkg" / "later.py", "async def thing():\n    return 1\n")
    again = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    assert [(f["path"], f["line"]) for f in json.loads(again.stdout)] == [("pkg/use.py", 6), ("pkg/use.py", 7)]
    assert len(memos(project)) == 1

"""After an edit, pass 2 settles again only the files whose answers can have changed: the
edited files, and the files whose call sites read a module whose summary changed (or an
outside module that changed). Every other file keeps its findings from pass 2's memo. The
findings must always be exactly those of a run without any cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import make_project, write

from asynclint.config import Config
from asynclint.engine import lint_files

FILES = {
    "pkg/__init__.py": "",
    "pkg/coros.py": "async def fetch():\n    return 1\n\n\ndef plain():\n    return 2\n",
    "pkg/reexport.py": "from pkg.coros import fetch\n",
    "pkg/use.py": "from pkg.coros import fetch, plain\n\n\nasync def main():\n    fetch()\n    plain()\n",
    "pkg/indirect.py": "from pkg.reexport import fetch\n\n\nasync def main():\n    fetch()\n",
    "pkg/io.py": "def read(path):\n    with open(path) as f:\n        return f.read()\n",
    "pkg/load.py": "from pkg.io import read\n\n\ndef load():\n    return read('x')\n",
    "pkg/handler.py": "from pkg.load import load\n\n\nasync def handle():\n    load()\n",
    "pkg/other.py": "import time\n\n\nasync def nap():\n    time.sleep(1)\n",
}
NAMES = tuple(sorted(FILES))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj", FILES)


def run(root: Path, names=NAMES, cache=True):
    cfg = Config(base_dir=str(root), cache_dir=str(root / ".cache"), cache=cache)
    items = [(str(root / n), n) for n in names]
    return lint_files(items, cfg, root, findings_only=True)


def found(result) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.code) for f in result.findings]


BASE = [
    ("pkg/handler.py", 5, "ASL110"),
    ("pkg/indirect.py", 5, "ASL201"),
    ("pkg/other.py", 5, "ASL101"),
    ("pkg/use.py", 5, "ASL201"),
]


def test_a_comment_edit_settles_only_the_edited_file(project):
    assert found(run(project)) == BASE
    write(project / "pkg/coros.py", FILES["pkg/coros.py"] + "# a comment\n")
    again = run(project)
    assert found(again) == BASE
    stats = again.cache_stats
    assert (stats.misses, stats.settled_files, stats.pass2_memo_hit) == (1, 1, False)
    warm = run(project)
    assert warm.cache_stats.pass2_memo_hit and found(warm) == BASE


def test_a_changed_definition_settles_its_readers_and_no_other_file(project):
    run(project)
    write(project / "pkg/coros.py", "def fetch():\n    return 1\n\n\ndef plain():\n    return 2\n")
    again = run(project)
    assert found(again) == [("pkg/handler.py", 5, "ASL110"), ("pkg/other.py", 5, "ASL101")]
    # coros.py itself, use.py (imports it) and indirect.py (through reexport.py): not the others
    assert (again.cache_stats.misses, again.cache_stats.settled_files) == (1, 3)
    write(project / "pkg/coros.py", FILES["pkg/coros.py"])
    assert found(run(project)) == BASE


def test_a_blocking_chain_two_modules_away_is_followed(project):
    run(project)
    write(project / "pkg/io.py", "def read(path):\n    return path\n")
    again = run(project)
    assert ("pkg/handler.py", 5, "ASL110") not in found(again)
    # io.py and handler.py, whose chain went through load.py into io.py; load.py settles nothing of io's
    assert again.cache_stats.settled_files == 2
    write(project / "pkg/io.py", FILES["pkg/io.py"])
    assert found(run(project)) == BASE


def test_a_shifted_line_updates_the_definition_site_in_messages(project):
    first = {f.path: f.message for f in run(project).findings}
    assert "defined at pkg/coros.py:1" in first["pkg/use.py"]
    write(project / "pkg/coros.py", "\n\n" + FILES["pkg/coros.py"])
    again = {f.path: f.message for f in run(project).findings}
    assert "defined at pkg/coros.py:3" in again["pkg/use.py"]
    assert "defined at pkg/coros.py:3" in again["pkg/indirect.py"]


def test_an_outside_module_change_settles_only_its_readers(project):
    names = ("pkg/use.py", "pkg/other.py", "pkg/handler.py")
    assert found(run(project, names)) == [("pkg/handler.py", 5, "ASL110"), ("pkg/other.py", 5, "ASL101"), ("pkg/use.py", 5, "ASL201")]
    write(project / "pkg/coros.py", "def fetch():\n    return 1\n\n\ndef plain():\n    return 2\n")
    again = run(project, names)
    assert found(again) == [("pkg/handler.py", 5, "ASL110"), ("pkg/other.py", 5, "ASL101")]
    assert (again.cache_stats.misses, again.cache_stats.settled_files) == (0, 1)


def test_a_module_that_appears_settles_the_files_that_looked_for_it(project):
    write(project / "pkg/late_use.py", "from pkg.later import thing\n\n\nasync def main():\n    thing()\n")
    names = (*NAMES, "pkg/late_use.py")
    assert found(run(project, names)) == BASE
    write(project / "pkg/later.py", "async def thing():\n    return 1\n")
    again = run(project, names)
    assert ("pkg/late_use.py", 5, "ASL201") in found(again)
    assert again.cache_stats.settled_files == 1


EDITS = [
    ("pkg/coros.py", "class Repo:\n    async def save(self):\n        ...\n\n\nasync def fetch():\n    return 1\n\n\ndef plain():\n    return 2\n"),
    ("pkg/use.py", "from pkg.coros import Repo, fetch\n\n\nasync def main():\n    r = Repo()\n    r.save()\n    fetch()\n"),
    ("pkg/coros.py", "class Repo:\n    def save(self):\n        ...\n\n\nasync def fetch():\n    return 1\n"),
    ("pkg/reexport.py", "from pkg.coros import fetch as fetch\nfrom pkg.io import read as fetch2\n"),
    ("pkg/indirect.py", "from pkg.reexport import fetch2\n\n\nasync def main():\n    fetch2('y')\n"),
    ("pkg/io.py", "def read(path):\n    return path\n"),
    ("pkg/io.py", FILES["pkg/io.py"]),
    ("pkg/coros.py", "class Base:\n    async def save(self):\n        ...\n\n\nclass Repo(Base):\n    pass\n\n\nasync def fetch():\n    return 1\n"),
    ("pkg/coros.py", "this is not python ("),
    ("pkg/coros.py", FILES["pkg/coros.py"]),
]


def test_every_edit_gives_the_findings_of_a_run_without_cache(project):
    run(project)
    for n, (name, text) in enumerate(EDITS):
        write(project / name, text)
        incremental = run(project)
        assert not incremental.cache_stats.pass2_memo_hit, n
        fresh = run(project, cache=False)
        assert [(f.path, f.line, f.code, f.message) for f in incremental.findings] == [
            (f.path, f.line, f.code, f.message) for f in fresh.findings
        ], n
        assert [e.message for e in incremental.errors] == [e.message for e in fresh.errors], n


def test_the_benchmark_switch_drops_only_the_project_index(project, monkeypatch):
    """benchmarks/bench.py measures what the index adds by running the same rules without it."""
    monkeypatch.setenv("ASYNCLINT_BENCH_WITHOUT_INDEX", "1")
    without = run(project, cache=False)
    assert found(without) == [("pkg/other.py", 5, "ASL101")]  # ASL101 is per-file; ASL110/201 need the index
    monkeypatch.delenv("ASYNCLINT_BENCH_WITHOUT_INDEX")
    assert found(run(project, cache=False)) == BASE


def run_scope(root: Path, names, cache=True):
    """As the CLI runs: the memo is named by the paths asked for, not by the files found."""
    cfg = Config(base_dir=str(root), cache_dir=str(root / ".cache"), cache=cache)
    items = [(str(root / n), n) for n in names]
    return lint_files(items, cfg, root, findings_only=True, scope=[str(root / "pkg")])


def test_a_file_added_to_the_scope_is_a_change_not_a_new_memo(project):
    assert found(run_scope(project, NAMES)) == BASE
    write(project / "pkg/later.py", "async def thing():\n    return 1\n")
    write(project / "pkg/late_use.py", "from pkg.later import thing\n\n\nasync def main():\n    thing()\n")
    names = tuple(sorted((*NAMES, "pkg/later.py", "pkg/late_use.py")))
    again = run_scope(project, names)
    assert ("pkg/late_use.py", 5, "ASL201") in found(again)
    assert not again.cache_stats.pass2_memo_hit
    assert (again.cache_stats.misses, again.cache_stats.settled_files) == (2, 2)
    assert found(again) == found(run_scope(project, names, cache=False))
    assert run_scope(project, names).cache_stats.pass2_memo_hit


def test_a_file_that_leaves_the_scope_settles_its_readers(project):
    run_scope(project, NAMES)
    (project / "pkg/reexport.py").unlink()
    names = tuple(n for n in NAMES if n != "pkg/reexport.py")
    again = run_scope(project, names)
    # indirect.py imported fetch through reexport.py: now unknown, so no finding
    assert found(again) == [f for f in BASE if f[0] != "pkg/indirect.py"]
    assert (again.cache_stats.misses, again.cache_stats.settled_files) == (0, 1)
    assert found(again) == found(run_scope(project, names, cache=False))


SCOPE_EDITS = [
    ("write", "pkg/later.py", "async def thing():\n    return 1\n"),
    ("write", "pkg/late_use.py", "from pkg.later import thing\nfrom pkg import coros\n\n\nasync def main():\n    thing()\n    coros.fetch()\n"),
    ("delete", "pkg/later.py", None),
    ("write", "pkg/coros.py", "def fetch():\n    return 1\n"),
    ("delete", "pkg/io.py", None),
    ("write", "pkg/io.py", FILES["pkg/io.py"]),
    ("write", "pkg/later.py", "class Thing:\n    async def __call__(self):\n        ...\n\n\nasync def thing():\n    return 1\n"),
    ("delete", "pkg/__init__.py", None),
    ("write", "pkg/__init__.py", ""),
    ("write", "pkg/coros.py", FILES["pkg/coros.py"]),
]


def test_every_file_added_or_removed_gives_the_findings_of_a_run_without_cache(project):
    def names():
        return tuple(sorted(p.relative_to(project).as_posix() for p in (project / "pkg").rglob("*.py")))

    run_scope(project, names())
    for n, (action, name, text) in enumerate(SCOPE_EDITS):
        if action == "delete":
            (project / name).unlink()
        else:
            write(project / name, text)
        incremental = run_scope(project, names())
        fresh = run_scope(project, names(), cache=False)
        assert [(f.path, f.line, f.code, f.message) for f in incremental.findings] == [
            (f.path, f.line, f.code, f.message) for f in fresh.findings
        ], n
        assert run_scope(project, names()).cache_stats.pass2_memo_hit, n

"""The result cache: hits and misses by content, invalidation by configuration, damage and
concurrency survived, and no trace of it with ``--no-cache``."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from projects import OLD, make_project, write

from asynclint.cache import Cache, open_cache
from asynclint.config import Config, load_config
from asynclint.engine import lint_files
from asynclint.files import discover

BAD = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/bad.py": BAD, "pkg/clean.py": CLEAN})


def run(root: Path, config: Config | None = None, progress=None):
    config = config or Config(base_dir=str(root), cache_dir=str(root / ".asynclint_cache"))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        files = discover(["pkg"], config).files
        result = lint_files(files, config, root, progress=progress)
    finally:
        os.chdir(cwd)
    return result


def found(result) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.code) for f in result.findings]


def counts(result) -> tuple[int, int, int]:
    s = result.cache_stats
    return s.hits, s.hashed_hits, s.misses


def cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "ASYNCLINT_CACHE_DIR"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "asynclint", *args], cwd=root, capture_output=True, text=True, env=full_env, timeout=120
    )


def test_second_run_is_served_from_the_cache(project):
    first = run(project)
    assert found(first) == [("pkg/bad.py", 5, "ASL101")]
    assert counts(first) == (0, 0, 3)
    second = run(project)
    assert found(second) == found(first)
    assert counts(second) == (3, 0, 0)


def test_changed_content_is_linted_again_and_the_rest_is_not(project):
    run(project)
    write(project / "pkg" / "bad.py", "# moved down\n" + BAD)
    again = run(project)
    assert found(again) == [("pkg/bad.py", 6, "ASL101")]
    assert counts(again) == (2, 0, 1)


def test_touched_file_with_same_content_is_a_hit_after_hashing(project):
    run(project)
    later = OLD + 100
    os.utime(project / "pkg" / "bad.py", (later, later))
    again = run(project)
    assert counts(again) == (2, 1, 0)
    assert found(again) == [("pkg/bad.py", 5, "ASL101")]
    # The new stamp was stored: the next run trusts the stat again.
    assert counts(run(project)) == (3, 0, 0)


def test_configuration_change_invalidates(project):
    base = Config(base_dir=str(project), cache_dir=str(project / ".asynclint_cache"))
    run(project, base)
    ignoring = base.with_(ignore=("ASL101",))
    r = run(project, ignoring)
    assert found(r) == [] and counts(r) == (0, 0, 3)
    newer = base.with_(target_version=(3, 12))
    assert counts(run(project, newer)) == (0, 0, 3)
    # Back to the first configuration: its entries are still there.
    assert counts(run(project, base)) == (3, 0, 0)


def test_per_file_ignores_invalidate_only_the_files_they_match(project):
    base = Config(base_dir=str(project), cache_dir=str(project / ".asynclint_cache"))
    run(project, base)
    pfi = base.with_(per_file_ignores=(("pkg/bad.py", ("ASL101",)),))
    r = run(project, pfi)
    assert found(r) == []
    assert counts(r) == (2, 0, 1)


def test_truncated_index_is_ignored_and_rewritten(project):
    run(project)
    (index,) = (project / ".asynclint_cache").glob("index-*.pickle")
    data = index.read_bytes()
    index.write_bytes(data[: len(data) // 2])
    r = run(project)
    assert found(r) == [("pkg/bad.py", 5, "ASL101")]
    assert counts(r) == (0, 0, 3)
    assert counts(run(project)) == (3, 0, 0)


def test_garbage_index_is_ignored_and_rewritten(project):
    run(project)
    (index,) = (project / ".asynclint_cache").glob("index-*.pickle")
    index.write_bytes(b"not a pickle at all\x00\xff")
    r = run(project)
    assert found(r) == [("pkg/bad.py", 5, "ASL101")]
    assert counts(run(project)) == (3, 0, 0)


def test_corrupt_entry_is_a_miss_and_is_rewritten(project):
    run(project)
    (index,) = (project / ".asynclint_cache").glob("index-*.pickle")
    from asynclint.cache_trust import seal, unseal

    fmt, entries = pickle.loads(unseal(index.read_bytes()))
    key = str((project / "pkg" / "bad.py").resolve())
    display, stamp, digest, file_key, blob = entries[key]
    entries[key] = (display, stamp, digest, file_key, blob[:-7] + b"garbage")
    index.write_bytes(seal(pickle.dumps((fmt, entries))))  # sealed: a bug's damage, not an attacker's
    r = run(project)
    assert found(r) == [("pkg/bad.py", 5, "ASL101")]
    assert counts(r) == (2, 0, 1)
    assert counts(run(project)) == (3, 0, 0)


def test_cache_directory_deleted_during_the_run(project):
    cache_dir = project / ".asynclint_cache"
    run(project)
    write(project / "pkg" / "bad.py", "# changed\n" + BAD)
    deleted = []

    def delete_cache(done: int, total: int) -> None:
        if not deleted:
            shutil.rmtree(cache_dir)
            deleted.append(True)

    r = run(project, progress=delete_cache)
    assert deleted
    assert found(r) == [("pkg/bad.py", 6, "ASL101")]
    # The run wrote the cache again, marked as a cache, and it serves the next run.
    assert (cache_dir / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert counts(run(project)) == (1, 0, 2)


def test_gitignore_inside_cache_dir(project):
    run(project)
    assert (project / ".asynclint_cache" / ".gitignore").read_text(encoding="utf-8").strip().splitlines()[-1] == "*"


def test_default_location_is_the_project_root_and_no_cache_writes_nothing(project):
    (project / "pkg" / "deep").mkdir()
    r = cli(project / "pkg" / "deep", "--no-cache", "..")
    assert r.returncode == 1, r.stderr
    assert not (project / ".asynclint_cache").exists()
    assert not list(project.rglob(".asynclint_cache"))
    r = cli(project / "pkg" / "deep", "..")
    assert r.returncode == 1, r.stderr
    assert (project / ".asynclint_cache").is_dir()
    assert [p.name for p in project.rglob(".asynclint_cache")] == [".asynclint_cache"]


def test_cache_false_in_configuration_writes_nothing(project):
    write(project / "pyproject.toml", "[project]\nname = 'p'\n\n[tool.asynclint]\ncache = false\n")
    r = cli(project, "pkg")
    assert r.returncode == 1, r.stderr
    assert not (project / ".asynclint_cache").exists()


def test_cache_dir_option_and_environment_variable(project, tmp_path):
    r = cli(project, "--cache-dir", str(tmp_path / "opt"), "pkg")
    assert r.returncode == 1, r.stderr
    assert list((tmp_path / "opt").glob("index-*.pickle"))
    r = cli(project, "pkg", env={"ASYNCLINT_CACHE_DIR": str(tmp_path / "env")})
    assert r.returncode == 1, r.stderr
    assert list((tmp_path / "env").glob("index-*.pickle"))
    assert not (project / ".asynclint_cache").exists()


def test_unwritable_cache_dir_warns_once_and_results_are_right(project):
    blocker = project / "not-a-dir"
    write(blocker, "a file where the cache directory should go\n")
    r = cli(project, "--cache-dir", str(blocker / "cache"), "pkg")
    assert r.returncode == 1
    assert "pkg/bad.py:5:5: ASL101" in r.stdout
    warnings = [line for line in r.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, r.stderr
    # Found before anything is written: the directory cannot be made where a file is.
    assert warnings[0].startswith(f"asynclint: warning: cannot use the cache directory {blocker / 'cache'}: ")
    assert warnings[0].endswith("; continuing without the cache")


def test_two_processes_at_once_both_right_and_the_index_holds_both_halves(project):
    n = 60
    for i in range(n):
        write(project / "pkg" / f"m{i:02}.py", BAD if i % 3 == 0 else CLEAN)
    names = sorted(p.name for p in (project / "pkg").glob("m*.py"))
    halves = [[f"pkg/{x}" for x in names[: n // 2]], [f"pkg/{x}" for x in names[n // 2 :]]]
    env = {**os.environ}
    env.pop("ASYNCLINT_CACHE_DIR", None)
    for _ in range(3):  # a few rounds, so both orders of finishing get a chance
        shutil.rmtree(project / ".asynclint_cache", ignore_errors=True)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "asynclint", "--format", "concise", "-j", "1", *half],
                cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
            for half in halves
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        for (out, err), half in zip(outs, halves):
            assert err == ""
            expected = sorted(f"{p}:5:5: ASL101" for p in half if int(p[-5:-3]) % 3 == 0)
            assert sorted(line.split(" ", 1)[0] + " " + line.split(" ")[1] for line in out.splitlines() if "ASL" in line) == expected
        # Each process wrote its half; the index must hold both (the writers merge under a lock).
        every = run(project)
        assert every.cache_stats.misses == 3  # __init__, bad, clean: named by neither process
        assert every.cache_stats.hits == n


def test_parallel_and_serial_runs_agree_in_order(project):
    for i in range(50):
        write(project / "pkg" / f"m{i:02}.py", BAD if i % 2 else CLEAN)
    cfg = Config(base_dir=str(project), cache=False)
    serial = run(project, cfg.with_(jobs=1))
    parallel = run(project, cfg.with_(jobs=2))
    assert found(serial) == found(parallel)
    assert [r.path for r in serial.files] == [r.path for r in parallel.files]
    cached = Config(base_dir=str(project), cache_dir=str(project / ".asynclint_cache"), jobs=2)
    run(project, cached)
    write(project / "pkg" / "m07.py", CLEAN)
    mixed = run(project, cached)
    assert counts(mixed) == (52, 0, 1)
    assert [r.path for r in mixed.files] == [r.path for r in serial.files]
    assert found(mixed) == [f for f in found(serial) if f[0] != "pkg/m07.py"]


def test_no_cache_object_reads_and_writes_nothing(project):
    cfg = Config(base_dir=str(project), cache=False, cache_dir=str(project / "c"))
    assert not open_cache(cfg, project).enabled
    r = run(project, cfg)
    assert counts(r) == (0, 0, 3)
    assert not (project / "c").exists()


def test_entries_of_deleted_files_are_dropped(project):
    run(project)
    (project / "pkg" / "clean.py").unlink()
    write(project / "pkg" / "bad.py", "# changed\n" + BAD)
    run(project)
    cache = Cache(Config(base_dir=str(project)), project, project / ".asynclint_cache")
    assert sorted(Path(k).name for k in cache._entries) == ["__init__.py", "bad.py"]


def test_configured_cache_dir_is_relative_to_the_config_file(project):
    write(project / "pyproject.toml", "[project]\nname = 'p'\n\n[tool.asynclint]\ncache-dir = 'build/lintcache'\n")
    cfg = load_config(cwd=project / "pkg")
    r = run(project, cfg)
    assert found(r) == [("pkg/bad.py", 5, "ASL101")]
    assert list((project / "build" / "lintcache").glob("index-*.pickle"))


def test_linting_one_file_takes_the_rest_of_the_project_from_the_cache(tmp_path):
    root = tmp_path / "proj"
    write(root / "pyproject.toml", "[project]\nname = 'p'\n")
    write(root / "pkg" / "__init__.py", "")
    write(root / "pkg" / "a.py", "async def fetch():\n    return 1\n")
    write(root / "pkg" / "b.py", "from pkg.a import fetch\n\n\nasync def main():\n    fetch()\n")
    config = Config(base_dir=str(root), cache_dir=str(root / ".asynclint_cache"))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        first = lint_files([("pkg/b.py", "pkg/b.py")], config, root)
        assert [(f.line, f.code) for f in first.findings] == [(5, "ASL201")]
        # Only the module the call site reaches is summarized (pkg.a; not pkg/__init__.py).
        assert (first.cache_stats.misses, first.cache_stats.summaries_computed) == (1, 1)
        second = lint_files([("pkg/b.py", "pkg/b.py")], config, root)
        assert [(f.line, f.code) for f in second.findings] == [(5, "ASL201")]
        s = second.cache_stats
        assert (s.hits, s.misses, s.summary_hits, s.summaries_computed) == (1, 0, 1, 0)
        # The other module changes: only its summary is computed again, and the verdict follows.
        write(root / "pkg" / "a.py", "def fetch():\n    return 1\n")
        third = lint_files([("pkg/b.py", "pkg/b.py")], config, root)
        assert [(f.line, f.code) for f in third.findings] == []
        s = third.cache_stats
        assert (s.hits, s.misses, s.summary_hits, s.summaries_computed) == (1, 0, 0, 1)
    finally:
        os.chdir(cwd)


def test_cache_dir_on_the_command_line_is_relative_to_the_working_directory(project):
    write(project / "pyproject.toml", "[project]\nname = 'p'\n\n[tool.asynclint]\nnoqa = true\n")
    r = cli(project / "pkg", "--cache-dir", "here-cache", ".")
    assert r.returncode == 1, r.stderr
    assert list((project / "pkg" / "here-cache").glob("index-*.pickle"))
    assert not (project / "here-cache").exists()

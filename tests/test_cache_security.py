"""A cache directory someone else can write must not mean running their code (issue 19 item 3):
cache files are sealed with a per-user key kept outside the cache and never unpickled
otherwise; a cache directory owned by another user or writable by others is refused with a
warning. Real CLI runs, real files and owners."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

EXE = [sys.executable, "-m", "asynclint"]
BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"


class _Payload:
    """Unpickling this creates the marker file: what an attacker's cache file would do."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def asynclint(*args, cwd, env=None):
    proc = subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "m.py").write_text(BAD)
    return root


def test_a_planted_cache_file_is_never_unpickled(project, tmp_path):
    marker = tmp_path / "pwned"
    assert asynclint("m.py", cwd=project).returncode == 1  # makes the cache and its files
    cache = project / ".asynclint_cache"
    planted = [p for p in cache.iterdir() if p.suffix == ".pickle"]
    assert planted, list(cache.iterdir())
    evil = pickle.dumps(_Payload(str(marker)))
    for p in planted:  # the index and pass 2's memo, as an attacker who can write them would
        p.write_bytes(evil)
    proc = asynclint("m.py", cwd=project)
    assert not marker.exists(), "a cache file someone else wrote was unpickled"
    assert proc.returncode == 1 and "ASL101" in proc.stdout
    # Nor with our header in front of it: the seal is an HMAC under the user's key.
    for p in planted:
        p.write_bytes(b"asynclint-cache-v1\n" + b"\0" * 32 + evil)
    asynclint("m.py", cwd=project)
    assert not marker.exists()


def test_the_key_lives_outside_the_cache_and_is_private(project, tmp_path):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert asynclint("m.py", cwd=project, env=env).returncode == 1
    key = tmp_path / "config" / "asynclint" / "cache-key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not any(p.name == "cache-key" for p in (project / ".asynclint_cache").iterdir())
    # Another user's key (another HOME) cannot read this cache, and does not break the run.
    env2 = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "other"))
    proc = asynclint("m.py", cwd=project, env=env2)
    assert proc.returncode == 1 and proc.stderr == ""


@pytest.mark.parametrize("how", ["world-writable", "group-writable", "another user's"])
def test_unsafe_cache_dir_from_the_project_config_is_refused(project, tmp_path, how):
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    if how == "world-writable":
        shared.chmod(0o777)
    elif how == "group-writable":
        shared.chmod(0o775)
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to give the directory to another user")
        os.chown(shared, 65534, 65534)
    (project / "pyproject.toml").write_text(f"[project]\nname = 'demo'\n[tool.asynclint]\ncache-dir = '{shared}'\n")
    proc = asynclint("m.py", cwd=project)
    assert proc.returncode == 1 and "ASL101" in proc.stdout
    [warning] = proc.stderr.splitlines()
    assert warning.startswith(f"asynclint: warning: the cache directory {shared} ")
    assert warning.endswith("; continuing without the cache")
    assert list(shared.iterdir()) == []  # nothing read from or written to it


def test_own_cache_dir_made_by_us_is_accepted_whatever_the_umask(project):
    old = os.umask(0o002)
    try:
        assert asynclint("m.py", cwd=project).returncode == 1
        proc = asynclint("m.py", cwd=project)
    finally:
        os.umask(old)
    assert proc.stderr == ""
    assert stat.S_IMODE((project / ".asynclint_cache").stat().st_mode) == 0o755

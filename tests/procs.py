"""Watching the real processes a CLI run starts (Linux ``/proc``), for the tests of worker
processes: how many there are, and that none outlives its parent."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

BAD = "import time\n\nasync def f():\n    time.sleep(1)\n"


def needs_proc() -> None:
    if not os.path.exists("/proc/self/task"):
        pytest.skip("needs Linux /proc to see the worker processes")


def children(pid: int) -> set[int]:
    """The direct children of ``pid`` now (every thread's list)."""
    out: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/children").read_text()
        except OSError:
            continue
        out.update(int(x) for x in text.split())
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for_workers(pid: int, at_least: int, timeout: float = 60.0) -> set[int]:
    """The children of ``pid`` once there are ``at_least`` of them (fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = children(pid)
        if len(kids) >= at_least:
            return kids
        time.sleep(0.01)
    raise AssertionError(f"process {pid} started fewer than {at_least} workers in {timeout} s")


def wait_gone(pids: set[int], timeout: float) -> set[int]:
    """The processes of ``pids`` still alive after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    left = {p for p in pids if alive(p)}
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = {p for p in left if alive(p)}
    return left


def slow_project(root: Path, files: int = 400, lines: int = 3000) -> Path:
    """A project big enough for a pool of workers and for a run that lasts a few seconds."""
    (root / "pyproject.toml").write_text("[project]\nname = 'big'\n")
    pkg = root / "pkg"
    pkg.mkdir()
    body = "".join(f"async def f{i}(x):\n    y = [x for x in range({i})]\n    return await g(y)\n" for i in range(lines // 3))
    for n in range(files):
        (pkg / f"m{n}.py").write_text(BAD + body)
    return root


def without_root_powers() -> tuple[str, ...]:
    """Root ignores permission bits; drop the capabilities that let it, so the test is real."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permission bits cannot be enforced")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")

"""Worker processes live and die with the run (issue 19 items 4 and 9): the real CLI on a
project big enough for a pool, real signals, the real processes watched through /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from procs import alive, children, needs_proc, slow_project, wait_for_workers, wait_gone

EXE = [sys.executable, "-m", "asynclint"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    # Seconds of linting for two workers: a signal sent 0.5 s after they start must find the
    # run still working, not exiting (which reports its findings and exit 1 whatever comes).
    return slow_project(tmp_path_factory.mktemp("workers"), files=250, lines=600)


def start(project, *args):
    """The CLI in a session of its own (so a signal to its group reaches no test process)."""
    return subprocess.Popen([*EXE, "--no-cache", "-j", "2", *args, "pkg"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def running_workers(proc) -> set[int]:
    workers = wait_for_workers(proc.pid, 2)
    time.sleep(0.5)  # well into the linting, not at start-up
    assert proc.poll() is None, "the run ended before it could be interrupted; make the project bigger"
    return workers


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_parent_is_killed(project, sig):
    needs_proc()
    proc = start(project)
    try:
        workers = running_workers(proc)
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        left = wait_gone(workers, timeout=5)
    finally:
        for pid in workers if "workers" in locals() else ():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
    assert not left, f"workers {sorted(left)} outlived their parent (killed by {sig.name})"


@pytest.mark.parametrize("to_group", [True, False], ids=["ctrl-c-in-a-terminal", "parent-only"])
def test_ctrl_c_exits_130_with_one_line_and_no_workers(project, to_group):
    needs_proc()
    proc = start(project)
    try:
        workers = running_workers(proc)
        if to_group:  # what a terminal does: the whole foreground process group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        left = wait_gone(workers, timeout=2)
    finally:
        for pid in workers if "workers" in locals() else ():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, (proc.returncode, err[-3000:])
    assert err.splitlines() == ["asynclint: error: interrupted"]
    assert out == ""
    assert not left, f"workers {sorted(left)} are still running after the interrupted run"


def test_ctrl_c_without_workers_exits_130(tmp_path):
    # Long enough that 2 s in, an idle machine is still linting (not already shutting down).
    root = slow_project(tmp_path, files=300, lines=600)
    proc = subprocess.Popen([*EXE, "--no-cache", "-j", "1", "pkg"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(2.0)
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err[-3000:]
    assert err.splitlines() == ["asynclint: error: interrupted"]
    assert not children(proc.pid)

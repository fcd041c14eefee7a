"""Bad input found by probing (issue 19): each gives one line naming the file and the problem,
exit 2, and the other files are still checked; never a traceback. Real processes, real files."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import JOBS_PER_CORE, effective_jobs, usable_cores
from procs import children, needs_proc, slow_project, without_root_powers

EXE = [sys.executable, "-m", "asynclint"]
BAD = "import time\n\nasync def f():\n    time.sleep(1)\n"


def asynclint(*args, cwd, wrap=(), **kw):
    proc = subprocess.run([*wrap, *EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kw)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


# ---------------------------------------------------------------------- paths on the command line
def test_symlink_loop_named_on_the_command_line(tmp_path):
    os.symlink("loop2", tmp_path / "loop1")
    os.symlink("loop1", tmp_path / "loop2")
    (tmp_path / "ok.py").write_text(BAD)
    proc = asynclint("loop1", "ok.py", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["loop1: cannot analyse: symbolic link loop"]
    assert len(proc.stdout.splitlines()) == 1 and proc.stdout.startswith("ok.py:4:5: ASL101")


def test_unreadable_file_named_on_the_command_line_is_one_line_and_the_rest_runs(tmp_path):
    wrap = without_root_powers()
    (tmp_path / "secret.py").write_text(BAD)
    (tmp_path / "ok.py").write_text(BAD)
    os.chmod(tmp_path / "secret.py", 0)
    try:
        proc = asynclint("secret.py", "ok.py", "--no-cache", "--format", "concise", cwd=tmp_path, wrap=wrap)
    finally:
        os.chmod(tmp_path / "secret.py", 0o644)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["secret.py: cannot analyse: permission denied"]
    assert proc.stdout.startswith("ok.py:4:5: ASL101")


# ---------------------------------------------------------------------- configuration shapes
@pytest.mark.parametrize("owned", [True, False])
def test_project_that_is_not_a_table_in_pyproject(tmp_path, owned):
    table = '[tool.asynclint]\nselect = ["ASL1"]\n' if owned else ""
    (tmp_path / "pyproject.toml").write_text(f'project = "x"\n{table}')
    (tmp_path / "m.py").write_text(BAD)
    proc = asynclint("m.py", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout.startswith("m.py:4:5: ASL101")
    proc = asynclint("--config", "pyproject.toml", "m.py", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "")


@pytest.mark.parametrize("value", ["1", '"x"', "[1, 2]"])
@pytest.mark.parametrize("explicit", [False, True])
def test_tool_that_is_not_a_table_in_asynclint_toml(tmp_path, value, explicit):
    (tmp_path / "asynclint.toml").write_text(f"tool = {value}\n")
    (tmp_path / "m.py").write_text(BAD)
    args = ["--config", "asynclint.toml"] if explicit else []
    proc = asynclint(*args, "m.py", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith("asynclint: error: ") and "asynclint.toml: tool: expected a table ([tool.asynclint]), got " in line


def test_invalid_pyproject_of_another_tool_is_a_warning(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.black\nline-length = 3\n")
    (tmp_path / "m.py").write_text(BAD)
    proc = asynclint("m.py", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("m.py:4:5: ASL101")
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"asynclint: warning: {tmp_path / 'pyproject.toml'}: not valid TOML: ") and line.endswith("its requires-python is not used")


# ---------------------------------------------------------------------- flake8
def flake8(*args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_flake8_survives_an_invalid_pyproject_without_our_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.black\nline-length = 3\n")
    (tmp_path / "m.py").write_text(BAD)
    proc = flake8("--select", "ASL101", "m.py", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert proc.stdout.startswith("m.py:4:5: ASL101 ")


def test_flake8_reports_our_broken_table_as_one_finding_per_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nselect = 3\n")
    (tmp_path / "m.py").write_text(BAD)
    (tmp_path / "n.py").write_text("x = 1\n")
    proc = flake8("--select", "ASL,E999", "m.py", "n.py", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    expected = f"ASL000 asynclint configuration error: {tmp_path / 'pyproject.toml'}: select: expected a list of strings, got int 3"
    assert proc.stdout.splitlines() == [f"m.py:1:1: {expected}", f"n.py:1:1: {expected}"]


# ---------------------------------------------------------------------- output
def test_json_with_a_file_name_that_is_not_utf8_is_valid_json(tmp_path):
    name = os.fsdecode(b"caf\xe9.py")  # Latin-1 bytes: not UTF-8
    (tmp_path / name).write_text(BAD)
    proc = subprocess.run([*EXE, "--no-cache", "--format", "json", "."], cwd=tmp_path, capture_output=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout.decode("utf-8"))  # strict: the document is UTF-8
    assert [f["path"] for f in findings] == ["caf\\xe9.py"]
    assert "\\ud" not in proc.stdout.decode("utf-8")  # and holds no lone surrogate escape either
    # The text report to a file keeps the name's own bytes, as it does on stdout.
    proc = subprocess.run([*EXE, "--no-cache", ".", "-o", "report.txt"], cwd=tmp_path, capture_output=True, timeout=300)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    assert (tmp_path / "report.txt").read_bytes().startswith(b"caf\xe9.py:4:5: ASL101")


# ---------------------------------------------------------------------- resources
def test_out_of_memory_while_parsing_names_the_reason(tmp_path):
    (tmp_path / "huge.py").write_text("x = [" + "1," * 3_000_000 + "]\n")
    (tmp_path / "ok.py").write_text(BAD)
    limit = 400 * 2**20

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = asynclint("--no-cache", "--format", "concise", "huge.py", "ok.py", cwd=tmp_path, preexec_fn=cap_memory)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["huge.py: cannot analyse: cannot parse: out of memory (MemoryError)"]
    assert proc.stdout.startswith("ok.py:4:5: ASL101")


def test_jobs_are_capped_at_a_multiple_of_the_cores():
    cap = JOBS_PER_CORE * usable_cores()
    assert effective_jobs(Config(jobs=100_000), 1_000_000) == cap
    assert effective_jobs(Config(jobs=1), 1_000_000) == 1
    assert effective_jobs(Config(), 1_000_000) == usable_cores()


def test_a_huge_jobs_value_starts_only_that_many_processes(tmp_path):
    needs_proc()
    root = slow_project(tmp_path, files=200, lines=30)
    proc = subprocess.Popen([*EXE, "--no-cache", "-q", "-j", "100000", "pkg"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    most = 0
    try:
        while proc.poll() is None:
            most = max(most, len(children(proc.pid)))
            time.sleep(0.005)
    finally:
        proc.kill()
        stderr = proc.communicate()[1]
    assert proc.returncode == 1, stderr
    assert 1 < most <= JOBS_PER_CORE * usable_cores()

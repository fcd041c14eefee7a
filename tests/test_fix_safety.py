"""``--fix`` must not damage what it touches (issue 19 items 1, 2, 7, 11 and the dropped
comment): fixes computed from the bytes they replace, names that denote the module where the
fix puts them, file modes, links and read-only files respected. Real CLI runs on real files;
the fixed programs are run to show they work."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import lint_source
from asynclint.fix import CannotWrite, write_fixed

EXE = [sys.executable, "-m", "asynclint"]


def asynclint(*args, cwd):
    proc = subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\nrequires-python = '>=3.12'\n")
    return tmp_path


# ---------------------------------------------------------------------- item 1: edited while fixing
# The real CLI in a child process; the editor's save is made to happen exactly after the lint
# pass and before the fix pass (polling /proc for the moment was a race the run won on an idle
# machine: a 3-second run reads each file in microseconds).
EDIT_BETWEEN_LINT_AND_FIX = """
import sys
from asynclint import workspace

path, text = sys.argv[1], sys.argv[2]
original = workspace.Workspace.fix_run


def fix_run(self, *args, **kwargs):
    with open(path, "w") as f:
        f.write(text)
    return original(self, *args, **kwargs)


workspace.Workspace.fix_run = fix_run
sys.argv = ["asynclint", *sys.argv[3:]]
from asynclint.cli import main

main()
"""


def test_file_edited_between_lint_and_fix_is_fixed_from_its_new_bytes(project):
    """a.py is linted, then edited (a line inserted above the finding) before the fix pass.
    The old positions must not land on the new text."""
    target = project / "a.py"
    target.write_text(src("""
        import time


        async def f():
            time.sleep(1)
    """))
    edited = src("""
        import time


        async def f():
            sched.wait(5)
            time.sleep(1)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", EDIT_BETWEEN_LINT_AND_FIX, str(target), edited, "--fix", "--no-cache", "."],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert target.read_text() == edited.replace("    time.sleep(1)", "    await asyncio.sleep(1)").replace("import time\n", "import time\nimport asyncio\n")
    assert proc.returncode == 0, proc.stderr


def test_write_refuses_a_file_changed_after_the_fixes_were_computed(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"old\n")
    path.write_bytes(b"new\n")  # what the editor saved meanwhile
    with pytest.raises(CannotWrite, match="changed while it was being fixed"):
        write_fixed(str(path), b"fixed\n", b"old\n")
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]  # no temporary file left


# ---------------------------------------------------------------------- item 2: names at the point of the fix
SHADOWS = {
    "parameter": (
        """
        import time


        async def f(asyncio):
            time.sleep(0.01)
            return asyncio
        """,
        "asyncio.run(m.f(5)) == 5",
    ),
    "local": (
        """
        import time


        async def f():
            asyncio = 5
            time.sleep(0.01)
            return asyncio
        """,
        "asyncio.run(m.f()) == 5",
    ),
    "rebound at module level after the added import": (
        """
        import time


        async def f():
            time.sleep(0.01)
            return 1


        asyncio = None
        """,
        "__import__('asyncio').run(m.f()) == 1",
    ),
    "imported then rebound": (
        """
        import asyncio
        import time


        async def f():
            time.sleep(0.01)
            return 1


        asyncio = None
        """,
        "__import__('asyncio').run(m.f()) == 1",
    ),
    "imported for type checkers only": (
        """
        from typing import TYPE_CHECKING
        import time

        if TYPE_CHECKING:
            import asyncio


        async def f():
            time.sleep(0.01)
            return 1
        """,
        "__import__('asyncio').run(m.f()) == 1",
    ),
    "class attribute": (
        """
        import asyncio
        import time


        class C:
            asyncio = 3

            async def f(self):
                time.sleep(0.01)
                return 1
        """,
        "asyncio.run(m.C().f()) == 1",
    ),
    "inspect in ASL406, as a parameter": (
        """
        import asyncio


        def is_async(func, inspect=None):
            return asyncio.iscoroutinefunction(func)


        async def coro():
            pass
        """,
        "m.is_async(m.coro) is True and m.is_async(len) is False",
    ),
    "inspect in ASL406, rebound at module level": (
        """
        import asyncio


        def is_async(func):
            return asyncio.iscoroutinefunction(func)


        async def coro():
            pass


        inspect = None
        """,
        "m.is_async(m.coro) is True",
    ),
}


@pytest.mark.parametrize("case", list(SHADOWS))
def test_safe_fix_names_the_module_that_is_really_there(project, case):
    code, check = SHADOWS[case]
    (project / "m.py").write_text(src(code))
    proc = asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert proc.returncode in (0, 1), proc.stderr
    fixed = (project / "m.py").read_text()
    assert fixed != src(code), "no fix was applied"
    assert asynclint("--no-cache", "--select", "ASL101,ASL406", "m.py", cwd=project).returncode == 0, fixed
    run = subprocess.run([sys.executable, "-c", f"import asyncio, m\nassert {check}"], cwd=project, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"{fixed}\n{run.stderr}"


def test_fresh_alias_is_used_when_the_name_is_taken(project):
    (project / "m.py").write_text(src(SHADOWS["parameter"][0]))
    asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert (project / "m.py").read_text() == src("""
        import time
        import asyncio as asyncio_


        async def f(asyncio):
            await asyncio_.sleep(0.01)
            return asyncio
    """)


def test_existing_import_is_reused_when_it_denotes_the_module(project):
    code = src("""
        import asyncio as aio
        import time


        async def f(asyncio):
            time.sleep(0.01)
    """)
    (project / "m.py").write_text(code)
    asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert (project / "m.py").read_text() == code.replace("time.sleep(0.01)", "await aio.sleep(0.01)")


# ---------------------------------------------------------------------- the comment inside the call
def test_comments_inside_a_fixed_call_are_kept(project):
    code = src("""
        import asyncio
        import time


        async def f():
            time.sleep(  # why: the device needs a pause
                1
            )
    """)
    (project / "m.py").write_text(code)
    proc = asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "m.py").read_text() == code.replace("time.sleep(", "await asyncio.sleep(")


# ---------------------------------------------------------------------- item 11: file safety
BAD = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"
BAD_FIXED = BAD.replace("time.sleep(1)", "await asyncio.sleep(1)")


def test_read_only_file_is_refused(project):
    path = project / "m.py"
    path.write_text(BAD)
    path.chmod(0o444)
    proc = asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["m.py: cannot fix: the file is read-only; left as it is"]
    assert path.read_text() == BAD
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_hard_link_keeps_both_names_on_the_fixed_text(project):
    path = project / "m.py"
    path.write_text(BAD)
    other = project / "other_name.py"
    os.link(path, other)
    inode = path.stat().st_ino
    proc = asynclint("--fix", "--no-cache", "m.py", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert path.read_text() == other.read_text() == BAD_FIXED
    assert path.stat().st_ino == other.stat().st_ino == inode
    assert path.stat().st_nlink == 2


def test_setgid_bit_and_group_survive_in_a_setgid_directory(project):
    if os.geteuid() != 0:
        pytest.skip("needs root to give the directory and file another group")
    shared = project / "shared"
    shared.mkdir()
    gid = 1 if os.getegid() != 1 else 2
    os.chown(shared, -1, gid)
    shared.chmod(0o2775)
    path = shared / "m.py"
    path.write_text(BAD)
    os.chown(path, -1, gid)
    path.chmod(0o2755)  # setgid on a group-executable file: what a chown would clear
    proc = asynclint("--fix", "--no-cache", "shared/m.py", cwd=project)
    assert proc.returncode == 0, proc.stderr
    st = path.stat()
    assert path.read_text() == BAD_FIXED
    assert (oct(stat.S_IMODE(st.st_mode)), st.st_gid) == (oct(0o2755), gid)


# ---------------------------------------------------------------------- item 7: linear in findings
def test_module_bindings_are_not_scanned_once_per_finding(monkeypatch):
    """Many fixable findings in a module with many bindings: the bindings are read once per
    file (a scan per finding made a 5 MB file take 454 s; benchmarks/fix_scaling.py times it)."""
    from asynclint.semantics import model

    n = 400
    code = "import time\n" + "".join(f"v{i} = {i}\n" for i in range(n)) + "async def f():\n" + "".join("    time.sleep(1)\n" for _ in range(n))
    reads = 0
    real = model.Scope.__init__

    class Counting(dict):
        def items(self):
            nonlocal reads
            reads += 1
            return super().items()

    def init(self, *a, **kw):
        real(self, *a, **kw)
        if self.kind == "module":
            self.bindings = Counting()

    monkeypatch.setattr(model.Scope, "__init__", init)
    run = lint_source(code, "m.py", Config(select=("ASL101",)))
    assert len([f for f in run.findings if f.fix is not None]) == n
    assert reads <= 2, reads

"""No crash on any real Python and no traceback on bad input: every file is either analysed or
named on one line with the reason, and the exit status is always 0, 1 or 2."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
import warnings
from pathlib import Path

import pytest

from asynclint.config import Config
from procs import without_root_powers
from asynclint.engine import Linter, lint_source
from asynclint.rule import Example, Rule

EXE = [sys.executable, "-m", "asynclint"]
BAD = "import time\nasync def f():\n    time.sleep(1)\n"
ERROR_LINE = re.compile(r"^(?P<path>.+?): cannot analyse: (?P<reason>.+)$")


def asynclint(*args, cwd=None, wrap=(), timeout=900):
    proc = subprocess.run([*wrap, *EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    return proc


# ---------------------------------------------------------------------- the standard library
@pytest.mark.slow
def test_whole_stdlib_all_rules(tmp_path):
    stdlib = sysconfig.get_paths()["stdlib"]
    proc = asynclint(stdlib, "--select", "ALL", "--format", "json", "--no-cache", "--no-respect-gitignore", "--exclude", "site-packages", cwd=tmp_path)
    findings = json.loads(proc.stdout)
    assert isinstance(findings, list)
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert not [e for e in errors if "internal error" in e], errors
    for line in errors:
        assert ERROR_LINE.match(line), line
    # The deliberately broken files are the only ones reported, each with a reason.
    reported = {Path(ERROR_LINE.match(e)["path"]).name for e in errors}
    for name in reported:
        assert name.startswith(("bad", "badsyntax", "test_", "py2_")) or "lib2to3" in name or "tokenizedata" in name or name.endswith(".py"), name
    assert proc.returncode == (2 if errors else 1 if findings else 0)
    assert len({f["path"] for f in findings}) > 10


# ---------------------------------------------------------------------- bad input, one by one
@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", None),
        (b"\n\n", None),
        (b"import time\r\nasync def f():\r\n    time.sleep(1)\r\n", 3),
        (b"import time\nasync def f():\r\n    x = 1\r    time.sleep(1)\n", 4),  # mixed newlines
        (b"import time\nasync def f():\n\ttime.sleep(1)\n", 3),
        (b"\xef\xbb\xbfimport time\nasync def f():\n    time.sleep(1)\n", 3),
        (b"# coding: cp1252\nimport time\nasync def f():\n    s = '\x80'; time.sleep(1)\n", 4),
        (b"import time\nasync def f():\n    time.sleep(1)\n\x0c\nasync def g():\n    time.sleep(2)\n", 6),  # form feed
    ],
)
def test_odd_but_valid_files(tmp_path, content, expected):
    f = tmp_path / "m.py"
    f.write_bytes(content)
    proc = asynclint(str(f), "--format", "json", "--no-cache", cwd=tmp_path)
    lines = sorted(d["line"] for d in json.loads(proc.stdout))
    assert proc.stderr == ""
    if expected is None:
        assert lines == [] and proc.returncode == 0
    else:
        assert lines[-1] == expected and proc.returncode == 1


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"def f(:\n", "syntax error: invalid syntax (line 1, column 7)"),
        (b"x = 1\n  y = 2\n", "syntax error: unexpected indent (line 2"),
        (b"s = '\xff\xfe'\n", "not valid utf-8 (byte 0xff on line 1); add a coding declaration or re-encode the file"),
        (b"# coding: nonsense-codec\nx = 1\n", "unknown encoding 'nonsense-codec' in the coding declaration"),
        (b"x = 1\x00\n", "binary content (NUL byte)"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "binary content (NUL byte)"),
    ],
)
def test_unanalysable_files_are_one_line_each_and_others_still_run(tmp_path, content, reason):
    (tmp_path / "broken.py").write_bytes(content)
    (tmp_path / "good.py").write_text(BAD)
    proc = asynclint(".", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"broken.py: cannot analyse: {reason}")
    assert proc.stdout.startswith("good.py:3:5: ASL101")


def test_fifty_thousand_line_file(tmp_path):
    body = "".join(f"async def f{i}():\n    await g()\n" for i in range(25_000))
    (tmp_path / "big.py").write_text("import time\n" + body + "async def last():\n    time.sleep(1)\n")
    proc = asynclint("big.py", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("big.py:50003:5: ASL101")


def test_deeply_nested_expression_is_reported_not_crashed(tmp_path):
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "good.py").write_text(BAD)
    proc = asynclint(".", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("deep.py: cannot analyse: ")
    assert proc.stdout.startswith("good.py:3:5")


def test_symlink_loop(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(BAD)
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "again")
    os.symlink(tmp_path / "nowhere.py", tmp_path / "pkg" / "dangling.py")
    proc = asynclint("pkg", "--format", "concise", "--no-cache", cwd=tmp_path, timeout=60)
    assert proc.stdout.splitlines()[0].startswith("pkg/m.py:3:5: ASL101")
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr.splitlines() == ["pkg/dangling.py: cannot analyse: no such file"]
    assert proc.returncode == 2


def test_unreadable_directory_and_file(tmp_path):
    wrap = without_root_powers()
    base = tmp_path / "proj"
    (base / "locked").mkdir(parents=True)
    (base / "locked" / "m.py").write_text(BAD)
    (base / "secret.py").write_text(BAD)
    (base / "ok.py").write_text(BAD)
    os.chmod(base / "locked", 0)
    os.chmod(base / "secret.py", 0)
    try:
        proc = asynclint(".", "--format", "concise", "--no-cache", cwd=base, wrap=wrap)
    finally:
        os.chmod(base / "locked", 0o755)
        os.chmod(base / "secret.py", 0o644)
    assert proc.returncode == 2
    assert sorted(proc.stderr.splitlines()) == ["./locked: cannot analyse: permission denied", "secret.py: cannot analyse: permission denied"]
    assert proc.stdout.startswith("ok.py:3:5: ASL101")


def test_path_that_does_not_exist(tmp_path):
    proc = asynclint("nope.py", "nodir/", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["nope.py: cannot analyse: no such file or directory", "nodir/: cannot analyse: no such file or directory"]


def test_invalid_pyproject_is_exit_2_naming_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint\n")
    (tmp_path / "m.py").write_text(BAD)
    proc = asynclint("m.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"asynclint: error: {tmp_path / 'pyproject.toml'}: not valid TOML: ")


def test_files_changing_while_being_linted(tmp_path):
    """Files rewritten, truncated and deleted during a run: each is analysed as it was read or
    reported, never a crash."""
    for i in range(200):
        (tmp_path / f"m{i:03}.py").write_text(BAD * 20)
    stop = threading.Event()

    def churn():
        n = 0
        while not stop.is_set():
            p = tmp_path / f"m{n % 200:03}.py"
            try:
                if n % 3 == 0:
                    p.unlink()
                elif n % 3 == 1:
                    p.write_text("def broken(:\n")
                else:
                    p.write_text(BAD)
            except OSError:
                pass
            n += 1
            time.sleep(0.0005)

    t = threading.Thread(target=churn)
    t.start()
    try:
        proc = asynclint(".", "--format", "concise", "--no-cache", "--jobs", "2", cwd=tmp_path)
    finally:
        stop.set()
        t.join()
    for line in proc.stderr.splitlines():
        assert ERROR_LINE.match(line), line


# ---------------------------------------------------------------------- a rule that crashes
class _Exploding(Rule):
    code = "ASL999"
    name = "exploding"
    summary = "test rule"
    doc = "crashes on every call"
    bad = (Example("x()  # expect: ASL999"),)
    good = (Example("pass"),)

    def visit_Call(self, node, ctx):
        raise ZeroDivisionError("boom")


def test_internal_error_in_one_rule_is_reported_and_the_rest_still_run(tmp_path):
    linter = Linter(Config(), tmp_path)
    linter.add_rule(_Exploding())
    (tmp_path / "m.py").write_text(BAD)
    result = linter.lint_path(str(tmp_path / "m.py"), "m.py")
    assert [f.code for f in result.findings] == ["ASL101"]
    assert len(result.errors) == 1
    msg = str(result.errors[0])
    assert msg.startswith("m.py: internal error in ASL999: ZeroDivisionError: boom (at test_reliability.py:")
    assert "please report it" in msg


def test_internal_error_exits_2_through_the_cli(tmp_path, monkeypatch, capsys):
    import asynclint.engine as engine
    from asynclint.cli import run_check

    real_init = engine.Linter.__init__

    def init_with_exploding_rule(self, *a, **kw):
        real_init(self, *a, **kw)
        self.add_rule(_Exploding())

    monkeypatch.setattr(engine.Linter, "__init__", init_with_exploding_rule)
    (tmp_path / "m.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    code = run_check(["m.py"], None, "concise", {"no_cache": True})
    out, err = capsys.readouterr()
    assert code == 2
    assert out.startswith("m.py:3:5: ASL101")
    assert err.startswith("m.py: internal error in ASL999: ZeroDivisionError: boom")


# ---------------------------------------------------------------------- fuzzing
def _engine_never_raises(source) -> None:
    run = lint_source(source, "fuzz.py", Config(select=("ALL",)))
    for e in run.errors:
        assert "internal error" not in e.message, e.message


def test_random_bytes_never_raise():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(suppress_health_check=list(HealthCheck))  # examples: the profile (conftest.py)
    @given(st.binary(max_size=400))
    def check(data):
        _engine_never_raises(data)

    check()


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
def test_random_valid_modules_never_raise():
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    try:
        import hypothesmith

        modules = hypothesmith.from_grammar()
    except Exception:  # noqa: BLE001 - hypothesmith is optional; build modules from fragments
        fragments = st.sampled_from(
            [
                "import asyncio as aio", "from time import sleep", "import requests", "x = sleep",
                "async def f(a, *b, **c):\n    await aio.sleep(0)", "def g():\n    sleep(1)",
                "class C:\n    async def __aenter__(self): ...\n    def m(self): self.x = aio.Lock()",
                "async def h():\n    with aio.Lock(): pass\n    async for _ in g(): pass",
                "try:\n    pass\nexcept (aio.CancelledError, Exception) as e:\n    raise",
                "async def k():\n    try:\n        return 1\n    finally:\n        return 2",
                "lambda: sleep(1)", "aio.get_event_loop().run_until_complete(f())",
                "async def t():\n    aio.create_task(f())\n    _ = f()\n    if f(): pass",
                "y = [await z async for z in w]", "match x:\n    case [a, *rest]: pass",
            ]
        )
        modules = st.lists(fragments, max_size=8).map("\n".join)

    @settings(suppress_health_check=list(HealthCheck))  # examples: the profile (conftest.py)
    @given(modules)
    def check(source):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(source, "fuzz.py", "exec", flags=ast.PyCF_ONLY_AST)
        except (SyntaxError, ValueError):
            pass
        _engine_never_raises(source)

    check()


@pytest.mark.slow
def test_fix_on_a_copy_of_the_stdlib_keeps_everything_compiling_and_converges(tmp_path):
    """--fix --unsafe-fixes over a copy of the standard library: every file that compiled
    before still compiles after, and a second --fix changes nothing."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copy = tmp_path / "stdlib"
    shutil.copytree(stdlib, copy, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc", "*.so", "idlelib", "tkinter", "ensurepip"), symlinks=True)

    def compiling() -> dict[str, bytes]:
        out = {}
        for p in copy.rglob("*.py"):
            try:
                data = p.read_bytes()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    compile(data, str(p), "exec", dont_inherit=True)
            except (SyntaxError, ValueError, OSError):
                continue
            out[str(p)] = data
        return out

    before = compiling()
    args = (str(copy), "--select", "ALL", "--fix", "--unsafe-fixes", "--no-cache", "--no-respect-gitignore", "--format", "concise")
    proc = asynclint(*args, cwd=tmp_path, timeout=1500)
    assert "internal error" not in proc.stderr
    changed = 0
    for path, old in before.items():
        new = Path(path).read_bytes()
        if new != old:
            changed += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(new, path, "exec", dont_inherit=True)  # raises if a fix broke the file
    assert changed > 0, "the standard library has fixable findings (asyncio.TimeoutError, get_event_loop, ...)"
    snapshot = {p: Path(p).read_bytes() for p in before}
    asynclint(*args, cwd=tmp_path, timeout=1500)
    assert {p: Path(p).read_bytes() for p in before} == snapshot

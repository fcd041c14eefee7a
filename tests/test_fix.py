"""Autofix: the CLI modes (--fix, --diff, --fix-only, --unsafe-fixes), what a fixed file keeps
(newlines, encoding, permissions, every other byte), where imports go, and the guarantees that
hold whatever a rule proposes (noqa, async context, overlap, invalid code, convergence)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import main
from asynclint.config import Config
from asynclint.finding import Edit, Finding, Fix
from asynclint.fix import InvalidFix, add_imports, apply_edits, fix_text
from asynclint.registry import rules_by_code
from asynclint.workspace import Workspace

BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n    x = time.sleep(2)\n"
BAD_FIXED = "import time\nimport asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n    x = time.sleep(2)\n"


def run(args, cwd: Path, stdin: bytes | str | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout_bytes.decode("utf-8", "replace"), result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\nrequires-python = '>=3.12'\n")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def engine_fix(text: str, unsafe: bool = False, **config):
    cfg = Config(**config) if config else Config()
    return Workspace(cfg).fix_text(text, "example.py", unsafe=unsafe)


# ---------------------------------------------------------------------- the CLI modes
def test_fix_writes_the_file_and_reports_what_is_left(project):
    write(project / "a.py", BAD)
    code, out, err = run(["--fix", "a.py"], project)
    assert (project / "a.py").read_text() == BAD_FIXED
    assert out == (
        "a.py:7:9: ASL101 `time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`\n"
        "  |\n"
        "7 |     x = time.sleep(2)\n"
        "  |         ^^^^^^^^^^^^^ ASL101\n"
        "  |\n"
        "\n"
        "Fixed 1 finding. Found 1 finding in 1 file checked.\n"
    )
    assert code == 1 and err == ""


def test_fix_exits_0_when_nothing_is_left(project):
    write(project / "a.py", "import time\n\nasync def f():\n    time.sleep(1)\n")
    code, out, _ = run(["--fix", "a.py"], project)
    assert code == 0
    assert out == "Fixed 1 finding.\n"
    assert (project / "a.py").read_text() == "import time\nimport asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"
    # A second run finds nothing to do and changes nothing.
    before = (project / "a.py").read_bytes()
    code, out, _ = run(["--fix", "a.py"], project)
    assert (code, out) == (0, "All checks passed (1 file checked).\n")
    assert (project / "a.py").read_bytes() == before


def test_diff_prints_a_unified_diff_and_writes_nothing(project):
    write(project / "a.py", BAD)
    code, out, err = run(["--diff", "a.py"], project)
    assert out == (
        "--- a.py\n"
        "+++ a.py\n"
        "@@ -1,6 +1,7 @@\n"
        " import time\n"
        "+import asyncio\n"
        " \n"
        " \n"
        " async def f():\n"
        "-    time.sleep(1)\n"
        "+    await asyncio.sleep(1)\n"
        "     x = time.sleep(2)\n"
    )
    assert err == "Would fix 1 finding.\n"
    assert code == 1
    assert (project / "a.py").read_text() == BAD


def test_diff_exits_0_when_there_is_nothing_to_fix(project):
    write(project / "a.py", "import time\n\nasync def f():\n    x = time.sleep(2)\n")
    code, out, err = run(["--diff", "a.py"], project)
    assert (code, out, err) == (0, "", "No fixes available.\n")


def test_fix_only_exits_0_with_findings_left(project):
    write(project / "a.py", BAD)
    code, out, _ = run(["--fix-only", "a.py"], project)
    assert (code, out) == (0, "Fixed 1 finding.\n")
    assert (project / "a.py").read_text() == BAD_FIXED
    code, out, _ = run(["--fix-only", "a.py"], project)
    assert (code, out) == (0, "No fixes applied.\n")


def test_fix_from_config_file(project):
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.asynclint]\nfix = true\n")
    write(project / "a.py", BAD)
    code, out, _ = run(["a.py"], project)
    assert code == 1 and out.endswith("Fixed 1 finding. Found 1 finding in 1 file checked.\n")
    assert (project / "a.py").read_text() == BAD_FIXED
    write(project / "b.py", BAD)
    code, _, _ = run(["--no-fix", "b.py"], project)
    assert (project / "b.py").read_text() == BAD


def test_stdin_fix_prints_the_fixed_source(project):
    code, out, err = run(["--fix", "-"], project, stdin=BAD.encode())
    assert out == BAD_FIXED
    assert err.endswith("Fixed 1 finding. Found 1 finding in 1 file checked.\n")
    assert code == 1


def test_stdin_diff(project):
    code, out, _ = run(["--diff", "--stdin-filename", "mod.py", "-"], project, stdin=BAD.encode())
    assert code == 1
    assert out.startswith("--- mod.py\n+++ mod.py\n@@ -1,6 +1,7 @@\n")


@pytest.mark.skipif("ASL201" not in rules_by_code(), reason="ASL201 (the first unsafe fix) is not registered yet")
def test_unsafe_fixes_only_with_the_flag(project):
    src = "async def ping():\n    pass\n\n\nasync def main():\n    ping()\n"
    write(project / "a.py", src)
    code, _, _ = run(["--fix", "--select", "ASL201", "a.py"], project)
    assert code == 1 and (project / "a.py").read_text() == src
    code, out, _ = run(["--fix", "--unsafe-fixes", "--select", "ASL201", "a.py"], project)
    assert (project / "a.py").read_text() == src.replace("    ping()", "    await ping()")
    assert (code, out) == (0, "Fixed 1 finding.\n")


# ---------------------------------------------------------------------- what a fixed file keeps
def test_crlf_file_stays_crlf(project):
    src = '"""Doc."""\r\nimport time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n'
    (project / "a.py").write_bytes(src.encode())
    code, _, _ = run(["--fix", "a.py"], project)
    assert code == 0
    assert (project / "a.py").read_bytes() == b'"""Doc."""\r\nimport time\r\nimport asyncio\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n'


def test_latin1_coding_cookie_is_kept(project):
    src = "# -*- coding: latin-1 -*-\nimport time\n\nasync def f():\n    time.sleep(1)  # caf\xe9\n    return '\xe9t\xe9'\n"
    (project / "a.py").write_bytes(src.encode("latin-1"))
    code, _, _ = run(["--fix", "a.py"], project)
    assert code == 0
    assert (project / "a.py").read_bytes() == (
        "# -*- coding: latin-1 -*-\nimport time\nimport asyncio\n\nasync def f():\n    await asyncio.sleep(1)  # caf\xe9\n    return '\xe9t\xe9'\n"
    ).encode("latin-1")


def test_utf8_bom_is_kept(project):
    (project / "a.py").write_bytes(b"\xef\xbb\xbfimport time\n\nasync def f():\n    time.sleep(1)\n")
    run(["--fix", "a.py"], project)
    assert (project / "a.py").read_bytes() == b"\xef\xbb\xbfimport time\nimport asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n"


def test_permissions_are_kept_and_no_temp_file_is_left(project):
    path = write(project / "a.py", BAD)
    path.chmod(0o751)
    run(["--fix", "a.py"], project)
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert sorted(p.name for p in project.iterdir() if p.name != ".asynclint_cache") == ["a.py", "pyproject.toml"]


def test_a_symlink_stays_a_symlink(project):
    target = write(project / "real.py", BAD)
    link = project / "link.py"
    link.symlink_to(target.name)
    run(["--fix", "link.py"], project)
    assert link.is_symlink()
    assert target.read_text() == BAD_FIXED


def test_everything_outside_the_edits_is_byte_for_byte(project):
    src = (
        "#!/usr/bin/env python\n"
        "import time  # why: legacy\n"
        "\n"
        "\n"
        "async def   f( a ,b ):  # odd spacing stays\n"
        "    time.sleep( 1 )\t# tab before comment\n"
        "    return [a,\n"
        "            b]\n"
    )
    out = engine_fix(src)
    assert out.text == src.replace("import time  # why: legacy\n", "import time  # why: legacy\nimport asyncio\n").replace(
        "time.sleep( 1 )", "await asyncio.sleep( 1 )"  # only the callee is edited
    )


# ---------------------------------------------------------------------- imports
def test_import_goes_after_future_docstring_and_import_block():
    src = (
        '"""Module doc.\n\nMore.\n"""\n'
        "from __future__ import annotations\n"
        "\n"
        "import os\n"
        "from time import (\n"
        "    sleep,\n"
        ")  # trailing\n"
        "\n"
        "X = 1\n"
        "import json\n"
    )
    assert add_imports(src, ["asyncio", "inspect"]) == src.replace(")  # trailing\n", ")  # trailing\nimport asyncio\nimport inspect\n")


@pytest.mark.parametrize(
    "src,expected",
    [
        ('"""Doc."""\nX = 1\n', '"""Doc."""\nimport asyncio\nX = 1\n'),
        ('"""Doc."""\nfrom __future__ import annotations\nX = 1\n', '"""Doc."""\nfrom __future__ import annotations\nimport asyncio\nX = 1\n'),
        ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\nX = 1\n", "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\nimport asyncio\nX = 1\n"),
        ("X = 1\n", "import asyncio\nX = 1\n"),
        ("import os", "import os\nimport asyncio\n"),
        ("import os\n", "import os\nimport asyncio\n"),
    ],
    ids=["docstring", "future", "header-comments", "bare", "eof-no-newline", "eof"],
)
def test_import_placement(src, expected):
    assert add_imports(src, ["asyncio"]) == expected


@pytest.mark.parametrize(
    "src",
    [
        "import asyncio\n",
        "import os, asyncio\n",
        "import asyncio.subprocess\n",
        "X = 1\nimport asyncio\n",
        "try:\n    import uvloop\nexcept ImportError:\n    import asyncio\n",
        "if True:\n    import asyncio\nelse:\n    pass\n",
    ],
)
def test_no_duplicate_import(src):
    assert add_imports(src, ["asyncio", "asyncio"]) == src


@pytest.mark.parametrize(
    "src,expected",
    [
        ("import asyncio as aio\n", "import asyncio as aio\nimport asyncio\n"),
        ("from asyncio import sleep\n", "from asyncio import sleep\nimport asyncio\n"),
        ("def f():\n    import asyncio\n", "import asyncio\ndef f():\n    import asyncio\n"),
    ],
)
def test_other_bindings_are_not_the_module(src, expected):
    assert add_imports(src, ["asyncio"]) == expected


def test_an_existing_alias_is_reused():
    src = "import time\nimport asyncio as aio\n\nasync def f():\n    time.sleep(1)\n"
    assert engine_fix(src).text == "import time\nimport asyncio as aio\n\nasync def f():\n    await aio.sleep(1)\n"


def test_one_import_for_many_fixes_and_none_when_present():
    src = "import time\n\nasync def f():\n    time.sleep(1)\n\nasync def g():\n    time.sleep(2)\n"
    out = engine_fix(src)
    assert out.fixed == 2
    assert out.text.count("import asyncio") == 1
    src2 = "import time\n\nasync def f():\n    time.sleep(1)\n\nimport asyncio\n"
    assert engine_fix(src2).text == src2.replace("time.sleep(1)", "await asyncio.sleep(1)")


# ---------------------------------------------------------------------- guarantees
def finding(line: int, col: int, end_col: int, content: str, applicability: str = "safe", code: str = "ASL999", imports=()) -> Finding:
    fix = Fix(applicability, (Edit(line, col, line, end_col, content),), "test", tuple(imports))
    return Finding("t.py", line, col, line, end_col, code, "test-rule", "test", fix)


def fixed_once(*findings: Finding):
    """A lint function reporting ``findings`` on the first call only."""
    calls = []

    def lint(text):
        calls.append(text)
        return (list(findings) if len(calls) == 1 else []), []

    return lint


def test_noqa_line_is_never_fixed_even_when_noqa_is_off(project):
    src = "import time\n\nasync def f():\n    time.sleep(1)  # noqa: ASL101\n    time.sleep(2)\n"
    write(project / "a.py", src)
    code, out, _ = run(["--fix", "--no-noqa", "a.py"], project)
    assert (project / "a.py").read_text() == src.replace("time.sleep(2)", "await asyncio.sleep(2)").replace("import time\n", "import time\nimport asyncio\n")
    assert code == 1 and "a.py:5:5: ASL101" in out
    # The same double check for a finding that reaches the fixer on a noqa line.
    text = "x = 1  # noqa: ASL999\n"
    assert fix_text(text, fixed_once(finding(1, 5, 6, "2"))).text == text
    assert fix_text(text, fixed_once(finding(1, 5, 6, "2", code="ASL998"))).text == "x = 2  # noqa: ASL999\n"


def test_sync_context_is_not_fixed():
    src = "import time\n\ndef f():\n    time.sleep(1)\n"
    assert engine_fix(src).text == src
    # Whatever a rule proposes, ``await`` is not added outside an ``async def``.
    text = "async def f():\n    def g():\n        h()\n    class C:\n        h()\n    h()\nh()\n"
    out = fix_text(text, fixed_once(finding(3, 9, 9, "await "), finding(5, 9, 9, "await "), finding(6, 5, 5, "await "), finding(7, 1, 1, "await ")))
    assert out.text == text.replace("    h()\nh()", "    await h()\nh()")
    assert out.fixed == 1 and not out.errors


def test_unsafe_fixes_need_unsafe():
    text = "x = 1\n"
    assert fix_text(text, fixed_once(finding(1, 5, 6, "2", "unsafe"))).text == text
    assert fix_text(text, fixed_once(finding(1, 5, 6, "2", "unsafe")), unsafe=True).text == "x = 2\n"


def test_overlapping_fixes_converge_over_rounds():
    src = "import asyncio\nimport time\n\nasync def f():\n    time.sleep(asyncio.get_event_loop().time())\n"
    out = engine_fix(src, select=("ASL101", "ASL401"))
    assert out.text == "import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(asyncio.get_running_loop().time())\n"
    assert out.fixed == 2 and out.findings == [] and not out.errors


def test_touching_fixes_are_applied_one_per_round():
    rounds = []

    def lint(text):
        rounds.append(text)
        fs = []
        if "a" in text:
            fs.append(finding(1, 1, 2, "A"))
        if "b" in text:
            fs.append(finding(1, 2, 3, "B"))
        return fs, []

    out = fix_text("ab\n", lint)
    assert out.text == "AB\n" and out.fixed == 2
    assert rounds == ["ab\n", "Ab\n", "AB\n"]


def test_a_fix_producing_invalid_code_is_dropped_and_reported():
    text = "x = 1\ny = 2\n"
    out = fix_text(text, fixed_once(finding(2, 5, 6, "2"), finding(1, 5, 6, "(")))
    assert out.text == text and out.fixed == 0
    assert len(out.errors) == 1 and "\n" not in out.errors[0]
    assert out.errors[0].startswith("the fix for ASL999 at line 1 would produce invalid code (libcst: ")
    assert out.errors[0].endswith("file left unchanged; please report it at https://github.com/asynclint/asynclint/issues")


def test_compile_catches_what_the_parsers_accept():
    # ``yield`` at module level parses (ast, libcst) but does not compile.
    text = "x = 1\n"
    out = fix_text(text, fixed_once(finding(1, 5, 6, "(yield)")))
    assert out.text == text
    assert out.errors[0].startswith("the fix for ASL999 at line 1 would produce invalid code (SyntaxError: 'yield' outside function (line 1))")


def test_a_broken_edit_position_is_reported():
    out = fix_text("x = 1\n", fixed_once(finding(9, 1, 2, "y")))
    assert out.text == "x = 1\n"
    assert out.errors[0].startswith("the fix for ASL999 at line 9 is broken (edit position 9:1 is outside the file)")


def test_fixes_that_never_converge_stop_at_the_bound():
    out = fix_text("x = 1\n", lambda text: ([finding(1, 1, 1, "#")], []))
    # Every round adds one '#' to a comment line that stays valid; the loop stops at 10.
    assert out.text == "#" * 10 + "x = 1\n"
    assert out.fixed == 10
    assert out.errors == ["fixes did not converge after 10 rounds; please report it at https://github.com/asynclint/asynclint/issues"]


def test_apply_edits_from_the_end_and_refuses_overlaps():
    text = "abc\ndef\n"
    assert apply_edits(text, [Edit(1, 1, 1, 2, "X"), Edit(2, 3, 2, 4, "Y"), Edit(1, 3, 2, 1, "-\n")]) == "Xb-\ndeY\n"
    with pytest.raises(InvalidFix):
        apply_edits(text, [Edit(1, 1, 1, 3, "X"), Edit(1, 2, 1, 4, "Y")])
    # Inserted newlines follow the file's style.
    assert apply_edits("a\r\nb\r\n", [Edit(1, 2, 1, 2, "\nc")]) == "a\r\nc\r\nb\r\n"


# ---------------------------------------------------------------------- the fixture corpus
def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".asynclint_cache" not in p.parts}


def _compiles(data: bytes, name: str) -> bool:
    try:
        compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def test_fixing_the_fixture_corpus_keeps_it_compiling_and_converges(tmp_path):
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(Path(__file__).parent / "fixtures", root)
    (root / "pyproject.toml").write_text("[project]\nname = 'corpus'\nrequires-python = '>=3.12'\n")
    before = _snapshot(root)
    compiled_before = {rel for rel, data in before.items() if rel.endswith(".py") and _compiles(data, rel)}
    args = ["--fix", "--unsafe-fixes", "--select", "ALL", "--no-cache", "--force-exclude", "."]
    _, _, err = run(args, root)
    assert "invalid code" not in err and "did not converge" not in err and "internal error" not in err, err
    after = _snapshot(root)
    assert after != before, "the corpus holds fixable findings; nothing was fixed"
    broken = [rel for rel in sorted(compiled_before) if not _compiles(after[rel], rel)]
    assert not broken, f"fixed files no longer compile: {broken}"
    _, _, err = run(args, root)
    assert _snapshot(root) == after, "a second --fix changed files again"


def test_async_with_and_for_only_inside_async_def():
    text = "def f(lock, it):\n    with lock:\n        for x in it:\n            pass\n\n\nasync def g(lock, it):\n    with lock:\n        for x in it:\n            pass\n"
    lint = fixed_once(finding(2, 5, 5, "async "), finding(3, 9, 9, "async "), finding(8, 5, 5, "async "), finding(9, 9, 9, "async "))
    out = fix_text(text, lint, unsafe=True)
    assert out.text == text.replace("    with lock:\n        for x in it:\n            pass\n", "    async with lock:\n        async for x in it:\n            pass\n").replace(
        "def f(lock, it):\n    async with lock:\n        async for", "def f(lock, it):\n    with lock:\n        for"
    )
    assert out.fixed == 2
    # ``async def`` itself is legal anywhere.
    assert fix_text("def f():\n    pass\n", fixed_once(finding(1, 1, 1, "async "))).text == "async def f():\n    pass\n"


def test_separate_fixes_share_one_round():
    rounds = []

    def lint(text):
        rounds.append(text)
        return ([finding(1, 1, 2, "A"), finding(1, 5, 6, "B"), finding(2, 1, 2, "C")] if len(rounds) == 1 else []), []

    out = fix_text("a = b\nc = 1\n", lint)
    assert out.text == "A = B\nC = 1\n" and out.fixed == 3
    assert rounds == ["a = b\nc = 1\n", "A = B\nC = 1\n"]

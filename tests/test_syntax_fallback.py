"""Files in syntax newer than the interpreter: read through libcst (src/asynclint/cst_to_ast.py)
with the same findings, at the same lines and columns, as where ``ast`` reads them.

The fixtures under tests/fixtures/syntax/ hold one syntax each; their findings are pinned here
and CI runs this file on the oldest and the newest supported Python (.ci/run), so they are the
same on both whichever parser reads them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.cst_to_ast import convert, parse_module
from asynclint.engine import lint_source
from asynclint.source import CannotAnalyse, parse, via_libcst

SYNTAX = Path(__file__).parent / "fixtures" / "syntax"

# file -> (the Python whose ``ast`` first reads it, {(line, code)} with every rule selected)
EXPECTED: dict[str, tuple[tuple[int, int], set[tuple[int, str]]]] = {
    "pep695_generics.py": ((3, 12), {(10, "ASL101"), (14, "ASL901"), (15, "ASL203"), (19, "ASL901"), (20, "ASL201")}),
    "pep696_defaults.py": ((3, 13), {(8, "ASL101"), (9, "ASL401"), (16, "ASL901"), (17, "ASL101")}),
    "pep701_fstrings.py": ((3, 12), {(8, "ASL901"), (11, "ASL101"), (13, "ASL202"), (16, "ASL401")}),
    "pep750_tstrings.py": ((3, 14), {(6, "ASL901"), (7, "ASL101"), (8, "ASL101"), (9, "ASL203")}),
    "pep758_except.py": ((3, 14), {(9, "ASL905"), (10, "ASL101")}),
    "match_statement.py": ((3, 10), {(9, "ASL101"), (11, "ASL203")}),
    "except_star.py": ((3, 11), {(10, "ASL905"), (11, "ASL101"), (14, "ASL101")}),
}


def run(text: str, path: str = "example.py", **config):
    return lint_source(text, path, Config(**config) if config else Config())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_syntax_fixture_has_its_exact_findings(name):
    since, expected = EXPECTED[name]
    text = (SYNTAX / name).read_text()
    tree = parse(text, name)
    # Each fixture really needs the fallback on an interpreter older than its syntax.
    assert via_libcst(tree) == (sys.version_info[:2] < since)
    result = run(text, f"tests/fixtures/syntax/{name}", select=("ALL",))
    assert not result.errors, result.errors
    assert {(f.line, f.code) for f in result.findings} == expected


def test_every_syntax_fixture_is_pinned():
    assert {p.name for p in SYNTAX.glob("*.py")} == set(EXPECTED)


def test_columns_are_characters_after_non_ascii_text_on_the_fallback_path():
    # 'é' is two bytes: ast's byte offsets become the same 1-based character column.
    text = 'import time\nasync def f[T](x: T):\n    s = "é"; time.sleep(1)\n'
    (finding,) = run(text).findings
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (3, 14, 3, 27)
    # The same statement where ast reads the file: the same position.
    (same,) = run(text.replace("[T]", "").replace("x: T", "x")).findings
    assert (same.line, same.column, same.end_line, same.end_column) == (3, 14, 3, 27)


@pytest.mark.parametrize(
    "source",
    [
        "type X[T] = list[T]\n",
        "class C[T: int = str](B, metaclass=M):\n    pass\n",
        "async def f[*Ts, **P](a, /, b=1, *c, d, e=2, **f) -> int:\n    return a\n",
        'x = f"{a["b"]!r:>{w}} {f"{c}"}"\n',
        "x = t'{a}'\n",
        "try:\n    pass\nexcept A, B:\n    pass\ntry:\n    pass\nexcept* C, D:\n    pass\n",
    ],
)
def test_new_constructs_take_the_closest_older_shape(source):
    older = {
        "type X[T] = list[T]\n": "X = list[T]\n",
        "class C[T: int = str](B, metaclass=M):\n    pass\n": "class C(B, metaclass=M):\n    pass\n",
        "async def f[*Ts, **P](a, /, b=1, *c, d, e=2, **f) -> int:\n    return a\n": "async def f(a, /, b=1, *c, d, e=2, **f) -> int:\n    return a\n",
        'x = f"{a["b"]!r:>{w}} {f"{c}"}"\n': "x = f\"{a['b']!r:>{w}} {f'{c}'}\"\n",
        "x = t'{a}'\n": "x = f'{a}'\n",
        "try:\n    pass\nexcept A, B:\n    pass\ntry:\n    pass\nexcept* C, D:\n    pass\n": None,
    }[source]
    tree = convert(parse_module(source), source)
    if older is None:
        handlers = [s.handlers[0] for s in tree.body]
        assert [ast.unparse(h.type) for h in handlers] == ["(A, B)", "(C, D)"]
        return
    assert ast.dump(tree) == ast.dump(ast.parse(older))


def test_positions_of_the_converted_tree_match_ast_on_tricky_shapes():
    source = textwrap.dedent(
        """\
        import a.b as c, d
        from . import (e as f,
            g)
        @dec(1)
        async def h(x: int = 1, *args: str, y, **kw) -> ((int)):
            '''doc'''
            z = ((1, 2)), [*x], {**kw, 'k': (yield)}
            del z[1:2, ::3], (q.r)
            w = f(i for i in x if i) + g((j for j in x), k=1)
            async with a as (b, c), d:
                async for e in f: pass
            while not x and y or z and not (a or b): x -= 1
            else: pass
            if x: pass
            elif y:
                pass
            else:
                pass
            try: pass
            except (A, B) as e: raise X from e
            finally: return lambda a, *, b=2: a if b else -a
            match x:
                case [1, *_] | {"k": _, **rest} | C(1, y=2) | (3 | 4) as z: pass
                case (a, b): pass
                case a, b,: pass
        x: int = 1
        def semicolons(): x = 1; pass;
        with a:
            b;
        print(*a, **b, sep="")
        global g
        assert x, "m"
        ﬁ = ªº.ﬁ  # identifiers are NFKC-normalized

        """
    )
    converted = convert(parse_module(source), source)
    assert ast.dump(converted, include_attributes=True) == ast.dump(ast.parse(source), include_attributes=True)


def test_a_string_of_many_parts_needs_no_deeper_recursion_than_ast():
    # libcst nests each part of a concatenation (pydoc's topics.py has strings of hundreds).
    text = "import time\ntype A = int\nx = (\n" + "".join(f"    'part {i}'\n" for i in range(3000)) + ")\nasync def f():\n    time.sleep(1)\n"
    limit = sys.getrecursionlimit()
    tree = parse(text, "x.py")
    assert sys.getrecursionlimit() == limit
    assert tree.body[2].value.value == "".join(f"part {i}" for i in range(3000))
    assert {(f.line, f.code) for f in run(text).findings} == {(3006, "ASL101")}


def test_nesting_past_the_interpreters_limit_is_not_handed_to_libcst(tmp_path):
    # libcst's native parser overflows the C stack on it (a segfault, not an exception).
    for text in ["x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", "type X = int\nx = " + "[" * 5000 + "]" * 5000 + "\n"]:
        (tmp_path / "deep.py").write_text(text)
        proc = subprocess.run([sys.executable, "-m", "asynclint", "--no-cache", str(tmp_path / "deep.py")], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert "cannot analyse: syntax error" in proc.stderr


def test_a_file_neither_parser_accepts_is_the_interpreters_syntax_error():
    with pytest.raises(CannotAnalyse, match=r"^syntax error: invalid syntax \(line 1, column 7\)$"):
        parse("def f(:\n    pass\n", "x.py")
    with pytest.raises(CannotAnalyse, match=r"never closed \(line 1, column 5\)$"):
        parse("y = (1,\nz = 2\n", "x.py")
    # New syntax and a real error: libcst refuses it too, and the interpreter's error stands.
    with pytest.raises(CannotAnalyse, match=r"^syntax error: .* \(line \d+, column \d+\)$"):
        parse("type X = int\ndef f(:\n    pass\n", "x.py")


def test_cli_reads_new_syntax_and_fixes_it_through_libcst(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(
        "import time\n"
        "type Alias = int\n"
        "async def f[T](x: T) -> T:\n"
        '    print(f"{x["k"]}")\n'
        "    time.sleep(1)\n"
        "    return x\n"
    )
    proc = subprocess.run([sys.executable, "-m", "asynclint", "--no-cache", "--format", "concise", str(f)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert f"{f}:5:5: ASL101" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "asynclint", "--no-cache", "--fix", str(f)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f.read_text() == (
        "import time\n"
        "import asyncio\n"
        "type Alias = int\n"
        "async def f[T](x: T) -> T:\n"
        '    print(f"{x["k"]}")\n'
        "    await asyncio.sleep(1)\n"
        "    return x\n"
    )


def test_a_target_version_newer_than_the_interpreter_warns_on_the_libcst_path(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import time\nasync def f[T](x: T):\n    time.sleep(1)\n")
    newer = f"3.{sys.version_info[1] + 1}" if sys.version_info[:2] < (3, 15) else "3.15"
    proc = subprocess.run([sys.executable, "-m", "asynclint", "--no-cache", "--target-version", newer, str(f)], capture_output=True, text=True)
    needs_libcst = sys.version_info[:2] < (3, 12)
    assert (f"target-version is {newer} but this Python is" in proc.stderr) == (needs_libcst and sys.version_info[:2] < (3, 15))
    # A file this interpreter reads itself: no warning.
    f.write_text("import time\nasync def f(x):\n    time.sleep(1)\n")
    proc = subprocess.run([sys.executable, "-m", "asynclint", "--no-cache", "--target-version", newer, str(f)], capture_output=True, text=True)
    assert "warning" not in proc.stderr

"""The libcst fallback on the whole standard library: for every stdlib file that both ``ast``
and libcst accept, the tree converted from libcst gives exactly the findings (positions,
messages, fixes) and the project-wide call sites that the interpreter's own tree gives.

Every rule is selected. The files are split into shards so that pytest-xdist spreads them over
the workers; together the shards cover every file (the last test checks that).
"""

from __future__ import annotations

import ast
import re
import sysconfig
import warnings
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.cst_to_ast import convert, parse_module
from asynclint.engine import Linter, module_name_for
from asynclint.rule import FileInfo
from asynclint.source import CannotAnalyse, decode

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = sorted(str(p) for p in STDLIB.rglob("*.py") if "site-packages" not in p.relative_to(STDLIB).parts)
SHARDS = 24
_checked: dict[int, int] = {}


def _both_trees(path: str) -> tuple[str, ast.Module, ast.Module] | None:
    try:
        with open(path, "rb") as f:
            text = decode(f.read())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except (CannotAnalyse, SyntaxError, ValueError, OSError):
        return None  # the deliberately broken test inputs
    try:
        module = parse_module(text)
    except Exception:  # noqa: BLE001 - libcst refuses a few odd files (e.g. Python 2 tests)
        return None
    if _LOSSY.search(text):
        try:
            if module.code != text:
                return None  # libcst itself does not keep this text (see _LOSSY)
        except RecursionError:
            return None
    return text, tree, convert(module, text)


# libcst 1.x drops the blanks after an f-string conversion (``f"{x!r  }"``, valid since Python
# 3.12): its tree is not the file's text, and positions after it on the line come out short.
# Only Python 3.12+'s own test of f-strings has one; files holding such a conversion are
# compared only when libcst gives their text back.
_LOSSY = re.compile(r"![rsa] +[:}]")


def _result(linter: Linter, tree: ast.Module, text: str, path: str):
    module, is_package = module_name_for(Path(path), STDLIB)
    info = FileInfo(path=path, display_path=path, module=module, target_version=(3, 12))
    r = linter.lint_tree(tree, text, info, is_package)
    return sorted(r.findings, key=lambda f: f.sort_key()), sorted(r.deferred, key=repr), [e.message for e in r.errors]


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_converted_stdlib_gives_the_same_findings_as_ast(shard):
    linter = Linter(Config(select=("ALL",)), STDLIB)
    differ: list[str] = []
    checked = 0
    for path in FILES[shard::SHARDS]:
        both = _both_trees(path)
        if both is None:
            continue
        text, tree, converted = both
        checked += 1
        want = _result(linter, tree, text, path)
        got = _result(linter, converted, text, path)
        if got != want:
            wf, gf = set(want[0]), set(got[0])
            detail = [f"-{f.line}:{f.column} {f.code}" for f in sorted(wf - gf, key=lambda f: f.sort_key())]
            detail += [f"+{f.line}:{f.column} {f.code}" for f in sorted(gf - wf, key=lambda f: f.sort_key())]
            differ.append(f"{path}: {' '.join(detail[:6]) or 'call sites or errors differ'}")
    assert not differ, "\n".join(differ)
    assert checked > len(FILES) // SHARDS // 2

"""Fuzzing the libcst -> ast converter: modules generated from Python's grammar (hypothesmith)
convert to exactly the tree ``ast`` gives, positions included. The example count comes from the
Hypothesis profile (tests/conftest.py, HYPOTHESIS_PROFILE)."""

from __future__ import annotations

import ast
import os
import sys
import warnings

import pytest

from conftest import FUZZ_PROFILES

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from asynclint.cst_to_ast import convert, parse_module  # noqa: E402


# Before 3.12 the interpreter parses an f-string's expressions apart, and some positions inside
# come out shifted (``f"{a,b}"``: the tuple starts at the brace): not compared there.
OLD_FSTRINGS = sys.version_info < (3, 12)


def difference(a, b, path: str = "", in_fstring: bool = False) -> str | None:
    """Where two trees differ (None if nowhere). Inside an f-string the text parts have the
    position of the whole string (or of one piece of it): those positions are not compared."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, ast.AST):
        inner = in_fstring or isinstance(a, ast.JoinedStr)
        for name in a._fields + a._attributes:
            if name in ("type_comment", "kind"):
                continue
            if in_fstring and name in a._attributes and (OLD_FSTRINGS or isinstance(a, (ast.Constant, ast.JoinedStr, ast.FormattedValue))):
                continue
            r = difference(getattr(a, name, None), getattr(b, name, None), f"{path}.{type(a).__name__}.{name}", inner)
            if r:
                return r
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            r = difference(x, y, f"{path}[{i}]", in_fstring)
            if r:
                return r
        return None
    if a != b and not (a != a and b != b):  # NaN equals NaN here
        return f"{path}: {a!r} != {b!r}"
    return None


def test_the_profile_sets_the_example_count():
    assert settings().max_examples == FUZZ_PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(suppress_health_check=list(HealthCheck))  # examples: the profile (conftest.py)
@given(hypothesmith.from_grammar())
def test_generated_modules_convert_to_the_tree_ast_gives(source):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = ast.parse(source)
        module = parse_module(source)
    except Exception:  # noqa: BLE001 - only what both parsers accept is compared
        return
    assert difference(want, convert(module, source)) is None

"""Symbolic references: what an expression denotes, spelled so the project index can finish
resolving it when the answer lives in another module.

A ref is a dotted path whose segments may end in ``()`` ("the result of calling it"):
``app.repo.save`` (a function), ``app.repo.UserRepo()`` (an instance),
``app.service.Service().repo.save`` (the ``save`` of the ``repo`` attribute of a ``Service``).
Local knowledge is used first (imports, aliases, receiver types from the SemanticModel); only
what the file cannot know stays symbolic. Refs are plain strings: picklable, cacheable.
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from asynclint.knowledge.types import canonical

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}


_MISSING = object()


def value_ref(sem: SemanticModel, expr: ast.AST, _depth: int = 0) -> str | None:
    """A ref for the value ``expr`` evaluates to, or None when nothing useful is known."""
    # Several rules and the summary ask about the same callee: answer once per node.
    cached = getattr(expr, "_asl_ref", _MISSING)
    if cached is _MISSING:
        cached = _value_ref(sem, expr, _depth)
        if _depth == 0:
            expr._asl_ref = cached  # type: ignore[attr-defined]
    return cached


def _value_ref(sem: SemanticModel, expr: ast.AST, _depth: int) -> str | None:
    if _depth > 8:
        return None
    t = type(expr)
    if t is ast.Name or t is ast.Attribute:
        q = sem.qualname(expr)
        if q is not None:
            return canonical(q)
        ty = sem.type_of(expr)
        if ty is not None:
            return ty + "()"
        if t is ast.Attribute:
            base = value_ref(sem, expr.value, _depth + 1)
            return f"{base}.{expr.attr}" if base else None
        return _single_assignment_ref(sem, expr, _depth)
    if t is ast.Await:
        # What awaiting gives: known types first (``await asyncpg.connect()``), else the
        # index decides (a project coroutine function's annotated return).
        ty = sem.type_of(expr)
        if ty is not None:
            return ty + "()"
        inner = value_ref(sem, expr.value, _depth + 1)
        return f"{inner}.{AWAITED}" if inner else None
    if t is ast.Call:
        if type(expr.func) is ast.Name and expr.func.id == "super" and not expr.args:
            return _super_ref(sem, expr)
        ty = sem.type_of(expr)
        if ty is not None:
            return ty + "()"
        f = value_ref(sem, expr.func, _depth + 1)
        return f + "()" if f else None
    return None


def _super_ref(sem: SemanticModel, call: ast.Call) -> str | None:
    """``super()`` in a method of ``mod.C``: ``mod.C().<super>``, the instance seen from the
    class after ``C`` in its MRO (the index resolves it)."""
    if sem.qualname(call.func) != "builtins.super":
        return None
    func = sem.enclosing_function(call)
    info = sem.enclosing_class(func) if func is not None else None
    return f"{info.qualname}().{SUPER}" if info is not None else None


SUPER = "<super>"
AWAITED = "<await>"  # the member of a coroutine (or awaitable) that is its awaited result


def _single_assignment_ref(sem: SemanticModel, name: ast.Name, depth: int) -> str | None:
    """``repo = make_repo()`` assigned once in the scope: the ref of what was assigned."""
    binds = sem.lookup(name.id, sem.scope_of(name))
    if not binds or len(binds) != 1:
        return None
    b = binds[0]
    if b.kind != "assign" or b.value is None or b.annotation is not None:
        return None
    if type(b.value) not in (ast.Call, ast.Attribute, ast.Name, ast.Await):
        return None
    return value_ref(sem, b.value, depth + 1)


def annotation_ref(sem: SemanticModel, ann: ast.AST, scope) -> str | None:
    """The ref of a value annotated with ``ann`` (an instance of the annotated class)."""
    ty = sem.annotation_type(ann, scope)
    return ty + "()" if ty else None


def root_of(ref: str) -> str:
    return ref.split(".", 1)[0].rstrip("()")


def is_outside_project(ref: str, libraries: frozenset[str] = frozenset()) -> bool:
    """True when ``ref`` is rooted in the stdlib, builtins or a known library, so the project
    index can add nothing to what the knowledge tables say."""
    root = root_of(ref)
    return root in _STDLIB or root in libraries


def generator_functions(sem: SemanticModel) -> set[int]:
    """ids of the function nodes whose own body holds ``yield``/``yield from``."""
    out: set[int] = set()
    for y in sem.nodes(ast.Yield, ast.YieldFrom):
        f = sem.enclosing_function(y)
        if f is not None:
            out.add(id(f))
    return out

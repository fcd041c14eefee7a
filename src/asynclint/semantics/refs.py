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


STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
_STDLIB = STDLIB


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
            return extend(base, "." + expr.attr) if base else None
        return _single_assignment_ref(sem, expr, _depth)
    if t is ast.Await:
        # What awaiting gives: known types first (``await asyncpg.connect()``), else the
        # index decides (a project coroutine function's annotated return).
        ty = sem.type_of(expr)
        if ty is not None:
            return ty + "()"
        inner = value_ref(sem, expr.value, _depth + 1)
        return extend(inner, "." + AWAITED) if inner else None
    if t is ast.Call:
        if type(expr.func) is ast.Name and expr.func.id == "super" and not expr.args:
            return _super_ref(sem, expr)
        ty = sem.type_of(expr)
        if ty is not None:
            return ty + "()"
        f = value_ref(sem, expr.func, _depth + 1)
        return extend(f, "()") if f else None
    if t is ast.IfExp:
        return union_of([b for b in (expr.body, expr.orelse) if not (type(b) is ast.Constant and b.value is None)], sem, _depth)
    return None


def union_of(values: list[ast.expr], sem: SemanticModel, depth: int) -> str | None:
    """The ref of a value that is one of ``values``: their one ref, or the union of theirs
    (None when one of them is unknown)."""
    found: list[str] = []
    for v in values:
        r = value_ref(sem, v, depth + 1)
        if r is None:
            return None
        for member in r.split(UNION):
            if member not in found:
                found.append(member)
    if not found or len(found) > _MAX_UNION:
        return None
    return UNION.join(found)


UNION = "|"
"""Joins the refs of a name bound to values of different kinds (``conn = Pg() if x else
Mem()``): a fact holds for the union when it holds for every member."""


def extend(ref: str, suffix: str) -> str:
    """``ref`` followed by an attribute or a call, member by member for a union."""
    if UNION in ref:
        return UNION.join(r + suffix for r in ref.split(UNION))
    return ref + suffix


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
ITEM = "<item{}>"  # ``<item0>``: an element of a fixed tuple (``reader, size = await open()``)


ITER = "<iter>"
"""Ref segment: what iterating the container gives (an element; a mapping's key)."""
KEYS = "<keys>"
"""Ref segment: a key of a mapping (``.keys()``, the first of ``.items()``)."""
VALUES = "<values>"
"""Ref segment: a value of a mapping (``.values()``, the second of ``.items()``)."""


def iteration_view(iterated: ast.AST) -> tuple[ast.AST, str | None]:
    """``d.values()`` -> ``(d, "values")``; any other iterated expression -> ``(it, None)``."""
    if type(iterated) is ast.Call and type(iterated.func) is ast.Attribute and not iterated.args and not iterated.keywords:
        if iterated.func.attr in ("keys", "values", "items"):
            return iterated.func.value, iterated.func.attr
    return iterated, None


def element_part(part: str | None, index: int | None) -> str | None:
    """Which part of a container a ``for`` target over ``container.<part>()`` gets at
    ``index`` of its unpacking: ``ITER``, ``KEYS`` or ``VALUES``; None when it is none of
    them (a pair of ``.items()`` bound to one name, an element unpacked into names)."""
    if part == "items":
        return (KEYS, VALUES)[index] if index in (0, 1) else None
    if index is not None:
        return None
    return KEYS if part == "keys" else VALUES if part == "values" else ITER


def pick_element(elements: tuple, part: str | None):
    """From a container's ``(element or key, value or None)`` (a value is there only for a
    mapping), the one ``part`` names; None when that container has no such part."""
    if part is None:
        return None
    first, value = elements
    if part == ITER:
        return first
    if value is None:  # ``.keys()``/``.values()`` of a list: no such thing
        return None
    return first if part == KEYS else value


def _element_ref(sem: SemanticModel, b, depth: int) -> str | None:
    """A ``for`` (or comprehension) target: the element of the iterated container, for the
    project index to find the container's declared element type (``self.clients`` declared
    ``clients: set[Client]`` in a mixin of another module)."""
    container, part = iteration_view(b.value)
    seg = element_part(part, b.index)
    if seg is None or type(container) not in (ast.Name, ast.Attribute, ast.Call, ast.Await):
        return None
    whole = value_ref(sem, container, depth + 1)
    return extend(whole, "." + seg) if whole else None


def _single_assignment_ref(sem: SemanticModel, name: ast.Name, depth: int) -> str | None:
    """``repo = make_repo()`` in the scope: the ref of what was assigned. A name bound again
    keeps the ref when every assignment gives the same one (``conn = Conn()`` twice), else
    it is the union of them (a ``None`` placeholder beside them does not count)."""
    binds = sem.lookup(name.id, sem.scope_of(name))
    if not binds:
        return None
    if len(binds) == 1 and binds[0].kind == "other" and binds[0].index is not None and binds[0].value is not None:
        # ``stream, size = await open_stream()``: that element of what the call gives.
        b = binds[0]
        if type(b.value) not in (ast.Call, ast.Await):
            return None
        whole = value_ref(sem, b.value, depth + 1)
        return extend(whole, "." + ITEM.format(b.index)) if whole else None
    values, elements = [], []
    for b in binds:
        if b.kind == "for" and b.value is not None:
            r = _element_ref(sem, b, depth)
            if r is None:
                return None
            elements.append(r)
            continue
        if b.kind != "assign" or b.value is None or b.annotation is not None:
            return None
        v = b.value
        if type(v) is ast.Constant and v.value is None and len(binds) > 1:
            continue
        if type(v) not in (ast.Call, ast.Attribute, ast.Name, ast.Await, ast.IfExp):
            return None
        values.append(v)
    if not elements:
        return union_of(values, sem, depth)
    found = union_of(values, sem, depth) if values else ""
    if found is None:
        return None
    members = found.split(UNION) if found else []
    for r in elements:
        members += [m for m in r.split(UNION) if m not in members]
    return UNION.join(members) if len(members) <= _MAX_UNION else None


_MAX_UNION = 4


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

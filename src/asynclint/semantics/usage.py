"""How the value of an expression is used: tested for truth, compared, formatted, iterated,
thrown away into ``_``, or bound to a name that is never handed on. Shared by the rules that
care whether a coroutine or task object is consumed as a plain value (ASL202, ASL203)."""

from __future__ import annotations

import ast

_FORMAT_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.format", "builtins.print", "builtins.ascii"})
_LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")
_LOG_CALLS = frozenset(
    [f"logging.{m}" for m in _LOG_METHODS]
    + [f"logging.Logger.{m}" for m in _LOG_METHODS]
    + [f"logging.LoggerAdapter.{m}" for m in _LOG_METHODS]
)

TRUTH, COMPARE, FORMAT, ITERATE, DISCARD = "truth", "compare", "format", "iterate", "discard"


def value_use(sem, node: ast.AST) -> str | None:
    """How ``node``'s value is consumed where it stands, when that use treats it as a plain
    value (truth test, comparison, text formatting, sync iteration, ``_ = ...``); None for
    every other use (awaited, returned, stored, passed to a call, ...)."""
    p = sem.parent(node)
    tp = type(p)
    if tp in (ast.If, ast.While, ast.IfExp, ast.Assert):
        return TRUTH if p.test is node else None
    if tp is ast.UnaryOp:
        return TRUTH if isinstance(p.op, ast.Not) else None
    if tp is ast.BoolOp:
        # Only the last operand can escape as the expression's value.
        if node is not p.values[-1] or value_use(sem, p) == TRUTH:
            return TRUTH
        return None
    if tp is ast.comprehension:
        if node is p.iter:
            return ITERATE
        return TRUTH if node in p.ifs else None
    if tp is ast.For:
        return ITERATE if p.iter is node else None
    if tp is ast.Compare:
        return COMPARE
    if tp is ast.FormattedValue:
        return FORMAT if p.value is node else None
    if tp is ast.keyword:  # a keyword of a call, or of a class definition (metaclass=...)
        p = sem.parent(p)
        tp = type(p)
    if tp is ast.Call and node is not p.func:
        name = sem.call_name(p)
        if name in _FORMAT_CALLS or name in _LOG_CALLS:
            return FORMAT
        if name == "builtins.bool":
            return TRUTH
        return None
    if tp is ast.Assign and len(p.targets) == 1 and type(p.targets[0]) is ast.Name and p.targets[0].id == "_":
        return DISCARD
    return None


def assigned_name(sem, node: ast.AST) -> ast.Name | None:
    """The target of ``name = node`` when that is a plain local variable of a function."""
    p = sem.parent(node)
    if type(p) is ast.Assign and len(p.targets) == 1 and p.value is node:
        target = p.targets[0]
    elif type(p) is ast.AnnAssign and p.value is node and p.simple:
        target = p.target
    else:
        return None
    if type(target) is not ast.Name or target.id == "_":
        return None
    scope = sem.scope_of(target)
    if scope.kind != "function" or target.id in scope.globals:
        return None
    return target


def never_handed_on(sem, target: ast.Name) -> bool:
    """True when no read of the variable bound at ``target`` hands its value on: every read
    (if any) is a truth test, comparison, formatting or iteration. Conservative: a read that
    might see another assignment of the same name counts as handing it on."""
    name = target.id
    if name in _nonlocal_names(sem):
        return False
    scope = sem.scope_of(target)
    binds = scope.bindings.get(name) or []
    mine = next((b for b in binds if b.node is target), None)
    if mine is None:
        return False
    for load in _loads(sem).get(name, ()):
        found = sem.lookup(name, sem.scope_of(load))
        if found and mine in found and value_use(sem, load) is None:
            return False
    return True


def _loads(sem) -> dict[str, list[ast.Name]]:
    cached = getattr(sem, "_asl_name_loads", None)
    if cached is None:
        cached = {}
        for n in sem.nodes(ast.Name):
            if type(n.ctx) is ast.Load:
                cached.setdefault(n.id, []).append(n)
        sem._asl_name_loads = cached
    return cached


def _nonlocal_names(sem) -> set[str]:
    cached = getattr(sem, "_asl_nonlocals", None)
    if cached is None:
        cached = {name for n in sem.nodes(ast.Nonlocal) for name in n.names}
        sem._asl_nonlocals = cached
    return cached

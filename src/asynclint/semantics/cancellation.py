"""Where a coroutine swallows its task's cancellation, and what goes wrong after it.

Shared by ASL301 (cancellation-swallowed, default) and ASL905 (cancellation-ends-task,
opt-in): both ask :func:`swallowed_by_handler` / :func:`swallowed_by_suppress` and report the
shapes that are theirs.

What a swallowed ``CancelledError`` breaks depends on where control goes after the handler:

- ``CONTINUES``: more of the coroutine runs (the loop goes round again, the code after the
  ``try`` runs): ``task.cancel()`` does not stop the task.
- ``RETURNS``: the coroutine returns normally and something awaits it directly (a call
  ``await f()`` in its module, or it returns a value someone reads): that caller goes on as
  if nothing happened, so again the task is not stopped.
- ``ENDS_TASK``: the coroutine ends and nothing in its module awaits it directly (it is a
  task's top-level coroutine, a callback, a framework hook): the task does end, but as
  finished rather than cancelled, so only a side that waits on the task (``await task``,
  ``asyncio.wait_for``, ``asyncio.timeout``) is misled. Often intended, hence opt-in.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from asynclint.semantics.flow import (
    BASE_EXCEPTION,
    BREAK,
    CANCELLED_ERROR,
    CONTINUE,
    FALL,
    RAISE,
    always_raises,
    cancellation_truth,
    catches_cancellation,
    contains_await_point,
    exception_names,
    exits,
    stored_then_raised,
    uncancels,
)
from asynclint.semantics.teardown import is_teardown_function

CONTINUES = "continues"
RETURNS = "returns"
ENDS_TASK = "ends-task"
CLEANUP = "cleanup"

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))


class Swallow(NamedTuple):
    what: str  # "CancelledError" | "BaseException" | "except:" | "suppress"
    shape: str  # CONTINUES | RETURNS | ENDS_TASK | CLEANUP


def swallowed_by_handler(sem, node: ast.ExceptHandler) -> Swallow | None:
    """The handler catches this task's cancellation and can finish without re-raising it."""
    what = catches_cancellation(sem, node)
    if what is None or not sem.in_async_context(node):
        return None
    try_node = sem.parent(node)
    # Cancellation arrives only at an await point of the ``try`` body: with none, a
    # ``CancelledError`` caught there is another future's (``fut.result()``), not this task's.
    if not contains_await_point(try_node.body):
        return None
    # An earlier handler of the same ``try`` (``except CancelledError: raise``) takes it.
    for other in try_node.handlers:
        if other is node:
            break
        if catches_cancellation(sem, other) is not None:
            return None
    truth = cancellation_truth(sem, node)
    if always_raises(sem, node.body, truth) or uncancels(node.body) or stored_then_raised(sem, node):
        return None
    if what == "CancelledError" and awaits_a_task_it_cancelled(sem, try_node.body, node):
        return None
    if _inside_reraising_handler(sem, try_node):
        return None
    ways = exits(sem, node.body, truth)
    if ways <= {FALL, RAISE} and raises_after(sem, try_node):
        return None  # the code after the ``try`` raises another error: the task does not go on
    if FALL in ways and _ends_enclosing_while(sem, try_node, node.body):
        ways = (ways - {FALL}) | {BREAK}  # the loop's test fails next: as good as ``break``
    return Swallow(what, _cleanup_or(sem, try_node, _shape(sem, try_node, ways)))


def swallowed_by_suppress(sem, call: ast.Call) -> Swallow | None:
    """``contextlib.suppress(CancelledError or BaseException)`` around something that can be
    cancelled, in async context."""
    if sem.call_name(call) != "contextlib.suppress" or not call.args:
        return None
    names: set[str] = set()
    for arg in call.args:
        names |= exception_names(sem, arg) or frozenset()
    if not names & {CANCELLED_ERROR, BASE_EXCEPTION} or not sem.in_async_context(call):
        return None
    with_stmt = _with_of(sem, call)
    if with_stmt is not None:
        if not contains_await_point(with_stmt.body):
            return None  # ``with suppress(CancelledError): task.cancel()``: nothing to cancel here
        if CANCELLED_ERROR in names and awaits_a_task_it_cancelled(sem, with_stmt.body, call):
            return None
        if _inside_reraising_handler(sem, with_stmt) or raises_after(sem, with_stmt):
            return None
        return Swallow("suppress", _cleanup_or(sem, with_stmt, _shape(sem, with_stmt, frozenset({FALL}))))
    return Swallow("suppress", CONTINUES)


def _cleanup_or(sem, stmt: ast.stmt, shape: str) -> str:
    """``CLEANUP`` for a swallow that runs on only to finish stopping something (see the
    module doc), else ``shape``."""
    func = sem.enclosing_function(stmt)
    if is_teardown_function(func):
        return CLEANUP
    node = stmt
    while node is not None and node is not func:
        parent = sem.parent(node)
        if type(parent) in _TRIES and any(s is node for s in parent.finalbody):
            return CLEANUP
        node = parent
    return shape


def raises_after(sem, stmt: ast.stmt) -> bool:
    """Control falling out of ``stmt`` reaches a ``raise`` on every path before the function
    ends or a loop goes round again: ``with suppress(CancelledError): ...`` then ``raise
    HomeAssistantError("Unable to get image")``. The cancellation becomes that error; the
    task still ends with an exception instead of going on."""
    func = sem.enclosing_function(stmt)
    node = stmt
    while node is not func and node is not None:
        parent = sem.parent(node)
        if parent is None or (type(parent) in _LOOPS and node in parent.body):
            return False
        if type(parent) in _TRIES and (parent.finalbody or (parent.orelse and node in parent.body)):
            return False  # a ``finally`` (or the ``else``) runs first and may leave otherwise
        if type(node) is not ast.ExceptHandler:  # out of a handler is past its ``try``
            for _, value in ast.iter_fields(parent):
                if type(value) is list and any(s is node for s in value):
                    rest = value[next(i for i, s in enumerate(value) if s is node) + 1:]
                    if rest:
                        return always_raises(sem, rest)
        node = parent
    return False


def _inside_reraising_handler(sem, stmt: ast.stmt) -> bool:
    """``stmt`` is inside an ``except`` handler (of the same function) that raises on every
    path: ``except BaseException: <cleanup with a swallow>; raise``. Whatever the swallow
    lets run on, the task then ends with the exception being handled."""
    func = sem.enclosing_function(stmt)
    node = stmt
    while node is not None and node is not func:
        parent = sem.parent(node)
        if type(parent) is ast.ExceptHandler and always_raises(sem, parent.body):
            return True
        node = parent
    return False


def _shape(sem, stmt: ast.stmt, ways: frozenset[str]) -> str:
    """Where control goes once ``stmt`` (the ``try``/``with``) swallowed the cancellation,
    given the ways out of the handler."""
    func = sem.enclosing_function(stmt)
    ways = ways - {RAISE}
    if CONTINUE in ways:
        return CONTINUES
    if FALL in ways and not _ends_function(sem, stmt, func):
        return CONTINUES
    if BREAK in ways:
        loop = _enclosing_loop(sem, stmt, func)
        if loop is None or not _ends_function(sem, loop, func):
            return CONTINUES
    if func is None or type(func) is not ast.AsyncFunctionDef:
        return CONTINUES
    if _awaited_directly(sem, func) or _returns_a_value(func) or func.name.startswith("__"):
        return RETURNS
    return ENDS_TASK


def _ends_enclosing_while(sem, stmt: ast.stmt, body: list[ast.stmt]) -> bool:
    """The handler ``body`` makes the test of the ``while`` loop around ``stmt`` false:
    ``while self.keep_alive and ...:`` with ``self.keep_alive = False`` (or ``while not
    aborted`` with ``aborted = True``) among its own statements. The rest of the iteration
    runs, then the loop ends."""
    loop = _enclosing_loop(sem, stmt, sem.enclosing_function(stmt))
    if type(loop) is not ast.While:
        return False
    test = loop.test
    conjuncts = test.values if type(test) is ast.BoolOp and type(test.op) is ast.And else [test]
    ends: set[tuple[str, bool]] = set()  # (target, the value that makes the test false)
    for c in conjuncts:
        if type(c) is ast.UnaryOp and type(c.op) is ast.Not and type(c.operand) in (ast.Name, ast.Attribute):
            ends.add((ast.dump(c.operand), True))
        elif type(c) in (ast.Name, ast.Attribute):
            ends.add((ast.dump(c), False))
    for s in body:
        if type(s) is ast.Assign and len(s.targets) == 1 and type(s.value) is ast.Constant:
            target = s.targets[0]
            if type(target) in (ast.Name, ast.Attribute) and (ast.dump(target).replace("Store()", "Load()"), bool(s.value.value)) in ends:
                return True
    return False


def _ends_function(sem, stmt: ast.stmt, func) -> bool:
    """Control falling off ``stmt`` runs no loop before the function ends: no statement after
    it (up to the function) is a loop that suspends (awaits, ``async for``), and ``stmt`` is
    not inside a loop's body. A loop of sync work after it (logging the errors of finished
    tasks) ends by itself, like straight-line code."""
    node = stmt
    while node is not func and node is not None:
        parent = sem.parent(node)
        if parent is None:
            return False
        if type(parent) in _LOOPS and node in parent.body:
            return False
        for _, value in ast.iter_fields(parent):
            if type(value) is list and any(s is node for s in value):
                rest = value[next(i for i, s in enumerate(value) if s is node) + 1:]
                if any(_has_loop(s) for s in rest):
                    return False
        if type(parent) in _TRIES:
            # Falling out of a ``try`` body runs its ``else``/``finally`` too.
            if any(_has_loop(s) for s in parent.orelse + parent.finalbody):
                return False
        node = parent
    return node is func


def _has_loop(stmt: ast.AST) -> bool:
    """``stmt`` has a loop that can suspend: the task goes on working there."""
    stack = [stmt]
    while stack:
        n = stack.pop()
        if type(n) is ast.AsyncFor or (type(n) in _LOOPS and contains_await_point([n])):
            return True
        if type(n) in _SCOPES:
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def _enclosing_loop(sem, stmt: ast.stmt, func) -> ast.stmt | None:
    node = sem.parent(stmt)
    while node is not None and node is not func:
        if type(node) in _LOOPS:
            return node
        node = sem.parent(node)
    return None


def _returns_a_value(func: ast.AST) -> bool:
    stack = list(func.body)
    while stack:
        n = stack.pop()
        if type(n) is ast.Return and n.value is not None and not (type(n.value) is ast.Constant and n.value.value is None):
            return True
        if type(n) in _SCOPES:
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def _awaited_directly(sem, func: ast.AsyncFunctionDef) -> bool:
    """Some ``await f(...)`` / ``await x.f(...)`` in this module names the function: a caller
    that goes on running when ``f`` returns instead of raising."""
    memo = sem.__dict__.get("_asl_awaited_names")
    if memo is None:
        memo = set()
        for n in sem.nodes(ast.Await):
            call = n.value
            if type(call) is not ast.Call:
                continue
            f = call.func
            if type(f) is ast.Name:
                memo.add(f.id)
            elif type(f) is ast.Attribute:
                memo.add(f.attr)
        sem._asl_awaited_names = memo
    return func.name in memo


def _with_of(sem, call: ast.Call) -> ast.With | None:
    parent = sem.parent(call)
    if type(parent) is ast.withitem:
        parent = sem.parent(parent)
    return parent if type(parent) is ast.With else None


def awaits_a_task_it_cancelled(sem, body: list[ast.stmt], anchor: ast.AST) -> bool:
    """``task.cancel()`` then ``await task`` inside ``except CancelledError``/``suppress``:
    the idiom for waiting until a child task has finished cancelling. The CancelledError
    expected there is the child's, so this is not the task swallowing its own."""
    awaited = _awaited_only(body)
    if not awaited:
        return False
    func = sem.enclosing_function(anchor)
    if func is None:
        return False
    cancelled = {
        ast.dump(n.func.value)
        for n in ast.walk(func)
        if type(n) is ast.Call and type(n.func) is ast.Attribute and n.func.attr == "cancel" and len(n.args) <= 1 and n.lineno <= anchor.lineno
    }
    return all(a in cancelled for a in awaited)


def _awaited_only(body: list[ast.stmt]) -> list[str] | None:
    """What ``body`` awaits, when all it does is ``await x`` statements (``x`` a name,
    attribute or subscript such as ``app[key]``), also inside a ``with``/``async with``
    (``async with asyncio.timeout(0.1): await task``); else None."""
    awaited: list[str] = []
    for stmt in body:
        if type(stmt) in (ast.With, ast.AsyncWith):
            inner = _awaited_only(stmt.body)
            if inner is None:
                return None
            awaited += inner
            continue
        value = stmt.value if type(stmt) in (ast.Expr, ast.Assign, ast.AnnAssign) else None
        if type(value) is not ast.Await or type(value.value) not in (ast.Name, ast.Attribute, ast.Subscript):
            return None
        awaited.append(ast.dump(value.value))
    return awaited

from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import AWAITED, DROPPED, usage_of
from asynclint.semantics.teardown import is_teardown_function


class GatherExceptionsDropped(Rule):
    code = "ASL303"
    name = "gather-exceptions-dropped"
    summary = "`asyncio.gather(..., return_exceptions=True)` whose results nobody looks at"
    related = ("ASL301", "ASL904")
    doc = """
    ## What it does
    Flags `asyncio.gather(..., return_exceptions=True)` whose result is thrown away: the
    (awaited) call is an expression statement, is assigned to `_`, or is assigned to a local
    name that is never read.

    Not flagged when the exceptions are expected or seen another way: every task gathered
    was cancelled just before (`for t in tasks: t.cancel()`, then `gather(*tasks,
    return_exceptions=True)` waits until they have finished cancelling); each task gathered
    is awaited, or its `result()`/`exception()` read, afterwards; or the function tears
    something down (its name says close, stop, shutdown, cleanup, disconnect, unload,
    cancel ...), where one failing step must not keep the others from running.

    ## Why is this bad?
    With `return_exceptions=True`, failures come back as values in the result list instead of
    being raised. Dropping the list drops every exception with it, silently, `CancelledError`
    of the children included.

    ## Instead
    Keep the results and check them (`for r in results: if isinstance(r, BaseException):
    ...`), or leave `return_exceptions` out so the first failure propagates, or use
    `asyncio.TaskGroup`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def notify_all(clients):
                await asyncio.gather(*(c.notify() for c in clients), return_exceptions=True)  # expect: ASL303

            async def refresh(a, b):
                _ = await asyncio.gather(a.refresh(), b.refresh(), return_exceptions=True)  # expect: ASL303
                results = await asyncio.gather(a.reload(), b.reload(), return_exceptions=True)  # expect: ASL303

            async def run_some(tasks, others):
                for task in others:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)  # expect: ASL303
                for task in others:
                    await task
            """
        ),
        Example(
            """
            from asyncio import gather as all_of

            async def main(jobs):
                await all_of(*jobs, return_exceptions=True)  # expect: ASL303
            """,
            title="alias",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import logging

            async def notify_all(clients):
                results = await asyncio.gather(*(c.notify() for c in clients), return_exceptions=True)
                for client, result in zip(clients, results):
                    if isinstance(result, BaseException):
                        logging.error("notify %s failed: %r", client, result)

            async def collect(jobs):
                return await asyncio.gather(*jobs, return_exceptions=True)

            async def strict(jobs):
                await asyncio.gather(*jobs)
                await asyncio.gather(*jobs, return_exceptions=False)
            """
        ),
        Example(
            """
            import asyncio
            import contextlib

            async def stop_workers(tasks):
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)  # their CancelledError was asked for

            async def run_all(tasks):
                await asyncio.gather(*tasks, return_exceptions=True)
                for task in tasks:
                    await task  # raises each task's exception here

            async def close(self):
                # tearing down: one failing close must not stop the others
                await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)
            """,
            title="cancelled tasks waited for; results read later; teardown",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.gather":
            return
        if not any(k.arg == "return_exceptions" and type(k.value) is ast.Constant and k.value.value is True for k in node.keywords):
            return
        usage = usage_of(sem, node)
        if usage == AWAITED:
            usage = usage_of(sem, sem.parent(node))
        if usage in DROPPED and not _expected_or_read_later(sem, node):
            ctx.report(
                node,
                "`gather(..., return_exceptions=True)` returns the exceptions as results, and "
                "they are dropped here; check the results or let errors propagate",
            )


# Functions whose job is to tear down: there, errors of one step are ignored on purpose so
# that the other steps still run (``close()``, ``async_stop()``, ``__aexit__``).
def _expected_or_read_later(sem, call: ast.Call) -> bool:
    """The dropped exceptions are expected or looked at another way:

    - every awaitable gathered was ``.cancel()``ed before in the same function (``for t in
      tasks: t.cancel()``, then ``gather(*tasks, return_exceptions=True)``): the idiom for
      waiting until cancelled tasks have finished; their ``CancelledError`` is what was asked;
    - each task gathered is awaited (or its ``result()``/``exception()`` read) after the
      ``gather``, which raises its exception there;
    - the function tears something down (its name says close, stop, shutdown, cleanup,
      disconnect, unload ...): one failing step must not stop the others.
    """
    func = sem.enclosing_function(call)
    if func is None:
        return False
    if is_teardown_function(func):
        return True
    gathered = _gathered_names(call)
    if not gathered:
        return False
    cancelled: set[str] = set()
    read_later: set[str] = set()
    loops: dict[str, str] = {}  # loop variable -> the collection it runs over
    for n in ast.walk(func):
        if type(n) in (ast.For, ast.AsyncFor) and type(n.target) is ast.Name:
            src = _plain(n.iter)
            if src is not None:
                loops[n.target.id] = src
    for n in ast.walk(func):
        if type(n) is ast.Call and type(n.func) is ast.Attribute and n.func.attr == "cancel" and n.lineno <= call.lineno:
            obj = _plain(n.func.value)
            if obj is not None:
                cancelled.add(loops.get(obj, obj))
        elif getattr(n, "lineno", 0) > getattr(call, "end_lineno", call.lineno):
            obj = None
            if type(n) is ast.Await:
                obj = _plain(n.value)
            elif type(n) is ast.Call and type(n.func) is ast.Attribute and n.func.attr in ("result", "exception") and not n.args:
                obj = _plain(n.func.value)
            if obj is not None:
                read_later.add(loops.get(obj, obj))
    return gathered <= cancelled or gathered <= read_later


def _gathered_names(call: ast.Call) -> set[str]:
    """The plain names/attributes gathered (``*tasks``, ``a, b``); empty when something else
    (a call, a generator) is among them."""
    out = set()
    for arg in call.args:
        value = arg.value if type(arg) is ast.Starred else arg
        name = _plain(value)
        if name is None:
            return set()
        out.add(name)
    return out


def _plain(expr: ast.AST) -> str | None:
    if type(expr) is ast.Name:
        return expr.id
    if type(expr) is ast.Attribute:
        base = _plain(expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None

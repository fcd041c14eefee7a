from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_KEYWORD = {ast.Return: "return", ast.Break: "break", ast.Continue: "continue"}


class ReturnInFinally(Rule):
    code = "ASL302"
    name = "return-in-finally"
    summary = "`return`/`break`/`continue` leaving a `finally` block discards `CancelledError`"
    related = ("ASL301",)
    doc = """
    ## What it does
    Flags, in async context, a `return`, `break` or `continue` that jumps out of a `finally`
    block (PEP 765 makes this a `SyntaxWarning` from Python 3.14). A `break` or `continue`
    of a loop that is itself inside the `finally` block stays inside it and is fine, and so
    is a `return` in a function defined inside the block.

    ## Why is this bad?
    Leaving a `finally` block that way throws away the exception in flight. When that
    exception is the `CancelledError` of `task.cancel()` or of a timeout, the task carries on
    as if it had never been cancelled.

    ## Instead
    Move the `return`/`break`/`continue` after the `try` statement, so that the exception (if
    any) propagates first.
    """
    bad = (
        Example(
            """
            async def fetch(conn):
                try:
                    return await conn.read()
                finally:
                    await conn.release()
                    return None  # expect: ASL302

            async def drain(queue):
                while True:
                    try:
                        await queue.get()
                    finally:
                        if queue.empty():
                            break  # expect: ASL302
                        continue  # expect: ASL302
            """
        ),
        Example(
            """
            async def nested(conn):
                for attempt in range(3):
                    try:
                        await conn.ping()
                    finally:
                        try:
                            await conn.reset()
                        except OSError:
                            continue  # expect: ASL302
            """,
            title="in a try nested in the finally",
        ),
    )
    good = (
        Example(
            """
            async def fetch(conn):
                try:
                    data = await conn.read()
                finally:
                    await conn.release()
                return data

            async def flush(items):
                try:
                    await send(items)
                finally:
                    for item in items:
                        if item is None:
                            break
                        if item.sent:
                            continue
                    def later():
                        return items
                    schedule(later)

            def sync_version(conn):
                try:
                    conn.read()
                finally:
                    return None
            """
        ),
    )

    def _check(self, node: ast.stmt, ctx: RuleContext) -> None:
        sem = ctx.sem
        child = node
        parent = sem.parent(node)
        while parent is not None:
            tp = type(parent)
            if tp in _SCOPES:
                return
            if tp in _LOOPS and type(node) is not ast.Return and child in parent.body:
                return  # the break/continue of a loop inside the finally block
            if (tp is ast.Try or tp.__name__ == "TryStar") and child in parent.finalbody:
                break
            child, parent = parent, sem.parent(parent)
        else:
            return
        if not sem.in_async_context(node):
            return
        word = _KEYWORD[type(node)]
        ctx.report(
            node,
            f"`{word}` in a `finally` block discards the exception in flight, `CancelledError` "
            f"included; move the `{word}` after the `try` statement",
        )

    def visit_Return(self, node: ast.Return, ctx: RuleContext) -> None:
        self._check(node, ctx)

    def visit_Break(self, node: ast.Break, ctx: RuleContext) -> None:
        self._check(node, ctx)

    def visit_Continue(self, node: ast.Continue, ctx: RuleContext) -> None:
        self._check(node, ctx)

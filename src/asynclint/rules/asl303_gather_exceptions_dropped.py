from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import AWAITED, DROPPED, usage_of


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
                results = await asyncio.gather(a.close(), b.close(), return_exceptions=True)  # expect: ASL303
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
        if usage in DROPPED:
            ctx.report(
                node,
                "`gather(..., return_exceptions=True)` returns the exceptions as results, and "
                "they are dropped here; check the results or let errors propagate",
            )

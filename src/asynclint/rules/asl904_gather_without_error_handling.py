from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class GatherWithoutErrorHandling(Rule):
    code = "ASL904"
    name = "gather-without-error-handling"
    summary = "`asyncio.gather()` of several awaitables without `return_exceptions`, outside a `TaskGroup`"
    opt_in = True
    related = ("ASL303",)
    doc = """
    ## What it does
    Flags `asyncio.gather(...)` of several awaitables (two or more arguments, or a `*`
    argument) that does not pass `return_exceptions` and is not inside an `async with
    asyncio.TaskGroup()` block of the same function.

    ## Why is this bad?
    When one awaitable fails, `gather()` raises that exception at once but does not cancel
    the others: they keep running in the background, their own failures are never seen,
    and the resources they hold stay in use.

    ## Instead
    Use `asyncio.TaskGroup` (Python 3.11+), which cancels the siblings and reports every
    failure, or pass `return_exceptions=True` and check each result.
    """
    bad = (
        Example(
            """
            import asyncio

            async def load(user_id):
                profile, orders = await asyncio.gather(fetch_profile(user_id), fetch_orders(user_id))  # expect: ASL904
                return profile, orders

            async def load_all(ids):
                return await asyncio.gather(*(fetch_profile(i) for i in ids))  # expect: ASL904
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def load(user_id):
                async with asyncio.TaskGroup() as tg:
                    profile = tg.create_task(fetch_profile(user_id))
                    orders = tg.create_task(fetch_orders(user_id))
                return profile.result(), orders.result()

            async def load_all(ids):
                results = await asyncio.gather(*(fetch_profile(i) for i in ids), return_exceptions=True)
                return [r for r in results if not isinstance(r, BaseException)]

            async def one(user_id):
                return await asyncio.gather(fetch_profile(user_id))
            """
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.gather":
            return
        if len(node.args) < 2 and not any(type(a) is ast.Starred for a in node.args):
            return
        if any(k.arg == "return_exceptions" or k.arg is None for k in node.keywords):
            return
        if self._in_task_group(node, sem):
            return
        ctx.report(
            node,
            "`asyncio.gather()` leaves the other awaitables running when one fails; use "
            "`asyncio.TaskGroup`, or `return_exceptions=True` and check the results",
        )

    @staticmethod
    def _in_task_group(node: ast.AST, sem: SemanticModel) -> bool:
        for anc in sem.ancestors(node):
            t = type(anc)
            if t in _SCOPES:
                return False
            if t is ast.AsyncWith:
                for item in anc.items:
                    expr = item.context_expr
                    if type(expr) is ast.Call and sem.call_name(expr) == "asyncio.TaskGroup":
                        return True
                    if sem.type_of(expr) == "asyncio.TaskGroup":
                        return True
        return False

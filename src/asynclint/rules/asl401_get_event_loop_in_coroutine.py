from __future__ import annotations

import ast

from asynclint.finding import Fix
from asynclint.rule import Example, Rule, RuleContext


class GetEventLoopInCoroutine(Rule):
    code = "ASL401"
    name = "get-event-loop-in-coroutine"
    summary = "`asyncio.get_event_loop()` in async context; use `asyncio.get_running_loop()`"
    fix = "safe"
    fix_note = "Replaces the call with `asyncio.get_running_loop()` (reusing an `asyncio` alias)."
    related = ("ASL402", "ASL403")
    doc = """
    ## What it does
    Flags `asyncio.get_event_loop()` called in async context: in the body of an `async def`,
    not in a nested sync `def`/`lambda` nor in an argument handed to a thread. The name is
    resolved through imports and aliases (`import asyncio as aio`,
    `from asyncio import get_event_loop`, `asyncio.events.get_event_loop`).

    ## Why is this bad?
    `get_event_loop()` has long carried policy-dependent behaviour for the case where no loop
    is running (creating one, warning, or raising depending on the Python version). Inside a
    coroutine a loop is always running, so the only thing the call can do is return it, and
    `asyncio.get_running_loop()` says exactly that. The asyncio documentation recommends
    `get_running_loop()` in coroutines and callbacks.

    ## Instead
    `loop = asyncio.get_running_loop()`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def main():
                loop = asyncio.get_event_loop()  # expect: ASL401
                await loop.run_in_executor(None, print, "hi")
            """,
            fixed="""
            import asyncio

            async def main():
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, print, "hi")
            """,
        ),
        Example(
            """
            import asyncio as aio
            from asyncio import get_event_loop
            from asyncio.events import get_event_loop as gel

            async def main():
                a = aio.get_event_loop()  # expect: ASL401
                b = get_event_loop()  # expect: ASL401
                c = gel().time()  # expect: ASL401
            """,
            title="aliases",
            fixed="""
            import asyncio as aio
            from asyncio import get_event_loop
            from asyncio.events import get_event_loop as gel

            async def main():
                a = aio.get_running_loop()
                b = aio.get_running_loop()
                c = aio.get_running_loop().time()
            """,
        ),
        Example(
            """
            from asyncio import get_event_loop

            async def handler():
                return get_event_loop().time()  # expect: ASL401
            """,
            title="the fix adds `import asyncio` when the module has none",
            fixed="""
            from asyncio import get_event_loop
            import asyncio

            async def handler():
                return asyncio.get_running_loop().time()
            """,
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def main():
                loop = asyncio.get_running_loop()

                def callback():
                    # a sync function: ASL402's business, not this rule's
                    return asyncio.get_event_loop()

                await loop.run_in_executor(None, asyncio.get_event_loop)
                return callback
            """
        ),
        Example(
            """
            class Pool:
                def get_event_loop(self):
                    return None

            async def main(pool: Pool):
                return pool.get_event_loop()
            """,
            title="an unrelated method with the same name",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.get_event_loop" or not sem.in_async_context(node):
            return
        ref, imports = ctx.module_ref("asyncio", node)
        fix = Fix("safe", (ctx.edit(node, f"{ref}.get_running_loop()"),), "Use `asyncio.get_running_loop()`", imports)
        ctx.report(node, "`asyncio.get_event_loop()` in a coroutine; use `asyncio.get_running_loop()`", fix)

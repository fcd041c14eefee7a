from __future__ import annotations

import ast

from asynclint.finding import Fix
from asynclint.knowledge.blocking import SLEEP
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.nonblocking import returns_at_once


class BlockingSleep(Rule):
    code = "ASL101"
    name = "blocking-sleep"
    summary = "`time.sleep()` in async context stalls the event loop"
    fix = "safe"
    fix_note = "Only when the call is a statement of its own inside an `async def`."
    related = ("ASL110", "ASL902")
    doc = """
    ## What it does
    Flags `time.sleep(...)` called in async context: in the body of an `async def`, not in a
    nested sync `def`/`lambda`, and not in an argument handed to a thread
    (`asyncio.to_thread`, `loop.run_in_executor`, `threading.Thread(target=...)`). The name is
    resolved through imports and aliases, so `from time import sleep as pause; pause(1)` is
    found too, and a local function that happens to be called `sleep` is not. `time.sleep(0)`
    is not flagged: it returns at once (it only lets other threads take the GIL).

    ## Why is this bad?
    `time.sleep` blocks the thread it runs in. In a coroutine that thread is the event loop's:
    every other task, callback and network read waits until the sleep is over.

    ## Instead
    `await asyncio.sleep(seconds)` suspends only the current task.
    """
    bad = (
        Example(
            """
            import time

            async def poll(client):
                while not await client.ready():
                    time.sleep(0.5)  # expect: ASL101
            """,
            fixed="""
            import time
            import asyncio

            async def poll(client):
                while not await client.ready():
                    await asyncio.sleep(0.5)
            """,
        ),
        Example(
            """
            from time import sleep as pause
            import asyncio as aio

            async def main():
                pause(1)  # expect: ASL101
                value = pause(2)  # expect: ASL101
            """,
            title="aliases",
            fixed="""
            from time import sleep as pause
            import asyncio as aio

            async def main():
                await aio.sleep(1)
                value = pause(2)
            """,
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import time

            async def poll(client):
                await asyncio.sleep(0.5)
                await asyncio.to_thread(time.sleep, 1)
                time.sleep(0)  # only yields the GIL to other threads

            def sync_helper():
                time.sleep(1)

            async def outer():
                def inner():
                    time.sleep(1)
                return inner
            """
        ),
        Example(
            """
            async def main(sleep):
                sleep(1)  # a parameter, not time.sleep
            """,
            title="shadowed name",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        name = sem.call_name(node)
        if name not in SLEEP or not sem.in_async_context(node) or returns_at_once(node, SLEEP[name]):
            return
        fix = None
        parent = sem.parent(node)
        if type(parent) is ast.Expr:
            ref, imports = ctx.module_ref("asyncio", node)
            func = node.func
            if (node.args or node.keywords) and (func.lineno, func.col_offset) == (node.lineno, node.col_offset):
                # Only the callee changes: the arguments, and any comment among them, stay.
                edit = ctx.edit(func, f"await {ref}.sleep")
            elif "#" not in sem.source_segment(node):  # ``(time.sleep)(1)``, ``time.sleep()``
                args = ", ".join(sem.source_segment(a) for a in node.args) or "0"
                edit = ctx.edit(node, f"await {ref}.sleep({args})")
            else:
                edit = None
            if edit is not None:
                fix = Fix("safe", (edit,), "Use `await asyncio.sleep()`", imports)
        ctx.report(node, "`time.sleep()` blocks the event loop; use `await asyncio.sleep(...)`", fix)

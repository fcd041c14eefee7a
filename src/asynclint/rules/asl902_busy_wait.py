from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext

_EXITS = (ast.Break, ast.Return)


class BusyWait(Rule):
    code = "ASL902"
    name = "busy-wait"
    summary = "A `while` loop that polls a condition with `await asyncio.sleep()`"
    opt_in = True
    related = ("ASL101",)
    doc = """
    ## What it does
    Flags, in async context, a `while` loop that only waits: its body is `await
    asyncio.sleep(...)` plus at most condition checks that leave the loop (`if ready:
    break`/`return`), counters (`waited += step`), `pass` and `continue`. Either the loop's
    own condition or such a check must be what is polled; `while True: await
    asyncio.sleep(1)` with nothing to check is not a poll.

    A loop that does work between sleeps (a periodic job) is not flagged.

    ## Why is this bad?
    Polling wakes the task up over and over for nothing, and still reacts late by up to one
    sleep interval; short intervals burn CPU, long ones add latency.

    ## Instead
    Wait for the event itself: an `asyncio.Event` (`await ready.wait()`), an
    `asyncio.Condition` (`await cond.wait_for(predicate)`), a future, or a queue; wrap it in
    `asyncio.timeout()` if it must not wait forever.
    """
    bad = (
        Example(
            """
            import asyncio

            async def wait_ready(conn):
                while not conn.ready:  # expect: ASL902
                    await asyncio.sleep(0.1)

            async def wait_done(job):
                waited = 0
                while True:  # expect: ASL902
                    if job.done():
                        return job.result()
                    await asyncio.sleep(0.5)
                    waited += 0.5
            """
        ),
        Example(
            """
            from asyncio import sleep as nap

            async def wait_empty(queue):
                while queue.qsize():  # expect: ASL902
                    await nap(0)
            """,
            title="alias",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def heartbeat(conn):
                while conn.open:
                    await conn.ping()
                    await asyncio.sleep(30)

            async def forever():
                while True:
                    await asyncio.sleep(3600)

            async def wait_ready(ready: asyncio.Event):
                await ready.wait()

            def sync_poll(conn):
                import time
                while not conn.ready:
                    time.sleep(0.1)
            """
        ),
    )

    def visit_While(self, node: ast.While, ctx: RuleContext) -> None:
        sem = ctx.sem
        sleeps = polls = 0
        for stmt in node.body:
            t = type(stmt)
            if t is ast.Expr and type(stmt.value) is ast.Await and type(stmt.value.value) is ast.Call and sem.call_name(stmt.value.value) == "asyncio.sleep":
                sleeps += 1
            elif t is ast.If and not stmt.orelse and len(stmt.body) == 1 and type(stmt.body[0]) in _EXITS:
                polls += 1
            elif t in (ast.Pass, ast.Continue, ast.AugAssign):
                continue
            else:
                return
        constant = type(node.test) is ast.Constant
        if not sleeps or (constant and not polls) or not sem.in_async_context(node):
            return
        ctx.report(
            node,
            "polling loop: sleeping until a condition holds wastes wake-ups and adds latency; "
            "await an `asyncio.Event`, `Condition` or future instead",
            end_node=node.test,
        )

from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext

_RUNNERS = {
    "asyncio.run": "`asyncio.run()`",
    "asyncio.AbstractEventLoop.run_until_complete": "`loop.run_until_complete()`",
}


class NestedEventLoop(Rule):
    code = "ASL404"
    name = "nested-event-loop"
    summary = "`asyncio.run()` or `loop.run_until_complete()` in async context raises RuntimeError"
    related = ("ASL403", "ASL201")
    doc = """
    ## What it does
    Flags `asyncio.run(...)` and `loop.run_until_complete(...)` called in async context (the
    body of an `async def`, not a nested sync `def`/`lambda` nor an argument handed to a
    thread). `run_until_complete` is matched on receivers known to be event loops
    (`asyncio.get_event_loop()`, `get_running_loop()`, `new_event_loop()`, annotations such as
    `loop: asyncio.AbstractEventLoop`), never by the method name alone.

    ## Why is this bad?
    A thread runs one event loop at a time. Called while a loop is running, `asyncio.run()`
    raises `RuntimeError: asyncio.run() cannot be called from a running event loop`, and
    `run_until_complete()` raises `RuntimeError: This event loop is already running` (or
    "Cannot run the event loop while another loop is running" for a second loop). The usual
    cause is a sync helper turned into a coroutine without updating its body.

    ## Instead
    `await` the coroutine. To run it concurrently, `asyncio.create_task(...)` or a
    `TaskGroup`; to call async code from a sync function that runs in a worker thread,
    `asyncio.run_coroutine_threadsafe(coro, loop)`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def fetch():
                return 1

            async def main():
                value = asyncio.run(fetch())  # expect: ASL404
                loop = asyncio.get_running_loop()
                other = loop.run_until_complete(fetch())  # expect: ASL404
                return value, other
            """
        ),
        Example(
            """
            from asyncio import run as run_async
            import asyncio

            async def handler(loop: asyncio.AbstractEventLoop, job):
                run_async(job())  # expect: ASL404
                asyncio.new_event_loop().run_until_complete(job())  # expect: ASL404
            """,
            title="aliases and typed receivers",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def fetch():
                return 1

            async def main():
                value = await fetch()

                def in_thread():
                    return asyncio.run(fetch())  # a worker thread has no running loop

                other = await asyncio.to_thread(in_thread)
                return value, other

            asyncio.run(main())
            """
        ),
        Example(
            """
            async def main(scheduler):
                scheduler.run_until_complete()  # not known to be an event loop
            """,
            title="unknown receiver",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        what = _RUNNERS.get(sem.call_name(node) or "")
        if what is None or not sem.in_async_context(node):
            return
        ctx.report(node, f"{what} inside a coroutine raises RuntimeError (a loop is already running); `await` the coroutine instead")

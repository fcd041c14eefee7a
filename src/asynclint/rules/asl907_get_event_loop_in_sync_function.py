from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.rules._event_loop import message_for
from asynclint.semantics.running_loop import UNKNOWN, shown_name, where_it_runs


class GetEventLoopInSyncFunction(Rule):
    code = "ASL907"
    name = "get-event-loop-in-sync-function"
    summary = "`asyncio.get_event_loop()` in a sync function whose callers are elsewhere: fine under a running loop, deprecated without one"
    opt_in = True
    related = ("ASL402", "ASL401")
    doc = """
    ## What it does
    Flags `asyncio.get_event_loop()` in a sync function (or a class's `__init__`) when its
    module does not tell whether a loop is running there: the function is called from another
    module, or by the users of a library, and nothing in it drives the loop it gets. The
    typical case is a fallback for an omitted argument, `loop = loop or
    asyncio.get_event_loop()`, in a class built by async code. Where the module does tell,
    ASL402 reports the calls that run without a loop, and calls whose callers are all
    coroutines are left alone.

    ## Why is this bad?
    Under a running loop (a coroutine or a callback calls the function) the call returns that
    loop, and `asyncio.get_running_loop()` is the call the asyncio documentation prefers there.
    Without one, it is ASL402's problem: a `DeprecationWarning` on Python 3.12 and 3.13, a
    `RuntimeError` from 3.14 when no loop is set. A library that keeps such fallbacks breaks
    for the users who build its objects before starting a loop. Most such functions only run
    under a loop, which is why this is opt-in.

    ## Instead
    If the function only runs while a loop runs, use `asyncio.get_running_loop()` (it raises
    at once, with a clear message, when called without one). If it may run before a loop
    exists, take the loop as an argument, or create it explicitly with
    `asyncio.new_event_loop()` + `asyncio.set_event_loop()`.
    """
    bad = (
        Example(
            """
            import asyncio

            class StreamReader:
                def __init__(self, limit, loop=None):
                    if loop is None:
                        loop = asyncio.get_event_loop()  # expect: ASL907
                    self._loop = loop

            def make_reader():
                return StreamReader(2**16)  # a sync caller: it may run with or without a loop
            """,
        ),
    )
    good = (
        Example(
            """
            import asyncio

            class StreamReader:
                def __init__(self, limit, loop=None):
                    self._loop = loop or asyncio.get_running_loop()

            async def open_reader():
                return StreamReader(2**16)
            """
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        if where_it_runs(ctx.sem, node) != UNKNOWN:
            return
        name = shown_name(ctx.sem, node)
        ctx.report(
            node,
            f"`asyncio.get_event_loop()` in `{name}()`, which its module does not show to run under a loop: if `{name}()` only "
            "runs while a loop runs (called from coroutines or callbacks), use `asyncio.get_running_loop()`; "
            f"without a running loop, {message_for(ctx.target_version)[len('`asyncio.get_event_loop()` without a running event loop '):]}",
        )

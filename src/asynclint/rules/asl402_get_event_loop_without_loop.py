from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.rules._event_loop import message_for
from asynclint.semantics.running_loop import NO_LOOP, where_it_runs


class GetEventLoopWithoutLoop(Rule):
    code = "ASL402"
    name = "get-event-loop-without-loop"
    summary = "`asyncio.get_event_loop()` in sync code: DeprecationWarning on 3.12-3.13, RuntimeError from 3.14"
    related = ("ASL401", "ASL403", "ASL405", "ASL907")
    doc = """
    ## What it does
    Flags `asyncio.get_event_loop()` called where no event loop is running:

    - at module level, in a class body or in a `lambda`;
    - in a sync function handed to a thread (`Thread(target=worker)`, `run_in_executor(None,
      worker)`), or called by its module's top-level code (`if __name__ == "__main__":`);
    - in a sync function that then drives or closes the loop it got
      (`loop.run_until_complete()`, `run_forever()`, `close()`: none of them can be called
      on a running loop).

    Calls that follow an `asyncio.set_event_loop(...)` in the same function (or at module
    level) are left alone: a loop is set there, which is what the call needs. So are calls
    that a `sys.version_info` test (directly or through a constant) keeps on Pythons older
    than 3.12, calls in the methods of `asyncio.Protocol` (and the other protocol classes')
    subclasses, which the running loop makes and calls, and calls in a sync function (or a
    class, for its `__init__`) that its module only calls from coroutines.

    A sync function whose callers are elsewhere (another module, the users of a library),
    such as a `loop = loop or asyncio.get_event_loop()` fallback in a constructor, runs with
    a loop running in most async code, where the call just returns it: the opt-in ASL907
    reports those.

    The message says what happens on the configured `target-version`:

    - 3.14 and later: `RuntimeError` when no current event loop is set (the call no longer
      creates one);
    - 3.12 and 3.13: a `DeprecationWarning` ("There is no current event loop") when no loop
      is running or set, and a new loop is created;
    - older targets: still flagged, since the same code runs on newer Pythons; the message
      says it is deprecated from 3.12.

    ## Why is this bad?
    Outside a running loop, `get_event_loop()` used to create a loop as a side effect. That
    behaviour was deprecated in 3.12 and removed in 3.14, so code relying on it warns on
    3.12/3.13 and fails on 3.14. In a worker thread it has always raised.

    ## Instead
    Run the program with `asyncio.run(main())` (or `asyncio.Runner` from 3.11 to run several
    coroutines on one loop); inside coroutines use `asyncio.get_running_loop()`. Code that
    must manage a loop by hand creates it explicitly: `loop = asyncio.new_event_loop()`
    followed by `asyncio.set_event_loop(loop)`.
    """
    bad = (
        Example(
            """
            import asyncio

            loop = asyncio.get_event_loop()  # expect: ASL402
            """,
            title="target 3.12: DeprecationWarning",
        ),
        Example(
            """
            import asyncio as aio

            def start(coro):
                return aio.get_event_loop().run_until_complete(coro)  # expect: ASL402
            """,
            title="target 3.14: RuntimeError",
            target_version=(3, 14),
        ),
        Example(
            """
            from asyncio import get_event_loop
            import threading

            def worker():
                get_event_loop()  # expect: ASL402

            threading.Thread(target=worker).start()
            threading.Thread(target=lambda: get_event_loop()).start()  # expect: ASL402
            """,
            title="threads and lambdas are sync code",
            target_version=(3, 10),
        ),
        Example(
            """
            import asyncio

            def run(main):
                loop = asyncio.get_event_loop()  # expect: ASL402
                try:
                    return loop.run_until_complete(main())
                finally:
                    loop.close()

            def serve(app):
                asyncio.get_event_loop().run_forever()  # expect: ASL402

            def cli():
                return asyncio.get_event_loop()  # expect: ASL402

            if __name__ == "__main__":
                cli()
            """,
            title="a function that drives the loop it got, or that the script calls",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def main():
                return asyncio.get_running_loop()

            def run():
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                same = asyncio.get_event_loop()
                return loop, same

            asyncio.run(main())
            """
        ),
        Example(
            """
            import asyncio
            import sys

            GET_EVENT_LOOP_DEPRECATED = sys.version_info >= (3, 10)

            def run(main):
                if GET_EVENT_LOOP_DEPRECATED:
                    return asyncio.run(main())
                loop = asyncio.get_event_loop()  # only on 3.9 and older
                return loop.run_until_complete(main())
            """,
            title="only on Pythons before the deprecation (`sys.version_info` guards)",
        ),
        Example(
            """
            import asyncio

            class EchoProtocol(asyncio.Protocol):
                def __init__(self, loop=None):
                    self.loop = loop or asyncio.get_event_loop()

                def connection_made(self, transport):
                    self.closed = asyncio.get_event_loop().create_future()

            class LineProtocol(EchoProtocol):
                def data_received(self, data):
                    asyncio.get_event_loop().call_soon(print, data)
            """,
            title="protocol classes: the running loop creates and calls them",
        ),
        Example(
            """
            import asyncio

            class Request:
                def __init__(self, loop=None):
                    if loop is None:
                        loop = asyncio.get_event_loop()
                    self.loop = loop

            async def fetch():
                return Request()

            async def fetch_twice():
                return Request(), Request()
            """,
            title="a class its module builds only in coroutines",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        if where_it_runs(ctx.sem, node) == NO_LOOP:
            ctx.report(node, message_for(ctx.target_version))

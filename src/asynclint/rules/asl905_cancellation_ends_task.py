from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._cancellation import SwallowedCancellation
from asynclint.semantics.cancellation import ENDS_TASK


class CancellationEndsTask(SwallowedCancellation):
    code = "ASL905"
    name = "cancellation-ends-task"
    shapes = frozenset({ENDS_TASK})
    summary = "A task's top-level coroutine ends normally when cancelled (its cancellation is swallowed on the way out)"
    opt_in = True
    related = ("ASL301",)
    doc = """
    ## What it does
    Flags the one shape of a swallowed cancellation that ASL301 leaves out: an `except
    CancelledError` (or `BaseException`, bare `except:`, `contextlib.suppress(...)`) that does
    not re-raise, after which the coroutine simply ends (`return`, `break` out of the loop or a
    handler that makes the loop's test false, `self.keep_alive = False`, followed by nothing but
    straight-line code or loops that never suspend), in a coroutine that nothing in its module awaits directly and that returns
    no value: a task's top-level coroutine, such as a polling or reconnect loop started with
    `create_task()`.

    ## Why is this bad?
    The task does stop, so this is often written on purpose. But it ends as *finished*, not
    *cancelled*: `task.cancelled()` is false, `await task` returns `None` instead of raising
    `CancelledError`, and `asyncio.wait_for()` or `asyncio.timeout()` around it return as if
    the work had completed in time, without raising `TimeoutError`. Code that waits on the
    task cannot tell a cancelled run from a finished one.

    ## Instead
    Do the cleanup, then `raise`. If the task must report a normal end when stopped, make
    that explicit at the side that cancels it (`task.cancel()`, then `await` it under
    `contextlib.suppress(CancelledError)`).
    """
    bad = (
        Example(
            """
            import asyncio

            class Poller:
                def start(self):
                    self._task = asyncio.create_task(self._poll())

                async def _poll(self):
                    while True:
                        try:
                            await self.refresh()
                        except asyncio.CancelledError:  # expect: ASL905
                            return
                        await asyncio.sleep(10)
            """
        ),
        Example(
            """
            import asyncio

            class Connection:
                async def serve(self):
                    while self.keep_alive:
                        try:
                            await self.handle_request()
                        except asyncio.CancelledError:  # expect: ASL905
                            self.keep_alive = False  # the loop ends after this round
                            await self.send_error(503)
                        await self.flush()
            """,
            title="a handler that ends the loop by making its test false",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            class Poller:
                def start(self):
                    self._task = asyncio.create_task(self._poll())

                async def _poll(self):
                    while True:
                        try:
                            await self.refresh()
                        except asyncio.CancelledError:
                            self.log("polling stopped")
                            raise
                        await asyncio.sleep(10)
            """
        ),
    )

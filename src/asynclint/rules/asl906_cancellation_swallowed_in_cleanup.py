from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._cancellation import SwallowedCancellation
from asynclint.semantics.cancellation import CLEANUP


class CancellationSwallowedInCleanup(SwallowedCancellation):
    code = "ASL906"
    name = "cancellation-swallowed-in-cleanup"
    shapes = frozenset({CLEANUP})
    summary = "A cancellation that arrives while cleaning up (a `finally` clause, a `close()`/`stop()` function) is swallowed"
    opt_in = True
    related = ("ASL301", "ASL905")
    doc = """
    ## What it does
    Flags the shape of a swallowed cancellation that ASL301 leaves out because it is part of
    cleaning up: an `except CancelledError` (or `BaseException`, bare `except:`,
    `contextlib.suppress(...)`) that does not re-raise, around an `await`,

    - inside a `finally` clause, or
    - in a coroutine whose name says it stops something: `close()`, `stop()`, `shutdown()`,
      `disconnect()`, `cleanup()`, `teardown()`, `unload()`, `terminate()`, `cancel...()`,
      `__aexit__()` (also as part of a longer name, `_stop_polling()`).

    Typical code: `self._stop.set()`, then `with suppress(CancelledError): await
    self._task`, meant for the child task's cancellation.

    ## Why is this bad?
    Awaiting a task raises `CancelledError` both when that task was cancelled and when the
    task doing the awaiting is; the handler swallows both. A cancellation of the cleanup
    itself (a timeout around `close()`, `asyncio.run()` shutting down) is lost: the cleanup
    and its caller run on as if nothing had happened. In a `finally` clause this only
    matters when the `try` body had finished normally, since an exception already on its way
    out goes on after the `finally`. Finishing the cleanup whatever happens is usually the
    intent, which is why this is opt-in.

    ## Instead
    Re-raise when this task is the one being cancelled (Python 3.11+):
    `except CancelledError: if asyncio.current_task().cancelling(): raise`. Or cancel the
    child first (`task.cancel()`, then `await task`), which ASL301 and ASL906 recognise.
    """
    bad = (
        Example(
            """
            import asyncio
            import contextlib

            class Updater:
                async def stop(self):
                    self._stop_event.set()
                    with contextlib.suppress(asyncio.CancelledError):  # expect: ASL906
                        await self._polling_task

                async def run(self, app):
                    try:
                        await app.serve()
                    finally:
                        try:
                            await asyncio.shield(app.shutdown())
                        except asyncio.CancelledError:  # expect: ASL906
                            pass
                    app.loop = None
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import contextlib

            class Updater:
                async def stop(self):
                    self._stop_event.set()
                    try:
                        await self._polling_task
                    except asyncio.CancelledError:
                        if asyncio.current_task().cancelling():
                            raise  # this task is being cancelled, not only the child

                async def close(self):
                    self._polling_task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._polling_task  # the child's cancellation, asked for above

                async def run(self, app):
                    try:
                        await app.serve()
                    finally:
                        await asyncio.shield(app.shutdown())
            """
        ),
    )

from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import (
    BASE_EXCEPTION,
    CANCELLED_ERROR,
    always_raises,
    cancellation_truth,
    catches_cancellation,
    contains_await_point,
    exception_names,
)


class CancellationSwallowed(Rule):
    code = "ASL301"
    name = "cancellation-swallowed"
    summary = "An `except` that catches `CancelledError` and can finish without re-raising it"
    related = ("ASL302", "ASL303")
    doc = """
    ## What it does
    Flags, in async context, an `except asyncio.CancelledError`, `except BaseException` or
    bare `except:` handler (also inside a tuple, `except (CancelledError, ValueError)`, and
    through aliases such as `from asyncio import CancelledError` or
    `asyncio.exceptions.CancelledError`) whose body can finish without raising: it falls off
    its end, or leaves with `return`, `break` or `continue`. A handler that raises in every
    branch (`raise`, `raise exc`, `raise Other(...) from exc`, cleanup followed by `raise`)
    is fine. So is a call that never returns: `sys.exit()`, or a function of the same module
    (a method through `self`, also inherited from a base class of the module) annotated
    `NoReturn` or raising on every path; and a re-raise guarded by a test on the handled
    exception that holds for `CancelledError` (`if not isinstance(exc, Exception): raise`).
    Also flags `contextlib.suppress(asyncio.CancelledError)` (or `BaseException`) in async
    context.

    A broad handler (`BaseException`, bare `except:`) is only flagged when its `try` body can
    actually be cancelled, that is when it awaits, or enters or iterates something async:
    cancellation is delivered only at those points.

    ## Why is this bad?
    `task.cancel()` works by raising `CancelledError` inside the task. A handler that eats it
    leaves the task running after it was told to stop: `asyncio.timeout()`, `TaskGroup`
    and `asyncio.run()` shutdown then wait for a task that never ends, or mistake a
    cancelled operation for a successful one.

    ## Instead
    Clean up and re-raise: end the handler with a bare `raise`. To stop catching
    cancellation altogether, catch `Exception` instead of `BaseException` or a bare
    `except:`. If swallowing one cancellation is really meant, call `task.uncancel()` and
    document why.
    """
    bad = (
        Example(
            """
            import asyncio

            async def worker(queue):
                while True:
                    try:
                        item = await queue.get()
                    except asyncio.CancelledError:  # expect: ASL301
                        print("stopping")
                        break
                    try:
                        await handle(item)
                    except BaseException:  # expect: ASL301
                        log_failure(item)
            """
        ),
        Example(
            """
            from asyncio import CancelledError as Cancelled
            import asyncio.exceptions
            import contextlib
            from contextlib import suppress

            async def fetch(client):
                try:
                    return await client.get()
                except (ValueError, Cancelled):  # expect: ASL301
                    return None

            async def close(conn):
                try:
                    await conn.close()
                except asyncio.exceptions.CancelledError as exc:  # expect: ASL301
                    if conn.closing:
                        raise
                    log(exc)
                with contextlib.suppress(asyncio.CancelledError):  # expect: ASL301
                    await conn.wait_closed()
                with suppress(BaseException):  # expect: ASL301
                    await conn.flush()
            """,
            title="aliases, tuples, a re-raise in only one branch, suppress()",
        ),
        Example(
            """
            import asyncio

            async def run(jobs):
                for job in jobs:
                    try:
                        await job()
                    except:  # expect: ASL301
                        continue
            """,
            title="bare except ending in continue",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from asyncio import CancelledError

            async def worker(queue):
                try:
                    await queue.get()
                except asyncio.CancelledError:
                    await cleanup()
                    raise

            async def fetch(client):
                try:
                    return await client.get()
                except (CancelledError, ValueError) as exc:
                    raise RuntimeError("fetch failed") from exc

            async def close(conn):
                try:
                    await conn.close()
                except BaseException as e:
                    log(e)
                    if conn.closing:
                        await conn.abort()
                        raise
                    else:
                        raise
                except Exception:
                    return None
            """
        ),
        Example(
            """
            import asyncio
            import contextlib

            def sync_close(conn):
                try:
                    conn.close()
                except BaseException:
                    pass

            async def parse(text):
                try:
                    value = int(text)
                except BaseException:
                    value = 0
                with contextlib.suppress(ValueError):
                    await asyncio.sleep(value)

            async def outer():
                def callback(fut):
                    try:
                        fut.result()
                    except asyncio.CancelledError:
                        pass
                return callback
            """,
            title="sync code, nothing to cancel in the try, nested sync def",
        ),
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: RuleContext) -> None:
        sem = ctx.sem
        what = catches_cancellation(sem, node)
        if what is None or not sem.in_async_context(node):
            return
        if what != "CancelledError":
            # Cancellation arrives only at an await point; nothing to swallow without one.
            if not contains_await_point(sem.parent(node).body):
                return
        if always_raises(sem, node.body, cancellation_truth(sem, node)):
            return
        shown = {"except:": "bare `except:`", "BaseException": "`except BaseException`", "CancelledError": "`except CancelledError`"}[what]
        instead = "end the handler with `raise`" if what == "CancelledError" else "end the handler with `raise`, or catch `Exception` instead"
        ctx.report(
            node,
            f"{shown} can finish without re-raising, so cancelling this task does not stop it; {instead}",
            end_node=node.type,
        )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "contextlib.suppress" or not node.args:
            return
        names: set[str] = set()
        for arg in node.args:
            names |= exception_names(sem, arg)
        if not names & {CANCELLED_ERROR, BASE_EXCEPTION} or not sem.in_async_context(node):
            return
        ctx.report(
            node,
            "`contextlib.suppress()` of `CancelledError` swallows this task's cancellation; "
            "catch it, clean up and re-raise instead",
        )

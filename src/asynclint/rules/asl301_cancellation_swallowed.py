from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import (
    BASE_EXCEPTION,
    CANCELLED_ERROR,
    always_raises,
    cancellation_truth,
    catches_cancellation,
    contains_await_point,
    exception_names,
    stored_then_raised,
    uncancels,
)

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


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
    `NoReturn` or raising on every path; a re-raise guarded by a test on the handled
    exception that holds for `CancelledError` (`if not isinstance(exc, Exception): raise`);
    a re-raise guarded by a test that this task is being cancelled (`task.cancelling()`,
    `asyncio.current_task()`, also behind a `sys.version_info >= (3, 11)` guard): that is
    how code tells its own cancellation from a `CancelledError` raised by something it
    waited on; a handler that keeps the exception (`errors.append(exc)`, `self._error = exc`)
    when the function raises what it kept later (`raise errors[0]`); and a handler that calls
    `uncancel()`, which swallows one cancellation on purpose and tells asyncio so.
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

    Waiting for a child task after cancelling it is not flagged: `task.cancel()` followed,
    in the same function, by `await task` (also under a `with`/`async with`, such as a
    timeout) inside `except CancelledError` or `contextlib.suppress(CancelledError)` expects
    the child's `CancelledError`.
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
        Example(
            """
            import asyncio
            import contextlib

            async def stop(self, other):
                self._task.cancel()
                try:
                    await other  # not the task cancelled above
                except asyncio.CancelledError:  # expect: ASL301
                    pass
                with contextlib.suppress(asyncio.CancelledError):  # expect: ASL301
                    await self._task
                    await other
            """,
            title="awaiting something that was not cancelled",
        ),
        Example(
            """
            import asyncio

            async def read_reply(conn):
                try:
                    return await conn.read()
                except asyncio.CancelledError:  # expect: ASL301
                    if not asyncio.current_task().cancelling():
                        raise
            """,
            title="the `cancelling()` test the wrong way round",
        ),
        Example(
            """
            import asyncio

            async def close_all(exits, log):
                errors = []
                for ctx in exits:
                    try:
                        await ctx.__aexit__(None, None, None)
                    except asyncio.CancelledError as exc:  # expect: ASL301
                        errors.append(exc)
                for e in errors:
                    log.warning("cleanup failed: %r", e)
            """,
            title="errors collected but never raised",
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
        Example(
            """
            import asyncio
            import contextlib

            async def stop(self):
                self._task.cancel()
                try:
                    await self._task
                except asyncio.CancelledError:
                    pass  # the child's cancellation, which we asked for

            async def shutdown(worker):
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            """,
            title="waiting for a task this code cancelled",
        ),
        Example(
            """
            import asyncio
            import sys

            async def linger(payload, loop, end):
                try:
                    while not payload.is_eof():
                        async with asyncio.timeout_at(end):
                            await payload.readany()
                except (asyncio.CancelledError, asyncio.TimeoutError):
                    if sys.version_info >= (3, 11) and (t := asyncio.current_task()) and t.cancelling():
                        raise

            async def poll_once(job):
                try:
                    await job()
                except asyncio.CancelledError:
                    if asyncio.current_task().cancelling() > 0:
                        raise
                    return None  # a CancelledError from inside `job`, not a cancel() of this task
            """,
            title="re-raising when this task is the one being cancelled",
        ),
        Example(
            """
            import asyncio

            async def skip_one_cancel(job):
                try:
                    await job()
                except asyncio.CancelledError:
                    asyncio.current_task().uncancel()  # this one cancellation is handled here, on purpose
            """,
            title="swallowing one cancellation on purpose, with `uncancel()`",
        ),
        Example(
            """
            import asyncio

            async def stop_all(self):
                for task in self._tasks:
                    task.cancel("shutting down")
                    try:
                        async with asyncio.timeout(1):
                            await task
                    except asyncio.CancelledError:
                        pass

            async def close_all(exits):
                errors = []
                for ctx in exits:
                    try:
                        await ctx.__aexit__(None, None, None)
                    except (Exception, asyncio.CancelledError) as exc:
                        errors.append(exc)
                if errors:
                    raise errors[0]
            """,
            title="cancelled child awaited under a timeout; errors collected and raised after the cleanup",
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
        if always_raises(sem, node.body, cancellation_truth(sem, node)) or uncancels(node.body) or stored_then_raised(sem, node):
            return
        if what == "CancelledError" and _awaits_a_task_it_cancelled(sem, sem.parent(node).body, node):
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
        with_stmt = _with_of(sem, node)
        if CANCELLED_ERROR in names and with_stmt is not None and _awaits_a_task_it_cancelled(sem, with_stmt.body, node):
            return
        ctx.report(
            node,
            "`contextlib.suppress()` of `CancelledError` swallows this task's cancellation; "
            "catch it, clean up and re-raise instead",
        )


def _with_of(sem: SemanticModel, call: ast.Call) -> ast.With | None:
    parent = sem.parent(call)
    if type(parent) is ast.withitem:
        parent = sem.parent(parent)
    return parent if type(parent) is ast.With else None


def _awaits_a_task_it_cancelled(sem: SemanticModel, body: list[ast.stmt], anchor: ast.AST) -> bool:
    """``task.cancel()`` then ``await task`` inside ``except CancelledError``/``suppress``:
    the idiom for waiting until a child task has finished cancelling. The CancelledError
    expected there is the child's, so this is not the task swallowing its own."""
    awaited = _awaited_only(body)
    if not awaited:
        return False
    func = sem.enclosing_function(anchor)
    if func is None:
        return False
    cancelled = {
        ast.dump(n.func.value)
        for n in ast.walk(func)
        if type(n) is ast.Call and type(n.func) is ast.Attribute and n.func.attr == "cancel" and len(n.args) <= 1 and n.lineno <= anchor.lineno
    }
    return all(a in cancelled for a in awaited)


def _awaited_only(body: list[ast.stmt]) -> list[str] | None:
    """What ``body`` awaits, when all it does is ``await x`` statements, also inside a
    ``with``/``async with`` (``async with asyncio.timeout(0.1): await task``); else None."""
    awaited: list[str] = []
    for stmt in body:
        if type(stmt) in (ast.With, ast.AsyncWith):
            inner = _awaited_only(stmt.body)
            if inner is None:
                return None
            awaited += inner
            continue
        value = stmt.value if type(stmt) in (ast.Expr, ast.Assign, ast.AnnAssign) else None
        if type(value) is not ast.Await or type(value.value) not in (ast.Name, ast.Attribute):
            return None
        awaited.append(ast.dump(value.value))
    return awaited

from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._cancellation import SwallowedCancellation
from asynclint.semantics.cancellation import CONTINUES, RETURNS


class CancellationSwallowed(SwallowedCancellation):
    code = "ASL301"
    name = "cancellation-swallowed"
    summary = "An `except` that catches `CancelledError` and can finish without re-raising it"
    related = ("ASL302", "ASL303")
    # The end-of-task (ASL905) and cleanup (ASL906) shapes are the opt-in rules'.
    shapes = frozenset({CONTINUES, RETURNS})
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

    Cancellation is delivered only where the task suspends, so a handler is only flagged when
    its `try` body can suspend (it awaits, or enters or iterates something async), and a
    `suppress()` only when its `with` body can: `with suppress(CancelledError): task.cancel()`
    swallows nothing of this task's. A handler after one of the same `try` that already takes
    `CancelledError` (`except CancelledError: raise`, then `except BaseException: ...`) never
    sees it and is not flagged.

    The message says what goes wrong, by where control goes after the handler:

    - the code after it runs on (the loop goes round again, the statements after the `try`
      run, a loop after it awaits more): `task.cancel()` does not stop the task. A handler
      that makes its `while` loop's test false (`self.keep_alive = False` under `while
      self.keep_alive:`) leaves the loop as `break` would;
    - the coroutine returns, and it is awaited by another coroutine of the module (or returns
      a value someone reads): that caller goes on as if nothing had happened, so the task is
      not stopped either.

    When the coroutine simply ends and nothing in its module awaits it (a task's top-level
    coroutine, a framework hook), the task does end, only as *finished* rather than
    *cancelled*. That shape is often written on purpose and is reported by the opt-in rule
    ASL905 instead. A swallow that is part of cleaning up (inside a `finally` clause, or in a
    function named for it: `close()`, `stop()`, `disconnect()`, `shutdown()` ...) loses only a
    cancellation that arrives while the cleanup runs, mostly on purpose: the opt-in rule
    ASL906 reports it. A swallow inside an `except` handler that re-raises on every path
    (cleanup, then `raise`) loses nothing: the task still ends with that exception.

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
    timeout, and for a subscripted task such as `app[key]`) inside `except CancelledError` or
    `contextlib.suppress(CancelledError)` expects the child's `CancelledError`.
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

            async def main(queue):
                await worker(queue)  # goes on after worker() swallowed main's cancellation
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

            async def send(conn):
                try:
                    await conn.send()
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

            async def switch(self, other):
                self._task.cancel()
                try:
                    await other  # not the task cancelled above
                except asyncio.CancelledError:  # expect: ASL301
                    pass
                with contextlib.suppress(asyncio.CancelledError):  # expect: ASL301
                    await self._task
                    await other

            async def restart(self, other):
                await switch(self, other)
                await self.start()
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

            async def run_steps(steps, log):
                errors = []
                for step in steps:
                    try:
                        await step()
                    except asyncio.CancelledError as exc:  # expect: ASL301
                        errors.append(exc)
                for e in errors:
                    log.warning("step failed: %r", e)
            """,
            title="errors collected but never raised",
        ),
        Example(
            """
            import asyncio

            async def poll(conn):
                while conn.is_open:
                    try:
                        await conn.ping()
                    except asyncio.CancelledError:  # expect: ASL301
                        conn.log("cancelled")
                    except BaseException:  # the handler above already took the cancellation
                        conn.log("failed")
                        raise
            """,
            title="the first handler that takes `CancelledError` decides",
        ),
        Example(
            """
            import asyncio

            class Connection:
                async def serve(self):
                    while self.keep_alive:
                        try:
                            await self.handle_request()
                        except asyncio.CancelledError:  # expect: ASL301
                            await self.send_error(503)
                        await self.flush()
            """,
            title="the loop goes round again after the handler",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from contextlib import suppress

            class ImageError(Exception):
                pass

            async def get_image(camera, timeout):
                with suppress(asyncio.CancelledError, TimeoutError):
                    async with asyncio.timeout(timeout):
                        if data := await camera.image():
                            return data
                raise ImageError("unable to get image")  # the task ends with this error

            async def fetch(conn):
                try:
                    return await conn.read()
                except asyncio.CancelledError:
                    conn.abort()
                raise ConnectionError("read cancelled")
            """,
            title="the code after the swallow raises another error: the task does not go on",
        ),
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
        Example(
            """
            import asyncio
            import contextlib

            async def first_of(pending, app, key):
                with contextlib.suppress(asyncio.CancelledError):
                    for task in pending:
                        task.cancel()  # nothing awaited: nothing of this task to cancel
                app[key].cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await app[key]
                try:
                    return pending[0].result()
                except asyncio.CancelledError:  # the child's, from a sync call
                    return None

            async def watch(pubsub, on_error):
                while True:
                    try:
                        await pubsub.get_message()
                    except asyncio.CancelledError:
                        raise
                    except BaseException as e:  # never sees the cancellation
                        on_error(e)
            """,
            title="nothing awaited in the protected body; an earlier handler re-raises",
        ),
        Example(
            """
            import asyncio
            import contextlib

            async def setup_component(futures, setup):
                try:
                    return await setup()
                except BaseException as err:
                    for future in futures:
                        future.set_exception(err)
                        with contextlib.suppress(BaseException):
                            await future  # retrieve it: nothing else will
                    raise

            class Updater:
                async def _stop_polling(self):
                    self._stop_event.set()
                    with contextlib.suppress(asyncio.CancelledError):  # ASL906
                        await self._polling_task

                async def run(self, app):
                    try:
                        await app.serve()
                    finally:
                        try:
                            await asyncio.shield(app.shutdown())
                        except asyncio.CancelledError:  # ASL906
                            pass
            """,
            title="cleanup before a re-raise; cleanup in a teardown function or a `finally` clause (opt-in ASL906)",
        ),
        Example(
            """
            import asyncio

            class Connection:
                async def serve(self):
                    while self.keep_alive:
                        try:
                            await self.handle_request()
                        except asyncio.CancelledError:  # ASL905: the loop ends, then the coroutine
                            self.keep_alive = False
                            await self.send_error(503)
                        await self.flush()
                    for task in self.tasks:  # sync work only: it ends by itself
                        if task.done() and not task.cancelled() and task.exception():
                            self.log(task.exception())
            """,
            title="the handler makes the loop's test false; only sync work follows the loop",
        ),
    )

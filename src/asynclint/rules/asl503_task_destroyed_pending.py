"""ASL503: a task was garbage-collected while still pending (run time only)."""

from __future__ import annotations

from asynclint.rule import Example, Rule


class TaskDestroyedPending(Rule):
    code = "ASL503"
    name = "task-destroyed-pending"
    summary = "A task was garbage-collected while it was still pending (run time only)"
    runtime_only = True
    related = ("ASL203",)
    doc = """
    ## What it does
    Reported by `asynclint run` and the pytest plugin when a task that has not finished is
    destroyed by the garbage collector. It is placed on the line that created the task; the line
    where the task was suspended is the related location.

    ## Why is this bad?
    The event loop keeps only a weak reference to its tasks. A task that your code does not keep
    a reference to can be collected in the middle of its work: it stops at whatever `await` it
    was suspended in, its `finally` blocks never run, and no exception tells anyone. Whether it
    happens depends on when the collector runs, so it comes and goes between runs.

    ## Instead
    Keep a strong reference to every task until it is done (a set of background tasks with
    `task.add_done_callback(tasks.discard)`), or use `asyncio.TaskGroup`; cancel and await
    long-lived tasks before the loop closes.
    """
    bad = (
        Example(
            """
            import asyncio
            import gc

            async def heartbeat():
                await asyncio.get_running_loop().create_future()  # waits for ever

            async def main():
                asyncio.create_task(heartbeat())  # expect: ASL503, ASL203
                await asyncio.sleep(0)
                # The collector runs whenever it likes; here it runs now (off the loop thread).
                await asyncio.to_thread(gc.collect)

            asyncio.run(main())
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import gc

            async def heartbeat(stop):
                await stop.wait()

            async def main():
                stop = asyncio.Event()
                task = asyncio.create_task(heartbeat(stop))  # referenced until it is done
                await asyncio.sleep(0)
                await asyncio.to_thread(gc.collect)
                stop.set()
                await task

            asyncio.run(main())
            """
        ),
    )

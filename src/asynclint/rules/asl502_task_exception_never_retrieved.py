"""ASL502: a task failed and nobody retrieved its exception (run time only)."""

from __future__ import annotations

from asynclint.rule import Example, Rule


class TaskExceptionNeverRetrieved(Rule):
    code = "ASL502"
    name = "task-exception-never-retrieved"
    summary = "A task failed with an exception that nothing ever retrieved (run time only)"
    runtime_only = True
    related = ("ASL203", "ASL303")
    doc = """
    ## What it does
    Reported by `asynclint run` and the pytest plugin when a task ends with an exception and is
    garbage-collected without anything having awaited it or called `exception()`/`result()`. It
    is placed on the line that created the task; the line that raised is the related location.

    ## Why is this bad?
    The work the task stood for did not happen, and nothing noticed: asyncio only prints
    "Task exception was never retrieved" to the log when the task object is collected, which may
    be much later, far from the cause, or never in a long-running server. Errors of background
    work are lost this way.

    ## Instead
    Keep the task and await it (`await task`, `asyncio.gather(...)`), run it in an
    `asyncio.TaskGroup` (which raises its children's errors), or add a done callback that looks at
    `task.exception()` and logs or handles it.
    """
    bad = (
        Example(
            """
            import asyncio

            async def audit(order):
                raise KeyError(order)

            async def main():
                task = asyncio.create_task(audit(1))  # expect: ASL502
                await asyncio.sleep(0.01)

            asyncio.run(main())
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def audit(order):
                raise KeyError(order)

            async def main():
                task = asyncio.create_task(audit(1))
                await asyncio.sleep(0.01)
                try:
                    await task
                except KeyError as e:
                    print("audit failed:", e)

            asyncio.run(main())
            """
        ),
    )

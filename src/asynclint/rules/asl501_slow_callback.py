"""ASL501: a step of the event loop that runs too long (run time only)."""

from __future__ import annotations

from asynclint.rule import Example, Rule


class SlowCallback(Rule):
    code = "ASL501"
    name = "slow-callback"
    summary = "One step of the event loop ran longer than `--slow-threshold` (run time only)"
    runtime_only = True
    related = ("ASL101", "ASL110")
    doc = """
    ## What it does
    Reported by `asynclint run` and the pytest plugin when one step of the event loop (one
    callback, or one resumption of a coroutine up to its next `await`) runs longer than
    `--slow-threshold` (default 100 ms). A watchdog thread samples the loop thread's stack while
    the step runs, and the finding is placed on the line of your code that was executing most
    often, with the step's duration.

    ## Why is this bad?
    While a step runs, nothing else on the loop does: no other request is served, no timer fires,
    heartbeats stop and timeouts expire late. CPU-bound work (parsing a large document, hashing,
    compression, a big `sum`) and blocking calls that no static rule knows (a C extension, a
    library's internal socket) look alike from the loop's side: the program simply stops
    responding for the step's duration. No static rule can see how long a line takes.

    ## Instead
    Move CPU-bound work off the loop: `await asyncio.to_thread(fn, ...)` for work that releases
    the GIL or is short, a `ProcessPoolExecutor` with `loop.run_in_executor(...)` for pure Python
    number crunching, or split the work and `await asyncio.sleep(0)` between chunks.
    """
    bad = (
        Example(
            """
            import asyncio

            async def report():
                total = sum(i * i for i in range(10_000_000))  # expect: ASL501
                print(total)

            asyncio.run(report())
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio

            def squares(n):
                return sum(i * i for i in range(n))

            async def report():
                total = await asyncio.to_thread(squares, 200_000)
                print(total)

            asyncio.run(report())
            """
        ),
    )

"""ASL505: a non-thread-safe loop method called from another thread (run time only)."""

from __future__ import annotations

from asynclint.rule import Example, Rule


class LoopCalledFromOtherThread(Rule):
    code = "ASL505"
    name = "loop-called-from-other-thread"
    summary = "`loop.call_soon()`/`call_later()`/`call_at()`/`create_task()` called from a thread that is not the loop's (run time only)"
    runtime_only = True
    related = ("ASL411",)
    doc = """
    ## What it does
    Reported by `asynclint run` and the pytest plugin when `call_soon`, `call_later`, `call_at`
    or `create_task` of an event loop is called from a thread other than the one running the
    loop. The static rule ASL411 finds the calls it can see in thread callbacks; this one finds
    every call that actually happens, wherever it comes from.

    ## Why is this bad?
    These methods are not thread-safe. Called from another thread they race with the loop's own
    bookkeeping, and they do not wake the loop: the callback may wait until some unrelated event
    happens to wake it, seconds later or never. asyncio only checks this in debug mode.

    ## Instead
    From another thread, use `loop.call_soon_threadsafe(...)`, or
    `asyncio.run_coroutine_threadsafe(coro, loop)` to run a coroutine and get a
    `concurrent.futures.Future` of its result.
    """
    bad = (
        Example(
            """
            import asyncio

            def notify(loop, queue, item):
                # runs in a worker thread
                loop.call_soon(queue.put_nowait, item)  # expect: ASL505

            async def main():
                loop = asyncio.get_running_loop()
                queue = asyncio.Queue()
                await asyncio.to_thread(notify, loop, queue, "hello")
                print(await queue.get())

            asyncio.run(main())
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio

            def notify(loop, queue, item):
                loop.call_soon_threadsafe(queue.put_nowait, item)

            async def main():
                loop = asyncio.get_running_loop()
                queue = asyncio.Queue()
                await asyncio.to_thread(notify, loop, queue, "hello")
                print(await queue.get())

            asyncio.run(main())
            """
        ),
    )

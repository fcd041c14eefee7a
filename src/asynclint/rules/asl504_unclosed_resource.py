"""ASL504: an event loop, transport, stream writer or client session never closed (run time only)."""

from __future__ import annotations

from asynclint.rule import Example, Rule


class UnclosedResource(Rule):
    code = "ASL504"
    name = "unclosed-resource"
    summary = "An event loop, transport, `StreamWriter` or `aiohttp.ClientSession` was never closed (run time only)"
    runtime_only = True
    related = ("ASL403", "ASL903")
    doc = """
    ## What it does
    Reported by `asynclint run` and the pytest plugin when an event loop, a transport, an
    `asyncio.StreamWriter` or an `aiohttp.ClientSession` is garbage-collected without having been
    closed. It is placed on the line of your code that created the object.

    ## Why is this bad?
    An unclosed loop keeps its selector, its self-pipe and its default executor's threads; an
    unclosed transport or writer keeps a socket open until the collector happens to run, so
    connections pile up and the peer never sees a clean close; an unclosed client session keeps
    its connection pool. Python only says so with a `ResourceWarning`, which is hidden by default
    and points at the collector, not at the code that forgot the close.

    ## Instead
    Close what you open, on every path: `asyncio.run()` or `asyncio.Runner` for loops,
    `writer.close()` then `await writer.wait_closed()` in a `finally` for streams, and
    `async with aiohttp.ClientSession() as session:` for sessions.
    """
    bad = (
        Example(
            """
            import asyncio

            async def ping():
                return "pong"

            def main():
                loop = asyncio.new_event_loop()  # expect: ASL504
                print(loop.run_until_complete(ping()))

            main()
            """
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def ping():
                return "pong"

            def main():
                print(asyncio.run(ping()))  # asyncio.run closes the loop it made

            main()
            """
        ),
    )

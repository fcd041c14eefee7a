from __future__ import annotations

from asynclint.rule import Example
from asynclint.rules._blocking import BlockingCallRule


class BlockingInput(BlockingCallRule):
    code = "ASL108"
    name = "blocking-input"
    summary = "Reading the terminal (`input()`, `sys.stdin.read*`, `getpass.getpass`) in async context"
    kind = "a blocking read of standard input"
    related = ("ASL104",)
    doc = """
    ## What it does
    Flags `input()`, `sys.stdin.read()`, `sys.stdin.readline()`, `sys.stdin.readlines()`
    (also on `sys.stdin.buffer`) and `getpass.getpass()` in async context.

    ## Why is this bad?
    They wait for a person to type. Until the user presses Enter, the event loop runs nothing
    else: timers do not fire, connections time out, background tasks stop.

    ## Instead
    `line = await asyncio.to_thread(input, "> ")`, or connect a `StreamReader` to stdin
    with `loop.connect_read_pipe` for a program that reads continuously.
    """
    bad = (
        Example(
            """
            async def repl(session):
                while True:
                    line = input("> ")  # expect: ASL108
                    await session.send(line)
            """
        ),
        Example(
            """
            import builtins
            import sys
            from getpass import getpass as ask_secret
            from sys import stdin

            async def login():
                user = builtins.input("user: ")  # expect: ASL108
                password = ask_secret()  # expect: ASL108
                data = sys.stdin.read()  # expect: ASL108
                line = stdin.readline()  # expect: ASL108
                raw = sys.stdin.buffer.readlines()  # expect: ASL108
            """,
            title="aliases",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import getpass
            import sys

            async def repl():
                line = await asyncio.to_thread(input, "> ")
                secret = await asyncio.to_thread(getpass.getpass)
                await asyncio.to_thread(lambda: input("again? "))
                await asyncio.to_thread(sys.stdin.readline)
                return line, secret

            def ask():
                return input("> ")

            async def outer():
                def inner():
                    return sys.stdin.read()
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            async def main(input, stream):
                input("x")  # a parameter, not builtins.input
                stream.readline()  # unknown object
            """,
            title="shadowed names",
        ),
    )

from __future__ import annotations

import ast

from asynclint.facts import ASYNC_ITERABLE, Question
from asynclint.finding import Fix
from asynclint.project.index import Value
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.refs import value_ref


class AsyncIterableInSyncFor(Rule):
    code = "ASL205"
    name = "async-iterable-in-sync-for"
    summary = "`for` over an async iterator (an async generator, `resp.content`, ...) fails at run time"
    fix = "unsafe"
    fix_note = "Turns `for` into `async for`, only for a `for` statement in async context."
    related = ("ASL204", "ASL202")
    project_wide = True
    doc = """
    ## What it does
    Flags a plain `for` (statement or comprehension) over something that supports only
    `async for`: the call of an async generator function (in any module of the project),
    an instance of a project class that defines `__aiter__` and neither `__iter__` nor
    `__getitem__` (through its base classes), and async iterables of the known libraries:
    asyncio and aiohttp stream readers (`resp.content`, `iter_chunked()`), `aiofiles` files,
    httpx `aiter_*()` methods, asyncpg cursors, redis.asyncio `scan_iter()` and pub/sub
    listeners, motor cursors.

    ## Why is this bad?
    `for` calls `iter()`, which raises `TypeError: 'async_generator' object is not iterable`
    when that line runs; the async generator's body never starts.

    ## Instead
    `async for` inside a coroutine, or `[x async for x in ...]`.
    """
    bad = (
        Example(
            """
            async def ticks(n):
                for i in range(n):
                    yield i

            async def main():
                for t in ticks(3):  # expect: ASL205
                    print(t)
                print([t for t in ticks(3)])  # expect: ASL205
            """,
            fixed="""
            async def ticks(n):
                for i in range(n):
                    yield i

            async def main():
                async for t in ticks(3):
                    print(t)
                print([t for t in ticks(3)])
            """,
            unsafe=True,
        ),
        Example(
            """
            import websockets

            async def echo(uri):
                async with websockets.connect(uri) as ws:
                    for message in ws:  # expect: ASL205
                        await ws.send(message)
            """,
            title="a library known from its own code (websockets)",
            fixed="""
            import websockets

            async def echo(uri):
                async with websockets.connect(uri) as ws:
                    async for message in ws:
                        await ws.send(message)
            """,
            unsafe=True,
        ),
        Example(
            """
            from app.feed import Feed
            import aiohttp

            async def main(feed: Feed, resp: aiohttp.ClientResponse):
                for item in feed:  # expect: ASL205
                    print(item)
                for chunk in resp.content.iter_chunked(1024):  # expect: ASL205
                    print(chunk)
            """,
            title="project class and library iterators",
            files={
                "app/__init__.py": "",
                "app/feed.py": """
                class Feed:
                    def __aiter__(self):
                        return self

                    async def __anext__(self):
                        raise StopAsyncIteration
                """,
            },
            fixed="""
            from app.feed import Feed
            import aiohttp

            async def main(feed: Feed, resp: aiohttp.ClientResponse):
                async for item in feed:
                    print(item)
                async for chunk in resp.content.iter_chunked(1024):
                    print(chunk)
            """,
            unsafe=True,
        ),
        Example(
            """
            from typing import AsyncIterator

            from app.stream import open_stream

            async def download(url, extra: AsyncIterator[bytes]):
                body, size = await open_stream(url)
                for chunk in body:  # expect: ASL205
                    print(chunk)
                for chunk in extra:  # expect: ASL205
                    print(chunk)
            """,
            title="a tuple returned by a project function, unpacked; an annotated parameter",
            files={
                "app/__init__.py": "",
                "app/stream.py": """
                from typing import AsyncIterator

                async def open_stream(url) -> tuple[AsyncIterator[bytes], int]:
                    ...
                """,
            },
        ),
    )
    good = (
        Example(
            """
            import aiosqlite
            import websockets

            async def echo(uri, path):
                async with websockets.connect(uri) as ws:
                    async for message in ws:
                        await ws.send(message)
                async with aiosqlite.connect(path) as db:
                    for row in await db.execute_fetchall("SELECT 1"):
                        print(row)
            """,
            title="the same libraries used right",
        ),
        Example(
            """
            from app.feed import Feed, numbers

            def squares(n):
                for i in range(n):
                    yield i * i

            async def main(feed: Feed):
                async for item in feed:
                    print(item)
                for s in squares(3):
                    print(s)
                for n in numbers():
                    print(n)
            """,
            files={
                "app/__init__.py": "",
                "app/feed.py": """
                class Feed:
                    def __aiter__(self):
                        return self

                    async def __anext__(self):
                        raise StopAsyncIteration

                    def __iter__(self):
                        return iter(())

                def numbers():
                    yield 1
                """,
            },
        ),
        Example(
            """
            from app.stream import open_stream

            async def download(url):
                body, size = await open_stream(url)
                async for chunk in body:
                    print(chunk)
                for part in size.parts:
                    print(part)
            """,
            title="the other element of the tuple",
            files={
                "app/__init__.py": "",
                "app/stream.py": """
                from typing import AsyncIterator

                class Size:
                    parts: list[int]

                async def open_stream(url) -> tuple[AsyncIterator[bytes], Size]:
                    ...
                """,
            },
        ),
    )

    def visit_For(self, node: ast.For, ctx: RuleContext) -> None:
        fix = None
        if ctx.sem.in_async_context(node):
            fix = Fix("unsafe", (ctx.insert_before(node, "async "),), "Use `async for`")
        self._check(node.iter, ctx, fix)

    def visit_comprehension(self, node: ast.comprehension, ctx: RuleContext) -> None:
        if not node.is_async:
            self._check(node.iter, ctx, None)

    def _check(self, expr: ast.AST, ctx: RuleContext, fix: Fix | None) -> None:
        sem = ctx.sem
        ref = value_ref(sem, expr)
        if ref is None:
            return
        ctx.ask(ASYNC_ITERABLE, ref, at=expr, fix=fix)

    def conclude(self, question: Question, v: Value, data: dict) -> str:
        if v.kind == "asyncgen":
            why = f"`{v.label}()` defined at {v.where} is an async generator function"
        elif v.cls is not None:
            why = f"`{v.label}` defined at {v.where} has `__aiter__` but no `__iter__`"
        else:
            why = f"`{v.label}` is an async iterable"
        return f"a plain `for` cannot iterate it: {why}. Use `async for`"

from __future__ import annotations

import ast

from asynclint.facts import ASYNC_CONTEXT_MANAGER, Question
from asynclint.finding import Fix
from asynclint.project.index import Value
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.refs import value_ref


class AsyncManagerInSyncWith(Rule):
    code = "ASL204"
    name = "async-manager-in-sync-with"
    summary = "`with` on an async context manager (`asyncio.Lock()`, `aiohttp.ClientSession()`, ...) fails at run time"
    fix = "unsafe"
    fix_note = "Turns `with` into `async with`, only in async context and for a `with` of one item."
    related = ("ASL205", "ASL206")
    project_wide = True
    doc = """
    ## What it does
    Flags a plain `with` whose context manager supports only `async with`: `asyncio.Lock()`,
    `asyncio.Semaphore()`, `asyncio.timeout()`, `asyncio.TaskGroup()`, `aiohttp.ClientSession()`
    and its requests, `httpx.AsyncClient()`, asyncpg pools, `acquire()` and `transaction()`,
    `aiofiles.open()`, `redis.asyncio` clients, functions decorated with
    `@contextlib.asynccontextmanager`, and project classes (in any module, through their base
    classes) that define `__aenter__` but no `__enter__`. Values are typed through
    constructors and annotations, so `with self.lock:` is found when `self.lock = asyncio.Lock()`.

    ## Why is this bad?
    A plain `with` looks for `__enter__`/`__exit__` and raises `TypeError` (or
    `AttributeError` before Python 3.11) when the object only has the async protocol. The
    error shows up only when that line runs.

    ## Instead
    `async with` inside a coroutine.
    """
    bad = (
        Example(
            """
            import asyncio

            lock = asyncio.Lock()

            async def update(state):
                with lock:  # expect: ASL204
                    state.count += 1
            """,
            fixed="""
            import asyncio

            lock = asyncio.Lock()

            async def update(state):
                async with lock:
                    state.count += 1
            """,
            unsafe=True,
        ),
        Example(
            """
            from app.db import Database

            async def main():
                with Database() as db:  # expect: ASL204
                    ...
            """,
            title="project class from another module",
            files={
                "app/__init__.py": "",
                "app/base.py": """
                class AsyncResource:
                    async def __aenter__(self):
                        return self

                    async def __aexit__(self, *exc):
                        return None
                """,
                "app/db.py": """
                from .base import AsyncResource

                class Database(AsyncResource):
                    pass
                """,
            },
            fixed="""
            from app.db import Database

            async def main():
                async with Database() as db:
                    ...
            """,
            unsafe=True,
        ),
        Example(
            """
            import asyncio
            import aiohttp

            async def crawl(urls):
                with asyncio.timeout(10):  # expect: ASL204
                    with asyncio.TaskGroup() as tg:  # expect: ASL204
                        with aiohttp.ClientSession() as session:  # expect: ASL204
                            for url in urls:
                                tg.create_task(session.get(url))
            """,
            title="asyncio and aiohttp managers",
            fixed="""
            import asyncio
            import aiohttp

            async def crawl(urls):
                async with asyncio.timeout(10):
                    async with asyncio.TaskGroup() as tg:
                        async with aiohttp.ClientSession() as session:
                            for url in urls:
                                tg.create_task(session.get(url))
            """,
            unsafe=True,
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import threading
            from contextlib import contextmanager

            from app.db import Database

            lock = threading.Lock()

            @contextmanager
            def opened():
                yield

            async def update(state):
                async with asyncio.Lock():
                    with lock, opened(), Database():
                        state.count += 1
            """,
            files={
                "app/__init__.py": "",
                "app/db.py": """
                class Database:
                    def __enter__(self):
                        return self

                    def __exit__(self, *exc):
                        return None

                    async def __aenter__(self):
                        return self

                    async def __aexit__(self, *exc):
                        return None
                """,
            },
        ),
    )

    def visit_With(self, node: ast.With, ctx: RuleContext) -> None:
        sem = ctx.sem
        fix = None
        if len(node.items) == 1 and sem.in_async_context(node):
            fix = Fix("unsafe", (ctx.insert_before(node, "async "),), "Use `async with`")
        for item in node.items:
            expr = item.context_expr
            ref = value_ref(sem, expr)
            if ref is None:
                continue
            ctx.ask(ASYNC_CONTEXT_MANAGER, ref, at=expr, data={"text": _short(sem.source_segment(expr))}, fix=fix)

    def conclude(self, question: Question, v: Value, data: dict) -> str:
        text = data["text"]
        if v.cls is not None:
            why = f"`{v.label}` defined at {v.where} has `__aenter__` but no `__enter__`"
        else:
            why = "it is an async context manager"
        return f"`with {text}` fails at run time: {why}. Use `async with`"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."

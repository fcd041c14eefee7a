from __future__ import annotations

import ast

from asynclint.finding import Fix
from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.project.index import EMPTY, Value
from asynclint.rule import Deferred, Example, Rule, RuleContext, SettledFinding
from asynclint.semantics.refs import is_outside_project, value_ref


def coroutine_head(v: Value) -> str:
    """``save() defined at app/repo.py:41 is a coroutine function`` / ``x.close() returns a coroutine``."""
    if v.where:
        return f"`{v.label}()` defined at {v.where} is a coroutine function"
    return f"`{v.label}()` returns a coroutine"


class CoroutineNotAwaited(Rule):
    code = "ASL201"
    name = "coroutine-not-awaited"
    summary = "A coroutine function is called and its coroutine is thrown away, so it never runs"
    fix = "unsafe"
    fix_note = "Adds `await`, only when the call is in async context. Unsafe: the call now runs, and the code after it waits for it."
    related = ("ASL202", "ASL203")
    project_wide = True
    doc = """
    ## What it does
    Flags a call of a coroutine function used as a statement of its own: `save(user)` without
    `await`. The callee is resolved across the whole project: functions of the same module,
    methods through `self.`/`cls.`/`super()` and the class's project base classes (in any module),
    static and class methods, functions and classes imported from other modules (absolute or
    relative imports, re-exports from `__init__.py`), attributes and variables whose type is
    known from a constructor call or an annotation, and the coroutine APIs of asyncio,
    aiohttp, asyncpg, aiofiles, httpx, redis.asyncio and motor. A callee that cannot be
    resolved is never assumed to be a coroutine function.

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine object; nothing in its body runs
    until it is awaited or scheduled. The statement silently does nothing, and Python only
    says `RuntimeWarning: coroutine '...' was never awaited` when the object is
    garbage-collected, if anyone sees the warning at all.

    ## Instead
    `await save(user)`, or, to run it concurrently, keep a reference to
    `asyncio.create_task(save(user))` (or use a `TaskGroup`).
    """
    bad = (
        Example(
            """
            async def save(user):
                ...

            async def handler(user):
                save(user)  # expect: ASL201
            """,
            title="same module",
            fixed="""
            async def save(user):
                ...

            async def handler(user):
                await save(user)
            """,
            unsafe=True,
        ),
        Example(
            """
            from app.repo import UserRepo

            class Service:
                def __init__(self):
                    self.repo = UserRepo()

                async def register(self, user):
                    self.repo.save(user)  # expect: ASL201
            """,
            title="typed attribute, class from another module",
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                class UserRepo:
                    async def save(self, user):
                        ...
                """,
            },
            fixed="""
            from app.repo import UserRepo

            class Service:
                def __init__(self):
                    self.repo = UserRepo()

                async def register(self, user):
                    await self.repo.save(user)
            """,
            unsafe=True,
        ),
        Example(
            """
            import aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as resp:
                        resp.read()  # expect: ASL201
                    session.close()  # expect: ASL201
            """,
            title="library coroutine methods",
            fixed="""
            import aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as resp:
                        await resp.read()
                    await session.close()
            """,
            unsafe=True,
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from app.repo import save, load

            async def handler(user, tg: asyncio.TaskGroup):
                await save(user)
                task = asyncio.create_task(save(user))
                tg.create_task(save(user))
                await asyncio.gather(save(user), save(user))
                load(user)  # a sync function
                unknown_module_function(user)
                return task
            """,
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                async def save(user):
                    ...

                def load(user):
                    ...
                """,
            },
        ),
    )

    def visit_Expr(self, node: ast.Expr, ctx: RuleContext) -> None:
        call = node.value
        if type(call) is not ast.Call:
            return
        sem = ctx.sem
        ref = value_ref(sem, call.func)
        if ref is None:
            return
        fix = None
        if sem.in_async_context(call):
            fix = Fix("unsafe", (ctx.insert_before(call, "await "),), "Add `await`")
        known = EMPTY.coroutine_function(ref)
        if known is not None:
            ctx.report(call, self.message(known), fix)
        elif not is_outside_project(ref, LIBRARIES):
            ctx.defer(call, {"ref": ref}, fix=fix)

    def settle(self, deferred: Deferred, index) -> list[SettledFinding]:
        v = index.coroutine_function(deferred.data["ref"])
        return [SettledFinding(self.message(v))] if v is not None else []

    @staticmethod
    def message(v: Value) -> str:
        return (
            f"{coroutine_head(v)}; calling it without `await` creates a coroutine that never runs. "
            f"Add `await`, or keep the task from `asyncio.create_task()`"
        )

from __future__ import annotations

import ast

from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.project.index import EMPTY, Value
from asynclint.rule import Deferred, Example, Rule, RuleContext, SettledFinding
from asynclint.rules.asl201_coroutine_not_awaited import coroutine_head
from asynclint.semantics.flow import (
    ATTRIBUTE,
    COMPARED,
    DISCARDED,
    FORMATTED,
    ITERATED,
    TESTED,
    UNUSED,
    assigned_name,
    never_handed_on,
    plain_value_use,
)
from asynclint.semantics.refs import is_outside_project, value_ref

_WHAT = {
    TESTED: "testing the coroutine object is always true and never runs it",
    COMPARED: "comparing the coroutine object never runs it",
    FORMATTED: "this formats the coroutine object, not its result, and never runs it",
    ITERATED: "iterating over the coroutine object raises TypeError",
    DISCARDED: "`_ = ...` throws the coroutine away, so it never runs",
    ATTRIBUTE: "reading an attribute of the coroutine object (not of its result) raises AttributeError, and the coroutine never runs",
}


class CoroutineUsedAsValue(Rule):
    code = "ASL202"
    name = "coroutine-used-as-value"
    summary = "A coroutine object is used where its result was meant (truth test, comparison, formatting, iteration, attribute)"
    related = ("ASL201", "ASL203")
    project_wide = True
    doc = """
    ## What it does
    Flags a call of a coroutine function whose coroutine object is used as if it were the
    result: tested for truth (`if repo.exists(uid):`, `while`, `and`/`or`/`not`, a ternary),
    compared, formatted (`str()`, f-strings, `print()`, `logging`), iterated with a plain
    `for`, read an attribute from (`fetch(url).status`: a coroutine's own `send`, `throw`,
    `close` and `cr_*` are fine), thrown away with `_ = f()`, or assigned to a variable that
    is never awaited, returned, stored or passed on. The callee is resolved across the project exactly as for
    ASL201, and a callee that cannot be resolved is never assumed to be a coroutine function.

    ## Why is this bad?
    A coroutine object is always true, never equal to a result, prints as
    `<coroutine object ...>` and is not iterable. The call itself never runs: the check
    silently takes the wrong branch, the log line shows garbage, and Python warns
    `coroutine '...' was never awaited` much later, if at all.

    ## Instead
    Await the call where its value is needed: `if await repo.exists(uid):`,
    `print(await resp.json())`, `user = await load(uid)`.
    """
    bad = (
        Example(
            """
            from app.repo import UserRepo

            async def register(repo: UserRepo, uid):
                if repo.exists(uid):  # expect: ASL202
                    return
                _ = repo.save(uid)  # expect: ASL202
                pending = repo.save(uid)  # expect: ASL202
                print(f"saved {repo.count()}")  # expect: ASL202
            """,
            title="truth test, `_ =`, unused variable, f-string",
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                class UserRepo:
                    async def exists(self, uid):
                        ...

                    async def save(self, uid):
                        ...

                    async def count(self):
                        ...
                """,
            },
        ),
        Example(
            """
            import logging
            import aiohttp

            log = logging.getLogger(__name__)

            async def show(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as resp:
                        print(resp.json())  # expect: ASL202
                        log.info("body: %s", resp.text())  # expect: ASL202
                        if resp.read() == b"":  # expect: ASL202
                            return
            """,
            title="library coroutines",
        ),
        Example(
            """
            class Client:
                async def fetch(self, url):
                    ...

                async def status_of(self, url):
                    return self.fetch(url).status  # expect: ASL202

                async def body_of(self, url):
                    resp = self.fetch(url)  # expect: ASL202
                    return resp.body
            """,
            title="an attribute read from the coroutine instead of its result",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from app.repo import UserRepo

            async def register(repo: UserRepo, uid, tasks: list):
                if await repo.exists(uid):
                    return
                pending = repo.save(uid)
                tasks.append(repo.save(uid))
                later = repo.count()
                await asyncio.wait_for(pending, 5)
                print(repo.label(), str(repo.name))
                probe = repo.count()
                probe.close()  # a coroutine's own method: closing it unstarted, on purpose
                return later
            """,
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                class UserRepo:
                    name = "users"

                    async def exists(self, uid):
                        ...

                    async def save(self, uid):
                        ...

                    async def count(self):
                        ...

                    def label(self):
                        return "users"
                """,
            },
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        use = plain_value_use(sem, node)
        target = None
        if use is None:
            target = assigned_name(sem, node)
            if target is None:
                return
            use = UNUSED
        ref = value_ref(sem, node.func)
        if ref is None:
            return
        known = EMPTY.coroutine_function(ref)
        if known is None and is_outside_project(ref, LIBRARIES):
            return
        if target is not None and not never_handed_on(sem, target):
            return
        data = {"ref": ref, "use": use, "name": target.id if target is not None else ""}
        if known is not None:
            ctx.report(node, self.message(known, data))
        else:
            ctx.defer(node, data)

    def settle(self, deferred: Deferred, index) -> list[SettledFinding]:
        v = index.coroutine_function(deferred.data["ref"])
        return [SettledFinding(self.message(v, deferred.data))] if v is not None else []

    @staticmethod
    def message(v: Value, data: dict) -> str:
        call = f"await {v.label.rsplit('.', 1)[-1]}(...)"
        if data["use"] == UNUSED:
            name = data["name"]
            return (
                f"{coroutine_head(v)}; `{name}` holds its coroutine but is never awaited, returned or passed on, "
                f"so it never runs. Use `{name} = {call}`"
            )
        return f"{coroutine_head(v)}; {_WHAT[data['use']]}. Use `{call}`"

from __future__ import annotations

import ast

from asynclint.facts import ASYNC_CONTEXT_MANAGER, COROUTINE_FUNCTION, IMPORTED_ELSEWHERE, Question
from asynclint.project.index import Value
from asynclint.rule import Example, Rule, RuleContext
from asynclint.rules.messages import coroutine_head
from asynclint.semantics.flow import (
    ATTRIBUTE,
    COMPARED,
    DISCARDED,
    FORMATTED,
    ITERATED,
    TESTED,
    MODULE_UNUSED,
    REBOUND,
    RETURNED_UNAWAITED,
    SUMMED,
    UNPACKED,
    UNUSED,
    VALUE_ARGUMENT,
    lost_coroutine,
)
from asynclint.semantics.refs import value_ref

_WHAT = {
    TESTED: "testing the coroutine object is always true and never runs it",
    COMPARED: "comparing the coroutine object never runs it",
    FORMATTED: "this formats the coroutine object, not its result, and never runs it",
    ITERATED: "iterating over the coroutine object raises TypeError",
    DISCARDED: "`_ = ...` throws the coroutine away, so it never runs",
    ATTRIBUTE: "reading an attribute of the coroutine object (not of its result) raises AttributeError, and the coroutine never runs",
    UNPACKED: "unpacking the coroutine object raises TypeError, and it never runs",
    SUMMED: "adding up coroutine objects raises TypeError, and none of them runs",
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
    `close` and `cr_*` are fine), thrown away with `_ = f()`, unpacked (`body, status =
    fetch_pair()`), tested through `:=` (`if data := fetch():`), or made for each element of
    `all()`/`any()`/`sum()`/`sorted()`/`min()`/`max()` (`all(ping(h) for h in hosts)`).
    given to a builtin that iterates it (`set(fetch_ids())`, `list()`, `sorted()`, `len()`, ...).
    `typing.cast()` around the call or a later read of its variable changes nothing.

    It also follows the variable a coroutine is bound to, binding by binding (reaching
    definitions): flagged when no later read reaches it (never read, `del`, or bound again
    first, as in `result = fetch(url)` followed by `result = await fetch(url)`). And it flags a
    coroutine returned from an `async def` without `await` (the caller's `await` then gets a
    coroutine, not the result), unless the return annotation says an awaitable is meant
    (`Awaitable`, `Coroutine`, `Future`, `Task`, `Any`; sync factories are fine); one passed
    to a function of the same module whose parameter is annotated with a plain value type
    (`bytes`, `str`, a dataclass, `Iterable[int]` and other containers; not unannotated,
    `Awaitable`, `Any`, `object` or a TypeVar);
    and one bound to a module-level name that the module never uses and no other module of
    the project imports. Branches guarded by `asyncio.iscoroutine(x)`/`inspect.isawaitable(x)`
    are understood. The callee is resolved across the project exactly as for ASL201, and a
    callee that cannot be resolved is never assumed to be a coroutine function.

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
            runtime='`if repo.exists(uid):` is always true, so the run returns there and never reaches the later lines',
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
        Example(
            """
            from typing import Iterable, cast

            async def fetch(url) -> bytes:
                ...

            async def fetch_pair(url):
                ...

            async def ping(host) -> bool:
                ...

            def store(data: bytes):
                ...

            async def rebound(url):
                body = fetch(url)  # expect: ASL202
                body = await fetch(url)
                return body

            async def deleted(url):
                body = fetch(url)  # expect: ASL202
                del body

            async def relayed(url):
                return fetch(url)  # expect: ASL202

            async def cast_later(url):
                body = cast(bytes, fetch(url))  # expect: ASL202
                if body:
                    print("fetched")

            async def unpacked(url):
                body, status = fetch_pair(url)  # expect: ASL202
                print(status)

            async def walrus(url):
                if data := fetch(url):  # expect: ASL202
                    print("fetched")

            async def all_up(hosts):
                if all(ping(h) for h in hosts):  # expect: ASL202
                    print("all up")

            async def saved(url):
                store(fetch(url))  # expect: ASL202

            async def owned(table, partitions: Iterable[int]) -> set[int]:
                ...

            async def recover(tables, standby):
                for table in tables:
                    standby = owned(table, standby)  # expect: ASL202
                return set(standby)
            """,
            title="rebound, deleted, returned from `async def`, cast, unpacked, `:=`, `all()`, `bytes` and `Iterable` parameters, `set()`",
        ),
        Example(
            """
            async def warm_up():
                ...

            started = warm_up()  # expect: ASL202
            """,
            title="a module-level coroutine nothing uses or imports",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from typing import Awaitable

            from app.repo import UserRepo

            async def register(repo: UserRepo, uid, tasks: list) -> Awaitable[int]:
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
            runtime="`tasks.append(...)` hands the coroutine to the caller's list, and the run, standing in for the caller, never awaits what it is handed",
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
        Example(
            """
            import asyncio
            from typing import Any, Awaitable, Coroutine, Iterable, TypeVar, cast

            import aiofiles

            T = TypeVar("T")

            async def fetch(url) -> bytes:
                ...

            async def fetch_pair(url):
                ...

            async def ping(host) -> bool:
                ...

            async def keep(value: T) -> T:
                return await value

            async def untyped(value):
                return await value

            async def awaiting(value: Awaitable[bytes]) -> bytes:
                return await value

            async def rebound(url):
                body = fetch(url)
                body = await body  # the same coroutine, awaited
                return body

            def factory(url):
                return fetch(url)  # a sync factory hands the coroutine to its caller

            async def relayed(url) -> Awaitable[bytes]:
                return fetch(url)

            async def relayed_any(url) -> Any:
                return fetch(url)

            async def cast_later(url):
                body = cast(Coroutine[Any, Any, bytes], fetch(url))
                return await body

            async def unpacked(url):
                body, status = await fetch_pair(url)
                return body

            async def walrus(url):
                if data := await fetch(url):
                    return data

            async def all_up(hosts):
                coros = list(ping(h) for h in hosts)
                return all(await asyncio.gather(*coros))

            async def passed(url):
                await keep(fetch(url))
                await untyped(fetch(url))
                await awaiting(fetch(url))

            async def open_async(path):
                await asyncio.sleep(0)
                return aiofiles.open(path)  # an async context manager too: `async with await open_async(p)`

            async def owned(table, partitions: Iterable[int]) -> set[int]:
                ...

            async def recover(tables, standby):
                for table in tables:
                    standby = await owned(table, standby)
                return set(standby)

            async def guarded(url):
                result = fetch(url)
                if asyncio.iscoroutine(result):
                    result = await result
                return result
            """,
            title="the legitimate twins of the shapes above",
        ),
        Example(
            """
            async def warm_up():
                ...

            started = warm_up()
            """,
            title="a module-level coroutine another module imports (and awaits)",
            runtime='the run imports only `example.py`: the importer that awaits `started` never runs',
            files={
                "runner.py": """
                from example import started

                async def main():
                    await started
                """,
            },
        ),
        Example(
            """
            from app.singleton import singleton

            class Manager:
                def setup(self):
                    ...

            @singleton("manager")
            def get_manager(data) -> Manager:
                return Manager()

            async def start(data):
                get_manager(data).setup()  # the sync wrapper: a plain call
            """,
            title="a project decorator that returns a sync wrapper for sync functions, an async one for coroutine functions",
            files={
                "app/__init__.py": "",
                "app/singleton.py": """
                import asyncio
                import functools

                def singleton(key):
                    def wrapper(func):
                        if not asyncio.iscoroutinefunction(func):
                            @functools.wraps(func)
                            def wrapped(data):
                                if key not in data:
                                    data[key] = func(data)
                                return data[key]

                            return wrapped

                        @functools.wraps(func)
                        async def async_wrapped(data):
                            if key not in data:
                                data[key] = await func(data)
                            return data[key]

                        return async_wrapped

                    return wrapper
                """,
            },
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        lost = lost_coroutine(sem, node)
        if lost is None:
            return
        use, target, detail = lost
        ref = value_ref(sem, node.func)
        if ref is None:
            return
        name = target.id if target is not None else ""
        unless: tuple[Question, ...] = ()
        if use == RETURNED_UNAWAITED:
            # ``return aiofiles.open(...)``: also an async context manager, fine to hand on.
            unless = (Question(ASYNC_CONTEXT_MANAGER, ref),)
        elif use == MODULE_UNUSED:
            unless = (Question(IMPORTED_ELSEWHERE, sem.module, (name,)),)
        ctx.ask(COROUTINE_FUNCTION, ref, at=node, data={"use": use, "name": name, "detail": detail}, unless=unless)

    def conclude(self, question: Question, answer: Value, data: dict) -> str:
        return f"{coroutine_head(answer)}; {lost_text(data, answer.label.rsplit('.', 1)[-1])}"


def lost_text(data: dict, callee: str) -> str:
    """What happens to the coroutine, and what to write instead."""
    call = f"await {callee}(...)"
    use, name, detail = data["use"], data["name"], data.get("detail", "")
    if use == UNUSED:
        return f"`{name}` holds its coroutine but is never awaited, returned or passed on, so it never runs. Use `{name} = {call}`"
    if use == REBOUND:
        return f"`{name}` holds its coroutine but is bound again before it is awaited, so this coroutine never runs. Use `{name} = {call}`"
    if use == MODULE_UNUSED:
        return (
            f"`{name}` holds its coroutine at module level, but it is never used in the module nor imported by another "
            f"module, so it never runs. Await it inside a coroutine, or run it with `asyncio.run({callee}(...))`"
        )
    if use == RETURNED_UNAWAITED:
        held = f"`{name}`, holding its coroutine, is" if name else "its coroutine is"
        return (
            f"{held} returned from `async def {detail}` without `await`, so the caller's `await {detail}()` gets "
            f"this coroutine object, not its result. Use `return {call}` (or annotate the return `Awaitable[...]` if that is meant)"
        )
    if use == VALUE_ARGUMENT:
        return f"the coroutine object is passed as `{detail}`, which expects a plain value, not a coroutine, and it never runs. Use `{call}`"
    return f"{_WHAT[use]}. Use `{call}`"

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.facts import COROUTINE_FUNCTION, Question
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.refs import value_ref

if TYPE_CHECKING:
    from asynclint.project.index import Value
    from asynclint.semantics.model import SemanticModel

_LITERALS = (ast.List, ast.Tuple, ast.Set)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


class WaitOnBareCoroutines(Rule):
    code = "ASL207"
    name = "wait-on-bare-coroutines"
    summary = "`asyncio.wait()` given coroutines instead of tasks (TypeError since Python 3.11)"
    related = ("ASL201", "ASL203")
    project_wide = True
    doc = """
    ## What it does
    Flags `asyncio.wait(aws)` when `aws` holds coroutine objects: a list, tuple or set
    literal, a comprehension or generator expression, or `map(f, ...)`, of calls of
    coroutine functions, also through a local name bound to one of those. A call counts as
    a coroutine when it calls a coroutine function anywhere in the project (resolved like
    ASL201's callees: imports, methods through `self` and typed receivers, elements of
    declared containers) or a known library coroutine function such as `asyncio.sleep`.

    ## Why is this bad?
    Since Python 3.11 `asyncio.wait()` raises `TypeError` for coroutines; before that it
    wrapped them in tasks silently (deprecated since 3.8), and the returned `done`/`pending`
    sets held those hidden tasks, which never compare equal to the coroutines passed in.

    ## Instead
    Wrap each coroutine in a task first: `asyncio.wait([asyncio.create_task(c) for c in
    coros])`, or use `asyncio.gather(...)`, `asyncio.as_completed(...)` or a `TaskGroup`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def fetch(url):
                return url

            async def main(urls):
                await asyncio.wait([fetch(u) for u in urls])  # expect: ASL207
                await asyncio.wait({fetch("a"), fetch("b")})  # expect: ASL207
                done, pending = await asyncio.wait(  # expect: ASL207
                    (fetch(u) for u in urls), timeout=5
                )
                await asyncio.wait([asyncio.sleep(1), asyncio.create_task(fetch("c"))])  # expect: ASL207
            """
        ),
        Example(
            """
            from asyncio import wait as wait_all

            class Crawler:
                async def fetch(self, url):
                    return url

                async def run(self, urls):
                    coros = [self.fetch(u) for u in urls]
                    await wait_all(coros)  # expect: ASL207
                    await wait_all(map(self.fetch, urls))  # expect: ASL207
            """,
            title="alias, methods, through a name, map()",
        ),
        Example(
            """
            import asyncio

            from app.net import Conn, probe

            async def check(hosts, conns: list[Conn]):
                await asyncio.wait([probe(h) for h in hosts])  # expect: ASL207
                await asyncio.wait({c.ping() for c in conns})  # expect: ASL207
            """,
            title="coroutine functions of another module, elements of a declared container",
            files={
                "app/__init__.py": "",
                "app/net.py": """
                async def probe(host):
                    ...

                class Conn:
                    async def ping(self):
                        ...
                """,
            },
        ),
        Example(
            """
            import asyncio

            from app.base import PoolBase
            from app.registry import CONNS

            class Pool(PoolBase):
                async def check(self):
                    await asyncio.wait({c.ping() for c in self.conns})  # expect: ASL207
                    await asyncio.wait([c.ping() for c in CONNS])  # expect: ASL207
            """,
            title="containers declared in a base class or a module of their own, in comprehensions",
            files={
                "app/__init__.py": "",
                "app/net.py": """
                class Conn:
                    async def ping(self):
                        ...
                """,
                "app/base.py": """
                from app.net import Conn

                class PoolBase:
                    conns: list[Conn]
                """,
                "app/registry.py": """
                from app.net import Conn

                CONNS: list[Conn] = []
                """,
            },
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def fetch(url):
                return url

            async def ticks():
                yield 1

            def plain(url):
                return url

            async def main(urls, aws):
                tasks = [asyncio.create_task(fetch(u)) for u in urls]
                await asyncio.wait(tasks)
                await asyncio.wait({asyncio.ensure_future(fetch("a"))})
                await asyncio.wait(aws)
                await asyncio.wait([plain(u) for u in urls])
                await asyncio.wait([ticks()])
                await asyncio.gather(*(fetch(u) for u in urls))
            """
        ),
        Example(
            """
            import asyncio

            from app.net import Conn, probe_task

            async def check(hosts, conns: list[Conn]):
                await asyncio.wait([probe_task(h) for h in hosts])
                await asyncio.wait({c.ping_task() for c in conns})
            """,
            title="functions of another module that return tasks",
            files={
                "app/__init__.py": "",
                "app/net.py": """
                import asyncio

                async def probe(host):
                    ...

                def probe_task(host) -> asyncio.Task:
                    return asyncio.create_task(probe(host))

                class Conn:
                    def ping_task(self) -> asyncio.Task:
                        return asyncio.create_task(probe(self))
                """,
            },
        ),
        Example(
            """
            import asyncio

            from app.base import PoolBase
            from app.registry import CONNS

            class Pool(PoolBase):
                async def check(self):
                    await asyncio.wait({c.ping() for c in self.conns})
                    await asyncio.wait([c.ping() for c in CONNS])
            """,
            title="containers declared elsewhere whose elements return tasks",
            files={
                "app/__init__.py": "",
                "app/net.py": """
                import asyncio

                class Conn:
                    def ping(self) -> asyncio.Task:
                        return asyncio.create_task(asyncio.sleep(0))
                """,
                "app/base.py": """
                from app.net import Conn

                class PoolBase:
                    conns: list[Conn]
                """,
                "app/registry.py": """
                from app.net import Conn

                CONNS: list[Conn] = []
                """,
            },
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.wait":
            return
        aws = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "fs"), None)
        refs: list[str] = []
        for callee in _callees_in(sem, aws, 0):
            ref = value_ref(sem, callee)
            if ref is not None and ref not in refs:
                refs.append(ref)
        # One finding per call, naming the first coroutine function: each candidate counts
        # unless an earlier one is a coroutine function.
        for i, ref in enumerate(refs):
            earlier = tuple(Question(COROUTINE_FUNCTION, r) for r in refs[:i])
            ctx.ask(COROUTINE_FUNCTION, ref, at=node, unless=earlier)

    def conclude(self, question: Question, answer: Value, data: dict) -> str:
        short = answer.label.rsplit(".", 1)[-1]
        return (
            f"`asyncio.wait()` is given coroutines (`{short}()`), a TypeError since Python 3.11; "
            "wrap each in `asyncio.create_task()` first"
        )


def _callees_in(sem: SemanticModel, aws: ast.AST | None, depth: int) -> list[ast.expr]:
    """The callees whose calls ``aws`` holds: elements of a literal, the element of a
    comprehension, the function ``map()`` calls, also through a local name bound once."""
    t = type(aws)
    if t in _LITERALS:
        return [e.func for e in aws.elts if type(e) is ast.Call]
    if t in _COMPS:
        return [aws.elt.func] if type(aws.elt) is ast.Call else []
    if t is ast.Call and sem.call_name(aws) == "builtins.map" and aws.args:
        return [aws.args[0]]
    if t is ast.Name and depth < 3:
        binds = sem.lookup(aws.id, sem.scope_of(aws))
        if binds and len(binds) == 1 and binds[0].kind == "assign":
            return _callees_in(sem, binds[0].value, depth + 1)
    return []

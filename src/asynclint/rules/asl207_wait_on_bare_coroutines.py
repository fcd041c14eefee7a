from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import is_generator, local_coroutine_call

_LITERALS = (ast.List, ast.Tuple, ast.Set)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


class WaitOnBareCoroutines(Rule):
    code = "ASL207"
    name = "wait-on-bare-coroutines"
    summary = "`asyncio.wait()` given coroutines instead of tasks (TypeError since Python 3.11)"
    related = ("ASL201", "ASL203")
    doc = """
    ## What it does
    Flags `asyncio.wait(aws)` when `aws` holds coroutine objects: a list, tuple or set
    literal, a comprehension or generator expression, or `map(f, ...)`, of calls of
    coroutine functions, also through a local name bound to one of those. A call counts as
    a coroutine when it calls an `async def` of the same module (methods through `self` and
    typed receivers included) or a known asyncio coroutine function such as
    `asyncio.sleep`.

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
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.wait":
            return
        aws = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "fs"), None)
        coro = self._coroutine_in(aws, ctx, 0)
        if coro is None:
            return
        short = coro.rsplit(".", 1)[-1]
        ctx.report(
            node,
            f"`asyncio.wait()` is given coroutines (`{short}()`), a TypeError since Python 3.11; "
            "wrap each in `asyncio.create_task()` first",
        )

    def _coroutine_in(self, aws: ast.AST | None, ctx: RuleContext, depth: int) -> str | None:
        """The name of a coroutine function whose calls ``aws`` holds, if any."""
        sem = ctx.sem
        t = type(aws)
        if t in _LITERALS:
            for elt in aws.elts:
                name = local_coroutine_call(sem, elt)
                if name:
                    return name
            return None
        if t in _COMPS:
            return local_coroutine_call(sem, aws.elt)
        if t is ast.Call and sem.call_name(aws) == "builtins.map" and aws.args:
            fn = sem.callee_name(aws.args[0])
            func = sem.functions.get(fn) if fn else None
            if type(func) is ast.AsyncFunctionDef and not is_generator(func):
                return fn
            return None
        if t is ast.Name and depth < 3:
            binds = sem.lookup(aws.id, sem.scope_of(aws))
            if binds and len(binds) == 1 and binds[0].kind == "assign":
                return self._coroutine_in(binds[0].value, ctx, depth + 1)
        return None

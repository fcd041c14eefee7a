from __future__ import annotations

import ast

from asynclint.rule import Example, Rule, RuleContext


class AwaitOutsideAsync(Rule):
    code = "ASL206"
    name = "await-outside-async"
    summary = "`await`, `async with` or `async for` in a sync function"
    related = ("ASL204", "ASL205")
    doc = """
    ## What it does
    Flags `await`, `async with`, `async for` and async comprehensions (`[x async for x in
    it]`) whose innermost enclosing function is a sync `def` or a `lambda`, including an
    `await` in a comprehension or lambda inside a sync `def`. An async comprehension or
    generator expression inside an `async def` is fine. Module-level code is not flagged
    (notebooks and `python -m asyncio` accept top-level `await`).

    ## Why is this bad?
    It is a `SyntaxError`, but only raised when the module is compiled, so an editor that
    merely parses the file, or a test run that never imports that module, does not show it.

    ## Instead
    Make the enclosing function `async def` (and await it where it is called), or run the
    coroutine from sync code with `asyncio.run(...)`.
    """
    bad = (
        Example(
            """
            import asyncio

            def load(client):
                data = await client.get()  # expect: ASL206
                async with client.lock:  # expect: ASL206
                    pass
                async for row in client.rows():  # expect: ASL206
                    print(row)
                return data
            """
        ),
        Example(
            """
            def collect(clients):
                replies = [await c.get() for c in clients]  # expect: ASL206
                rows = [r async for r in clients.rows()]  # expect: ASL206
                return replies, rows

            async def outer(items):
                def inner():
                    return await items.get()  # expect: ASL206
                handler = lambda: await items.get()  # expect: ASL206
                return inner, handler
            """,
            title="comprehensions, nested def, lambda",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def load(client):
                data = await client.get()
                async with client.lock:
                    rows = [r async for r in client.rows()]
                replies = [await c.get() for c in client.peers]
                pending = (await c.ping() for c in client.peers)
                async for row in client.stream():
                    print(row)
                return data, rows, replies, pending

            def main(client):
                return asyncio.run(load(client))
            """
        ),
    )

    def _check(self, node: ast.AST, ctx: RuleContext, what: str, end: ast.AST | None = None) -> None:
        sem = ctx.sem
        func = sem.enclosing_function(node)
        if func is None or type(func) is ast.AsyncFunctionDef:
            return
        kind = "a lambda" if type(func) is ast.Lambda else f"the sync function `{func.name}()`"
        ctx.report(
            node,
            f"{what} in {kind} is a SyntaxError when the module is compiled; make the function `async def`",
            end_node=end,
        )

    def visit_Await(self, node: ast.Await, ctx: RuleContext) -> None:
        self._check(node, ctx, "`await`")

    def visit_AsyncWith(self, node: ast.AsyncWith, ctx: RuleContext) -> None:
        self._check(node, ctx, "`async with`", end=node.items[-1].optional_vars or node.items[-1].context_expr)

    def visit_AsyncFor(self, node: ast.AsyncFor, ctx: RuleContext) -> None:
        self._check(node, ctx, "`async for`", end=node.iter)

    def visit_comprehension(self, node: ast.comprehension, ctx: RuleContext) -> None:
        if node.is_async:
            self._check(ctx.sem.parent(node), ctx, "`async for` in a comprehension")

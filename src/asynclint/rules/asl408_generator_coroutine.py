from __future__ import annotations

import ast

from asynclint.knowledge.versions import ASYNCIO_COROUTINE_DECORATOR, fmt
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.api import api_read

_API = "asyncio.coroutine"


class GeneratorCoroutine(Rule):
    code = "ASL408"
    name = "generator-coroutine"
    summary = "`@asyncio.coroutine` generator-based coroutines were removed in Python 3.11"
    related = ("ASL406",)
    doc = """
    ## What it does
    Flags every use of `asyncio.coroutine`, as a decorator or called directly, through any
    import or alias (`from asyncio import coroutine`, `asyncio.coroutines.coroutine`).
    It fires for every `target-version`: deprecated since 3.8, the decorator is gone in 3.11.
    `types.coroutine` is a different function and is not flagged.

    ## Why is this bad?
    Python 3.11 removed `asyncio.coroutine`; a module using it fails at import with
    `AttributeError: module 'asyncio' has no attribute 'coroutine'` (or `ImportError` for
    `from asyncio import coroutine`). On 3.8-3.10 every use emits a `DeprecationWarning`.

    ## Instead
    Native coroutines: `async def`, with `await` in place of `yield from`.
    """
    bad = (
        Example(
            """
            import asyncio

            @asyncio.coroutine  # expect: ASL408
            def fetch():
                yield from asyncio.sleep(1)
            """
        ),
        Example(
            """
            from asyncio import coroutine

            @coroutine  # expect: ASL408
            def legacy():
                yield

            wrapped = coroutine(lambda: None)  # expect: ASL408
            """,
            title="imported name, target 3.10",
            target_version=(3, 10),
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import types

            async def fetch():
                await asyncio.sleep(1)

            @types.coroutine
            def low_level():
                yield
            """
        ),
    )

    _active = True  # whether this file can refer to the API at all (set per file)

    def begin(self, ctx: RuleContext) -> None:
        self._active = ctx.sem.mentions("coroutine")

    def visit_Attribute(self, node: ast.Attribute | ast.Name, ctx: RuleContext) -> None:
        if not self._active or api_read(ctx.sem, node) != _API:
            return
        life = ASYNCIO_COROUTINE_DECORATOR
        if ctx.target_version >= life.removed:
            status = f"was removed in Python {fmt(life.removed)}"
        else:
            status = f"is deprecated since Python {fmt(life.deprecated)} and removed in {fmt(life.removed)}"
        ctx.report(node, f"`@asyncio.coroutine` {status}; use `async def` and `await`")

    visit_Name = visit_Attribute

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.editing import delete_statement, remove_item
from asynclint.finding import Fix
from asynclint.knowledge.types import canonical
from asynclint.knowledge.versions import TIMEOUT_ERROR_IS_BUILTIN, fmt
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.api import api_read, imported_apis

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


_API = "asyncio.TimeoutError"
_BUILTIN = "TimeoutError"


class AsyncioTimeoutErrorAlias(Rule):
    code = "ASL409"
    name = "asyncio-timeout-error-alias"
    summary = "`asyncio.TimeoutError` is the builtin `TimeoutError` since Python 3.11"
    fix = "safe"
    fix_note = (
        "Rewrites `asyncio.TimeoutError` to `TimeoutError` unless the module binds that name to "
        "something else; removes `TimeoutError` from `from asyncio import ...` (the whole line when "
        "it is the only name). An import under another name (`as ATE`) is reported without a fix."
    )
    related = ("ASL301",)
    doc = """
    ## What it does
    When `target-version` is 3.11 or later, flags every use of `asyncio.TimeoutError`
    (`except asyncio.TimeoutError:`, `raise`, `isinstance`, `pytest.raises`...), spelled
    through any alias (`import asyncio as aio`, `asyncio.exceptions.TimeoutError`). A name
    brought by `from asyncio import TimeoutError` is reported once, at the import. Older
    targets are left alone: before 3.11 the two classes differ, and `except TimeoutError`
    would not catch asyncio's. For the same reason so is code that a `sys.version_info` test
    keeps on Pythons older than 3.11.

    ## Why is this bad?
    Since Python 3.11 `asyncio.TimeoutError` is only an alias of the builtin `TimeoutError`
    (and `asyncio.timeout()` raises the builtin). The asyncio spelling suggests a distinct
    exception that no longer exists, and catching both is redundant.

    ## Instead
    `except TimeoutError:`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def fetch(coro):
                try:
                    return await asyncio.wait_for(coro, 5)
                except asyncio.TimeoutError:  # expect: ASL409
                    return None
            """,
            title="target 3.11",
            target_version=(3, 11),
            fixed="""
            import asyncio

            async def fetch(coro):
                try:
                    return await asyncio.wait_for(coro, 5)
                except TimeoutError:
                    return None
            """,
        ),
        Example(
            """
            import asyncio as aio
            import asyncio.exceptions
            from asyncio import TimeoutError  # expect: ASL409
            from asyncio import CancelledError, TimeoutError as ATE  # expect: ASL409

            async def fetch(coro):
                try:
                    return await aio.wait_for(coro, 5)
                except (aio.TimeoutError, OSError):  # expect: ASL409
                    raise asyncio.exceptions.TimeoutError()  # expect: ASL409
                except (TimeoutError, ATE, CancelledError):
                    return None
            """,
            title="aliases and imports",
            fixed="""
            import asyncio as aio
            import asyncio.exceptions
            from asyncio import CancelledError, TimeoutError as ATE

            async def fetch(coro):
                try:
                    return await aio.wait_for(coro, 5)
                except (TimeoutError, OSError):
                    raise TimeoutError()
                except (TimeoutError, ATE, CancelledError):
                    return None
            """,
        ),
        Example(
            """
            import asyncio
            from asyncio import CancelledError, TimeoutError  # expect: ASL409

            def is_timeout(exc):
                return isinstance(exc, (asyncio.TimeoutError, TimeoutError))  # expect: ASL409
            """,
            title="one name among several",
            fixed="""
            import asyncio
            from asyncio import CancelledError

            def is_timeout(exc):
                return isinstance(exc, (TimeoutError, TimeoutError))
            """,
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def fetch(coro):
                try:
                    return await asyncio.wait_for(coro, 5)
                except asyncio.TimeoutError:  # a distinct class before 3.11
                    return None
            """,
            title="target 3.10",
            target_version=(3, 10),
        ),
        Example(
            """
            async def fetch(coro):
                try:
                    return await coro
                except TimeoutError:
                    return None
            """
        ),
        Example(
            """
            import asyncio
            import sys

            if sys.version_info >= (3, 11):
                TIMEOUTS = (TimeoutError,)
            else:
                TIMEOUTS = (asyncio.TimeoutError, TimeoutError)  # two classes before 3.11
            """,
            title="only on Pythons before 3.11 (`sys.version_info` guards)",
        ),
    )

    _active = True  # whether this file can refer to the API at all (set per file)

    def begin(self, ctx: RuleContext) -> None:
        self._active = ctx.sem.mentions("TimeoutError")

    def visit_Attribute(self, node: ast.Attribute, ctx: RuleContext) -> None:
        if not self._active:
            return
        sem = ctx.sem
        if ctx.target_version < TIMEOUT_ERROR_IS_BUILTIN or api_read(sem, node) != _API:
            return
        if sem.runs_only_before(node, TIMEOUT_ERROR_IS_BUILTIN):
            return  # there it is still a class of its own
        fix = None
        if self._builtin_visible(sem, sem.scope_of(node)):
            fix = Fix("safe", (ctx.edit(node, _BUILTIN),), "Use the builtin `TimeoutError`")
        ctx.report(node, f"`asyncio.TimeoutError` is an alias of the builtin `TimeoutError` since Python {fmt(TIMEOUT_ERROR_IS_BUILTIN)}; use `TimeoutError`", fix)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: RuleContext) -> None:
        if not self._active:
            return
        if ctx.target_version < TIMEOUT_ERROR_IS_BUILTIN:
            return
        sem = ctx.sem
        for alias, api in imported_apis(sem, node):
            if api != _API:
                continue
            if sem.runs_only_before(node, TIMEOUT_ERROR_IS_BUILTIN):
                continue
            fix = None
            if (alias.asname or alias.name) == _BUILTIN and self._only_binding(sem, node):
                if len(node.names) == 1:
                    parent = sem.parent(node)
                    body = next((v for _, v in ast.iter_fields(parent) if isinstance(v, list) and any(s is node for s in v)), [])
                    edit = delete_statement(sem, node, body)
                else:
                    edit = remove_item(sem, node.names, alias)
                if edit is not None:
                    fix = Fix("safe", (edit,), "Drop the import: the builtin `TimeoutError` is the same class")
            shown = f"TimeoutError as {alias.asname}" if alias.asname and alias.asname != _BUILTIN else _BUILTIN
            ctx.report(
                alias,
                f"`from asyncio import {shown}` imports an alias of the builtin `TimeoutError` (Python {fmt(TIMEOUT_ERROR_IS_BUILTIN)}+); use the builtin",
                fix,
            )

    @staticmethod
    def _builtin_visible(sem: SemanticModel, scope) -> bool:
        """Whether ``TimeoutError`` written here would mean the same class: the builtin, or a
        name imported from asyncio's (identical since 3.11)."""
        bindings = sem.lookup(_BUILTIN, scope)
        if bindings is None:
            return True
        return all(b.kind == "import" and canonical(b.target) == _API for b in bindings)

    @staticmethod
    def _only_binding(sem: SemanticModel, node: ast.ImportFrom) -> bool:
        """``TimeoutError`` is bound in the import's scope by this import alone, so removing it
        leaves the builtin."""
        bindings = sem.scope_of(node).bindings.get(_BUILTIN, [])
        return all(b.kind == "import" and b.node is node for b in bindings)

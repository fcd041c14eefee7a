from __future__ import annotations

import ast

from asynclint.finding import Fix
from asynclint.knowledge.versions import (
    INSPECT_MARKCOROUTINEFUNCTION_ADDED,
    ISCOROUTINEFUNCTION,
    fmt,
)
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.api import api_read, imported_apis

_API = "asyncio.iscoroutinefunction"


class AsyncioIscoroutinefunction(Rule):
    code = "ASL406"
    name = "asyncio-iscoroutinefunction"
    summary = "`asyncio.iscoroutinefunction()` is deprecated (3.14); use `inspect.iscoroutinefunction()`"
    fix = "safe"
    fix_note = (
        "Only when `target-version` is 3.12 or later. Rewrites `asyncio.iscoroutinefunction` to "
        "`inspect.iscoroutinefunction` (adding `import inspect` once), and "
        "`from asyncio import iscoroutinefunction` to `from inspect import iscoroutinefunction` "
        "when it is the only name that import brings."
    )
    related = ("ASL408",)
    doc = """
    ## What it does
    Flags every use of `asyncio.iscoroutinefunction` (calls and references such as
    `filter(asyncio.iscoroutinefunction, ...)`), through any import or alias. A name brought
    by `from asyncio import iscoroutinefunction` is reported once, at the import. It fires for
    every `target-version`; the fix is offered only for targets 3.12 and later. Code that a
    `sys.version_info` test keeps off Python 3.14 and later (the `else` of
    `if sys.version_info >= (3, 13):`, `sys.version_info < (3, 14) and ...`) is not reported.

    ## Why is this bad?
    `asyncio.iscoroutinefunction` is deprecated in Python 3.14 (a `DeprecationWarning` on
    every call) and scheduled for removal in 3.16; asyncio's own warning says to use
    `inspect.iscoroutinefunction()` instead.

    The two functions are not quite the same before 3.12. asyncio's version also returns
    `True` for callables carrying asyncio's private `_is_coroutine` marker: the one the
    removed `@asyncio.coroutine` decorator set, and that libraries set by hand to mark sync
    callables returning awaitables (older asgiref and Django releases, dependency-injection
    frameworks). `inspect.iscoroutinefunction` had no way to recognise
    such callables until Python 3.12 added `inspect.markcoroutinefunction()`, which it
    honours from 3.12 on. On a 3.12+ target, code that marks callables can (and the libraries
    above do) use the public marker, so switching functions is the documented migration; on
    an older target the switch could turn `True` into `False` for marked callables, so no
    automatic fix is offered there.

    ## Instead
    `inspect.iscoroutinefunction(func)`; mark sync callables that return awaitables with
    `inspect.markcoroutinefunction` (3.12+).
    """
    bad = (
        Example(
            """
            import asyncio

            def is_async(handler):
                return asyncio.iscoroutinefunction(handler)  # expect: ASL406
            """,
            fixed="""
            import asyncio
            import inspect

            def is_async(handler):
                return inspect.iscoroutinefunction(handler)
            """,
        ),
        Example(
            """
            from asyncio import iscoroutinefunction  # expect: ASL406
            import asyncio.coroutines as coros

            def split(funcs):
                sync = [f for f in funcs if not iscoroutinefunction(f)]
                return sync, list(filter(coros.iscoroutinefunction, funcs))  # expect: ASL406
            """,
            title="imports and references",
            fixed="""
            from inspect import iscoroutinefunction
            import asyncio.coroutines as coros
            import inspect

            def split(funcs):
                sync = [f for f in funcs if not iscoroutinefunction(f)]
                return sync, list(filter(inspect.iscoroutinefunction, funcs))
            """,
        ),
        Example(
            """
            import asyncio

            def is_async(handler):
                return asyncio.iscoroutinefunction(handler)  # expect: ASL406
            """,
            title="target 3.11: flagged, no fix",
            target_version=(3, 11),
        ),
    )
    good = (
        Example(
            """
            import inspect

            def is_async(handler):
                return inspect.iscoroutinefunction(handler)
            """
        ),
        Example(
            """
            import asyncio
            import inspect
            import sys

            if sys.version_info >= (3, 12):
                from inspect import iscoroutinefunction
            else:
                from asyncio import iscoroutinefunction

            def is_async(handler):
                return inspect.iscoroutinefunction(handler) or (
                    sys.version_info < (3, 14) and asyncio.iscoroutinefunction(handler)
                )
            """,
            title="only on Pythons before the deprecation (`sys.version_info` guards)",
        ),
    )

    _active = True  # whether this file can refer to the API at all (set per file)

    def begin(self, ctx: RuleContext) -> None:
        self._active = ctx.sem.mentions("iscoroutinefunction")

    def visit_Attribute(self, node: ast.Attribute, ctx: RuleContext) -> None:
        if not self._active or api_read(ctx.sem, node) != _API:
            return
        if ctx.sem.runs_only_before(node, ISCOROUTINEFUNCTION.deprecated):
            return
        fix = None
        if self._fixable(ctx):
            ref, imports = ctx.module_ref("inspect", node)
            fix = Fix("safe", (ctx.edit(node, f"{ref}.iscoroutinefunction"),), "Use `inspect.iscoroutinefunction`", imports)
        ctx.report(node, message_for(ctx.target_version), fix)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: RuleContext) -> None:
        if not self._active:
            return
        for alias, api in imported_apis(ctx.sem, node):
            if api != _API:
                continue
            if ctx.sem.runs_only_before(node, ISCOROUTINEFUNCTION.deprecated):
                continue
            fix = None
            if self._fixable(ctx) and len(node.names) == 1:
                as_name = f" as {alias.asname}" if alias.asname else ""
                text = f"from inspect import iscoroutinefunction{as_name}"
                fix = Fix("safe", (ctx.edit(node, text),), "Import `iscoroutinefunction` from `inspect`")
            ctx.report(alias, message_for(ctx.target_version), fix)

    @staticmethod
    def _fixable(ctx: RuleContext) -> bool:
        return ctx.target_version >= INSPECT_MARKCOROUTINEFUNCTION_ADDED


def message_for(target: tuple[int, int]) -> str:
    status = f"`asyncio.iscoroutinefunction()` is deprecated in Python {fmt(ISCOROUTINEFUNCTION.deprecated)} (removal in {fmt(ISCOROUTINEFUNCTION.removed)})"
    if target >= INSPECT_MARKCOROUTINEFUNCTION_ADDED:
        return f"{status}; use `inspect.iscoroutinefunction()`"
    since = fmt(INSPECT_MARKCOROUTINEFUNCTION_ADDED)
    return (
        f"{status}; use `inspect.iscoroutinefunction()` once the target is {since}+ "
        f"(before {since} it does not recognise callables marked as coroutine functions)"
    )

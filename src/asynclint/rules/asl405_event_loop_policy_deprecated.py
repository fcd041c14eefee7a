from __future__ import annotations

import ast

from asynclint.knowledge.versions import (
    POLICY,
    POLICY_APIS,
    RUN_LOOP_FACTORY_ADDED,
    RUNNER_ADDED,
    fmt,
)
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.api import api_read


class EventLoopPolicyDeprecated(Rule):
    code = "ASL405"
    name = "event-loop-policy-deprecated"
    summary = "asyncio event-loop policies are deprecated since Python 3.14 (removal in 3.16)"
    related = ("ASL402",)
    doc = """
    ## What it does
    Flags every use of the event-loop policy API: `asyncio.get_event_loop_policy()`,
    `asyncio.set_event_loop_policy()` and the policy classes
    (`AbstractEventLoopPolicy`, `DefaultEventLoopPolicy`, `BaseDefaultEventLoopPolicy`,
    `WindowsSelectorEventLoopPolicy`, `WindowsProactorEventLoopPolicy`), including subclassing
    them, through any import or alias. It fires whatever the `target-version`: code that runs
    on an older Python also runs on the new ones, where it warns and later breaks. The message
    names the replacement that exists on the target. Code that a `sys.version_info` test keeps
    off Python 3.14 and later (`if sys.version_info < (3, 14):`, the `else` of
    `if sys.version_info >= (3, 12):`, or after `if sys.version_info >= (3, 12): return ...`)
    is not reported. A statement is one pitfall however many policy names it uses
    (`set_event_loop_policy(WindowsSelectorEventLoopPolicy())`,
    `type(get_event_loop_policy()) is WindowsProactorEventLoopPolicy`): one finding, on the
    first.

    ## Why is this bad?
    The policy system is deprecated since Python 3.14 (a `DeprecationWarning` on use) and is
    scheduled for removal in 3.16. Its one common use, choosing the loop implementation
    (uvloop, the selector loop on Windows), has a direct replacement.

    ## Instead
    Pass a loop factory where the loop is made: `asyncio.run(main(), loop_factory=uvloop.new_event_loop)`
    (3.12+) or `asyncio.Runner(loop_factory=...)` (3.11+); for manual control,
    `loop = factory(); asyncio.set_event_loop(loop)`.
    """
    bad = (
        Example(
            """
            import asyncio
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())  # expect: ASL405
            policy = asyncio.get_event_loop_policy()  # expect: ASL405
            """
        ),
        Example(
            """
            import asyncio as aio
            from asyncio import WindowsSelectorEventLoopPolicy as Selector

            class QuietPolicy(aio.DefaultEventLoopPolicy):  # expect: ASL405
                pass

            aio.set_event_loop_policy(Selector())  # expect: ASL405
            if type(aio.get_event_loop_policy()) is Selector:  # expect: ASL405
                pass
            """,
            title="aliases, subclasses (target 3.10: suggests what exists there)",
            target_version=(3, 10),
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import uvloop

            async def main():
                await asyncio.sleep(0)

            asyncio.run(main(), loop_factory=uvloop.new_event_loop)
            """
        ),
        Example(
            """
            import asyncio
            import sys

            import uvloop

            def run(main):
                if sys.version_info >= (3, 12):
                    return asyncio.run(main(), loop_factory=uvloop.new_event_loop)
                asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())  # 3.11 and older only
                return asyncio.run(main())

            def use_uvloop():
                if sys.version_info < (3, 14):
                    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            """,
            title="only on Pythons before the deprecation (`sys.version_info` guards)",
        ),
    )

    _active = True  # whether this file can refer to the API at all (set per file)

    def begin(self, ctx: RuleContext) -> None:
        self._active = ctx.sem.mentions("olicy")  # Policy, policy

    def visit_Attribute(self, node: ast.Attribute | ast.Name, ctx: RuleContext) -> None:
        if not self._active:
            return
        api = api_read(ctx.sem, node)
        if api not in POLICY_APIS:
            return
        if ctx.sem.runs_only_before(node, POLICY.deprecated):
            return
        if _not_first_in_statement(ctx.sem, node):
            return  # ``set_event_loop_policy(WindowsSelectorEventLoopPolicy())``: one statement, one finding
        ctx.report(node, message_for(api, ctx.target_version))

    visit_Name = visit_Attribute


def _not_first_in_statement(sem, node: ast.AST) -> bool:
    """Another use of the policy API comes first in the same statement (not counting the
    statements nested in it, such as a class body's)."""
    stmt = node
    while stmt is not None and not isinstance(stmt, ast.stmt):
        stmt = sem.parent(stmt)
    if stmt is None:
        return False
    first = None
    stack = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
    while stack:
        n = stack.pop()
        if type(n) in (ast.Attribute, ast.Name) and api_read(sem, n) in POLICY_APIS:
            if first is None or (n.lineno, n.col_offset) < (first.lineno, first.col_offset):
                first = n
        stack.extend(c for c in ast.iter_child_nodes(n) if not isinstance(c, ast.stmt))
    return first is not None and first is not node


def message_for(api: str, target: tuple[int, int]) -> str:
    shown = f"`{api}()`" if api[len("asyncio."):][:1].islower() else f"`{api}`"
    if POLICY.removed is not None and target >= POLICY.removed:
        status = f"was removed in Python {fmt(POLICY.removed)}"
    else:
        status = f"is deprecated since Python {fmt(POLICY.deprecated)} (removal in {fmt(POLICY.removed)})"
    if target >= RUN_LOOP_FACTORY_ADDED:
        instead = "pass `loop_factory=` to `asyncio.run()` or `asyncio.Runner`"
    elif target >= RUNNER_ADDED:
        instead = "use `asyncio.Runner(loop_factory=...)`"
    else:
        instead = "create the loop with a factory and `asyncio.set_event_loop()` (or `loop_factory=` from Python 3.12)"
    return f"{shown}: the event-loop policy system {status}; {instead}"

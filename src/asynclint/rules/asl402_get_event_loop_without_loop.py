from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.knowledge.threads import LOOP_DRIVEN_BASES
from asynclint.knowledge.versions import GET_EVENT_LOOP_RAISES, GET_EVENT_LOOP_WARNS, RUNNER_ADDED, fmt
from asynclint.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


class GetEventLoopWithoutLoop(Rule):
    code = "ASL402"
    name = "get-event-loop-without-loop"
    summary = "`asyncio.get_event_loop()` in sync code: DeprecationWarning on 3.12-3.13, RuntimeError from 3.14"
    related = ("ASL401", "ASL403", "ASL405")
    doc = """
    ## What it does
    Flags `asyncio.get_event_loop()` called in sync code: at module level, in a class body,
    in a sync `def` or `lambda`, or in a function handed to a thread. Calls that follow an
    `asyncio.set_event_loop(...)` in the same function (or at module level) are left alone:
    a loop is set there, which is what the call needs. So are calls that a `sys.version_info`
    test (directly or through a constant) keeps on Pythons older than 3.12, and calls in the
    methods of `asyncio.Protocol` (and the other protocol classes') subclasses: the running
    loop makes protocols through their factory and calls their methods, so a loop is there.
    A sync function (or a class, for its `__init__`) that its module only calls from
    coroutines is left alone too: the loop is running wherever it runs. When the callers are
    not known (another module calls it), the message says both cases: what happens with no
    loop running, and that `asyncio.get_running_loop()` is the call if it only runs while a
    loop runs.

    The message says what happens on the configured `target-version`:

    - 3.14 and later: `RuntimeError` when no current event loop is set (the call no longer
      creates one);
    - 3.12 and 3.13: a `DeprecationWarning` ("There is no current event loop") when no loop
      is running or set, and a new loop is created;
    - older targets: still flagged, since the same code runs on newer Pythons; the message
      says it is deprecated from 3.12.

    ## Why is this bad?
    Outside a running loop, `get_event_loop()` used to create a loop as a side effect. That
    behaviour was deprecated in 3.12 and removed in 3.14, so code relying on it warns on
    3.12/3.13 and fails on 3.14. In a worker thread it has always raised.

    ## Instead
    Run the program with `asyncio.run(main())` (or `asyncio.Runner` from 3.11 to run several
    coroutines on one loop); inside coroutines use `asyncio.get_running_loop()`. Code that
    must manage a loop by hand creates it explicitly: `loop = asyncio.new_event_loop()`
    followed by `asyncio.set_event_loop(loop)`.
    """
    bad = (
        Example(
            """
            import asyncio

            loop = asyncio.get_event_loop()  # expect: ASL402
            """,
            title="target 3.12: DeprecationWarning",
        ),
        Example(
            """
            import asyncio as aio

            def start(coro):
                return aio.get_event_loop().create_task(coro)  # expect: ASL402
            """,
            title="target 3.14: RuntimeError",
            target_version=(3, 14),
        ),
        Example(
            """
            from asyncio import get_event_loop
            import threading

            def worker():
                get_event_loop()  # expect: ASL402

            threading.Thread(target=lambda: get_event_loop()).start()  # expect: ASL402
            """,
            title="threads and lambdas are sync code",
            target_version=(3, 10),
        ),
        Example(
            """
            import asyncio

            class Request:
                def __init__(self, loop=None):
                    if loop is None:
                        loop = asyncio.get_event_loop()  # expect: ASL402
                    self.loop = loop

            async def fetch():
                return Request()

            def fetch_sync():
                return Request()  # no loop running here
            """,
            title="a class also built from sync code",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def main():
                return asyncio.get_running_loop()

            def run():
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
                same = asyncio.get_event_loop()
                return loop, same

            asyncio.run(main())
            """
        ),
        Example(
            """
            import asyncio
            import sys

            GET_EVENT_LOOP_DEPRECATED = sys.version_info >= (3, 10)

            def run(main):
                if GET_EVENT_LOOP_DEPRECATED:
                    return asyncio.run(main())
                loop = asyncio.get_event_loop()  # only on 3.9 and older
                return loop.run_until_complete(main())
            """,
            title="only on Pythons before the deprecation (`sys.version_info` guards)",
        ),
        Example(
            """
            import asyncio

            class EchoProtocol(asyncio.Protocol):
                def __init__(self, loop=None):
                    self.loop = loop or asyncio.get_event_loop()

                def connection_made(self, transport):
                    self.closed = asyncio.get_event_loop().create_future()

            class LineProtocol(EchoProtocol):
                def data_received(self, data):
                    asyncio.get_event_loop().call_soon(print, data)
            """,
            title="protocol classes: the running loop creates and calls them",
        ),
        Example(
            """
            import asyncio

            class Request:
                def __init__(self, loop=None):
                    if loop is None:
                        loop = asyncio.get_event_loop()
                    self.loop = loop

            async def fetch():
                return Request()

            async def fetch_twice():
                return Request(), Request()
            """,
            title="a class its module builds only in coroutines",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.call_name(node) != "asyncio.get_event_loop" or sem.in_async_context(node):
            return
        if self._loop_set_before(node, ctx):
            return
        if sem.runs_only_before(node, GET_EVENT_LOOP_WARNS):
            return  # a ``sys.version_info`` test keeps it on Pythons where it never warned
        if self._in_loop_driven_method(node, sem):
            return
        func = sem.enclosing_function(node)
        if type(func) is ast.FunctionDef:
            if _only_called_from_coroutines(sem, func):
                return  # every caller in the module runs in a coroutine: the loop is running
            name = func.name
            if name == "__init__":
                info = sem.enclosing_class(func)
                name = info.name if info is not None else name
            ctx.report(
                node,
                f"{message_for(ctx.target_version)}; if `{name}()` only runs while a loop runs "
                "(called from coroutines or callbacks), use `asyncio.get_running_loop()`",
            )
            return
        ctx.report(node, message_for(ctx.target_version))

    @staticmethod
    def _in_loop_driven_method(node: ast.Call, sem: SemanticModel) -> bool:
        """In a method of a protocol class, where the loop that calls it is running."""
        func = sem.enclosing_function(node)
        # A classmethod or staticmethod (an alternative constructor) can run before any loop.
        if type(func) is not ast.FunctionDef or func.decorator_list:
            return False
        info = sem.enclosing_class(func)
        return info is not None and sem.inherits_from(info.qualname, LOOP_DRIVEN_BASES)

    @staticmethod
    def _loop_set_before(node: ast.Call, ctx: RuleContext) -> bool:
        sem = ctx.sem
        func = sem.enclosing_function(node)
        for call in sem.nodes(ast.Call):
            if call.lineno >= node.lineno or sem.enclosing_function(call) is not func:
                continue
            if sem.call_name(call) == "asyncio.set_event_loop":
                return True
        return False


def _only_called_from_coroutines(sem, func: ast.FunctionDef) -> bool:
    """Every mention of the function in its module (the class, for ``__init__``) is a call in
    async context, and there is at least one. A mention that is not a call (a callback handed
    on, an export) leaves it open where the function runs."""
    name = func.name
    if name == "__init__":
        info = sem.enclosing_class(func)
        if info is None:
            return False
        name = info.name
    seen = False
    for ref in sem.nodes(ast.Name, ast.Attribute):
        if (ref.id if type(ref) is ast.Name else ref.attr) != name:
            continue
        call = sem.parent(ref)
        if type(call) is not ast.Call or call.func is not ref or not sem.in_async_context(call):
            return False
        seen = True
    return seen


def _before(version: tuple[int, int]) -> tuple[int, int]:
    return version[0], version[1] - 1


def message_for(target: tuple[int, int]) -> str:
    """The finding's text for a target version (pinned per version by the tests)."""
    what = "`asyncio.get_event_loop()` without a running event loop"
    if target >= GET_EVENT_LOOP_RAISES:
        problem = f"raises RuntimeError on Python {fmt(GET_EVENT_LOOP_RAISES)}+ when no event loop is set"
    elif target >= GET_EVENT_LOOP_WARNS:
        problem = (
            f"emits a DeprecationWarning on Python {fmt(GET_EVENT_LOOP_WARNS)} and {fmt(_before(GET_EVENT_LOOP_RAISES))}"
            " when no event loop is set"
            f" (RuntimeError from {fmt(GET_EVENT_LOOP_RAISES)})"
        )
    else:
        problem = (
            f"is deprecated from Python {fmt(GET_EVENT_LOOP_WARNS)} (DeprecationWarning when no event loop is set,"
            f" RuntimeError from {fmt(GET_EVENT_LOOP_RAISES)})"
        )
    runner = ", `asyncio.Runner`" if target >= RUNNER_ADDED else ""
    return f"{what} {problem}; use `asyncio.run()`{runner} or `asyncio.new_event_loop()` + `asyncio.set_event_loop()`"

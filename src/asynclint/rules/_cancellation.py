"""What the swallowed-cancellation rules share (ASL301, and the opt-in ASL905 and ASL906): the
finding at an ``except`` or a ``contextlib.suppress()`` that swallows ``CancelledError``, for the
shapes each rule reports (``semantics.cancellation`` tells the shape), and its message, which
says what goes wrong for that shape."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from asynclint.rule import Rule, RuleContext
from asynclint.semantics.cancellation import CLEANUP, CONTINUES, RETURNS, Swallow, swallowed_by_handler, swallowed_by_suppress
from asynclint.semantics.teardown import is_teardown_function

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


class SwallowedCancellation(Rule):
    """A rule reporting the swallowed cancellations of ``shapes``."""

    shapes: ClassVar[frozenset[str]] = frozenset()

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: RuleContext) -> None:
        found = swallowed_by_handler(ctx.sem, node)
        if found is not None and found.shape in self.shapes:
            ctx.report(node, message(ctx.sem, node, found), end_node=node.type)

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        found = swallowed_by_suppress(ctx.sem, node)
        if found is not None and found.shape in self.shapes:
            ctx.report(node, message(ctx.sem, node, found))


_SHOWN = {
    "except:": "bare `except:`",
    "BaseException": "`except BaseException`",
    "CancelledError": "`except CancelledError`",
    "suppress": "`contextlib.suppress()` of `CancelledError`",
}


def message(sem: SemanticModel, node: ast.AST, found: Swallow) -> str:
    """What goes wrong, by where control goes after the swallowed cancellation."""
    shown = _SHOWN[found.what]
    if found.what == "CancelledError":
        instead = "end the handler with `raise`"
    elif found.what == "suppress":
        instead = "catch it, clean up and re-raise instead"
    else:
        instead = "end the handler with `raise`, or catch `Exception` instead"
    func = sem.enclosing_function(node)
    name = f"`{func.name}()`" if type(func) is ast.AsyncFunctionDef else "the coroutine"
    swallows = "swallows" if found.what == "suppress" else "can finish without re-raising"
    if found.shape == CONTINUES:
        return f"{shown} {swallows}, and the code after it goes on running: `task.cancel()` does not stop this task; {instead}"
    if found.shape == CLEANUP:
        if is_teardown_function(func):
            return (
                f"{shown} {swallows}, so a cancellation that arrives while {name} shuts things down is lost: "
                f"{name} finishes and its caller goes on as if nothing happened; {instead}"
            )
        return (
            f"{shown} in a `finally` clause {swallows}, so a cancellation that arrives during this cleanup is lost "
            f"when the `try` body had finished normally: the code after it runs on; {instead}"
        )
    if found.shape == RETURNS:
        return (
            f"{shown} {swallows}, so {name} returns normally when its task is cancelled and the caller awaiting it "
            f"goes on as if nothing happened: the task is not stopped; {instead}"
        )
    return (
        f"{shown} {swallows}, so {name} ends normally when its task is cancelled: the task ends as finished, "
        "not cancelled, and whoever waits on it (`await task`, `asyncio.wait_for`, `asyncio.timeout`) never sees "
        f"the cancellation (no `TimeoutError` either); {instead}"
    )

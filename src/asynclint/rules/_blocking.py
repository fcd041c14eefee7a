"""What ASL102-ASL108 share: a call in async context whose resolved callee the knowledge
table lists under the rule's code. Everything semantic (async context, name resolution,
receiver types) comes from the shared model; this only joins it to the table."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from asynclint.knowledge.blocking import BLOCKING, Blocking
from asynclint.rule import Option, Rule, RuleContext

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


# ASL109's option; ASL110 reads it too (the listed calls block inside helpers just the same).
BLOCKING_CALLS_OPTION = Option(
    "blocking-calls",
    dict,
    {},
    "Qualified names (fnmatch patterns allowed) of calls that block, each mapped to what to "
    "use instead (may be empty). Methods are named `module.Class.method` and match calls on "
    "receivers of that class: made by calling the class, bound by `with`, or annotated.",
    'blocking-calls = { "mycorp.db.query" = "mycorp.db.aquery", "mycorp.rpc.Client.*" = "mycorp.rpc.AsyncClient" }',
)


def display_name(name: str) -> str:
    """``builtins.open`` is ``open`` to the reader."""
    return name[len("builtins."):] if name.startswith("builtins.") else name


def returns_at_once(call: ast.Call, blocking: Blocking) -> bool:
    """True when the call passes an argument that makes it non-blocking (``block=False``)."""
    for keyword, position, value in blocking.nonblocking:
        arg = None
        for kw in call.keywords:
            if kw.arg == keyword:
                arg = kw.value
                break
        if arg is None and position is not None and len(call.args) > position:
            if not any(type(a) is ast.Starred for a in call.args[: position + 1]):
                arg = call.args[position]
        if type(arg) is ast.Constant and type(arg.value) in (bool, int, float) and arg.value == value:
            return True
    return False


_UNSEEN = object()


def blocking_call(call: ast.Call, ctx: RuleContext, code: str) -> tuple[str, Blocking] | None:
    """(resolved name, table entry) when ``call`` blocks the event loop under ``code``."""
    # Seven rules ask about every call: decide once per node, on the node itself (each parse
    # makes new nodes, so nothing outlives the file).
    found = getattr(call, "_asl_blocking", _UNSEEN)
    if found is _UNSEEN:
        found = _decide(call, ctx.sem)
        call._asl_blocking = found  # type: ignore[attr-defined]
    if found is None or found[1].code != code:
        return None
    return found


def _decide(call: ast.Call, sem: SemanticModel) -> tuple[str, Blocking] | None:
    if sem.is_awaited(call) or not sem.in_async_context(call):
        return None
    name = sem.call_name(call)
    entry = BLOCKING.get(name) if name is not None else None
    if entry is None or returns_at_once(call, entry):
        return None
    return name, entry


class BlockingCallRule(Rule):
    """Base of the table-driven blocking rules; a subclass sets ``kind`` and its examples."""

    kind: ClassVar[str]  # "a blocking HTTP call"

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        found = blocking_call(node, ctx, self.code)
        if found is None:
            return
        name, entry = found
        ctx.report(node, f"`{display_name(name)}()` is {self.kind}; use {entry.instead}")

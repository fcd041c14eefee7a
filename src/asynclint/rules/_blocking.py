"""What ASL102-ASL108 share: a call in async context whose resolved callee the knowledge
table lists under the rule's code. Everything semantic (async context, name resolution,
receiver types) comes from the shared model; this only joins it to the table."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from asynclint.facts import TYPE_OF, Question
from asynclint.knowledge.blocking import BLOCKING, FILE_TYPES, Blocking
from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.knowledge.types import canonical
from asynclint.rule import Option, Rule, RuleContext
from asynclint.semantics.nonblocking import cannot_block, returns_at_once
from asynclint.semantics.refs import is_outside_project

if TYPE_CHECKING:
    from asynclint.project.index import Value
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
    if sem.is_awaited(call) or not sem.in_async_context(call) or sem.builds_raised_exception(call):
        return None
    name = sem.call_name(call)
    entry = BLOCKING.get(name) if name is not None else None
    if entry is None or returns_at_once(call, entry) or cannot_block(sem, call, name):
        return None
    if entry.code == "ASL104" and _io_of_a_reported_open(sem, call, name):
        return None
    return name, entry


def _io_of_a_reported_open(sem, call: ast.Call, name: str) -> bool:
    """``f.read()`` on a file that an ``open()`` in async context made (``with open(p) as f``,
    ``f = open(p)``): opening and reading it are one pitfall, reported once, on the
    ``open()``."""
    if name.rsplit(".", 1)[0] not in FILE_TYPES or type(call.func) is not ast.Attribute:
        return False
    receiver = call.func.value
    if type(receiver) is not ast.Name:
        return False
    binds = sem.lookup(receiver.id, sem.scope_of(receiver))
    if not binds:
        return False
    for b in binds:
        opener = b.value
        if type(opener) is not ast.Call or b.kind not in ("with", "assign"):
            return False
        found = _decide(opener, sem) if getattr(opener, "_asl_blocking", _UNSEEN) is _UNSEEN else opener._asl_blocking
        if found is None or found[1].code != "ASL104":
            return False
    return True


class BlockingCallRule(Rule):
    """Base of the table-driven blocking rules; a subclass sets ``kind`` and its examples."""

    kind: ClassVar[str]  # "a blocking HTTP call"

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        found = blocking_call(node, ctx, self.code)
        if found is None:
            ask_about_imported_receiver(node, ctx, self.code)
            return
        name, entry = found
        ctx.report(node, f"`{display_name(name)}()` is {self.kind}; use {entry.instead}")

    def conclude(self, question: Question, answer: Value, data: dict) -> str | None:
        found = blocking_method(answer, data["method"], self.code)
        if found is None:
            return None
        name, entry = found
        return f"`{display_name(name)}()` is {self.kind}; use {entry.instead}"


def blocking_method(receiver: Value, method: str, code: str) -> tuple[str, Blocking] | None:
    """The table entry of ``method`` on a value of a library type, under ``code``."""
    if receiver.kind != "external":
        return None
    name = canonical(f"{receiver.name}.{method}")
    entry = BLOCKING.get(name)
    return (name, entry) if entry is not None and entry.code == code else None


def ask_about_imported_receiver(call: ast.Call, ctx: RuleContext, code: str) -> None:
    """``SOCK.read_text()`` where ``SOCK`` is a module constant of another project module
    (``from .const import SOCK``, ``SOCK = Path(...)``): the file cannot know its type, the
    project can. Asked only for method names the table lists under ``code`` on some type,
    and only for names imported from the project (module constants, never locals)."""
    func = call.func
    if type(func) is not ast.Attribute or type(func.value) is not ast.Name:
        return
    entries = _METHODS_BY_CODE.get(code, {}).get(func.attr)
    if not entries or any(returns_at_once(call, e) for e in entries):
        return
    sem = ctx.sem
    binds = sem.lookup(func.value.id, sem.scope_of(func.value))
    if not binds or len(binds) != 1 or binds[0].kind != "import" or is_outside_project(binds[0].target, LIBRARIES):
        return
    if sem.is_awaited(call) or not sem.in_async_context(call):
        return
    ctx.ask(TYPE_OF, canonical(binds[0].target), at=call, data={"method": func.attr})


def _methods_by_code() -> dict[str, dict[str, list[Blocking]]]:
    out: dict[str, dict[str, list[Blocking]]] = {}
    for name, entry in BLOCKING.items():
        owner, _, method = name.rpartition(".")
        if owner and owner[:1] != "" and owner.rsplit(".", 1)[-1][:1].isupper():
            out.setdefault(entry.code, {}).setdefault(method, []).append(entry)
    return out


_METHODS_BY_CODE = _methods_by_code()

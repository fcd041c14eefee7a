"""Where a sync ``asyncio.get_event_loop()`` call runs, as far as its module tells (ASL402 and
the opt-in ASL907 report by it).

- ``NO_LOOP``: no loop is running there, so the call warns (3.12, 3.13) or raises (3.14):
  module level, a class body, a lambda, a function handed to a thread, a function that then
  drives or closes the loop it got (``loop.run_until_complete()``, ``run_forever()``,
  ``close()``: none of these can run inside a running loop), or one its module calls at the
  top level.
- ``LOOP_RUNS``: every caller in the module is a coroutine (or the function is a protocol
  method the running loop calls): the call just returns the running loop. Not reported.
- ``UNKNOWN``: a sync function whose callers are elsewhere (another module, the users of a
  library): a ``loop = loop or asyncio.get_event_loop()`` fallback in a constructor is the
  typical case. It runs with a loop running in most async code; ASL907 (opt-in) reports it.

Calls a ``sys.version_info`` test keeps on old Pythons, and calls after an
``asyncio.set_event_loop(...)`` in the same function, are not reported at all.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.knowledge.threads import LOOP_DRIVEN_BASES
from asynclint.knowledge.versions import (
    GET_EVENT_LOOP_WARNS,
)

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel

NO_LOOP = "no-loop"
LOOP_RUNS = "loop-runs"
UNKNOWN = "unknown"

# Loop methods that cannot be called on a running loop: a function calling them on the loop it
# got runs where no loop is running.
_DRIVING = frozenset({"run_until_complete", "run_forever", "close"})


def where_it_runs(sem: SemanticModel, call: ast.Call) -> str | None:
    """For a sync ``asyncio.get_event_loop()`` call: ``NO_LOOP``, ``LOOP_RUNS``, ``UNKNOWN``,
    or None when nothing is to be said (not that call, async context, a loop set before it,
    kept on old Pythons by a version test)."""
    if sem.call_name(call) != "asyncio.get_event_loop" or sem.in_async_context(call):
        return None
    if _loop_set_before(sem, call) or sem.runs_only_before(call, GET_EVENT_LOOP_WARNS):
        return None
    func = sem.enclosing_function(call)
    if type(func) is not ast.FunctionDef:
        return NO_LOOP  # module level, class body, lambda
    if _in_loop_driven_method(sem, func):
        return LOOP_RUNS
    name = _called_as(sem, func)
    if name is None:
        return UNKNOWN
    if _drives_the_loop(sem, call, func) or _handed_to_a_thread(sem, name) or _called_at_top_level(sem, name):
        return NO_LOOP
    if _only_called_from_coroutines(sem, name):
        return LOOP_RUNS
    return UNKNOWN


def shown_name(sem: SemanticModel, call: ast.Call) -> str:
    """The function (the class, for ``__init__``) the call is in, as the message names it."""
    func = sem.enclosing_function(call)
    return _called_as(sem, func) or getattr(func, "name", "?")


def _called_as(sem: SemanticModel, func: ast.FunctionDef) -> str | None:
    if func.name != "__init__":
        return func.name
    info = sem.enclosing_class(func)
    return info.name if info is not None else None


def _in_loop_driven_method(sem: SemanticModel, func: ast.FunctionDef) -> bool:
    """A method of a protocol class, which the running loop makes and calls. A classmethod or
    staticmethod (an alternative constructor) can run before any loop."""
    if func.decorator_list:
        return False
    info = sem.enclosing_class(func)
    return info is not None and sem.inherits_from(info.qualname, LOOP_DRIVEN_BASES)


def _loop_set_before(sem: SemanticModel, node: ast.Call) -> bool:
    func = sem.enclosing_function(node)
    for call in sem.nodes(ast.Call):
        if call.lineno >= node.lineno or sem.enclosing_function(call) is not func:
            continue
        if sem.call_name(call) == "asyncio.set_event_loop":
            return True
    return False


def _drives_the_loop(sem: SemanticModel, call: ast.Call, func: ast.FunctionDef) -> bool:
    """``get_event_loop().run_until_complete(...)``, or ``loop = get_event_loop()`` and then
    ``loop.run_forever()`` / ``loop.close()`` in the same function."""
    parent = sem.parent(call)
    if type(parent) is ast.Attribute and parent.attr in _DRIVING:
        return True
    if type(parent) is not ast.Assign or len(parent.targets) != 1 or type(parent.targets[0]) is not ast.Name:
        return False
    loop = parent.targets[0].id
    for node in ast.walk(func):
        if (
            type(node) is ast.Call
            and type(node.func) is ast.Attribute
            and node.func.attr in _DRIVING
            and type(node.func.value) is ast.Name
            and node.func.value.id == loop
            and node.lineno > call.lineno
        ):
            return True
    return False


def _mentions(sem: SemanticModel, name: str):
    for ref in sem.nodes(ast.Name, ast.Attribute):
        if (ref.id if type(ref) is ast.Name else ref.attr) == name:
            yield ref


def _handed_to_a_thread(sem: SemanticModel, name: str) -> bool:
    """``Thread(target=worker)``, ``loop.run_in_executor(None, worker)``: it runs in a thread,
    where no loop runs."""
    for ref in _mentions(sem, name):
        parent = sem.parent(ref)
        if type(parent) is ast.keyword:
            parent = sem.parent(parent)
        if type(parent) is ast.Call and parent.func is not ref and sem.is_thread_handoff(parent):
            return True
    return False


def _called_at_top_level(sem: SemanticModel, name: str) -> bool:
    """Called by the module's own top-level code (``if __name__ == "__main__": main()``)."""
    for ref in _mentions(sem, name):
        call = sem.parent(ref)
        if type(call) is ast.Call and call.func is ref and sem.enclosing_function(call) is None:
            return True
    return False


def _only_called_from_coroutines(sem: SemanticModel, name: str) -> bool:
    """Every mention of the function in its module (the class, for ``__init__``) is a call in
    async context, and there is at least one. A mention that is not a call (a callback handed
    on, an export) leaves it open where the function runs."""
    seen = False
    for ref in _mentions(sem, name):
        call = sem.parent(ref)
        if type(call) is not ast.Call or call.func is not ref or not sem.in_async_context(call):
            return False
        seen = True
    return seen

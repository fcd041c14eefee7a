"""Calls the knowledge tables list as blocking that do not block where they are made: by
their arguments (``q.get(block=False)``, ``t.join(timeout=0)``) or by what surrounds them (an
unbounded queue's ``put()``, a ``get()`` right after waiting until the queue has an item).

Asked by the blocking rules (ASL101-ASL108) for a direct call and by the project summary for
the calls a sync helper makes (ASL110's chains), so both decide alike.
"""

from __future__ import annotations

import ast

from asynclint.knowledge.blocking import Blocking
from asynclint.semantics.guards import QUEUE_GETS, nonempty_queues


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


def cannot_block(sem, call: ast.Call, name: str) -> bool:
    """Calls the table lists as blocking that cannot block here, by what surrounds them:
    ``put()`` on a queue not known to be bounded (a ``Queue()`` without ``maxsize`` never
    fills up, and neither does a ``multiprocessing`` queue, whose default bound is the
    platform's semaphore maximum); ``get()`` right after a loop that awaits until the same
    queue is non-empty (``while q.empty(): await asyncio.sleep(0.1)``)."""
    if name in _QUEUE_PUTS:
        return type(call.func) is ast.Attribute and not bounded_queue(sem, call.func.value)
    if name in QUEUE_GETS:
        return type(call.func) is ast.Attribute and ast.dump(call.func.value) in nonempty_queues(sem, call)
    return False


_QUEUE_PUTS = frozenset({"queue.Queue.put", "multiprocessing.queues.Queue.put"})


def bounded_queue(sem, receiver: ast.AST) -> bool:
    """Whether the queue ``receiver`` names is made with a ``maxsize`` (positional or keyword)
    other than ``0`` in this module: by a constructor call right there, or assigned to the
    name or to the ``self.`` attribute. A queue made elsewhere (a parameter, an annotation
    only) counts as unbounded, as almost all queues are."""
    values: list[ast.AST] = []
    if type(receiver) is ast.Call:
        values.append(receiver)
    elif type(receiver) is ast.Name:
        values += [b.value for b in sem.lookup(receiver.id, sem.scope_of(receiver)) or () if b.value is not None]
    elif type(receiver) is ast.Attribute and type(receiver.value) is ast.Name:
        func = sem.enclosing_function(receiver)
        info = sem.enclosing_class(func) if func is not None else None
        if info is not None and func.args.args and func.args.args[0].arg == receiver.value.id:
            values += [b.value for b in info.attrs.get(receiver.attr, ()) if b.value is not None]
    for value in values:
        if type(value) is not ast.Call:
            continue
        size = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "maxsize"), None)
        if size is not None and not (type(size) is ast.Constant and type(size.value) is int and size.value <= 0):
            return True
    return False

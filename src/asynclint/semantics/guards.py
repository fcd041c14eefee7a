"""``isinstance`` guards on a function's parameters, and whether a call site's arguments pass them.

A helper that blocks only on one branch of ``if isinstance(fp, io.IOBase): ... else:
open(fp)`` does not block when every call passes a file object. The project summary records,
for each call a sync function makes, the ``isinstance`` test on a parameter that guards it
(:func:`guard_of`); ASL110 records the classes of the arguments at the async call site
(:func:`argument_classes`), and the index drops a guarded call whose branch those
arguments never take (:func:`branch_taken`). Unknown classes never drop anything.

A queue's ``get()`` is guarded the same way, by whether the queue is known to hold an item:
a helper's ``self.queue.get()`` (:func:`queue_get_guard`) does not wait when its caller has
just looped, awaiting, until ``self.queue`` was non-empty (:func:`nonempty_queues`), which
the call site records as the class :data:`NONEMPTY` of ``self.queue``.
"""

from __future__ import annotations

import ast

from asynclint.semantics.flow import contains_await_point

# Queue ``get()``s that wait while the queue is empty.
QUEUE_GETS = frozenset({"queue.Queue.get", "multiprocessing.queues.Queue.get"})
# The "class" of a queue a loop just waited on until it had an item (see the module doc).
NONEMPTY = "<non-empty>"

# What the built-in and standard classes a guard is likely to test are instances of
# (their bases, transitively), for ``isinstance(argument, guard_classes)``.
_ANCESTORS: dict[str, frozenset[str]] = {
    "builtins.str": frozenset({"builtins.object"}),
    "builtins.bytes": frozenset({"builtins.object"}),
    "builtins.bytearray": frozenset({"builtins.object"}),
    "builtins.int": frozenset({"builtins.object"}),
    "builtins.float": frozenset({"builtins.object"}),
    "builtins.bool": frozenset({"builtins.int", "builtins.object"}),
    "builtins.dict": frozenset({"builtins.object"}),
    "builtins.list": frozenset({"builtins.object"}),
    "builtins.tuple": frozenset({"builtins.object"}),
    "builtins.NoneType": frozenset({"builtins.object"}),
    "io.BytesIO": frozenset({"io.BufferedIOBase", "io.IOBase", "typing.BinaryIO", "typing.IO", "builtins.object"}),
    "io.StringIO": frozenset({"io.TextIOBase", "io.IOBase", "typing.TextIO", "typing.IO", "builtins.object"}),
    "io.TextIOWrapper": frozenset({"io.TextIOBase", "io.IOBase", "typing.TextIO", "typing.IO", "builtins.object"}),
    "io.BufferedReader": frozenset({"io.BufferedIOBase", "io.IOBase", "typing.BinaryIO", "typing.IO", "builtins.object"}),
    "io.BufferedWriter": frozenset({"io.BufferedIOBase", "io.IOBase", "typing.BinaryIO", "typing.IO", "builtins.object"}),
    "pathlib.Path": frozenset({"pathlib.PurePath", "os.PathLike", "builtins.object"}),
    "pathlib.PurePath": frozenset({"os.PathLike", "builtins.object"}),
    NONEMPTY: frozenset(),
}
_LITERALS = {str: "builtins.str", bytes: "builtins.bytes", int: "builtins.int", float: "builtins.float", bool: "builtins.bool", type(None): "builtins.NoneType"}
_DISPLAYS = {ast.Dict: "builtins.dict", ast.List: "builtins.list", ast.Tuple: "builtins.tuple", ast.JoinedStr: "builtins.str"}


def guard_of(sem, call: ast.AST, func: ast.FunctionDef) -> tuple[int | None, str, tuple[str, ...], bool] | None:
    """The innermost ``if isinstance(param, C)`` (``not isinstance``, the ``else`` branch)
    around ``call`` in ``func`` on one of its parameters: (position of that parameter in a
    call's arguments, or None for keyword-only; its name; the qualified classes; whether the
    call runs when the test holds). None when there is no such guard or a class is unknown."""
    child = call
    p = sem.parent(call)
    while p is not None and p is not func:
        if type(p) is ast.If and (child in p.body or child in p.orelse):
            found = _isinstance_test(sem, p.test)
            if found is not None:
                name, classes, positive = found
                where = _param_position(sem, func, name)
                if where is not False:
                    return where, name, classes, positive == (child in p.body)
        child = p
        p = sem.parent(p)
    return None


def queue_get_guard(sem, call: ast.Call, func: ast.FunctionDef) -> tuple[None, str, tuple[str, ...], bool] | None:
    """``self.queue.get()`` in a method: it waits only unless ``self.queue`` is known to hold
    an item at the call site (the guard reads as "runs unless it is :data:`NONEMPTY`")."""
    f = call.func
    if type(f) is not ast.Attribute or type(f.value) is not ast.Attribute or type(f.value.value) is not ast.Name:
        return None
    positional = func.args.posonlyargs + func.args.args
    if not positional or f.value.value.id != positional[0].arg or sem.enclosing_class(func) is None:
        return None
    if sem.call_name(call) not in QUEUE_GETS:
        return None
    return None, f"self.{f.value.attr}", (NONEMPTY,), False


def nonempty_queues(sem, node: ast.AST) -> dict[str, ast.AST]:
    """The queues (by ``ast.dump``) known to hold an item where ``node``'s statement runs: the
    statement right before it is a loop that awaits until the queue is non-empty (``while
    q.empty(): await asyncio.sleep(0.1)``, ``not q.qsize()``, ``q.qsize() == 0``) with no
    ``break``."""
    stmt = node
    while stmt is not None and not isinstance(stmt, ast.stmt):
        stmt = sem.parent(stmt)
    parent = sem.parent(stmt) if stmt is not None else None
    if parent is None:
        return {}
    for _, block in ast.iter_fields(parent):
        if type(block) is list and any(s is stmt for s in block):
            i = next(k for k, s in enumerate(block) if s is stmt)
            before = block[i - 1] if i else None
            if type(before) is not ast.While or not contains_await_point(before.body):
                return {}
            if any(type(n) is ast.Break for n in ast.walk(before)):
                return {}
            queue = _tested_empty(before.test)
            return {ast.dump(queue): queue} if queue is not None else {}
    return {}


def _tested_empty(test: ast.AST) -> ast.AST | None:
    """The queue of ``q.empty()``, ``not q.qsize()``, ``q.qsize() == 0``."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test = test.operand
        wanted = "qsize"
    elif type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) is ast.Eq:
        right = test.comparators[0]
        if not (type(right) is ast.Constant and right.value == 0):
            return None
        test = test.left
        wanted = "qsize"
    else:
        wanted = "empty"
    if type(test) is ast.Call and type(test.func) is ast.Attribute and test.func.attr == wanted and not test.args:
        return test.func.value
    return None


def _isinstance_test(sem, test: ast.AST) -> tuple[str, tuple[str, ...], bool] | None:
    positive = True
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test, positive = test.operand, False
    if not (type(test) is ast.Call and type(test.func) is ast.Name and sem.qualname(test.func) == "builtins.isinstance"):
        return None
    if len(test.args) != 2 or type(test.args[0]) is not ast.Name:
        return None
    spec = test.args[1]
    parts = list(spec.elts) if type(spec) is ast.Tuple else [spec]
    # ``str | Path`` (3.10+) is a class spec too.
    flat: list[ast.AST] = []
    while parts:
        part = parts.pop()
        if type(part) is ast.BinOp and type(part.op) is ast.BitOr:
            parts += [part.left, part.right]
        else:
            flat.append(part)
    classes = []
    for part in flat:
        q = sem.qualname(part) if type(part) in (ast.Name, ast.Attribute) else None
        if q is None:
            return None
        classes.append(q)
    return test.args[0].id, tuple(sorted(classes)), positive


def _param_position(sem, func: ast.FunctionDef, name: str) -> int | None | bool:
    """Where ``name`` goes in a call's arguments (methods drop ``self``/``cls``); None for a
    keyword-only parameter; False when it is not a parameter."""
    args = func.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if positional and sem.enclosing_class(func) is not None and not any(
        type(d) is ast.Name and d.id == "staticmethod" for d in func.decorator_list
    ):
        positional = positional[1:]
    if name in positional:
        return positional.index(name)
    if name in [a.arg for a in args.kwonlyargs]:
        return None
    return False


def argument_classes(sem, call: ast.Call) -> tuple[tuple[str | None, ...], dict[str, str]]:
    """The known classes of a call's positional and keyword arguments (None: unknown); a
    ``*``/``**`` argument makes every later position unknown."""
    positional: list[str | None] = []
    for arg in call.args:
        if type(arg) is ast.Starred:
            break
        positional.append(_class_of(sem, arg))
    keywords = {k.arg: c for k in call.keywords if k.arg is not None and (c := _class_of(sem, k.value)) is not None}
    receiver = call.func.value if type(call.func) is ast.Attribute else None
    if type(receiver) is ast.Name:
        for queue in nonempty_queues(sem, call).values():
            if type(queue) is ast.Attribute and type(queue.value) is ast.Name and queue.value.id == receiver.id:
                keywords[f"self.{queue.attr}"] = NONEMPTY  # the method's ``self.queue``
    return tuple(positional), keywords


def _class_of(sem, expr: ast.AST) -> str | None:
    if type(expr) is ast.Constant:
        return _LITERALS.get(type(expr.value))
    if type(expr) in _DISPLAYS:
        return _DISPLAYS[type(expr)]
    if type(expr) is ast.Call:
        q = sem.call_name(expr)
        if q in _ANCESTORS:
            return q
    t = sem.type_of(expr)
    return t if t in _ANCESTORS else None


def branch_taken(guard, positional: tuple[str | None, ...], keywords: dict[str, str]) -> bool | None:
    """Whether the guarded branch runs for these argument classes; None when unknown."""
    position, name, classes, positive = guard
    cls = keywords.get(name)
    if cls is None and position is not None and position < len(positional):
        cls = positional[position]
    if cls is None or cls not in _ANCESTORS:
        return None
    is_instance = cls in classes or bool(_ANCESTORS[cls] & set(classes))
    if not is_instance and any(c.startswith(("collections.abc.", "typing.", "numbers.", "abc.")) for c in classes):
        return None  # an ABC the argument's class may be registered with
    return is_instance == positive


# Argument classes travel in a question's params, after the rule's own (``blocking-calls``
# patterns), each marked by a leading NUL that no pattern has.
_MARK = "\x00"


def encode_arguments(positional: tuple[str | None, ...], keywords: dict[str, str]) -> tuple[str, ...]:
    out = [f"{_MARK}{i}={c}" for i, c in enumerate(positional) if c is not None]
    out += [f"{_MARK}{k}:{c}" for k, c in sorted(keywords.items())]
    return tuple(out)


def split_params(params: tuple[str, ...]) -> tuple[tuple[str, ...], tuple | None]:
    """(the rule's own params, the argument classes as ``branch_taken`` reads them or None)."""
    own = tuple(p for p in params if not p.startswith(_MARK))
    marked = [p[1:] for p in params if p.startswith(_MARK)]
    if not marked:
        return own, None
    positional: dict[int, str] = {}
    keywords: dict[str, str] = {}
    for item in marked:
        if ":" in item.split("=", 1)[0]:
            k, c = item.split(":", 1)
            keywords[k] = c
        else:
            i, c = item.split("=", 1)
            positional[int(i)] = c
    size = max(positional) + 1 if positional else 0
    return own, (tuple(positional.get(i) for i in range(size)), keywords)

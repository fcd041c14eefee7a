"""Questions about where a value goes and how control leaves a block, shared by several rules.

* :func:`usage_of` -- what happens to the value of an expression: dropped, awaited, returned,
  stored, passed on ... (ASL203, ASL303 and anything else that cares whether a task,
  coroutine or result is kept).
* :func:`plain_value_use` -- the narrower question of ASL202: is the value, right where it
  stands, consumed as a plain value (tested, compared, formatted, iterated, ``_ = ...``)?
  Both answer in the same vocabulary and share :func:`_plain_use_at`.
* :func:`exits` / :func:`always_raises` -- the ways a block of statements can be left
  (ASL301: does an ``except`` handler always re-raise?).
* :func:`exception_names` -- the qualified classes an ``except`` clause catches, through
  imports, aliases, tuples and module-level tuple constants.
* :func:`local_coroutine_call` -- a call that certainly makes a coroutine object, decided with
  this file and a small set of asyncio's own coroutine functions (the project-wide answer
  belongs to the project index).

All of it is lexical and local to one function: no guesses across calls.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterable, Iterator

from asynclint.knowledge.types import canonical

# ---------------------------------------------------------------------------- usage

DISCARDED = "discarded"  # an expression statement, or assigned to ``_``
UNUSED = "unused"  # bound to a local name that is never read
AWAITED = "awaited"
RETURNED = "returned"  # ``return``, a lambda's body
YIELDED = "yielded"
STORED = "stored"  # attribute, subscript, module/class-level name, added to a collection
ARGUMENT = "argument"  # passed to some other call
ATTRIBUTE = "attribute"  # ``value.attr`` (a method called on it, an attribute read)
ITERATED = "iterated"
CONTEXT = "context"  # ``with value:``
TESTED = "tested"  # truth test: if/while/assert, and/or/not, ternary test
COMPARED = "compared"
FORMATTED = "formatted"  # f-string field
OTHER = "other"

# Strongest first: when a name is read several times, the strongest read decides.
_RANK = (AWAITED, RETURNED, YIELDED, STORED, ARGUMENT, ATTRIBUTE, ITERATED, CONTEXT, TESTED, COMPARED, FORMATTED, OTHER, DISCARDED, UNUSED)
_RANK_OF = {u: i for i, u in enumerate(_RANK)}

# What ASL203 and ASL303 call a dropped value: nothing keeps or reads it.
DROPPED = frozenset({DISCARDED, UNUSED})

# ``x.append(value)`` and friends keep the value alive in the collection ``x``.
COLLECTION_ADDERS = frozenset(
    {"append", "add", "extend", "insert", "appendleft", "extendleft", "put", "put_nowait", "setdefault", "update", "push", "register"}
)

# Calls that turn their arguments into text: a coroutine passed to one is formatted, not run.
_LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")
FORMAT_CALLS = frozenset(
    {"builtins.str", "builtins.repr", "builtins.format", "builtins.print", "builtins.ascii"}
    | {f"{owner}.{m}" for owner in ("logging", "logging.Logger", "logging.LoggerAdapter") for m in _LOG_METHODS}
)

_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Starred)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def strongest(usages: Iterable[str]) -> str:
    best = UNUSED
    for u in usages:
        if _RANK_OF[u] < _RANK_OF[best]:
            best = u
    return best


def usage_of(sem, expr: ast.AST, follow: bool = True, _depth: int = 0) -> str:
    """What becomes of the value of ``expr``.

    The value is followed through parentheses, containers and comprehensions (an element of a
    list that is stored is stored), ternaries and ``:=``. With ``follow``, a value bound to a
    local name is judged by the strongest read of that name in its function: ``t =
    create_task(...); return t`` is ``returned``; never read at all is ``unused``. Names bound
    at module or class level are ``stored``: they outlive the statement.
    """
    child = expr
    parent = sem.parent(expr)
    while parent is not None:
        tp = type(parent)
        if tp is ast.Expr:
            return DISCARDED
        if tp is ast.Await:
            return AWAITED
        if tp is ast.Return:
            return RETURNED
        if tp is ast.Lambda:
            return RETURNED if child is parent.body else OTHER
        if tp is ast.Yield or tp is ast.YieldFrom:
            return YIELDED
        if tp in _CONTAINERS or (tp is ast.Dict and child in parent.values):
            child, parent = parent, sem.parent(parent)
            continue
        if tp in _COMPS:
            if child is getattr(parent, "elt", None) or child is getattr(parent, "value", None):
                child, parent = parent, sem.parent(parent)
                continue
            return OTHER  # the key of a dict comprehension, or a condition
        if tp is ast.IfExp and child is not parent.test:
            child, parent = parent, sem.parent(parent)
            continue
        if tp is ast.NamedExpr:
            outer = usage_of(sem, parent, follow, _depth)
            if not follow:
                return strongest((outer, STORED))
            return strongest((outer, _name_usage(sem, parent.target, _depth)))
        if tp is ast.Assign:
            return _assigned(sem, parent.targets, follow, _depth)
        if tp is ast.AnnAssign:
            return _assigned(sem, [parent.target], follow, _depth) if parent.value is child else OTHER
        if tp is ast.AugAssign:
            return STORED if child is parent.value else OTHER
        if tp is ast.keyword:
            child, parent = parent, sem.parent(parent)
            # fall through to the Call below with the keyword as the child
            tp = type(parent)
        if tp is ast.Call:
            if child is parent.func:
                return OTHER
            func = parent.func
            if type(func) is ast.Attribute and func.attr in COLLECTION_ADDERS:
                return STORED
            return ARGUMENT
        if tp is ast.Attribute:
            return ATTRIBUTE
        if tp is ast.BoolOp:
            return TESTED  # any operand: the value may escape, but it is tested first
        if tp is ast.withitem:
            return CONTEXT
        return _plain_use_at(parent, child) or OTHER
    return OTHER


def _plain_use_at(parent: ast.AST, child: ast.AST) -> str | None:
    """The plain-value use the node ``parent`` makes of its direct child ``child``: a truth
    test, comparison, iteration or formatting; None when it makes none of those."""
    tp = type(parent)
    if tp is ast.If or tp is ast.While or tp is ast.IfExp or tp is ast.Assert:
        return TESTED if child is parent.test else None
    if tp is ast.UnaryOp:
        return TESTED if isinstance(parent.op, ast.Not) else None
    if tp is ast.comprehension:
        if child is parent.iter:
            return ITERATED
        return TESTED if child in parent.ifs else None
    if tp is ast.For or tp is ast.AsyncFor:
        return ITERATED if child is parent.iter else None
    if tp is ast.Compare:
        return COMPARED
    if tp is ast.FormattedValue:
        return FORMATTED if child is parent.value else None
    return None


def plain_value_use(sem, expr: ast.AST) -> str | None:
    """How ``expr``'s value is consumed where it stands when that use treats it as a plain
    value: ``tested`` (also ``bool(...)``), ``compared``, ``formatted`` (f-strings, ``str()``,
    ``print()``, ``logging``), ``iterated`` (plain ``for``), ``discarded`` (``_ = ...``) or
    ``attribute`` (an attribute read that a coroutine object does not have).
    None for every other use (awaited, returned, stored, passed to a call, put in a
    container, ...): unlike :func:`usage_of`, nothing is followed upwards, except the last
    operand of ``and``/``or``, whose value is the expression's."""
    parent = sem.parent(expr)
    tp = type(parent)
    if tp is ast.BoolOp:
        if expr is not parent.values[-1] or plain_value_use(sem, parent) == TESTED:
            return TESTED
        return None
    if tp is ast.AsyncFor:
        return None  # ASL202 has only ever judged plain ``for``; kept so when the helpers merged
    if tp is ast.keyword:  # a keyword of a call, or of a class definition (metaclass=...)
        parent = sem.parent(parent)
        tp = type(parent)
    if tp is ast.Call:
        if expr is parent.func:
            return None
        name = sem.call_name(parent)
        if name in FORMAT_CALLS:
            return FORMATTED
        return TESTED if name == "builtins.bool" else None
    if tp is ast.Assign:
        targets = parent.targets
        return DISCARDED if len(targets) == 1 and type(targets[0]) is ast.Name and targets[0].id == "_" else None
    if tp is ast.Attribute and parent.value is expr and parent.attr not in COROUTINE_ATTRIBUTES:
        return ATTRIBUTE  # ``fetch().status``: read from the coroutine, not from its result
    return _plain_use_at(parent, expr)


# What a coroutine object itself has: reading these is working with the coroutine on purpose.
COROUTINE_ATTRIBUTES = frozenset(
    {"send", "throw", "close", "cr_await", "cr_frame", "cr_running", "cr_code", "cr_origin", "cr_suspended", "__await__", "__name__", "__qualname__", "__class__"}
)


def _assigned(sem, targets: list[ast.AST], follow: bool, depth: int) -> str:
    usages = []
    for target in targets:
        t = type(target)
        if t is ast.Name:
            if target.id == "_":
                usages.append(DISCARDED)
            elif not follow:
                usages.append(STORED)
            else:
                usages.append(_name_usage(sem, target, depth))
        elif t is ast.Attribute or t is ast.Subscript:
            usages.append(STORED)
        else:  # unpacked: the value itself is gone, its parts live on
            usages.append(OTHER)
    return strongest(usages)


def _name_usage(sem, target: ast.Name, depth: int) -> str:
    scope = sem.scope_of(target)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    if scope.kind in ("module", "class") or target.id in scope.globals or depth > 4:
        return STORED
    if _declared_nonlocal(scope.node, target.id):
        return STORED  # it lives on in the enclosing function
    reads = list(name_reads(sem, target))
    if not reads:
        return UNUSED
    return strongest(usage_of(sem, r, True, depth + 1) for r in reads)


def _declared_nonlocal(func: ast.AST, name: str) -> bool:
    return any(type(n) is ast.Nonlocal and name in n.names for n in own_nodes(func))


def own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's own body (a lambda's expression included). Nested defs,
    lambdas and classes are yielded but not entered: their bodies are not this function's."""
    body = func.body
    stack = list(body) if type(body) is list else [body]
    while stack:
        node = stack.pop()
        yield node
        if type(node) not in _SCOPES:
            stack.extend(ast.iter_child_nodes(node))


def assigned_name(sem, node: ast.AST) -> ast.Name | None:
    """The target of ``name = node`` (or ``name: T = node``) when that is a plain local
    variable of a function (not ``_``, not declared ``global``)."""
    p = sem.parent(node)
    if type(p) is ast.Assign and len(p.targets) == 1 and p.value is node:
        target = p.targets[0]
    elif type(p) is ast.AnnAssign and p.value is node and p.simple:
        target = p.target
    else:
        return None
    if type(target) is not ast.Name or target.id == "_":
        return None
    scope = sem.scope_of(target)
    if scope.kind != "function" or target.id in scope.globals:
        return None
    return target


def never_handed_on(sem, target: ast.Name) -> bool:
    """True when no read of the local variable bound at ``target`` hands its value on: every
    read (if any) is a plain-value use (:func:`plain_value_use`). Conservative: a name that
    is declared ``nonlocal`` anywhere in the module may be rebound elsewhere, so it counts as
    handed on, and so does a target the scope does not know as a binding."""
    name = target.id
    if any(name in n.names for n in sem.nodes(ast.Nonlocal)):
        return False
    if not any(b.node is target for b in sem.scope_of(target).bindings.get(name) or ()):
        return False
    return all(plain_value_use(sem, read) is not None for read in name_reads(sem, target))


def name_reads(sem, target: ast.Name) -> Iterator[ast.Name]:
    """Every read, in the binding's function, of the name ``target`` binds (nested functions
    and comprehensions included, as long as the name still resolves to that binding)."""
    scope = sem.scope_of(target)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    bindings = scope.bindings.get(target.id) or []
    if not any(b.node is target for b in bindings):
        return
    # Only names inside the binding's scope can resolve to its bindings, so filtering every
    # read of the identifier by ``lookup`` is the same set as walking the scope, without
    # walking the function again for each assignment in it (quadratic; ASL202 asks per call).
    for node in _name_loads(sem).get(target.id, ()):
        if node is not target and sem.lookup(node.id, sem.scope_of(node)) is bindings:
            yield node


def _name_loads(sem) -> dict[str, list[ast.Name]]:
    """Every ``Name`` read in the module, by identifier; built once per model."""
    loads = getattr(sem, "_asl_name_loads", None)
    if loads is None:
        loads = {}
        for node in sem.nodes(ast.Name):
            if type(node.ctx) is ast.Load:
                loads.setdefault(node.id, []).append(node)
        sem._asl_name_loads = loads
    return loads


# ---------------------------------------------------------------------------- control flow

FALL = "fall"  # runs off the end of the block
RAISE = "raise"
RETURN = "return"
BREAK = "break"
CONTINUE = "continue"


def exits(sem, stmts: list[ast.stmt], truth: Callable[[ast.AST], bool | None] | None = None) -> frozenset[str]:
    """The ways control can leave ``stmts``: a subset of fall/raise/return/break/continue.

    Raising from any call is not counted (everything may raise); only an explicit ``raise``
    is, and a call of something that never returns: ``sys.exit()``, or a function of this
    module (methods through ``self`` and the class's bases in this module included) that is
    annotated ``NoReturn``/``Never`` or always raises. ``with contextlib.suppress(...)`` turns
    a ``raise`` inside it into falling through. ``truth(test)`` may decide ``if``/``while``
    tests the caller knows more about (the exception being handled, say).
    """
    return _Exits(sem, truth).block(stmts)


def always_raises(sem, stmts: list[ast.stmt], truth: Callable[[ast.AST], bool | None] | None = None) -> bool:
    """True when every way out of ``stmts`` is a ``raise`` (bare, ``raise X``, ``raise X from e``)."""
    return exits(sem, stmts, truth) == {RAISE}


# Calls that never return normally.
NO_RETURN_CALLS = frozenset({"sys.exit", "os._exit", "os.abort", "builtins.exit", "builtins.quit"})
_NO_RETURN_TYPES = frozenset({"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never"})


class _Exits:
    __slots__ = ("sem", "truth", "active")

    def __init__(self, sem, truth, active: frozenset = frozenset()):
        self.sem = sem
        self.truth = truth
        self.active = active  # functions being analysed, against recursion

    def block(self, stmts: list[ast.stmt]) -> frozenset[str]:
        current = {FALL}
        for stmt in stmts:
            if FALL not in current:
                break  # unreachable
            current.discard(FALL)
            current |= self.stmt(stmt)
        return frozenset(current)

    def test(self, test: ast.AST) -> bool | None:
        if self.truth is not None:
            verdict = self.truth(test)
            if verdict is not None:
                return verdict
        if type(test) is ast.Constant:
            return bool(test.value)
        return None

    def stmt(self, stmt: ast.stmt) -> set[str]:
        t = type(stmt)
        block = self.block
        if t is ast.Raise:
            return {RAISE}
        if t is ast.Return:
            return {RETURN}
        if t is ast.Break:
            return {BREAK}
        if t is ast.Continue:
            return {CONTINUE}
        if t is ast.Expr:
            return {RAISE} if self.never_returns(stmt.value) else {FALL}
        if t is ast.If:
            verdict = self.test(stmt.test)
            if verdict is True:
                return set(block(stmt.body))
            if verdict is False:
                return set(block(stmt.orelse))
            return set(block(stmt.body) | block(stmt.orelse))
        if t in (ast.While, ast.For, ast.AsyncFor):
            body = block(stmt.body)
            out = set(body - {BREAK, CONTINUE, FALL})
            endless = t is ast.While and self.test(stmt.test) is True
            if BREAK in body:
                out.add(FALL)
            if not endless:
                out |= block(stmt.orelse)
            return out
        if t is ast.Try or t.__name__ == "TryStar":
            body = block(stmt.body)
            out = set(body - {FALL})
            if FALL in body:
                out |= block(stmt.orelse)
            for handler in stmt.handlers:
                out |= block(handler.body)
            if stmt.finalbody:
                final = block(stmt.finalbody)
                if FALL not in final:
                    return set(final)
                out |= final - {FALL}
            return out
        if t is ast.With or t is ast.AsyncWith:
            out = set(block(stmt.body))
            if RAISE in out and any(
                self.sem.call_name(i.context_expr) == "contextlib.suppress" for i in stmt.items if type(i.context_expr) is ast.Call
            ):
                out.add(FALL)
            return out
        if t is ast.Match:
            out = set()
            exhaustive = False
            for case in stmt.cases:
                out |= block(case.body)
                if case.guard is None and type(case.pattern) is ast.MatchAs and case.pattern.pattern is None:
                    exhaustive = True  # ``case _:`` or ``case name:``
            if not exhaustive:
                out.add(FALL)
            return out
        return {FALL}

    def never_returns(self, expr: ast.AST) -> bool:
        if type(expr) is ast.Await:
            expr = expr.value
        if type(expr) is not ast.Call:
            return False
        sem = self.sem
        name = sem.call_name(expr)
        if name in NO_RETURN_CALLS:
            return True
        func = local_function(sem, name)
        if func is None or func in self.active or len(self.active) > 3:
            return False
        if func.returns is not None:
            ret = sem.annotation_type(func.returns, sem.scope_of(func))
            if ret in _NO_RETURN_TYPES:
                return True
        inner = _Exits(sem, None, self.active | {func})
        return inner.block(func.body) == {RAISE}


def local_function(sem, name: str | None) -> ast.AST | None:
    """The ``def``/``async def`` of this module that the qualified callable ``name`` is:
    a function, or a method found on its class or the class's bases in this module."""
    if name is None:
        return None
    func = sem.functions.get(name)
    if func is not None:
        return func
    owner, _, method = name.rpartition(".")
    seen: set[str] = set()
    todo = [owner]
    while todo:
        cls = todo.pop()
        if cls in seen or len(seen) > 16:
            continue
        seen.add(cls)
        info = sem.classes.get(cls)
        if info is None:
            continue
        found = info.methods.get(method)
        if found is not None:
            return found
        for base in info.bases:
            if type(base) is ast.Subscript:  # ``Mixin[T]``
                base = base.value
            q = sem.qualname(base, info.scope.parent)
            if q:
                todo.append(q)
    return None


def contains_await_point(stmts: Iterable[ast.AST]) -> bool:
    """Whether ``stmts`` can suspend (``await``, ``async for``, ``async with``, an async
    comprehension) in their own function: nested defs, lambdas and classes do not count."""
    stack = list(stmts)
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.Await or t is ast.AsyncFor or t is ast.AsyncWith:
            return True
        if t is ast.comprehension and node.is_async:
            return True
        if t in _SCOPES:
            # decorators and defaults run here, the body does not
            stack.extend(getattr(node, "decorator_list", ()))
            if t is not ast.ClassDef:
                stack.extend(node.args.defaults)
                stack.extend(d for d in node.args.kw_defaults if d is not None)
            else:
                stack.extend(node.bases)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


# ---------------------------------------------------------------------------- exceptions

BASE_EXCEPTION = "builtins.BaseException"
CANCELLED_ERROR = "asyncio.CancelledError"


def exception_names(sem, expr: ast.AST | None, _depth: int = 0) -> frozenset[str] | None:
    """The qualified classes an ``except`` clause names; ``None`` (bare ``except:``) is
    ``builtins.BaseException``. Unresolvable parts are left out, so the answer is what the
    clause is *known* to catch. Names bound once to a tuple (``RETRY = (A, B)``) are followed.
    """
    if expr is None:
        return frozenset({BASE_EXCEPTION})
    if _depth > 4:
        return frozenset()
    t = type(expr)
    if t is ast.Tuple:
        out: set[str] = set()
        for elt in expr.elts:
            out |= exception_names(sem, elt, _depth + 1) or frozenset()
        return frozenset(out)
    if t is ast.Name or t is ast.Attribute:
        q = sem.qualname(expr)
        if q is not None:
            return frozenset({canonical(q)})
        if t is ast.Name:
            binds = sem.lookup(expr.id, sem.scope_of(expr))
            if binds and len(binds) == 1 and binds[0].kind == "assign" and binds[0].value is not None:
                return exception_names(sem, binds[0].value, _depth + 1)
    return frozenset()


def catches_cancellation(sem, handler: ast.ExceptHandler) -> str | None:
    """The name, as the message should show it, of what makes ``handler`` catch
    ``asyncio.CancelledError`` (itself, ``BaseException`` or a bare ``except``), else None."""
    if handler.type is None:
        return "except:"
    names = exception_names(sem, handler.type) or frozenset()
    if CANCELLED_ERROR in names:
        return "CancelledError"
    if BASE_EXCEPTION in names:
        return "BaseException"
    return None


def cancellation_truth(sem, handler: ast.ExceptHandler) -> Callable[[ast.AST], bool | None]:
    """For :func:`exits`: decides tests on the path where the handled exception is this
    task's own ``CancelledError``:

    - about the exception (``except ... as exc``): ``isinstance(exc, Exception)`` is false,
      ``isinstance(exc, (CancelledError, ...))`` and ``isinstance(exc, BaseException)`` true;
    - about the task: ``task.cancelling()`` is true (so is ``task.cancelling() > 0``), and so
      is ``asyncio.current_task()`` (also bound with ``:=``), which is how code tells a
      cancellation of its own task from a ``CancelledError`` raised by a timeout it set;
    - ``sys.version_info >= (3, 11)``-style guards are true: the re-raise they guard is what
      the code does on the Pythons that have ``cancelling()``.
    """
    name = handler.name

    def truth(test: ast.AST) -> bool | None:
        t = type(test)
        if t is ast.UnaryOp and isinstance(test.op, ast.Not):
            inner = truth(test.operand)
            return None if inner is None else not inner
        if t is ast.BoolOp:
            values = [truth(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in values else True if all(v is True for v in values) else None
            return True if True in values else False if all(v is False for v in values) else None
        if t is ast.NamedExpr:
            return truth(test.value)
        if t is ast.Call:
            if name and _isinstance_of_handled(sem, test, name):
                return _isinstance_truth(sem, test)
            if type(test.func) is ast.Attribute and test.func.attr == "cancelling" and not test.args:
                return True
            if sem.qualname(test.func) == "asyncio.current_task":
                return True
            return None
        if t is ast.Compare and len(test.ops) == 1:
            left = test.left
            if type(left) is ast.Call and type(left.func) is ast.Attribute and left.func.attr == "cancelling":
                right = test.comparators[0]
                if type(right) is ast.Constant and right.value == 0 and type(test.ops[0]) in (ast.Gt, ast.NotEq):
                    return True
        if (t is ast.Compare or t is ast.Name) and sem.version_lower_bound(test) is not None:
            return True
        return None

    return truth


def _isinstance_of_handled(sem, test: ast.Call, name: str) -> bool:
    return (
        type(test.func) is ast.Name
        and sem.qualname(test.func) == "builtins.isinstance"
        and len(test.args) == 2
        and type(test.args[0]) is ast.Name
        and test.args[0].id == name
    )


def _isinstance_truth(sem, test: ast.Call) -> bool | None:
    classes = test.args[1]
    parts = classes.elts if type(classes) is ast.Tuple else [classes]
    names = exception_names(sem, classes)
    if names & {CANCELLED_ERROR, BASE_EXCEPTION, "builtins.object"}:
        return True
    if all(type(p) in (ast.Name, ast.Attribute) and sem.qualname(p) for p in parts):
        return False
    return None


def stored_then_raised(sem, handler: ast.ExceptHandler) -> bool:
    """``except ... as exc: errors.append(exc)`` (or ``self._error = exc``), and later in the
    same function a ``raise`` of what was stored (``raise errors[0]``,
    ``raise ExceptionGroup("...", errors)``): the exception is collected to be raised once
    the cleanup is done, not swallowed."""
    name = handler.name
    if not name:
        return False
    kept: set[str] = set()
    for stmt in handler.body:
        for n in ast.walk(stmt):
            target = None
            if (
                type(n) is ast.Call
                and type(n.func) is ast.Attribute
                and n.func.attr in ("append", "add", "insert", "extend")
                and any(type(a) is ast.Name and a.id == name for a in n.args)
            ):
                target = n.func.value
            elif type(n) is ast.Assign and type(n.value) is ast.Name and n.value.id == name and len(n.targets) == 1:
                target = n.targets[0]
                if type(target) is ast.Subscript:
                    target = target.value
            key = _plain_dotted(target) if target is not None else None
            if key is not None:
                kept.add(key)
    if not kept:
        return False
    func = sem.enclosing_function(handler)
    if func is None:
        return False
    end = getattr(handler, "end_lineno", handler.lineno)
    for n in ast.walk(func):
        if type(n) is ast.Raise and n.exc is not None and n.lineno > end:
            if any(_plain_dotted(m) in kept for m in ast.walk(n.exc) if type(m) in (ast.Name, ast.Attribute)):
                return True
    return False


def _plain_dotted(expr: ast.AST) -> str | None:
    """``errors``, ``self._error``: a name or attribute chain, not a call's callee."""
    return dotted_name(expr) if type(expr) in (ast.Name, ast.Attribute) else None


def uncancels(stmts: list[ast.stmt]) -> bool:
    """Whether ``stmts`` call ``<task>.uncancel()``: swallowing a cancellation on purpose,
    and saying so to asyncio (``asyncio.timeout()`` and ``TaskGroup`` count on it)."""
    for stmt in stmts:
        for n in ast.walk(stmt):
            if type(n) is ast.Call and type(n.func) is ast.Attribute and n.func.attr == "uncancel" and not n.args:
                return True
    return False


# ---------------------------------------------------------------------------- coroutines

def _asyncio_coroutines() -> frozenset[str]:
    """asyncio's own coroutine functions: calling one makes a coroutine object, never a task.

    Only asyncio's: other libraries' request methods return awaitables that are not
    coroutines (``asyncio.wait`` accepts those), so their table does not fit here.
    """
    try:
        from asynclint.knowledge.coroutines import COROUTINE_FUNCTIONS
    except ImportError:  # that table is being written at the same time as this module
        COROUTINE_FUNCTIONS = frozenset()
    base = {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.open_connection",
        "asyncio.start_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.to_thread",
        "asyncio.Queue.get",
        "asyncio.Queue.put",
        "asyncio.Event.wait",
        "asyncio.Lock.acquire",
    }
    return frozenset(base | {n for n in COROUTINE_FUNCTIONS if n.startswith("asyncio.")})


ASYNCIO_COROUTINES = _asyncio_coroutines()


def local_coroutine_call(sem, call: ast.AST) -> str | None:
    """The callee's name when ``call`` surely creates a coroutine object: a call of an
    ``async def`` of this module (functions, and methods through ``self``/typed receivers)
    that is not an async generator, or of a known asyncio coroutine function."""
    if type(call) is not ast.Call:
        return None
    name = sem.call_name(call)
    if name is None:
        return None
    if name in ASYNCIO_COROUTINES:
        return name
    func = local_function(sem, name)
    if type(func) is ast.AsyncFunctionDef and not is_generator(func):
        return name
    return None


def is_generator(func: ast.AST) -> bool:
    """Whether the function's own body yields (nested defs and lambdas do not count)."""
    return any(type(n) is ast.Yield or type(n) is ast.YieldFrom for n in own_nodes(func))


def dotted_name(expr: ast.AST) -> str | None:
    """``a.b.c`` as written (no resolution); the callee's for a call (``@app.get("/")``)."""
    if type(expr) is ast.Call:
        expr = expr.func
    parts = []
    while type(expr) is ast.Attribute:
        parts.append(expr.attr)
        expr = expr.value
    if type(expr) is not ast.Name:
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))

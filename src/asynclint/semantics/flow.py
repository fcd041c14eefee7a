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
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from asynclint.knowledge.types import canonical

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


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
WEAKLY_HELD = "weakly-held"  # added to a ``weakref.WeakSet``/``WeakValueDictionary``: kept alive by nothing
_RANK = (AWAITED, RETURNED, YIELDED, STORED, ARGUMENT, ATTRIBUTE, ITERATED, CONTEXT, TESTED, COMPARED, FORMATTED, OTHER, WEAKLY_HELD, DISCARDED, UNUSED)
_RANK_OF = {u: i for i, u in enumerate(_RANK)}

# What ASL203 and ASL303 call a dropped value: nothing keeps or reads it.
DROPPED = frozenset({DISCARDED, UNUSED, WEAKLY_HELD})

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


def is_weak_container(sem: SemanticModel, expr: ast.AST) -> bool:
    """Whether ``expr`` is a ``weakref.WeakSet``/``WeakValueDictionary`` (by its type, or the
    value its one binding was made from)."""
    ty = sem.type_of(expr)
    if ty is None and type(expr) in (ast.Name, ast.Attribute):
        binds = None
        if type(expr) is ast.Name:
            binds = sem.lookup(expr.id, sem.scope_of(expr))
        elif type(expr.value) is ast.Name:
            info = sem._method_class(sem.scope_of(expr), expr.value.id)
            binds = info.attrs.get(expr.attr) if info is not None else None
        values = {b.value for b in binds or () if b.value is not None and b.kind != "for"}
        if len(values) == 1:
            v = values.pop()
            if type(v) is ast.Call:
                ty = sem.call_name(v)
    return ty in WEAK_CONTAINERS


def strongest(usages: Iterable[str]) -> str:
    best = UNUSED
    for u in usages:
        if _RANK_OF[u] < _RANK_OF[best]:
            best = u
    return best


def usage_of(sem: SemanticModel, expr: ast.AST, follow: bool = True, _depth: int = 0) -> str:
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
            if len(parent.args) == 2 and child is parent.args[1] and sem.call_name(parent) in TYPING_CAST:
                child, parent = parent, sem.parent(parent)
                continue
            if type(func) is ast.Attribute and func.attr in COLLECTION_ADDERS:
                return WEAKLY_HELD if is_weak_container(sem, func.value) else STORED
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


def plain_value_use(sem: SemanticModel, expr: ast.AST) -> str | None:
    """How ``expr``'s value is consumed where it stands when that use treats it as a plain
    value: ``tested`` (also ``bool(...)``), ``compared``, ``formatted`` (f-strings, ``str()``,
    ``print()``, ``logging``), ``iterated`` (plain ``for``), ``discarded`` (``_ = ...``) or
    ``attribute`` (an attribute read that a coroutine object does not have).
    None for every other use (awaited, returned, stored, passed to a call, put in a
    container, ...): unlike :func:`usage_of`, nothing is followed upwards, except the last
    operand of ``and``/``or``, whose value is the expression's."""
    expr = through_casts(sem, expr)
    parent = sem.parent(expr)
    tp = type(parent)
    if (tp is ast.GeneratorExp or tp is ast.ListComp or tp is ast.SetComp) and expr is parent.elt:
        return _elements_use(sem, parent)
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
        if name in ITERATING_CALLS and parent.args and parent.args[0] is expr:
            return ITERATED  # ``set(fetch_ids())``: a coroutine is not iterable
        return TESTED if name == "builtins.bool" else None
    if tp is ast.Assign:
        targets = parent.targets
        if parent.value is expr and any(type(t) is ast.Tuple or type(t) is ast.List for t in targets):
            return UNPACKED  # ``body, status = fetch_pair()``: a coroutine is not iterable
        return DISCARDED if len(targets) == 1 and type(targets[0]) is ast.Name and targets[0].id == "_" else None
    if tp is ast.Attribute and parent.value is expr and parent.attr not in COROUTINE_ATTRIBUTES:
        return ATTRIBUTE  # ``fetch().status``: read from the coroutine, not from its result
    return _plain_use_at(parent, expr)


def _elements_use(sem: SemanticModel, comp: ast.AST) -> str | None:
    """The use made of a comprehension's elements by the builtin it is the argument of:
    ``all(c.ping() for c in conns)`` tests each (coroutine) element; ``list(...)`` collects
    them, and what is done with the list decides."""
    call = sem.parent(comp)
    if type(call) is not ast.Call or len(call.args) != 1 or call.args[0] is not comp or call.keywords and type(comp) is not ast.GeneratorExp:
        return None
    name = sem.call_name(call)
    use = _ELEMENT_CONSUMERS.get(name)
    if use is not None:
        return use
    if name in _ELEMENT_COLLECTORS:
        if type(sem.parent(call)) is ast.Expr:
            return DISCARDED
        return plain_value_use(sem, call)
    return None


# Builtins that iterate over their first argument (or take its length).
ITERATING_CALLS = frozenset(
    f"builtins.{n}" for n in ("list", "set", "tuple", "frozenset", "sorted", "sum", "min", "max", "any", "all", "enumerate", "len", "dict")
)


# What a coroutine object itself has: reading these is working with the coroutine on purpose.
COROUTINE_ATTRIBUTES = frozenset(
    {"send", "throw", "close", "cr_await", "cr_frame", "cr_running", "cr_code", "cr_origin", "cr_suspended", "__await__", "__name__", "__qualname__", "__class__"}
)


def _assigned(sem: SemanticModel, targets: list[ast.AST], follow: bool, depth: int) -> str:
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
        elif t is ast.Subscript and is_weak_container(sem, target.value):
            usages.append(WEAKLY_HELD)
        elif t is ast.Attribute or t is ast.Subscript:
            usages.append(STORED)
        else:  # unpacked: the value itself is gone, its parts live on
            usages.append(OTHER)
    return strongest(usages)


def _name_usage(sem: SemanticModel, target: ast.Name, depth: int) -> str:
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


def assigned_name(sem: SemanticModel, node: ast.AST) -> ast.Name | None:
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


def never_handed_on(sem: SemanticModel, target: ast.Name) -> bool:
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


def name_reads(sem: SemanticModel, target: ast.Name) -> Iterator[ast.Name]:
    """The reads, in the binding's function, that the binding at ``target`` reaches
    (:func:`binding_reads`); where that cannot be told, every read of the name (nested
    functions and comprehensions included, as long as the name still resolves there)."""
    reached = binding_reads(sem, target)
    if reached is not None:
        yield from reached  # only what this binding reaches: ``x = f(); x = await f(); use(x)``
        return
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


def _name_loads(sem: SemanticModel) -> dict[str, list[ast.Name]]:
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


def exits(sem: SemanticModel, stmts: list[ast.stmt], truth: Callable[[ast.AST], bool | None] | None = None) -> frozenset[str]:
    """The ways control can leave ``stmts``: a subset of fall/raise/return/break/continue.

    Raising from any call is not counted (everything may raise); only an explicit ``raise``
    is, and a call of something that never returns: ``sys.exit()``, or a function of this
    module (methods through ``self`` and the class's bases in this module included) that is
    annotated ``NoReturn``/``Never`` or always raises. ``with contextlib.suppress(...)`` turns
    a ``raise`` inside it into falling through. ``truth(test)`` may decide ``if``/``while``
    tests the caller knows more about (the exception being handled, say).
    """
    return _Exits(sem, truth).block(stmts)


def always_raises(sem: SemanticModel, stmts: list[ast.stmt], truth: Callable[[ast.AST], bool | None] | None = None) -> bool:
    """True when every way out of ``stmts`` is a ``raise`` (bare, ``raise X``, ``raise X from e``)."""
    return exits(sem, stmts, truth) == {RAISE}


# Calls that never return normally.
NO_RETURN_CALLS = frozenset({"sys.exit", "os._exit", "os.abort", "builtins.exit", "builtins.quit"})
_NO_RETURN_TYPES = frozenset({"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never"})


class _Exits:
    __slots__ = ("sem", "truth", "active")

    def __init__(self, sem: SemanticModel, truth, active: frozenset = frozenset()):
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


def local_function(sem: SemanticModel, name: str | None) -> ast.AST | None:
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


def exception_names(sem: SemanticModel, expr: ast.AST | None, _depth: int = 0) -> frozenset[str] | None:
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


def catches_cancellation(sem: SemanticModel, handler: ast.ExceptHandler) -> str | None:
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


def cancellation_truth(sem: SemanticModel, handler: ast.ExceptHandler) -> Callable[[ast.AST], bool | None]:
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


def _isinstance_of_handled(sem: SemanticModel, test: ast.Call, name: str) -> bool:
    return (
        type(test.func) is ast.Name
        and sem.qualname(test.func) == "builtins.isinstance"
        and len(test.args) == 2
        and type(test.args[0]) is ast.Name
        and test.args[0].id == name
    )


def _isinstance_truth(sem: SemanticModel, test: ast.Call) -> bool | None:
    classes = test.args[1]
    parts = classes.elts if type(classes) is ast.Tuple else [classes]
    names = exception_names(sem, classes)
    if names & {CANCELLED_ERROR, BASE_EXCEPTION, "builtins.object"}:
        return True
    if all(type(p) in (ast.Name, ast.Attribute) and sem.qualname(p) for p in parts):
        return False
    return None


def stored_then_raised(sem: SemanticModel, handler: ast.ExceptHandler) -> bool:
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


def local_coroutine_call(sem: SemanticModel, call: ast.AST) -> str | None:
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


# ---------------------------------------------------------------------------- reaching definitions

# A value never reaches a read past a guard that proves it is not a coroutine: the "definition"
# that flows into that branch instead.
_NOT_A_COROUTINE = "not-a-coroutine"
# Tests that are true exactly when their argument is a coroutine (or another awaitable).
COROUTINE_GUARDS = frozenset(
    {"asyncio.iscoroutine", "inspect.iscoroutine", "inspect.isawaitable", "asyncio.isfuture"}
)


def binding_reads(sem: SemanticModel, target: ast.Name) -> list[ast.Name] | None:
    """The reads of a name that the binding at ``target`` reaches (reaching definitions in
    the binding's function, or in the module's top level): ``x = f(); x = g(); use(x)``
    gives nothing for the first binding. A read inside a nested function, lambda or class
    counts for every binding (it runs later, who knows when). Reads in the branch where a
    guard (``asyncio.iscoroutine(x)``) proves the value is no coroutine are not reached.
    None when the name may change behind the analysis' back (``global``/``nonlocal``, a
    target the scope does not know)."""
    scope = sem.scope_of(target)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    if scope.kind not in ("function", "module") or target.id in scope.globals:
        return None
    bindings = scope.bindings.get(target.id)
    if not bindings or not any(b.node is target for b in bindings):
        return None
    name = target.id
    if any(name in n.names for n in sem.nodes(ast.Nonlocal)) or (scope.kind == "module" and any(name in n.names for n in sem.nodes(ast.Global))):
        return None
    memo = getattr(sem, "_asl_reach", None)
    if memo is None:
        memo = sem._asl_reach = {}
    key = (id(scope.node), name)
    reach = memo.get(key)
    if reach is None:
        reach = memo[key] = _Reach(sem, scope, bindings, name).run()
    return [read for read, defs in reach if target in defs]


class _Reach:
    """Which bindings of one name reach each of its reads, statement by statement.

    The state is the set of binding nodes that may hold the current value. Branches join,
    loops run their body twice (the second time with what the back edge brings), ``try``
    handlers and ``finally`` start from everything the body could have reached; ``return``,
    ``raise``, ``break`` and ``continue`` end a path. Approximations err on the side of
    "reached": more reads reached means fewer findings."""

    def __init__(self, sem: SemanticModel, scope, bindings, name: str):
        self.sem = sem
        self.scope = scope
        self.bindings = bindings
        self.name = name
        self.defs = [b.node for b in bindings if type(b.node) is ast.Name]
        self.reads: dict[int, tuple[ast.Name, set]] = {}
        self.seen: list[set] = []  # one accumulator per enclosing loop / try

    def run(self) -> list[tuple[ast.Name, frozenset]]:
        node = self.scope.node
        state: set = set()
        if self.scope.kind == "function":
            state = {b.node for b in self.bindings if b.kind == "param"}
            body = node.body if type(node.body) is list else [node.body]
        else:
            body = node.body
        self.block(body, state)
        return [(read, frozenset(defs)) for read, defs in self.reads.values()]

    # -- plumbing
    def note(self, state) -> None:
        if state is not None:
            for acc in self.seen:
                acc |= state

    def block(self, stmts, state):
        for stmt in stmts:
            if state is None:
                return None
            state = self.stmt(stmt, state)
            self.note(state)
        return state

    def read(self, node: ast.Name, defs) -> None:
        entry = self.reads.get(id(node))
        if entry is None:
            self.reads[id(node)] = (node, set(defs))
        else:
            entry[1].update(defs)

    def mine(self, node: ast.Name) -> bool:
        return self.sem.lookup(node.id, self.sem.scope_of(node)) is self.bindings

    # -- expressions, in evaluation order
    def expr(self, node, state: set) -> set:
        if node is None:
            return state
        t = type(node)
        if t is ast.Name:
            if node.id == self.name:
                if type(node.ctx) is ast.Load:
                    if self.mine(node):
                        self.read(node, state)
                elif self.mine(node):
                    state = {node} if type(node.ctx) is ast.Store else set()
            return state
        if t is ast.NamedExpr:
            state = self.expr(node.value, state)
            return self.expr(node.target, state)
        if t in _SCOPES:
            self.later(node)
            for d in getattr(node, "decorator_list", ()):
                state = self.expr(d, state)
            if t is not ast.ClassDef:
                for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    state = self.expr(d, state)
            return state
        if t is ast.IfExp:
            state = self.expr(node.test, state)
            yes, no = self.guarded(node.test, state)
            return self.expr(node.body, yes) | self.expr(node.orelse, no)
        if t is ast.BoolOp:
            state = self.expr(node.values[0], state)
            out = set(state)
            for v in node.values[1:]:
                state = self.expr(v, state)
                out |= state
            return out
        for child in _eval_order(node):
            state = self.expr(child, state)
        return state

    def later(self, node) -> None:
        """A nested def, lambda or class: its reads of the name happen at some later time."""
        everything = set(self.defs) | {b.node for b in self.bindings}
        for n in ast.walk(node):
            if type(n) is ast.Name and n.id == self.name and type(n.ctx) is ast.Load and self.mine(n):
                self.read(n, everything)

    def guarded(self, test, state: set) -> tuple[set, set]:
        """The states in the branches of ``test``: past ``asyncio.iscoroutine(x)`` being
        false, ``x`` holds no coroutine."""
        negate = False
        while type(test) is ast.UnaryOp and isinstance(test.op, ast.Not):
            test, negate = test.operand, not negate
        if (
            type(test) is ast.Call
            and len(test.args) >= 1
            and type(test.args[0]) is ast.Name
            and test.args[0].id == self.name
            and self.sem.call_name(test) in COROUTINE_GUARDS
        ):
            no = {_NOT_A_COROUTINE}
            return (no, state) if negate else (state, no)
        return state, state

    def target(self, node, state: set) -> set:
        return self.expr(node, state)

    # -- statements
    def stmt(self, s, state: set):
        t = type(s)
        expr = self.expr
        if t is ast.Expr:
            return expr(s.value, state)
        if t is ast.Assign:
            state = expr(s.value, state)
            for target in s.targets:
                state = expr(target, state)
            return state
        if t is ast.AnnAssign:
            if s.value is None:
                return state
            return expr(s.target, expr(s.value, state))
        if t is ast.AugAssign:
            tgt = s.target
            if type(tgt) is ast.Name and tgt.id == self.name and self.mine(tgt):
                self.read(tgt, state)  # ``x += 1`` reads before it binds
                expr(s.value, state)
                return {tgt}
            return expr(tgt, expr(s.value, state))
        if t is ast.Return:
            expr(s.value, state)
            return None
        if t is ast.Raise:
            expr(s.cause, expr(s.exc, state))
            return None
        if t is ast.Break or t is ast.Continue:
            return None
        if t is ast.Delete:
            for target in s.targets:
                state = expr(target, state)
            return state
        if t is ast.If:
            state = expr(s.test, state)
            yes, no = self.guarded(s.test, state)
            return _join(self.block(s.body, set(yes)), self.block(s.orelse, set(no)))
        if t is ast.While:
            return self.loop(s, state, s.test, None)
        if t is ast.For or t is ast.AsyncFor:
            return self.loop(s, expr(s.iter, state), None, s.target)
        if t is ast.With or t is ast.AsyncWith:
            for item in s.items:
                state = expr(item.context_expr, state)
                state = expr(item.optional_vars, state)
            return self.block(s.body, state)
        if t is ast.Try or t.__name__ == "TryStar":
            acc = set(state)
            self.seen.append(acc)
            body = self.block(s.body, set(state))
            self.seen.pop()
            outs = [self.block(s.orelse, body) if body is not None else None]
            for h in s.handlers:
                hstate = expr(h.type, set(acc))
                if h.name == self.name:
                    hstate = set()  # bound to the exception, then deleted
                outs.append(self.block(h.body, hstate))
            out = _join(*outs)
            if s.finalbody:
                every = set(acc)
                for o in outs:
                    if o is not None:
                        every |= o
                final = self.block(s.finalbody, every)
                return None if out is None else final
            return out
        if t is ast.Match:
            state = expr(s.subject, state)
            outs = []
            for case in s.cases:
                cstate = set(state)
                for n in ast.walk(case.pattern):
                    if getattr(n, "name", None) == self.name or getattr(n, "rest", None) == self.name:
                        cstate = set()  # captured by the pattern: not our binding
                cstate = expr(case.guard, cstate)
                outs.append(self.block(case.body, cstate))
            outs.append(state)
            return _join(*outs)
        if t in _SCOPES:
            state = expr(s, state)
            return set() if s.name == self.name else state
        if t is ast.Import or t is ast.ImportFrom:
            for alias in s.names:
                bound = alias.asname or alias.name.split(".", 1)[0]
                if bound == self.name:
                    state = set()
            return state
        for child in _eval_order(s):
            state = expr(child, state)
        return state

    def loop(self, s, state: set, test, target):
        acc = set(state)
        self.seen.append(acc)
        entry = set(state)
        for _ in range(2):
            cur = self.expr(test, set(entry)) if test is not None else set(entry)
            if target is not None:
                cur = self.expr(target, cur)
            self.note(cur)
            self.block(s.body, cur)
            entry = set(acc)
        self.seen.pop()
        self.note(acc)
        endless = test is not None and type(test) is ast.Constant and bool(test.value)
        if endless:
            return acc if _has_break(s.body) else None
        return _join(acc, self.block(s.orelse, set(acc)))


def _join(*states):
    out = None
    for s in states:
        if s is not None:
            out = set(s) if out is None else out | s
    return out


def _has_break(stmts) -> bool:
    stack = list(stmts)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.Break:
            return True
        if t in (ast.For, ast.AsyncFor, ast.While) or t in _SCOPES:
            stack.extend(getattr(n, "orelse", ()))
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def _eval_order(node) -> list:
    """Child nodes in the order Python evaluates them, where it matters for a name bound and
    read in one statement: an assignment's value before its targets, a comprehension's
    iterables before its element, a call's callee before its arguments."""
    t = type(node)
    if t in _COMPS:
        out = []
        for gen in node.generators:
            out += [gen.iter, gen.target, *gen.ifs]
        if t is ast.DictComp:
            out += [node.key, node.value]
        else:
            out.append(node.elt)
        return out
    if t is ast.comprehension:
        return [node.iter, node.target, *node.ifs]
    return [c for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop))]


# ---------------------------------------------------------------------------- lost coroutines

UNPACKED = "unpacked"  # ``a, b = fetch_pair()``
SUMMED = "summed"  # ``sum(f(x) for x in xs)``
RETURNED_UNAWAITED = "returned-unawaited"  # ``return f()`` in an ``async def``
MODULE_UNUSED = "module-unused"  # ``coro = f()`` at module level, never used
VALUE_ARGUMENT = "value-argument"  # ``save(f())`` where ``def save(data: bytes)``
REBOUND = "rebound"  # ``x = f(); x = await f()``: the first coroutine is lost

TYPING_CAST = frozenset({"typing.cast", "typing_extensions.cast"})
# Builtins that consume an iterable's elements as plain values (or as a truth test).
_ELEMENT_CONSUMERS = {
    "builtins.all": TESTED,
    "builtins.any": TESTED,
    "builtins.sum": SUMMED,
    "builtins.sorted": COMPARED,
    "builtins.min": COMPARED,
    "builtins.max": COMPARED,
}
# ... and the ones that collect them: the collection is what is then used (or thrown away).
_ELEMENT_COLLECTORS = frozenset({"builtins.list", "builtins.set", "builtins.tuple", "builtins.frozenset"})
# A return annotation that says the caller gets something to await (or anything at all).
AWAITABLE_ANNOTATIONS = frozenset({"Awaitable", "Coroutine", "Future", "Task", "Any", "Generator", "AsyncGenerator", "AsyncIterator"})
# Parameter annotations that say a plain value, never a coroutine, is expected.
_PLAIN_VALUE_TYPES = frozenset(
    f"builtins.{t}" for t in ("str", "bytes", "bytearray", "int", "float", "bool", "dict", "list", "tuple", "set", "frozenset", "complex")
)
# ``Iterable[int]`` and friends: a coroutine is none of them.
_PLAIN_CONTAINERS = frozenset(
    {f"{m}.{n}" for m in ("typing", "collections.abc") for n in ("Iterable", "Sequence", "Collection", "Mapping", "Set", "MutableSequence", "MutableMapping", "MutableSet")}
    | {f"typing.{n}" for n in ("List", "Dict", "Tuple", "FrozenSet")}
    | {f"builtins.{n}" for n in ("list", "dict", "set", "tuple", "frozenset")}
)
WEAK_CONTAINERS = frozenset({"weakref.WeakSet", "weakref.WeakValueDictionary"})


def through_casts(sem: SemanticModel, expr: ast.AST) -> ast.AST:
    """``typing.cast(T, expr)`` is ``expr``: the outermost cast wrapped around it."""
    parent = sem.parent(expr)
    while type(parent) is ast.Call and len(parent.args) == 2 and parent.args[1] is expr and sem.call_name(parent) in TYPING_CAST:
        expr, parent = parent, sem.parent(parent)
    return expr


def lost_coroutine(sem: SemanticModel, call: ast.Call) -> tuple[str, ast.Name | None, str] | None:
    """How the coroutine that ``call`` makes (if it makes one) is lost: ``(use, name,
    detail)``, where ``use`` is one of the plain-value uses of :func:`plain_value_use` or
    UNUSED / REBOUND / UNPACKED / SUMMED / RETURNED_UNAWAITED / MODULE_UNUSED /
    VALUE_ARGUMENT; ``name`` the variable that held it, if any; ``detail`` what the message
    needs (the function returned from, the parameter). None when the value is handed on
    (awaited, scheduled, stored, passed to something that may await it ...).

    MODULE_UNUSED still needs the project's answer: no other module imports the name."""
    if guarded_not_coroutine(sem, call):
        return None
    expr = through_casts(sem, call)
    parent = sem.parent(expr)
    tp = type(parent)
    if tp is ast.NamedExpr:  # ``if data := fetch():`` -- unless ``data`` is awaited later
        use = plain_value_use(sem, parent)
        if use is None or not never_handed_on(sem, parent.target):
            return None
        return use, None, ""
    use = plain_value_use(sem, expr)
    if use is not None:
        return use, None, ""
    if tp is ast.Return:
        detail = unawaited_return(sem, parent)
        return (RETURNED_UNAWAITED, None, detail) if detail else None
    if tp is ast.Call or tp is ast.keyword:
        detail = value_parameter(sem, expr)
        return (VALUE_ARGUMENT, None, detail) if detail else None
    target = assigned_name(sem, expr)
    if target is not None:
        return _local_fate(sem, target)
    target = _module_level_name(sem, expr)
    # Any read of the name in the module counts (no flow analysis of a whole module for every
    # ``log = getLogger()``): what is left is a name nothing in the module reads at all.
    if target is not None and target.id not in _name_loads(sem) and not _exported(sem, target.id):
        if len(sem.module_scope.bindings.get(target.id) or ()) == 1:
            return MODULE_UNUSED, target, ""
    return None


def _local_fate(sem: SemanticModel, target: ast.Name) -> tuple[str, ast.Name, str] | None:
    name = target.id
    if any(name in n.names for n in sem.nodes(ast.Nonlocal)):
        return None
    reads = binding_reads(sem, target)
    if reads is None:
        return None
    returned = ""
    uses = []
    for read in reads:
        r = through_casts(sem, read)
        use = plain_value_use(sem, r)
        if use is not None:
            uses.append(use)
            continue
        if value_parameter(sem, r):
            uses.append(VALUE_ARGUMENT)
            continue
        p = sem.parent(r)
        if type(p) is ast.Return and sem.scope_of(p) is sem.scope_of(target):
            returned = unawaited_return(sem, p)
            if returned:
                continue
        return None
    if returned:
        return RETURNED_UNAWAITED, target, returned
    plain = [u for u in uses if u != VALUE_ARGUMENT]
    if plain:
        return plain[0], target, ""
    if not reads and _rebound_later(sem, target):
        return REBOUND, target, ""
    return UNUSED, target, ""


def _rebound_later(sem: SemanticModel, target: ast.Name) -> bool:
    """Whether the name is bound again after ``target`` in its function (what made its
    coroutine unreachable), rather than never read at all."""
    binds = sem.scope_of(target).bindings.get(target.id) or ()
    pos = (target.lineno, target.col_offset)
    return any(b.node is not target and hasattr(b.node, "lineno") and (b.node.lineno, b.node.col_offset) > pos for b in binds)


def unawaited_return(sem: SemanticModel, ret: ast.Return) -> str:
    """For ``return <coroutine>`` : the name of the ``async def`` that returns it when its
    callers' ``await`` then gets a coroutine instead of a result; "" when that is what the
    function means to do (a sync factory, a return annotated ``Awaitable``/``Coroutine``/
    ``Future``/``Task``/``Any``) or it is no coroutine function's body."""
    func = sem.enclosing_function(ret)
    if type(func) is not ast.AsyncFunctionDef or is_generator(func):
        return ""
    if func.returns is not None and _mentions_awaitable(func.returns):
        return ""
    return func.name


def _mentions_awaitable(ann: ast.AST) -> bool:
    for n in ast.walk(ann):
        t = type(n)
        if t is ast.Name and n.id in AWAITABLE_ANNOTATIONS:
            return True
        if t is ast.Attribute and n.attr in AWAITABLE_ANNOTATIONS:
            return True
        if t is ast.Constant and isinstance(n.value, str):
            try:
                if _mentions_awaitable(ast.parse(n.value, mode="eval").body):
                    return True
            except SyntaxError:
                return True
    return False


def value_parameter(sem: SemanticModel, arg: ast.AST) -> str:
    """``def save(data: bytes)`` of this module called as ``save(fetch())``: the parameter,
    as the message shows it (``data: bytes`` of ``save()``), when its annotation is a plain
    value type (builtins' scalars and containers, a dataclass of this module); "" otherwise
    (unannotated, ``Awaitable``, ``Any``, ``object``, a TypeVar, unknown callee)."""
    node = arg
    p = sem.parent(arg)
    keyword = None
    if type(p) is ast.keyword:
        keyword, node, p = p.arg, p, sem.parent(p)
    if type(p) is not ast.Call or node is p.func or keyword is None and node not in p.args:
        return ""
    if any(type(a) is ast.Starred for a in p.args):
        return ""
    func = local_function(sem, sem.call_name(p))
    if func is None or type(func) not in (ast.FunctionDef, ast.AsyncFunctionDef):
        return ""
    args = func.args
    positional = list(args.posonlyargs) + list(args.args)
    decorators = {dotted_name(d) for d in func.decorator_list}
    if "staticmethod" not in decorators and sem.enclosing_class(func) is not None and type(p.func) is ast.Attribute:
        positional = positional[1:]  # bound through an instance or the class (classmethod)
    if keyword is not None:
        params = [a for a in positional + list(args.kwonlyargs) if a.arg == keyword]
        param = params[0] if params else None
    else:
        i = p.args.index(node)
        param = positional[i] if i < len(positional) else None
    if param is None or param.annotation is None:
        return ""
    scope = sem.scope_of(func)
    ann = param.annotation
    if type(ann) is ast.Subscript and sem.qualname(ann.value, scope) in _PLAIN_CONTAINERS:
        return f"{param.arg}: {sem.source_segment(ann)}` of `{func.name}()"
    ty = sem.annotation_type(ann, scope)
    if ty is None:
        return ""
    if ty not in _PLAIN_VALUE_TYPES:
        info = sem.classes.get(ty)
        if info is None or not any((dotted_name(d) or "").rsplit(".", 1)[-1] == "dataclass" for d in info.node.decorator_list):
            return ""
    return f"{param.arg}: {sem.source_segment(param.annotation)}` of `{func.name}()"


def _module_level_name(sem: SemanticModel, expr: ast.AST) -> ast.Name | None:
    p = sem.parent(expr)
    if type(p) is not ast.Assign or len(p.targets) != 1 or p.value is not expr or sem.parent(p) is not sem.tree:
        return None
    target = p.targets[0]
    if type(target) is not ast.Name or target.id == "_" or target.id.startswith("__"):
        return None
    return target


def _exported(sem: SemanticModel, name: str) -> bool:
    for b in sem.module_scope.bindings.get("__all__") or ():
        v = b.value
        if v is None or type(v) not in (ast.List, ast.Tuple):
            return True  # computed: anything may be in it
        if any(type(e) is ast.Constant and e.value == name for e in v.elts):
            return True
    return False


def guarded_not_coroutine(sem: SemanticModel, call: ast.Call) -> bool:
    """``if inspect.iscoroutinefunction(f): await f() else: f()``: the call sits where a
    guard on its callee proves it makes no coroutine (the other branch, or after
    ``if iscoroutinefunction(f): return ...``... only the branch form is understood)."""
    callee = call.func
    key = dotted_name(callee) if type(callee) in (ast.Name, ast.Attribute) else None
    if key is None:
        return False
    child = call
    for p in sem.ancestors(call):
        tp = type(p)
        if tp in _SCOPES:
            return False
        if tp is ast.If or tp is ast.IfExp:
            if child is p.test:
                child = p
                continue
            in_body = child in p.body if tp is ast.If else child is p.body
            verdict = _coroutine_function_test(sem, p.test, key)
            if verdict is not None and verdict != in_body:
                return True
        child = p
    return False


def _coroutine_function_test(sem: SemanticModel, test: ast.AST, key: str) -> bool | None:
    """True when ``test`` is ``iscoroutinefunction(<key>)`` (False when negated), else None."""
    negate = False
    while type(test) is ast.UnaryOp and isinstance(test.op, ast.Not):
        test, negate = test.operand, not negate
    if type(test) is not ast.Call or not test.args:
        return None
    name = sem.call_name(test) or ""
    if name.rsplit(".", 1)[-1] != "iscoroutinefunction" or dotted_name(test.args[0]) != key:
        return None
    return not negate

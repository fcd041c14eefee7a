"""Per-file semantics, computed once and shared by every rule.

One walk over the ``ast`` tree records each node's parent and scope, every binding (imports,
assignments, parameters, definitions, ``with ... as``), classes with their methods and the
instance attributes their methods assign, and buckets the nodes by type for rule dispatch.
Everything else (async context, qualified names, receiver types) is answered lazily from
that, so a rule pays only for the questions it asks about the nodes it cares about.
"""

from __future__ import annotations

import ast
import builtins
from collections import defaultdict
from typing import Iterable, Iterator

from asynclint.knowledge import libraries as lib
from asynclint.knowledge.types import AWAIT_RETURNS, BINOP_RETURNS, ITEM_RETURNS, UNPACKED_RETURNS, canonical

_BUILTIN_NAMES = frozenset(dir(builtins))
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Node types that bind a name in ``_walk`` (everything else skips those tests).
_BINDING_NODES = frozenset(
    {
        ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor,
        ast.With, ast.AsyncWith, ast.NamedExpr, ast.ExceptHandler, ast.Global, ast.MatchAs,
        ast.MatchStar, ast.MatchMapping,
    }
)

# Calls whose arguments run in another thread or process, not on the event loop. Matched by
# the callee's last name on purpose: missing a hand-off would turn into a false alarm, while
# treating an unrelated ``submit`` as one only costs a finding we were unsure of anyway.
THREAD_HANDOFF_NAMES = frozenset(
    {
        "to_thread",
        "run_in_executor",
        "run_sync",
        "submit",
        "Thread",
        "Timer",
        "start_new_thread",
        "run_in_threadpool",
        "sync_to_async",
        "defer_to_thread",
        "deferToThread",
        "Process",
        "apply_async",
        "run_coroutine_threadsafe",
    }
)


class Binding:
    """One way a name gets a value in a scope."""

    __slots__ = ("kind", "target", "value", "annotation", "node", "scope", "index")

    def __init__(self, kind, scope, *, target=None, value=None, annotation=None, node=None, index=None):
        self.kind = kind  # import | assign | param | def | asyncdef | class | with | other
        self.scope = scope
        self.target = target  # qualified name, for imports
        self.value = value  # the assigned expression / the with-item's context expression
        self.annotation = annotation
        self.node = node
        # ``reader, writer = await open_connection()``: kind "other", the whole right-hand side
        # as ``value`` and the position of this name in the unpacking.
        self.index = index

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Binding({self.kind}, {self.target or ''})"


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "is_async", "qualname", "globals")

    def __init__(self, kind, node, parent, qualname, is_async=False):
        self.kind = kind  # module | function | class | lambda | comprehension
        self.node = node
        self.parent = parent
        self.qualname = qualname
        self.is_async = is_async
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


class ClassInfo:
    __slots__ = ("name", "qualname", "node", "scope", "bases", "methods", "attrs")

    def __init__(self, name, qualname, node, scope):
        self.name = name
        self.qualname = qualname
        self.node = node
        self.scope = scope  # the class body's scope
        self.bases: list[ast.expr] = list(node.bases)
        self.methods: dict[str, ast.AST] = {}
        self.attrs: dict[str, list[Binding]] = {}


class SemanticModel:
    def __init__(self, tree: ast.Module, lines: list[str], module: str = "", is_package: bool = False):
        self.tree = tree
        self.lines = lines
        self.module = module or "__main__"
        self.is_package = is_package
        self.by_type: dict[type, list[ast.AST]] = defaultdict(list)
        self.classes: dict[str, ClassInfo] = {}
        self.functions: dict[str, ast.AST] = {}  # qualified name -> (Async)FunctionDef
        self.module_scope = Scope("module", tree, None, self.module)
        # Hook for the project index: qualified callable -> type it returns, or None.
        self.external_returns = None
        # Names the user's configuration declares to be classes (``blocking-calls`` methods).
        self.assumed_classes: set[str] = set()
        self._call_names: dict[int, str | None] = {}
        self._qualnames: dict[int, str | None] = {}
        self._walk()

    # ------------------------------------------------------------------ building
    def _walk(self) -> None:
        by_type = self.by_type
        stack: list[tuple[ast.AST, ast.AST | None, Scope]] = [(self.tree, None, self.module_scope)]
        push = stack.append
        while stack:
            node, parent, scope = stack.pop()
            node._asl_parent = parent  # type: ignore[attr-defined]
            node._asl_scope = scope  # type: ignore[attr-defined]
            t = type(node)
            by_type[t].append(node)
            if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                self._enter_function(node, scope, push)
            elif t is ast.ClassDef:
                self._enter_class(node, scope, push)
            elif t is ast.Lambda:
                inner = Scope("lambda", node, scope, scope.qualname + ".<lambda>")
                for a in _all_args(node.args):
                    inner.bind(a.arg, Binding("param", inner, node=a))
                for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    push((d, node, scope))
                push((node.body, node, inner))
            elif t in _COMPS:
                inner = Scope("comprehension", node, scope, scope.qualname, scope.is_async)
                for gen in node.generators:
                    self._bind_target(gen.target, inner, "other")
                for child in _child_nodes(node):
                    push((child, node, inner))
            else:
                if t not in _BINDING_NODES:
                    pass  # most nodes bind nothing: skip the chain of tests below
                elif t is ast.Import or t is ast.ImportFrom:
                    self._bind_import(node, scope)
                elif t is ast.Assign:
                    value = node.value
                    for target in node.targets:
                        self._bind_target(target, scope, "assign", value=value)
                elif t is ast.AnnAssign:
                    self._bind_target(node.target, scope, "assign", value=node.value, annotation=node.annotation)
                elif t is ast.AugAssign:
                    self._bind_target(node.target, scope, "other")
                elif t is ast.For or t is ast.AsyncFor:
                    self._bind_target(node.target, scope, "other")
                elif t is ast.With or t is ast.AsyncWith:
                    for item in node.items:
                        if item.optional_vars is not None:
                            self._bind_target(item.optional_vars, scope, "with", value=item.context_expr)
                elif t is ast.NamedExpr:
                    s = scope
                    while s.kind == "comprehension" and s.parent is not None:
                        s = s.parent
                    self._bind_target(node.target, s, "assign", value=node.value)
                elif t is ast.ExceptHandler:
                    if node.name:
                        scope.bind(node.name, Binding("other", scope, node=node))
                elif t is ast.Global:
                    scope.globals.update(node.names)
                elif t is ast.MatchAs or t is ast.MatchStar:
                    if node.name:
                        scope.bind(node.name, Binding("other", scope, node=node))
                elif t is ast.MatchMapping:
                    if node.rest:
                        scope.bind(node.rest, Binding("other", scope, node=node))
                for child in _child_nodes(node):
                    push((child, node, scope))

    def _enter_function(self, node, scope: Scope, push) -> None:
        is_async = type(node) is ast.AsyncFunctionDef
        target_scope = self._binding_scope(scope, node.name)
        target_scope.bind(node.name, Binding("asyncdef" if is_async else "def", scope, node=node))
        qual = f"{scope.qualname}.{node.name}"
        inner = Scope("function", node, scope, qual, is_async)
        if scope.kind == "class":
            info = self.classes.get(scope.qualname)
            if info is not None:
                info.methods.setdefault(node.name, node)
        self.functions.setdefault(qual, node)
        args = node.args
        for d in node.decorator_list:
            push((d, node, scope))
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            push((d, node, scope))
        if node.returns is not None:
            push((node.returns, node, scope))
        for a in _all_args(args):
            inner.bind(a.arg, Binding("param", inner, annotation=a.annotation, node=a))
            a._asl_parent = node  # type: ignore[attr-defined]
            a._asl_scope = inner  # type: ignore[attr-defined]
            if a.annotation is not None:
                push((a.annotation, a, scope))
        for stmt in reversed(node.body):
            push((stmt, node, inner))

    def _enter_class(self, node: ast.ClassDef, scope: Scope, push) -> None:
        self._binding_scope(scope, node.name).bind(node.name, Binding("class", scope, node=node))
        qual = f"{scope.qualname}.{node.name}"
        inner = Scope("class", node, scope, qual)
        self.classes[qual] = ClassInfo(node.name, qual, node, inner)
        for child in node.decorator_list + node.bases + node.keywords:
            push((child, node, scope))
        for stmt in reversed(node.body):
            push((stmt, node, inner))

    @staticmethod
    def _binding_scope(scope: Scope, name: str) -> Scope:
        if name in scope.globals:
            while scope.parent is not None:
                scope = scope.parent
        return scope

    def _bind_target(self, target, scope: Scope, kind: str, value=None, annotation=None, index=None) -> None:
        t = type(target)
        if t is ast.Name:
            self._binding_scope(scope, target.id).bind(
                target.id, Binding(kind, scope, value=value, annotation=annotation, node=target, index=index)
            )
        elif t is ast.Tuple or t is ast.List:
            # ``a, b = X(), Y()`` binds element by element; any other unpacking is opaque.
            values = None
            if kind == "assign" and type(value) in (ast.Tuple, ast.List) and len(value.elts) == len(target.elts):
                if not any(type(e) is ast.Starred for e in (*target.elts, *value.elts)):
                    values = value.elts
            positional = kind == "assign" and not any(type(e) is ast.Starred for e in target.elts)
            for i, elt in enumerate(target.elts):
                if values is not None:
                    self._bind_target(elt, scope, "assign", value=values[i])
                elif positional and type(elt) in (ast.Name, ast.Attribute):
                    self._bind_target(elt, scope, "other", value=value, index=i)
                else:
                    self._bind_target(elt, scope, "other")
        elif t is ast.Starred:
            self._bind_target(target.value, scope, "other")
        elif t is ast.Attribute and type(target.value) is ast.Name and (kind in ("assign", "with") or index is not None):
            info = self._method_class(scope, target.value.id)
            if info is not None:
                info.attrs.setdefault(target.attr, []).append(
                    Binding(kind, scope, value=value, annotation=annotation, node=target, index=index)
                )
        # Class-level annotations (``conn: sqlite3.Connection``) also type ``self.conn``.
        if t is ast.Name and scope.kind == "class" and kind == "assign":
            info = self.classes.get(scope.qualname)
            if info is not None:
                info.attrs.setdefault(target.id, []).append(
                    Binding(kind, scope, value=value, annotation=annotation, node=target)
                )

    def _method_class(self, scope: Scope, receiver: str) -> ClassInfo | None:
        """The class whose instance ``receiver`` is, when it is a method's first parameter."""
        while scope.kind in ("comprehension", "lambda") and scope.parent is not None:
            scope = scope.parent
        if scope.kind != "function" or scope.parent is None or scope.parent.kind != "class":
            return None
        args = _all_args(scope.node.args)
        if not args or args[0].arg != receiver:
            return None
        return self.classes.get(scope.parent.qualname)

    def _bind_import(self, node, scope: Scope) -> None:
        if type(node) is ast.Import:
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, Binding("import", scope, target=alias.name, node=node))
                else:
                    head = alias.name.split(".", 1)[0]
                    scope.bind(head, Binding("import", scope, target=head, node=node))
            return
        base = self.resolve_relative(node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            target = f"{base}.{alias.name}" if base else alias.name
            scope.bind(alias.asname or alias.name, Binding("import", scope, target=target, node=node))

    def resolve_relative(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        parts = self.module.split(".")
        if not self.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        base = ".".join(parts)
        if module:
            return f"{base}.{module}" if base else module
        return base

    # ------------------------------------------------------------------ structure
    @staticmethod
    def parent(node: ast.AST) -> ast.AST | None:
        return getattr(node, "_asl_parent", None)

    @staticmethod
    def scope_of(node: ast.AST) -> Scope:
        return node._asl_scope  # type: ignore[attr-defined]

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        p = getattr(node, "_asl_parent", None)
        while p is not None:
            yield p
            p = getattr(p, "_asl_parent", None)

    def nodes(self, *types: type) -> Iterable[ast.AST]:
        for t in types:
            yield from self.by_type.get(t, ())

    def enclosing_function(self, node: ast.AST) -> ast.AST | None:
        """The innermost def, async def or lambda whose body holds ``node``."""
        s = self.scope_of(node)
        while s is not None:
            if s.kind in ("function", "lambda"):
                return s.node
            if s.kind == "class" or s.kind == "module":
                return None
            s = s.parent
        return None

    def enclosing_class(self, func: ast.AST) -> ClassInfo | None:
        scope = getattr(func, "_asl_scope", None)
        if scope is not None and scope.kind == "class":
            return self.classes.get(scope.qualname)
        return None

    def in_async_context(self, node: ast.AST) -> bool:
        """Lexically inside an ``async def`` body, and not in a nested sync def, lambda or class,
        nor in an argument handed to a thread (``to_thread``, ``run_in_executor``, ...)."""
        child = node
        p = getattr(node, "_asl_parent", None)
        while p is not None:
            tp = type(p)
            if tp is ast.AsyncFunctionDef:
                if child in p.body:
                    return True
            elif tp is ast.FunctionDef or tp is ast.ClassDef:
                if child in p.body:
                    return False
            elif tp is ast.Lambda:
                if child is p.body:
                    return False
            elif tp is ast.Call and child is not p.func and self.is_thread_handoff(p):
                return False
            child = p
            p = getattr(p, "_asl_parent", None)
        return False

    def is_thread_handoff(self, call: ast.Call) -> bool:
        func = call.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None
        return name in THREAD_HANDOFF_NAMES

    @staticmethod
    def is_awaited(node: ast.AST) -> bool:
        return type(getattr(node, "_asl_parent", None)) is ast.Await

    def runs_only_before(self, node: ast.AST, version: tuple[int, int]) -> bool:
        """Whether ``node`` runs only on Pythons older than ``version``, by the enclosing
        ``sys.version_info`` tests: ``if``/``else`` branches, ternaries and the operands after a
        test in an ``and``/``or`` (``sys.version_info < (3, 14) and asyncio.iscoroutinefunction(f)``)."""
        child = node
        p = getattr(node, "_asl_parent", None)
        while p is not None:
            tp = type(p)
            block = getattr(p, "body", None)
            if type(block) is list and child in block:
                # ``if sys.version_info >= (3, 12): return ...`` guards the statements after it.
                for stmt in block[: block.index(child)]:
                    if type(stmt) is ast.If and not stmt.orelse and stmt.body and type(stmt.body[-1]) in (ast.Return, ast.Raise):
                        bound = self._version_bound(stmt.test, negate=True)
                        if bound is not None and bound <= version:
                            return True
            if tp is ast.If or tp is ast.IfExp:
                branch = child in p.body if tp is ast.If else child is p.body
                other = child in p.orelse if tp is ast.If else child is p.orelse
                if branch or other:
                    bound = self._version_bound(p.test, negate=other)
                    if bound is not None and bound <= version:
                        return True
            elif tp is ast.BoolOp:
                # An operand runs only when those before it were true (``and``) or false (``or``).
                negate = type(p.op) is ast.Or
                for operand in p.values:
                    if operand is child:
                        break
                    bound = self._version_bound(operand, negate=negate)
                    if bound is not None and bound <= version:
                        return True
            child = p
            p = getattr(p, "_asl_parent", None)
        return False

    def version_lower_bound(self, test: ast.AST) -> tuple[int, int] | None:
        """``V`` when ``test`` holds on Python ``V`` and newer only (``sys.version_info >= V``)."""
        return self._version_bound(test, negate=True)

    def _version_bound(self, test: ast.AST, negate: bool) -> tuple[int, int] | None:
        """``V`` when ``test`` (negated if ``negate``) holds only on Pythons older than ``V``."""
        if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
            return self._version_bound(test.operand, not negate)
        if type(test) is ast.Name:
            # ``PY312 = sys.version_info >= (3, 12)`` assigned once, then ``if PY312:``.
            bindings = self.lookup(test.id, self.scope_of(test))
            if bindings and len(bindings) == 1 and bindings[0].kind == "assign" and type(bindings[0].value) is ast.Compare:
                return self._version_bound(bindings[0].value, negate)
            return None
        if type(test) is not ast.Compare or len(test.ops) != 1:
            return None
        left, op, right = test.left, type(test.ops[0]), test.comparators[0]
        if self._is_version_info(right) and not self._is_version_info(left):
            left, right = right, left
            op = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}.get(op)
        if op is None or not self._is_version_info(left):
            return None
        version = _version_tuple(right)
        if version is None:
            return None
        if negate:
            op = {ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt, ast.Gt: ast.LtE}.get(op)
        if op is ast.Lt:
            return version
        if op is ast.LtE and len(version) == 2:
            return (version[0], version[1] + 1)
        return None

    def _is_version_info(self, expr: ast.AST) -> bool:
        if type(expr) is ast.Subscript and type(expr.slice) is ast.Slice:
            expr = expr.value
        return self.qualname(expr) == "sys.version_info"

    # ------------------------------------------------------------------ names
    def lookup(self, name: str, scope: Scope) -> list[Binding] | None:
        s: Scope | None = scope
        first = True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent
                continue
            if name in s.globals:
                return self.module_scope.bindings.get(name)
            found = s.bindings.get(name)
            if found:
                return found
            first = False
            s = s.parent
        return None

    def qualname(self, expr: ast.AST, scope: Scope | None = None) -> str | None:
        """The fully qualified name an expression refers to, through imports and aliases."""
        if scope is None:
            # Several rules ask about every name and attribute: answer each node once per file.
            memo = self._qualnames
            key = id(expr)
            if key in memo:
                return memo[key]
            q = memo[key] = self._qualname(expr, None)
            return q
        return self._qualname(expr, scope)

    def _qualname(self, expr: ast.AST, scope: Scope | None) -> str | None:
        t = type(expr)
        if t is ast.Name:
            scope = scope or getattr(expr, "_asl_scope", None) or self.module_scope
            bindings = self.lookup(expr.id, scope)
            if bindings is None:
                return f"builtins.{expr.id}" if expr.id in _BUILTIN_NAMES else None
            result = None
            for b in bindings:
                if b.kind == "import":
                    q = b.target
                elif b.kind in ("def", "asyncdef", "class"):
                    q = f"{b.scope.qualname}.{expr.id}"
                else:
                    return None
                if result is not None and q != result:
                    return None
                result = q
            return result
        if t is ast.Attribute:
            base = self.qualname(expr.value, scope)
            return f"{base}.{expr.attr}" if base else None
        return None

    def call_name(self, call: ast.Call) -> str | None:
        """What a call calls: ``time.sleep``, or ``Type.method`` for a typed receiver."""
        # Many rules ask this about the same call: answer each call once per file.
        memo = self._call_names
        key = id(call)
        if key in memo:
            return memo[key]
        name = self.callee_name(call.func)
        if self.external_returns is None:  # the project hook may know more later
            memo[key] = name
        return name

    def callee_name(self, func: ast.AST, scope: Scope | None = None, _depth: int = 0) -> str | None:
        q = self.qualname(func, scope)
        if q is not None:
            return canonical(q)
        if type(func) is ast.Attribute:
            # The depth travels on: ``x = x.strip()`` would otherwise recurse until the stack ends.
            rt = self.type_of(func.value, scope, _depth + 1)
            if rt is not None:
                return canonical(f"{rt}.{func.attr}")
        return None

    # ------------------------------------------------------------------ types
    def type_of(self, expr: ast.AST, scope: Scope | None = None, _depth: int = 0) -> str | None:
        """The qualified class of the value ``expr`` evaluates to, when known for sure."""
        if _depth > 8 or expr is None:
            return None
        scope = scope or getattr(expr, "_asl_scope", None) or self.module_scope
        t = type(expr)
        if t is ast.Name:
            bindings = self.lookup(expr.id, scope)
            if not bindings:
                return None
            return self._bindings_type(bindings, expr.id, _depth)
        if t is ast.Call:
            name = self.callee_name(expr.func, scope, _depth)
            if name is None:
                return None
            return self._returns(name)
        if t is ast.Attribute:
            owner = self._owner_class(expr.value, scope, _depth)
            if owner is not None:
                binds = self._class_attr(owner, expr.attr)
                if binds:
                    return self._bindings_type(binds, None, _depth)
                return ITEM_RETURNS.get(owner)  # ``client.db.users`` in pymongo
            return None
        if t is ast.Subscript:
            owner = self.type_of(expr.value, scope, _depth + 1)
            return ITEM_RETURNS.get(owner) if owner is not None else None
        if t is ast.BinOp:
            left = self.type_of(expr.left, scope, _depth + 1)
            return BINOP_RETURNS.get((left, type(expr.op).__name__)) if left is not None else None
        if t is ast.Await and type(expr.value) is ast.Call:
            name = self.callee_name(expr.value.func, scope, _depth)
            return lib.await_returns(name) if name else None
        if t is ast.IfExp:
            # ``Path(p) if p else None``: a None branch leaves the other's type (as for
            # ``self.conn = None`` bindings); otherwise both branches must agree.
            branches = [b for b in (expr.body, expr.orelse) if not _is_none(b)]
            types = {self.type_of(b, scope, _depth + 1) for b in branches}
            return types.pop() if len(types) == 1 else None
        return None

    def _returns(self, name: str) -> str | None:
        if name in self.classes or name in self.assumed_classes or lib.is_class(name):
            return name
        r = lib.types_call_returns(name)
        if r is not None:
            return r
        func = self.functions.get(name)
        # A sync function of this module says what it returns (``def _make_path(...) -> Path``);
        # calling an ``async def`` gives a coroutine, whatever its annotation.
        if type(func) is ast.FunctionDef and func.returns is not None:
            r = self.annotation_type(func.returns, self.scope_of(func))
            if r is not None:
                return r
        if self.external_returns is not None:
            r = self.external_returns(name)
            if r is not None:
                return r
        return None

    def _owner_class(self, receiver: ast.AST, scope: Scope, depth: int) -> str | None:
        if type(receiver) is ast.Name:
            info = self._method_class(scope, receiver.id)
            if info is not None:
                return info.qualname
        return self.type_of(receiver, scope, depth + 1)

    def _class_attr(self, class_qualname: str, attr: str, _seen=None) -> list[Binding] | None:
        info = self.classes.get(class_qualname)
        if info is None:
            return None
        binds = info.attrs.get(attr)
        if binds:
            return binds
        _seen = _seen or set()
        _seen.add(class_qualname)
        for base in info.bases:
            bq = self.qualname(base, info.scope.parent)
            if bq and bq not in _seen:
                found = self._class_attr(bq, attr, _seen)
                if found:
                    return found
        return None

    def inherits_from(self, class_qualname: str, bases: frozenset[str], _seen=None) -> bool:
        """Whether a class of this module has one of ``bases`` among its ancestors (followed
        through the module's own classes; a base defined elsewhere ends the walk)."""
        info = self.classes.get(class_qualname)
        if info is None:
            return False
        _seen = _seen or set()
        _seen.add(class_qualname)
        for base in info.bases:
            bq = self.qualname(base, info.scope.parent)
            if bq is None or bq in _seen:
                continue
            if canonical(bq) in bases or self.inherits_from(bq, bases, _seen):
                return True
        return False

    def _bindings_type(self, bindings: list[Binding], name: str | None, depth: int) -> str | None:
        result = None
        for b in bindings:
            if b.kind == "param":
                if b.annotation is not None:
                    bt = self.annotation_type(b.annotation, b.scope.parent or b.scope)
                else:
                    bt = self._receiver_param_type(b)
            elif b.kind == "assign":
                if b.annotation is not None:
                    bt = self.annotation_type(b.annotation, b.scope)
                elif b.value is None:
                    continue
                elif type(b.value) is ast.Constant and b.value.value is None:
                    continue  # ``self.conn = None`` until connected: the other assignments decide
                else:
                    bt = self.type_of(b.value, b.scope, depth + 1)
            elif b.kind == "with":
                bt = self._enter_type(b.value, b.scope, depth)
            elif b.index is not None:
                bt = self._unpacked_type(b.value, b.index, b.scope, depth)
            else:
                return None
            if bt is None or (result is not None and bt != result):
                return None
            result = bt
        return result

    def _unpacked_type(self, value: ast.AST, index: int, scope: Scope, depth: int) -> str | None:
        """The type of element ``index`` of ``await f(...)``/``f(...)`` for the library calls
        known to give a fixed tuple (``reader, writer = await asyncio.open_connection(...)``)."""
        call = value.value if type(value) is ast.Await else value
        if type(call) is not ast.Call:
            return None
        name = self.callee_name(call.func, scope, depth)
        types = UNPACKED_RETURNS.get(name) if name else None
        if types is None or (type(value) is ast.Await) != (name in AWAIT_RETURNS):
            return None
        return types[index] if index < len(types) else None

    def _receiver_param_type(self, b: Binding) -> str | None:
        func_scope = b.scope
        if func_scope.kind != "function" or func_scope.parent is None or func_scope.parent.kind != "class":
            return None
        args = _all_args(func_scope.node.args)
        if args and args[0] is b.node and not _is_staticmethod(func_scope.node):
            return func_scope.parent.qualname
        return None

    def _enter_type(self, ctx_expr: ast.AST, scope: Scope, depth: int) -> str | None:
        if type(ctx_expr) is ast.Call:
            name = self.callee_name(ctx_expr.func, scope, depth)
            e = lib.enter_returns(name) if name else None
            if e is not None:
                return e
        t = self.type_of(ctx_expr, scope, depth + 1)
        if t is None:
            return None
        return lib.enter_returns(t) or t

    def annotation_type(self, ann: ast.AST, scope: Scope) -> str | None:
        t = type(ann)
        if t is ast.Constant and isinstance(ann.value, str):
            try:
                parsed = ast.parse(ann.value, mode="eval").body
            except SyntaxError:
                return None
            return self.annotation_type(parsed, scope)
        if t is ast.Name or t is ast.Attribute:
            q = self.qualname(ann, scope)
            return canonical(q) if q else None
        if t is ast.BinOp and isinstance(ann.op, ast.BitOr):
            left, right = ann.left, ann.right
            if _is_none(right):
                return self.annotation_type(left, scope)
            if _is_none(left):
                return self.annotation_type(right, scope)
            return None
        if t is ast.Subscript:
            q = self.qualname(ann.value, scope)
            if q in ("typing.Optional", "typing_extensions.Optional"):
                return self.annotation_type(ann.slice, scope)
            if q in ("typing.Annotated", "typing_extensions.Annotated") and type(ann.slice) is ast.Tuple:
                return self.annotation_type(ann.slice.elts[0], scope)
        return None

    # ------------------------------------------------------------------ text
    def mentions(self, word: str) -> bool:
        """Whether ``word`` occurs anywhere in the source: a cheap pre-check for rules about
        one API, since every reference to it (an alias's import included) spells its name."""
        text = self.__dict__.get("_text")
        if text is None:
            text = self._text = "".join(self.lines)
        return word in text

    # ------------------------------------------------------------------ positions
    def column(self, node: ast.AST) -> int:
        """1-based character column where ``node`` starts (ast gives UTF-8 byte offsets)."""
        return self.char_col(node.lineno, node.col_offset) + 1

    def end_column(self, node: ast.AST) -> int:
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            return self.column(node)
        return self.char_col(end_line, end_col) + 1

    def char_col(self, line: int, byte_col: int) -> int:
        if 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def source_segment(self, node: ast.AST) -> str:
        """The exact source text of ``node`` (columns converted from bytes to characters)."""
        start, end = node.lineno, node.end_lineno or node.lineno
        c0 = self.char_col(start, node.col_offset)
        c1 = self.char_col(end, node.end_col_offset or 0)
        if start == end:
            return self.lines[start - 1][c0:c1]
        parts = [self.lines[start - 1][c0:]] + self.lines[start : end - 1] + [self.lines[end - 1][:c1]]
        return "".join(parts)


_AST = ast.AST
# Fields that can hold nodes, per node type. ``ctx`` is left out: its Load/Store/Del values
# are shared singletons, so walking them cost a visit per name and recorded nonsense parents.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` without the ``ctx`` singletons, as a list (fewer generator
    frames: this runs once per node of every file)."""
    t = type(node)
    fields = _CHILD_FIELDS.get(t)
    if fields is None:
        fields = _CHILD_FIELDS[t] = tuple(f for f in t._fields if f != "ctx")
    out = []
    for name in fields:
        v = getattr(node, name, None)
        if type(v) is list:
            for x in v:
                if isinstance(x, _AST):
                    out.append(x)
        elif isinstance(v, _AST):
            out.append(v)
    return out


def _all_args(args: ast.arguments) -> list[ast.arg]:
    out = list(args.posonlyargs) + list(args.args)
    if args.vararg:
        out.append(args.vararg)
    out.extend(args.kwonlyargs)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def _is_none(node: ast.AST) -> bool:
    return type(node) is ast.Constant and node.value is None


def _is_staticmethod(func: ast.AST) -> bool:
    for d in func.decorator_list:
        if type(d) is ast.Name and d.id == "staticmethod":
            return True
    return False


def _version_tuple(expr: ast.AST) -> tuple[int, int] | None:
    """``(3, 14)`` from the literal ``(3, 14)`` (a bare major ``(3,)`` means ``(3, 0)``)."""
    if type(expr) is not ast.Tuple or not 1 <= len(expr.elts) <= 3:
        return None
    parts = []
    for e in expr.elts:
        if type(e) is not ast.Constant or type(e.value) is not int:
            return None
        parts.append(e.value)
    # ``< (3, 12, 1)`` admits 3.12.0: round a micro part up, the side that claims less.
    if len(parts) == 3 and parts[2]:
        return (parts[0], parts[1] + 1)
    return (parts[0], parts[1] if len(parts) > 1 else 0)

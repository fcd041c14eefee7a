"""Scopes and bindings of one file: the one walk over the tree, and what names denote.

The walk records each node's parent and scope, every binding (imports, assignments,
parameters, definitions, ``with ... as``), classes with their methods and the instance
attributes their methods assign, and buckets the nodes by type for rule dispatch. Queries
on top of it: lookups, qualified names through imports and aliases, enclosing definitions,
async context.
"""

from __future__ import annotations

import ast
import builtins
from collections import defaultdict
from typing import Iterable, Iterator

_BUILTIN_NAMES = frozenset(dir(builtins))

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
        # import | assign | param | def | asyncdef | class | with | for | other; a ``for`` (or
        # comprehension) target has the iterated expression as ``value``.
        self.kind = kind
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

# What semantics code stores on ``ast`` nodes (released with the model).
_NODE_MEMOS = ("_asl_parent", "_asl_scope", "_asl_ref", "_asl_blocking")


class Scopes:
    """Bindings and scopes of one module (built by one walk over its tree)."""

    def __init__(self, tree: ast.Module, module: str = "", is_package: bool = False):
        self.tree = tree
        self.module = module or "__main__"
        self.is_package = is_package
        self.by_type: dict[type, list[ast.AST]] = defaultdict(list)
        self.classes: dict[str, ClassInfo] = {}
        self.functions: dict[str, ast.AST] = {}  # qualified name -> (Async)FunctionDef
        self.module_scope = Scope("module", tree, None, self.module)
        self._qualnames: dict[int, str | None] = {}
        self._walk()

    def release(self) -> None:
        """Break the cycles the walk made (each node points at its parent and its scope, each
        binding at its scope), so that the tree is freed by reference counting as soon as the
        file is done, instead of lingering as cyclic garbage until a full collection: a big
        file's tree, semantic model and findings otherwise coexist with the next ones."""
        scopes = {self.module_scope}
        add = scopes.add
        functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        for t, nodes in self.by_type.items():
            for node in nodes:
                d = node.__dict__
                add(d.pop("_asl_scope", self.module_scope))
                for key in _NODE_MEMOS:
                    d.pop(key, None)
            if t in functions:
                for node in nodes:
                    for a in all_args(node.args):
                        for key in _NODE_MEMOS:
                            a.__dict__.pop(key, None)
        for scope in scopes:
            scope.bindings = {}
        for info in self.classes.values():
            info.attrs = {}
        self.__dict__.clear()

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
                for a in all_args(node.args):
                    inner.bind(a.arg, Binding("param", inner, node=a))
                for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    push((d, node, scope))
                push((node.body, node, inner))
            elif t in _COMPS:
                inner = Scope("comprehension", node, scope, scope.qualname, scope.is_async)
                for gen in node.generators:
                    self._bind_target(gen.target, inner, "for", value=gen.iter)
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
                    self._bind_target(node.target, scope, "for", value=node.iter)
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
        for a in all_args(args):
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
                elif kind == "for" and type(elt) is ast.Name:
                    self._bind_target(elt, scope, "for", value=value, index=i)  # ``for k, v in d.items()``
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
        args = all_args(scope.node.args)
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

    @staticmethod
    def builds_raised_exception(node: ast.AST) -> bool:
        """``node`` is part of the exception a ``raise`` statement raises (``raise
        Error(f"... {path.resolve()}")``): it runs only on the way out of a failure, once."""
        child = node
        p = getattr(node, "_asl_parent", None)
        while p is not None and not isinstance(p, ast.stmt):
            if type(p) is ast.Lambda:
                return False  # built now, runs whenever it is called
            child = p
            p = getattr(p, "_asl_parent", None)
        return type(p) is ast.Raise and child is not None and (child is p.exc or child is p.cause)

    def is_thread_handoff(self, call: ast.Call) -> bool:
        func = call.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None
        return name in THREAD_HANDOFF_NAMES

    @staticmethod
    def is_awaited(node: ast.AST) -> bool:
        return type(getattr(node, "_asl_parent", None)) is ast.Await

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
                elif b.kind == "assign" and _is_none(b.value):
                    # ``try: import aiohttp`` / ``except ImportError: aiohttp = None``: None has
                    # no attributes, so whatever the code reaches through the name is the import.
                    continue
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

def all_args(args: ast.arguments) -> list[ast.arg]:
    out = list(args.posonlyargs) + list(args.args)
    if args.vararg:
        out.append(args.vararg)
    out.extend(args.kwonlyargs)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def _is_none(node: ast.AST | None) -> bool:
    return type(node) is ast.Constant and node.value is None

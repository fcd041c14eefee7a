"""Types of one file: the class a value has, when the file says so for sure.

Declared types first (annotations of parameters, variables and class attributes), then what
the code shows (constructor calls, known library returns, ``with ... as``, unpacking of known
tuples). Built on the file's scopes; anything that cannot be followed is None (unknown),
never a guess. Across modules, the project index finishes what refs leave open.
"""

from __future__ import annotations

import ast

from asynclint.knowledge import libraries as lib
from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.knowledge.types import AWAIT_RETURNS, BINOP_RETURNS, ITEM_RETURNS, UNPACKED_RETURNS, canonical
from asynclint.semantics.refs import STDLIB, element_part, iteration_view, pick_element
from asynclint.semantics.scopes import Binding, Scope, Scopes, all_args


class Types:
    """Answers "what class is this value" for one module."""

    def __init__(self, scopes: Scopes):
        self.scopes = scopes
        # Names the user's configuration declares to be classes (``blocking-calls`` methods).
        self.assumed_classes: set[str] = set()
        self._call_names: dict[int, str | None] = {}

    def call_name(self, call: ast.Call) -> str | None:
        """What a call calls: ``time.sleep``, or ``Type.method`` for a typed receiver."""
        # Many rules ask this about the same call: answer each call once per file.
        memo = self._call_names
        key = id(call)
        if key in memo:
            return memo[key]
        name = memo[key] = self.callee_name(call.func)
        return name

    def callee_name(self, func: ast.AST, scope: Scope | None = None, _depth: int = 0) -> str | None:
        q = self.scopes.qualname(func, scope)
        if q is not None:
            return canonical(q)
        if type(func) is ast.Attribute:
            # The depth travels on: ``x = x.strip()`` would otherwise recurse until the stack ends.
            rt = self.type_of(func.value, scope, _depth + 1)
            if rt is not None:
                return canonical(f"{rt}.{func.attr}")
        return None

    def type_of(self, expr: ast.AST, scope: Scope | None = None, _depth: int = 0) -> str | None:
        """The qualified class of the value ``expr`` evaluates to, when known for sure."""
        if _depth > 8 or expr is None:
            return None
        scope = scope or getattr(expr, "_asl_scope", None) or self.scopes.module_scope
        t = type(expr)
        if t is ast.Name:
            bindings = self.scopes.lookup(expr.id, scope)
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
        if name in self.scopes.classes or name in self.assumed_classes or lib.is_class(name):
            return name
        r = lib.types_call_returns(name)
        if r is not None:
            return r
        if _is_library_class(name):
            return name  # ``asyncio.StreamReader()``, ``asyncio.Queue()``: an instance of it
        func = self._single_def(name)
        # A sync function of this module says what it returns (``def _make_path(...) -> Path``);
        # calling an ``async def`` gives a coroutine, whatever its annotation.
        if type(func) is ast.FunctionDef and func.returns is not None:
            r = self.annotation_type(func.returns, self.scopes.scope_of(func))
            if r is not None:
                return r
        return None

    def _single_def(self, name: str) -> ast.AST | None:
        """The one definition of the function ``name`` of this module. A name defined more
        than once (``@overload``s, a redefinition) says nothing here: the project index
        reads the overloads from the module's summary."""
        func = self.scopes.functions.get(name)
        if func is None:
            return None
        owner = getattr(func, "_asl_scope", None)
        if owner is not None and len(owner.bindings.get(func.name, ())) > 1:
            return None
        return func

    def _owner_class(self, receiver: ast.AST, scope: Scope, depth: int) -> str | None:
        if type(receiver) is ast.Name:
            info = self.scopes._method_class(scope, receiver.id)
            if info is not None:
                return info.qualname
        return self.type_of(receiver, scope, depth + 1)

    def _class_attr(self, class_qualname: str, attr: str, _seen=None) -> list[Binding] | None:
        info = self.scopes.classes.get(class_qualname)
        if info is None:
            return None
        binds = info.attrs.get(attr)
        if binds:
            return binds
        _seen = _seen or set()
        _seen.add(class_qualname)
        for base in info.bases:
            bq = self.scopes.qualname(base, info.scope.parent)
            if bq and bq not in _seen:
                found = self._class_attr(bq, attr, _seen)
                if found:
                    return found
        return None

    def inherits_from(self, class_qualname: str, bases: frozenset[str], _seen=None) -> bool:
        """Whether a class of this module has one of ``bases`` among its ancestors (followed
        through the module's own classes; a base defined elsewhere ends the walk)."""
        info = self.scopes.classes.get(class_qualname)
        if info is None:
            return False
        _seen = _seen or set()
        _seen.add(class_qualname)
        for base in info.bases:
            bq = self.scopes.qualname(base, info.scope.parent)
            if bq is None or bq in _seen:
                continue
            if canonical(bq) in bases or self.inherits_from(bq, bases, _seen):
                return True
        return False

    def _bindings_type(self, bindings: list[Binding], name: str | None, depth: int) -> str | None:
        # A declared type wins: ``store: DataStore`` holds whatever else is assigned to it
        # (an unannotated parameter, an untyped factory, ``await DataStore.create()``).
        declared = [b for b in bindings if b.annotation is not None]
        if declared and len(declared) < len(bindings):
            bindings = declared
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
            elif b.kind == "for":
                bt = self._element_type(b.value, b.index, b.scope, depth)
            elif b.index is not None:
                bt = self._unpacked_type(b.value, b.index, b.scope, depth)
            else:
                return None
            if bt is None or (result is not None and bt != result):
                return None
            result = bt
        return result

    def _element_type(self, iterated: ast.AST, index: int | None, scope: Scope, depth: int) -> str | None:
        """The class of the elements a ``for`` over ``iterated`` binds, from a declared
        container type: ``clients: set[Client]``, ``conns: list[Conn]`` (a parameter, a
        variable, a class attribute, a function's return), ``sessions: dict[str, Session]``
        through ``.values()``, ``.keys()`` or ``.items()`` (``index``: the place in ``k, v``).
        Containers declared in other modules are the project index's (``element_part``)."""
        container, part = iteration_view(iterated)
        declared = self._declared_container(container, scope, depth)
        if declared is None:
            return None
        ann, ann_scope = declared
        elements = self.container_elements(ann, ann_scope)
        if elements is None:
            return None
        elem = pick_element(elements, element_part(part, index))
        return self.annotation_type(elem, ann_scope) if elem is not None else None

    def container_elements(self, ann: ast.AST | None, scope: Scope) -> tuple[ast.expr, ast.expr | None] | None:
        """The element annotations of a declared container type: ``(element, None)`` for an
        iterable (``set[Client]``, ``tuple[Conn, ...]``), ``(key, value)`` for a mapping
        (``dict[str, Session]``); None for anything else."""
        ann = _unwrap_optional(ann, scope, self.scopes)
        if type(ann) is not ast.Subscript:
            return None
        q = self.scopes.qualname(ann.value, scope)
        if q is None:
            return None
        base = canonical(q)
        sl = ann.slice
        params = list(sl.elts) if type(sl) is ast.Tuple else [sl]
        if base in _MAPPINGS:
            return (params[0], params[1]) if len(params) == 2 else None
        if base in _ITERABLES:
            if base in ("builtins.tuple", "typing.Tuple"):
                if len(params) != 2 or not (type(params[1]) is ast.Constant and params[1].value is Ellipsis):
                    return None
            return params[0], None
        return None

    def _declared_container(self, expr: ast.AST, scope: Scope, depth: int) -> tuple[ast.AST, Scope] | None:
        """The annotation ``expr`` is declared with (in this module) and the scope its names
        resolve in."""
        ann, ann_scope = None, scope
        t = type(expr)
        if t is ast.Name or t is ast.Attribute:
            if t is ast.Name:
                binds = self.scopes.lookup(expr.id, scope)
            else:
                owner = self._owner_class(expr.value, scope, depth)
                binds = self._class_attr(owner, expr.attr) if owner is not None else None
            declared = {ast.dump(b.annotation): b for b in binds or () if b.annotation is not None}
            if len(declared) != 1:
                return None
            b = next(iter(declared.values()))
            ann, ann_scope = b.annotation, (b.scope.parent or b.scope) if b.kind == "param" else b.scope
        elif t is ast.Call:
            name = self.callee_name(expr.func, scope, depth + 1)
            func = self._single_def(name) if name else None
            if type(func) is ast.FunctionDef and func.returns is not None:
                ann, ann_scope = func.returns, self.scopes.scope_of(func)
        return (ann, ann_scope) if ann is not None else None

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
        args = all_args(func_scope.node.args)
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
            q = self.scopes.qualname(ann, scope)
            return canonical(q) if q else None
        if t is ast.BinOp and isinstance(ann.op, ast.BitOr):
            left, right = ann.left, ann.right
            if _is_none(right):
                return self.annotation_type(left, scope)
            if _is_none(left):
                return self.annotation_type(right, scope)
            return None
        if t is ast.Subscript:
            q = self.scopes.qualname(ann.value, scope)
            if q in ("typing.Optional", "typing_extensions.Optional"):
                return self.annotation_type(ann.slice, scope)
            if q in ("typing.Annotated", "typing_extensions.Annotated") and type(ann.slice) is ast.Tuple:
                return self.annotation_type(ann.slice.elts[0], scope)
            if q is not None and canonical(q) in _ASYNC_PROTOCOLS:
                return canonical(q)  # ``AsyncIterator[bytes]``: what matters is that it is one
        return None

    def tuple_items(self, ann: ast.AST, scope: Scope) -> list[ast.expr] | None:
        """The element annotations of a fixed tuple annotation (``tuple[A, B]``)."""
        ann = _unwrap_optional(ann, scope, self.scopes)
        if type(ann) is not ast.Subscript or type(ann.slice) is not ast.Tuple:
            return None
        q = self.scopes.qualname(ann.value, scope)
        if q is None or canonical(q) not in ("builtins.tuple", "typing.Tuple"):
            return None
        items = list(ann.slice.elts)
        if any(type(e) is ast.Constant and e.value is Ellipsis for e in items):
            return None
        return items

def _is_none(node: ast.AST) -> bool:
    return type(node) is ast.Constant and node.value is None


def _is_staticmethod(func: ast.AST) -> bool:
    for d in func.decorator_list:
        if type(d) is ast.Name and d.id == "staticmethod":
            return True
    return False


def _is_library_class(name: str) -> bool:
    """A class of the stdlib or of a library with tables, by its capitalized last name (as
    the project index takes library names; the stdlib's few capitalized factories, such as
    ``tempfile.TemporaryFile``, are in ``RETURNS``)."""
    root, _, rest = name.partition(".")
    if not rest:
        return False
    last = rest.rsplit(".", 1)[-1]
    return last[:1].isupper() and not last.isupper() and (root in STDLIB or root in LIBRARIES)


_ASYNC_PROTOCOLS = frozenset(
    {
        "typing.AsyncIterator", "typing.AsyncIterable", "typing.AsyncGenerator", "collections.abc.AsyncIterator",
        "collections.abc.AsyncIterable", "collections.abc.AsyncGenerator",
    }
)
_ITERABLES = frozenset(
    {
        "builtins.list", "builtins.set", "builtins.frozenset", "builtins.tuple", "collections.deque", "weakref.WeakSet",
        "typing.List", "typing.Set", "typing.FrozenSet", "typing.Tuple", "typing.Deque", "typing.Sequence",
        "typing.MutableSequence", "typing.Iterable", "typing.Iterator", "typing.Collection", "typing.AbstractSet",
        "typing.MutableSet", "collections.abc.Sequence", "collections.abc.MutableSequence", "collections.abc.Iterable",
        "collections.abc.Iterator", "collections.abc.Collection", "collections.abc.Set", "collections.abc.MutableSet",
    }
)
_MAPPINGS = frozenset(
    {
        "builtins.dict", "collections.defaultdict", "collections.OrderedDict", "weakref.WeakValueDictionary",
        "weakref.WeakKeyDictionary", "typing.Dict", "typing.DefaultDict", "typing.OrderedDict", "typing.Mapping",
        "typing.MutableMapping", "collections.abc.Mapping", "collections.abc.MutableMapping",
    }
)


def _unwrap_optional(ann: ast.AST | None, scope: Scope, scopes: Scopes) -> ast.AST | None:
    """``X | None``, ``Optional[X]`` and ``"X"`` as ``X``."""
    for _ in range(4):
        t = type(ann)
        if t is ast.Constant and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value, mode="eval").body
            except SyntaxError:
                return None
        elif t is ast.BinOp and isinstance(ann.op, ast.BitOr):
            ann = ann.left if _is_none(ann.right) else ann.right if _is_none(ann.left) else None
        elif t is ast.Subscript and scopes.qualname(ann.value, scope) in ("typing.Optional", "typing_extensions.Optional"):
            ann = ann.slice
        else:
            return ann
    return ann

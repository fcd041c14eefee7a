"""Summarise an installed library from its own ``.py``/``.pyi`` files, never importing it.

What a rule needs to know about a library is written in its code: ``async def`` (a coroutine
function), ``__aenter__`` without ``__enter__`` (usable only with ``async with``), ``__aiter__``
or an async generator (only ``async for``), ``__await__``, ``@asynccontextmanager``, and the
annotated returns that say what a call gives (``aiosqlite.connect() -> Connection``). The same
summariser writes the knowledge shipped in the package (``knowledge/generate.py``) and reads a
linted project's own environment at run time (``knowledge/live.py``).

One summary is a dict from public name to facts, short keys because the package ships them:

- ``c``: calling it returns a coroutine (``async def``, ``-> Coroutine[...]``)
- ``a``: what ``await``-ing the call (or an instance of the class) gives
- ``r``: what calling it returns (a type)
- ``m``: async context manager only (a class, or a callable by what it returns)
- ``e``: what ``async with`` binds, when not the value itself
- ``i``: async iterable only (a class, an async generator function, a callable by its return)
- ``k``: a class
- ``t``: the type of an attribute (``Cls.attr``) or property

Names are the shortest public spelling (``aiosqlite.Connection`` rather than
``aiosqlite.core.Connection``); ``aliases`` folds the others to it. Only what bears on async use
is kept: coroutine/awaitable/async-only members, and the classes and returns that lead to them.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the summaries' meaning changes: cached live summaries carry it in their names.
SUMMARY_FORMAT = 1

# A module that mentions none of these has nothing async to say, unless it re-exports (an
# ``__init__``): skipping its parse keeps summarising a large sync library cheap.
_MARKERS = re.compile(rb"async |__aenter__|__aiter__|__await__|Awaitable|Coroutine|AsyncIter|AsyncGenerator|AsyncContextManager|asynccontextmanager")

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}

# Decorators that leave a function what it is (anything else unknown, unless the library's own
# decorator visibly wraps it in an ``async def``).
_TRANSPARENT = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.overload",
        "typing_extensions.overload",
        "typing.final",
        "typing_extensions.final",
        "typing.override",
        "typing_extensions.override",
        "typing_extensions.deprecated",
        "warnings.deprecated",
        "functools.wraps",
        "functools.cache",
        "functools.lru_cache",
    }
)
_PROPERTIES = frozenset({"builtins.property", "functools.cached_property"})
_ASYNC_CM_DECORATORS = frozenset({"contextlib.asynccontextmanager"})
_SELF = frozenset({"typing.Self", "typing_extensions.Self"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_FINAL = frozenset({"typing.Final", "typing_extensions.Final", "typing.ClassVar"})


def _abc(*names: str) -> frozenset[str]:
    return frozenset(f"{m}.{n}" for m in ("typing", "typing_extensions", "collections.abc") for n in names)


_COROUTINE = _abc("Coroutine")
_AWAITABLE = _abc("Awaitable")
_ASYNC_ITER = _abc("AsyncIterator", "AsyncIterable", "AsyncGenerator")
_ASYNC_CM = _abc("AsyncContextManager") | {"contextlib.AbstractAsyncContextManager", "contextlib._AsyncGeneratorContextManager"}
_GENERATOR = _abc("Generator")
# Bases known to give no __enter__/__iter__/__getitem__ (and nothing else a rule asks about).
_NEUTRAL_BASES = frozenset(
    {
        "builtins.object",
        "builtins.Exception",
        "builtins.BaseException",
        "abc.ABC",
        "typing.Generic",
        "typing.Protocol",
        "typing_extensions.Protocol",
        "typing.NamedTuple",
        "enum.Enum",
        "threading.Thread",
        "asyncio.Protocol",
        "asyncio.BaseProtocol",
        "asyncio.DatagramProtocol",
        "asyncio.SubprocessProtocol",
        "asyncio.BufferedProtocol",
        "contextlib.AbstractAsyncContextManager",
    }
    | _ASYNC_ITER
    | _AWAITABLE
    | _COROUTINE
)
_SKIP_DIRS = frozenset({"tests", "test", "testing", "examples", "__pycache__", "benchmarks", "docs"})


@dataclass
class _Func:
    name: str
    node: ast.AST
    is_async: bool
    is_generator: bool
    decorators: list[str]
    returns: ast.AST | None
    module: "_Module"
    overloads: list["_Func"] = field(default_factory=list)


@dataclass
class _Class:
    qualname: str  # where it is defined: ``pkg.mod.Cls``
    module: "_Module"
    bases: list[ast.AST]
    methods: dict[str, _Func] = field(default_factory=dict)
    attrs: dict[str, ast.AST] = field(default_factory=dict)


@dataclass
class _Module:
    name: str
    is_package: bool
    names: dict[str, str] = field(default_factory=dict)  # imported or assigned: name -> qualified target
    functions: dict[str, _Func] = field(default_factory=dict)
    classes: dict[str, _Class] = field(default_factory=dict)


def module_files(site: Path, top: str) -> dict[str, Path]:
    """The files of the importable ``top`` under ``site``: module name -> file, a ``.pyi`` stub
    (beside the module or in a ``top-stubs`` package) in place of its ``.py``."""
    out: dict[str, Path] = {}
    single = site / f"{top}.py"
    for base, prefer in ((site / top, ".py"), (site / f"{top}-stubs", ".pyi")):
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
            rel = Path(dirpath).relative_to(base)
            parts = [top, *rel.parts]
            for fn in sorted(filenames):
                stem, ext = os.path.splitext(fn)
                if ext not in (".py", ".pyi"):
                    continue
                mod = ".".join(parts if stem == "__init__" else [*parts, stem])
                if mod not in out or ext == ".pyi" or prefer == ".pyi":
                    if ext == ".pyi" or mod not in out or out[mod].suffix != ".pyi":
                        out[mod] = Path(dirpath) / fn
    for ext in (".py", ".pyi"):
        f = site / f"{top}{ext}"
        if f.is_file() and (top not in out or ext == ".pyi"):
            out[top] = f
    stub = site / f"{top}-stubs" / "__init__.pyi"
    if stub.is_file():
        out[top] = stub
    del single
    return out


class Summariser:
    """Reads one library's modules (given as files) and answers what its names are."""

    def __init__(self, top: str, files: dict[str, Path]):
        self.top = top
        self.modules: dict[str, _Module] = {}
        # Parse the modules that say something async, the ``__init__``s (re-exports), then, until
        # nothing changes, the modules naming a class already read (subclasses and factories of
        # async classes); a module mentioning none of those has nothing a rule could ask about.
        pending: dict[str, tuple[Path, bytes]] = {}
        for mod, path in files.items():
            try:
                pending[mod] = (path, path.read_bytes())
            except OSError:
                continue
        wanted = [m for m, (p, src) in pending.items() if p.stem == "__init__" or _MARKERS.search(src)]
        while wanted:
            for mod in wanted:
                path, source = pending.pop(mod)
                try:
                    tree = ast.parse(source, filename=str(path))
                except (SyntaxError, ValueError, RecursionError):
                    continue
                self.modules[mod] = self._read_module(mod, path.stem == "__init__", tree)
            names = {local.rsplit(".", 1)[-1] for m in self.modules.values() for local in m.classes}
            if not names or not pending:
                break
            mentions = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b")
            wanted = [m for m, (_, src) in pending.items() if mentions.search(src)]
        self._resolving: set[tuple[str, str]] = set()
        self._wrapper_decorators: dict[str, bool] = {}

    # ------------------------------------------------------------------ reading
    def _read_module(self, name: str, is_package: bool, tree: ast.Module) -> _Module:
        m = _Module(name, is_package)
        self._read_body(m, tree.body)
        return m

    def _read_body(self, m: _Module, body: list[ast.stmt]) -> None:
        for stmt in body:
            t = type(stmt)
            if t is ast.Import:
                for a in stmt.names:
                    if a.asname:
                        m.names.setdefault(a.asname, a.name)
                    else:
                        root = a.name.split(".", 1)[0]
                        m.names.setdefault(root, root)
            elif t is ast.ImportFrom:
                base = self._absolute(m, stmt.module, stmt.level)
                if base is None:
                    continue
                for a in stmt.names:
                    if a.name == "*":
                        star = self.modules.get(base)
                        m.names.setdefault(f"*{base}", base)
                        del star
                        continue
                    m.names.setdefault(a.asname or a.name, f"{base}.{a.name}")
            elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                f = self._read_func(m, stmt)
                prev = m.functions.get(stmt.name)
                if prev is not None and "typing.overload" in prev.decorators + [""] and "typing.overload" not in f.decorators:
                    f.overloads = prev.overloads + [prev]
                elif prev is not None and "typing.overload" in f.decorators:
                    f.overloads = prev.overloads + [prev]
                m.functions[stmt.name] = f
            elif t is ast.ClassDef:
                self._read_class(m, stmt, f"{m.name}.{stmt.name}", stmt.name)
            elif t is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
                value = stmt.value.value if type(stmt.value) is ast.Subscript else stmt.value  # ``X = Generic[T]``
                q = self._dotted(value)
                if q is not None:
                    m.names.setdefault(stmt.targets[0].id, "=" + q)
            elif t is ast.If or t is ast.Try:
                # ``if TYPE_CHECKING:``/``try: import x except ImportError:``: the first spelling wins.
                self._read_body(m, stmt.body)
                for h in getattr(stmt, "handlers", ()):
                    self._read_body(m, h.body)
                self._read_body(m, stmt.orelse)

    def _read_func(self, m: _Module, node) -> _Func:
        is_async = type(node) is ast.AsyncFunctionDef
        return _Func(
            node.name,
            node,
            is_async,
            is_async and _has_yield(node),  # a sync generator says nothing async either way
            [d for d in (self._decorator(m, d) for d in node.decorator_list)],
            node.returns,
            m,
        )

    def _decorator(self, m: _Module, d: ast.AST) -> str:
        if type(d) is ast.Call:
            d = d.func
        q = self._dotted(d)
        if q is None:
            return "?"
        head, _, rest = q.partition(".")
        target = m.names.get(head)
        if target is not None:
            target = target.lstrip("=")
            return f"{target}.{rest}" if rest else target
        if head in m.functions:
            return f"{m.name}.{q}"
        if hasattr(builtins, head):
            return f"builtins.{q}"
        return f"{m.name}.{q}"

    def _read_class(self, m: _Module, node: ast.ClassDef, qualname: str, local: str) -> None:
        c = _Class(qualname, m, list(node.bases))
        m.classes[local] = c
        self._read_class_body(m, c, node.body, qualname, local)

    def _read_class_body(self, m: _Module, c: _Class, body: list[ast.stmt], qualname: str, local: str) -> None:
        for stmt in body:
            t = type(stmt)
            if t is ast.If or t is ast.Try:
                # ``if TYPE_CHECKING: def get(...) -> X`` then the runtime spelling: the first wins.
                before = set(c.methods)
                self._read_class_body(m, c, stmt.body, qualname, local)
                first = set(c.methods) - before
                for part in [*(h.body for h in getattr(stmt, "handlers", ())), stmt.orelse]:
                    saved = {k: c.methods[k] for k in first}
                    self._read_class_body(m, c, part, qualname, local)
                    c.methods.update(saved)
                continue
            if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                f = self._read_func(m, stmt)
                prev = c.methods.get(stmt.name)
                if prev is not None and ("typing.overload" in prev.decorators or "typing.overload" in f.decorators):
                    f.overloads = prev.overloads + [prev]
                c.methods[stmt.name] = f
                if stmt.name == "__init__":
                    for sub in ast.walk(stmt):
                        if (
                            type(sub) is ast.AnnAssign
                            and type(sub.target) is ast.Attribute
                            and type(sub.target.value) is ast.Name
                            and sub.target.value.id == "self"
                        ):
                            c.attrs.setdefault(sub.target.attr, sub.annotation)
            elif t is ast.AnnAssign and type(stmt.target) is ast.Name:
                c.attrs[stmt.target.id] = stmt.annotation
            elif t is ast.ClassDef:
                self._read_class(m, stmt, f"{qualname}.{stmt.name}", f"{local}.{stmt.name}")
            elif t is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name:
                # ``__aenter__ = _enter``/``close = aclose``: the method under another name.
                src = stmt.value
                if type(src) is ast.Name and src.id in c.methods:
                    c.methods[stmt.targets[0].id] = c.methods[src.id]

    @staticmethod
    def _dotted(node: ast.AST) -> str | None:
        parts = []
        while type(node) is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        if type(node) is not ast.Name:
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))

    def _absolute(self, m: _Module, module: str | None, level: int) -> str | None:
        if not level:
            return module
        parts = m.name.split(".")
        if not m.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        if not parts:
            return None
        return ".".join(parts + ([module] if module else []))

    # ------------------------------------------------------------------ resolving names
    def resolve(self, qualified: str, _depth: int = 0):
        """Follow ``qualified`` through this library's modules and re-exports: a ``_Func``, a
        ``_Class``, a ``_Module``, or a qualified name outside the library (a ``str``)."""
        if _depth > 30:
            return None
        if qualified in self.modules:
            return self.modules[qualified]
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            mod = self.modules.get(".".join(parts[:i]))
            if mod is None:
                continue
            return self._member(mod, parts[i:], _depth)
        return qualified if parts[0] != self.top else None

    def _member(self, mod: _Module, rest: list[str], depth: int):
        name = rest[0]
        found = None
        if name in mod.classes:
            found = mod.classes[name]
        elif name in mod.functions:
            found = mod.functions[name]
        elif name in mod.names:
            key = (mod.name, name)
            if key in self._resolving:
                return None
            self._resolving.add(key)
            try:
                found = self.resolve(mod.names[name].lstrip("="), depth + 1)
            finally:
                self._resolving.discard(key)
        elif f"{mod.name}.{name}" in self.modules:
            found = self.modules[f"{mod.name}.{name}"]
        else:
            for k, v in mod.names.items():
                if k.startswith("*"):
                    sub = self.modules.get(v)
                    if sub is not None and sub is not mod:
                        key = (mod.name, k)
                        if key in self._resolving:
                            continue
                        self._resolving.add(key)
                        try:
                            found = self._member(sub, [name], depth + 1)
                        finally:
                            self._resolving.discard(key)
                        if found is not None:
                            break
        if found is None or len(rest) == 1:
            return found
        if isinstance(found, _Module):
            return self._member(found, rest[1:], depth + 1)
        if isinstance(found, _Class):
            inner = found.module.classes.get(found.qualname[len(found.module.name) + 1 :] + "." + rest[1])
            if inner is not None and len(rest) == 2:
                return inner
            return None
        if isinstance(found, str):
            return found + "." + ".".join(rest[1:])
        return None

    def resolve_in(self, m: _Module, expr: ast.AST, cls: _Class | None = None):
        """What the name expression ``expr`` denotes in module ``m``."""
        q = self._dotted(expr)
        if q is None:
            return None
        head, _, rest = q.partition(".")
        if cls is not None and head == cls.qualname.rsplit(".", 1)[-1] and not rest:
            return cls
        if head in m.classes or head in m.functions:
            return self._member(m, q.split("."), 0)
        target = m.names.get(head)
        if target is not None:
            target = target.lstrip("=")
            full = f"{target}.{rest}" if rest else target
            return self.resolve(full)
        if hasattr(builtins, head):
            return f"builtins.{q}"
        for k, v in m.names.items():
            if k.startswith("*"):
                found = self.resolve(f"{v}.{q}")
                if found is not None and not isinstance(found, str):
                    return found
        return None

    # ------------------------------------------------------------------ public names
    def public_names(self) -> dict[int, str]:
        """id(definition) -> its best public spelling: fewest private segments, then shortest."""
        best: dict[int, tuple[tuple, str]] = {}

        def offer(obj, name: str, defined_here: bool = False) -> None:
            if obj is None or isinstance(obj, str):
                return
            parts = name.split(".")
            rank = (sum(p.startswith("_") for p in parts), len(parts), not defined_here, name)
            cur = best.get(id(obj))
            if cur is None or rank < cur[0]:
                best[id(obj)] = (rank, name)

        for mod in self.modules.values():
            for local, c in mod.classes.items():
                offer(c, c.qualname, True)
            for fname, f in mod.functions.items():
                offer(f, f"{mod.name}.{fname}", True)
        for mod in self.modules.values():
            for name in list(mod.names) + [n for n in mod.classes if "." not in n] + list(mod.functions):
                if name.startswith("*"):
                    continue
                offer(self._member(mod, [name], 0), f"{mod.name}.{name}")
            # names a star import brings in
            for k, v in mod.names.items():
                sub = self.modules.get(v) if k.startswith("*") else None
                if sub is None:
                    continue
                for name in [*sub.classes, *sub.functions, *sub.names]:
                    if not name.startswith(("_", "*")) and "." not in name and name not in mod.names:
                        offer(self._member(sub, [name], 0), f"{mod.name}.{name}")
        return {k: v[1] for k, v in best.items()}

    # ------------------------------------------------------------------ types
    def type_of(self, ann: ast.AST | None, m: _Module, cls: _Class | None) -> dict:
        """What an annotation says: ``{"type": name}`` and/or one of ``coro``/``await``/``aiter``/
        ``acm`` (with ``enter``), names qualified (library classes as ``_Class``)."""
        if ann is None:
            return {}
        t = type(ann)
        if t is ast.Constant and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value.strip(), mode="eval").body
            except SyntaxError:
                return {}
            return self.type_of(ann, m, cls)
        if t is ast.BinOp and isinstance(ann.op, ast.BitOr):
            return self._union([ann.left, ann.right], m, cls)
        if t is ast.Subscript:
            base = self.resolve_in(m, ann.value, cls)
            args = ann.slice.elts if type(ann.slice) is ast.Tuple else [ann.slice]
            if isinstance(base, str):
                if base in _OPTIONAL:
                    return self.type_of(args[0], m, cls)
                if base in _UNION:
                    return self._union(args, m, cls)
                if base in _ANNOTATED or base in _FINAL:
                    return self.type_of(args[0], m, cls)
                if base in _COROUTINE:
                    inner = self.type_of(args[-1], m, cls) if len(args) == 3 else {}
                    return {"coro": True, "await": inner.get("type")}
                if base in _AWAITABLE:
                    return {"await": self.type_of(args[0], m, cls).get("type"), "awaitable": True}
                if base in _ASYNC_ITER:
                    return {"aiter": True}
                if base in _ASYNC_CM:
                    return {"acm": True, "enter": self.type_of(args[0], m, cls).get("type")}
                if base in _GENERATOR and len(args) == 3:
                    return {"genreturn": self.type_of(args[2], m, cls).get("type")}
            if isinstance(base, _Class):
                return {"type": base}
            return {}
        if t is ast.Name or t is ast.Attribute:
            base = self.resolve_in(m, ann, cls)
            if isinstance(base, _Class):
                return {"type": base}
            if isinstance(base, str):
                if base in _SELF:
                    return {"type": cls} if cls is not None else {}
                if base in _ASYNC_ITER:
                    return {"aiter": True}
                if base in _ASYNC_CM:
                    return {"acm": True}
                if base in _COROUTINE:
                    return {"coro": True}
                if base in _AWAITABLE:
                    return {"awaitable": True}
                root = base.split(".", 1)[0]
                if root not in ("builtins", "typing", "typing_extensions", "collections", "types"):
                    return {"type": base}
            return {}
        if t is ast.Constant and ann.value is None:
            return {"none": True}
        return {}

    def _union(self, members: list[ast.AST], m: _Module, cls: _Class | None) -> dict:
        infos = [self.type_of(x, m, cls) for x in members]
        infos = [i for i in infos if not i.get("none")]
        if not infos:
            return {}
        first = infos[0]
        return first if all(_same(i, first) for i in infos[1:]) else {}

    # ------------------------------------------------------------------ functions
    def wraps_in_async(self, qualified: str) -> bool:
        """Whether the library's decorator ``qualified`` returns an ``async def`` wrapper
        (``def _log(func): @functools.wraps(func) async def inner(...): ...; return inner``)."""
        if qualified in self._wrapper_decorators:
            return self._wrapper_decorators[qualified]
        self._wrapper_decorators[qualified] = False
        found = self.resolve(qualified)
        result = False
        if isinstance(found, _Func) and not found.is_async:
            node = found.node
            inner = {s.name for s in node.body if type(s) is ast.AsyncFunctionDef}
            returned = [s.value for s in _own_nodes(node) if type(s) is ast.Return and s.value is not None]
            if inner and returned and all(type(r) is ast.Name and r.id in inner for r in returned):
                result = True
        self._wrapper_decorators[qualified] = result
        return result

    def decorator_makes(self, qualified: str) -> dict | None:
        """For a library decorator annotated ``-> Callable[..., R]`` with ``R`` a library class
        that is a coroutine (a ``Coroutine`` subclass): what calling a decorated function gives."""
        found = self.resolve(qualified)
        if not isinstance(found, _Func) or found.returns is None or type(found.returns) is not ast.Subscript:
            return None
        ann = found.returns
        base = self.resolve_in(found.module, ann.value)
        if base not in _abc("Callable"):
            return None
        args = ann.slice.elts if type(ann.slice) is ast.Tuple else [ann.slice]
        made = self.type_of(args[-1], found.module, None).get("type")
        if not isinstance(made, _Class):
            return None
        mro = self.mro(made) or []
        coro = any(
            isinstance(q := self.resolve_in(k.module, b.value if type(b) is ast.Subscript else b), str) and q in _COROUTINE
            for k in mro
            if k is not None
            for b in k.bases
        )
        if not coro:
            return None
        names = {n for k in mro if k is not None for n in k.methods}
        return {"coro": True, "acm": "__aenter__" in names and "__enter__" not in names}

    def function_facts(self, f: _Func, cls: _Class | None) -> dict | None:
        """Facts of calling ``f`` (None: nothing certain), before public naming."""
        if f.overloads:
            variants = [f] + f.overloads if "typing.overload" not in f.decorators else f.overloads + [f]
            facts = [self._single_facts(v, cls) for v in variants if "typing.overload" in v.decorators]
            facts = [x for x in facts if x is not None] if facts else []
            if facts and all(_same(x, facts[0]) for x in facts[1:]):
                return facts[0]
            if facts and len(facts) == len(variants) - ("typing.overload" not in f.decorators) and all(x.get("coro") for x in facts):
                return {"coro": True}  # every overload a coroutine function, awaited to differing types
            if facts:
                return None
        return self._single_facts(f, cls)

    def _single_facts(self, f: _Func, cls: _Class | None) -> dict | None:
        wrapped_async = False
        acm_factory = False
        for d in f.decorators:
            if d in _TRANSPARENT or d in _PROPERTIES:
                continue
            if d in _ASYNC_CM_DECORATORS:
                acm_factory = True
                continue
            if d.split(".", 1)[0] == self.top:
                if self.wraps_in_async(d):
                    wrapped_async = True
                    continue
                made = self.decorator_makes(d)
                if made is not None and made.get("coro"):
                    # ``@contextmanager async def execute(...) -> Cursor`` (aiosqlite): the call
                    # gives the decorator's coroutine object, awaited to the method's own return.
                    own = self.type_of(f.returns, f.module, cls).get("type") if f.is_async else None
                    return {"coro": True, "await": own, "acm": made.get("acm")}
            return None
        ret = self.type_of(f.returns, f.module, cls)
        if acm_factory:
            return {"acm": True}
        if f.is_async and f.is_generator:
            return {"aiter": True}
        if f.is_async:
            return {"coro": True, "await": ret.get("type")}
        if wrapped_async:
            return {"coro": True}
        if f.is_generator:
            return None
        return ret or None

    # ------------------------------------------------------------------ classes
    def mro(self, c: _Class, _seen=None) -> list | None:
        """The library classes from ``c`` up; None when a base outside the library (other than
        ones known to add nothing) could add methods we cannot see."""
        _seen = _seen if _seen is not None else set()
        if id(c) in _seen:
            return []
        _seen.add(id(c))
        out = [c]
        for b in c.bases:
            if type(b) is ast.Subscript:
                b = b.value
            bv = self.resolve_in(c.module, b)
            if isinstance(bv, _Class):
                rest = self.mro(bv, _seen)
                if rest is None:
                    return None
                out.extend(x for x in rest if x not in out)
            elif isinstance(bv, str) and bv in _NEUTRAL_BASES:
                continue
            else:
                out.append(None)  # an unknown base: members found before it still count
        return out

    def summarise(self) -> dict:
        public = self.public_names()

        def pub(obj) -> str | None:
            if isinstance(obj, str):
                return obj
            if obj is None:
                return None
            return public.get(id(obj), getattr(obj, "qualname", None))

        entries: dict[str, dict] = {}
        aliases: dict[str, str] = {}
        type_links: dict[str, set[str]] = {}  # name -> class names its facts lead to

        def put(name: str, facts: dict, links=()) -> None:
            cur = entries.setdefault(name, {})
            for k, v in facts.items():
                if v is not None and k not in cur:
                    cur[k] = v
            if links:
                type_links.setdefault(name, set()).update(links)

        def encode(info: dict) -> tuple[dict, set[str]]:
            out: dict = {}
            links: set[str] = set()
            t = info.get("type")
            if info.get("coro"):
                out["c"] = 1
                if info.get("await") is not None:
                    out["a"] = pub(info["await"])
                if info.get("acm"):
                    out["m"] = 1
            elif info.get("awaitable"):
                if info.get("await") is not None:
                    out["a"] = pub(info["await"])
            elif info.get("acm"):
                out["m"] = 1
                if info.get("enter") is not None:
                    out["e"] = pub(info["enter"])
            elif info.get("aiter"):
                out["i"] = 1
            elif t is not None:
                out["r"] = pub(t)
                if isinstance(t, _Class):
                    links.add(out["r"])
            for key in ("a", "e"):
                if isinstance(out.get(key), str) and isinstance(info.get("await" if key == "a" else "enter"), _Class):
                    links.add(out[key])
            return out, links

        classes = [c for mod in self.modules.values() for c in mod.classes.values()]
        funcs = [(mod, f) for mod in self.modules.values() for f in mod.functions.values()]
        for c in classes:
            cname = pub(c)
            if c.qualname != cname:
                aliases[c.qualname] = cname
            mro = self.mro(c)
            if mro is None:
                mro = [c, None]
            put(cname, {"k": 1})
            seen_methods: set[str] = set()
            open_mro = False
            facts: dict = {}
            for k in mro:
                if k is None:
                    open_mro = True
                    break
                for mname, f in k.methods.items():
                    if mname in seen_methods:
                        continue
                    seen_methods.add(mname)
                    is_prop = any(d in _PROPERTIES for d in f.decorators)
                    if mname == "__await__":
                        gen = self.type_of(f.returns, f.module, c).get("genreturn")
                        facts["a"] = pub(gen) if gen is not None else None
                        facts["await"] = True
                        continue
                    info = self.function_facts(f, c)
                    if info is None:
                        continue
                    if mname == "__aenter__" and info.get("coro"):
                        e = info.get("await")
                        facts["aenter"] = pub(e) if e is not None and e is not c else None
                        continue
                    if mname.startswith("__") and mname.endswith("__"):
                        continue
                    enc, links = encode(info)
                    if is_prop:
                        if "r" in enc:
                            put(f"{cname}.{mname}", {"t": enc["r"]}, links)
                        continue
                    if enc:
                        put(f"{cname}.{mname}", enc, links)
                for aname, ann in k.attrs.items():
                    if aname in seen_methods:
                        continue
                    seen_methods.add(aname)
                    enc, links = encode(self.type_of(ann, k.module, c))
                    if "r" in enc:
                        put(f"{cname}.{aname}", {"t": enc["r"]}, links)
            has = seen_methods.__contains__
            if not open_mro:
                if has("__aenter__") and not has("__enter__"):
                    entries[cname]["m"] = 1
                    if facts.get("aenter"):
                        entries[cname]["e"] = facts["aenter"]
                if has("__aiter__") and not has("__iter__") and not has("__getitem__"):
                    entries[cname]["i"] = 1
            if facts.get("await"):
                entries[cname]["w"] = 1  # awaitable instances
                if facts.get("a"):
                    entries[cname]["a"] = facts["a"]
        for mod, f in funcs:
            fname = pub(f) or f"{mod.name}.{f.name}"
            if fname != f"{mod.name}.{f.name}":
                aliases[f"{mod.name}.{f.name}"] = fname
            info = self.function_facts(f, None)
            if info is None:
                continue
            enc, links = encode(info)
            if enc:
                put(fname, enc, links)

        # A call returning an awaitable class is awaited to that class's result; one returning
        # an async-only class is async-only too (the tables name such values by their factory).
        for name, e in entries.items():
            r = e.get("r")
            target = entries.get(r) if r else None
            if target is not None and target.get("w") and "a" in target and "a" not in e:
                e["a"] = target["a"]

        return self._prune(entries, aliases, type_links)

    @staticmethod
    def _prune(entries: dict, aliases: dict, links: dict) -> dict:
        """Keep what bears on async use and a project can reach: public names with async facts
        (coroutine, async-only, awaitable), the returns and attributes that lead to such
        classes, the classes they belong to, and the (perhaps private) types they name."""
        has_facts = {n for n, e in entries.items() if any(k in e for k in ("c", "m", "i", "w"))}
        leads = set(has_facts)
        changed = True
        while changed:  # returns/attributes that lead to a class with async facts
            changed = False
            for name, e in entries.items():
                if name in leads:
                    continue
                target = e.get("r") or e.get("t") or e.get("a") or e.get("e")
                if target in leads or (target is not None and any(m.startswith(target + ".") for m in ())):
                    leads.add(name)
                    changed = True
            owners = {n.rsplit(".", 1)[0] for n in leads}
            for o in owners:
                if o in entries and o not in leads and entries[o].get("k"):
                    leads.add(o)
                    changed = True

        def public(name: str) -> bool:
            return not any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in name.split("."))

        keep: set[str] = set()
        stack = [n for n in leads if public(n)]
        while stack:
            name = stack.pop()
            if name in keep or name not in entries:
                continue
            keep.add(name)
            owner = name.rsplit(".", 1)[0]
            if owner in entries and owner in leads:
                stack.append(owner)
            e = entries[name]
            for key in ("r", "t", "a", "e"):
                v = e.get(key)
                if v in leads:
                    stack.append(v)
            if e.get("k"):  # a kept class brings its public members along
                stack.extend(m for m in leads if m.startswith(name + ".") and public(m[len(name) + 1 :]) and "." not in m[len(name) + 1 :])
        out = {}
        for name in sorted(keep):
            e = dict(entries[name])
            for key in ("r", "t", "a", "e"):
                v = e.get(key)
                if v is not None and v not in keep and v.split(".", 1)[0] not in _STDLIB:
                    del e[key]  # a type we keep nothing about says nothing a rule can use
            if not e or (e == {"k": 1} and not any(m.startswith(name + ".") for m in keep)):
                continue
            out[name] = e
        kept_aliases = {k: v for k, v in sorted(aliases.items()) if v in out}
        return {"entries": out, "aliases": kept_aliases}


def _own_nodes(node):
    """The nodes of a function's own body (not of the functions and classes inside it)."""
    stack = list(node.body)
    while stack:
        n = stack.pop()
        yield n
        if type(n) not in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef):
            stack.extend(ast.iter_child_nodes(n))


def _has_yield(node) -> bool:
    stack = list(node.body)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.Yield or t is ast.YieldFrom:
            return True
        if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


def _same(a: dict, b: dict) -> bool:
    def norm(d):
        return {k: (id(v) if not isinstance(v, (str, bool, type(None))) else v) for k, v in d.items()}

    return norm(a) == norm(b)


def summarise_installed(site: Path, top: str) -> dict:
    """The summary of the importable package ``top`` installed under ``site``."""
    return Summariser(top, module_files(site, top)).summarise()


def installed_distributions(site: Path) -> dict[str, tuple[str, str]]:
    """Top-level importable name -> (distribution, version), from the ``*.dist-info`` folders
    under ``site`` (read, never imported)."""
    out: dict[str, tuple[str, str]] = {}
    try:
        infos = sorted(p for p in site.iterdir() if p.name.endswith(".dist-info"))
    except OSError:
        return out
    for info in infos:
        dist, _, version = info.name[: -len(".dist-info")].partition("-")
        tops: set[str] = set()
        top_level = info / "top_level.txt"
        try:
            if top_level.is_file():
                tops = {line.strip() for line in top_level.read_text(encoding="utf-8").splitlines() if line.strip()}
            else:
                for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
                    path = line.split(",", 1)[0]
                    first = path.split("/", 1)[0]
                    if first.endswith((".dist-info", ".data")) or first.startswith(".."):
                        continue
                    if "/" in path or first.endswith((".py", ".pyi")):
                        tops.add(first[: -len(".pyi")] if first.endswith(".pyi") else first[:-3] if first.endswith(".py") else first)
        except OSError:
            continue
        for top in tops:
            top = top.replace("/", ".")
            if top.endswith("-stubs"):
                top = top[: -len("-stubs")]
            if "." in top or top.startswith("_") or top in _SKIP_DIRS:
                continue
            out.setdefault(top, (dist, version))
    return out

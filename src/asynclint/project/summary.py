"""Pass 1: a small, picklable summary of one module for the project index.

Built from the already computed SemanticModel (no second parse, no ast nodes kept): the
module's functions (async or not, generator or not, decorators, annotated return), classes
(bases, methods, typed attributes), module-level names (imports and re-exports, typed
variables) and, for sync functions, the calls they make (for ASL110 call chains).
Every name inside is a ref (see ``asynclint.semantics.refs``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from asynclint.semantics.flow import own_nodes
from asynclint.semantics.guards import guard_of, queue_get_guard
from asynclint.semantics.refs import UNION, annotation_ref, generator_functions, is_outside_project, value_ref

if TYPE_CHECKING:
    from asynclint.rule import FileInfo
    from asynclint.semantics.model import Binding, Scope, SemanticModel


@dataclass(frozen=True)
class FunctionSummary:
    name: str  # inside the module: "save", "UserRepo.save"
    line: int
    is_async: bool
    is_generator: bool
    decorators: tuple[str, ...] = ()  # refs; "?" when unknown
    returns: str | None = None  # ref of the returned value, from the annotation
    # sync functions only: (callee ref, line, guard): ``guard`` is the ``isinstance`` test on a
    # parameter that the call runs under (see ``semantics.guards.guard_of``), or None.
    calls: tuple[tuple[str, int, tuple | None], ...] = ()
    # The function defined inside this one that it returns (``"retry.wrapper"``): what a
    # decorator turns the functions it decorates into.
    returns_def: str | None = None
    # Refs of the elements of a fixed tuple return (``-> tuple[AsyncIterator[bytes], int]``);
    # "?" for an element of unknown type.
    returns_items: tuple[str, ...] = ()
    # A declared container return (``-> list[Client]``): refs of its (element or key, value),
    # as ``ClassSummary.elements``.
    returns_elements: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassSummary:
    name: str
    line: int
    bases: tuple[str, ...]  # refs; "?" when unknown
    methods: frozenset[str]
    attrs: dict[str, str] = field(default_factory=dict)  # attribute -> value ref
    # attribute declared as a container -> refs of its (element or key, value) ("" when it is
    # no mapping, "?" when unknown): ``clients: set[Client]`` -> ("app.c.Client()", "").
    elements: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ModuleSummary:
    module: str
    path: str  # as displayed
    is_package: bool
    functions: dict[str, FunctionSummary]
    classes: dict[str, ClassSummary]
    # module-level names: name -> ("def"|"class"|"import"|"var", payload); payload is the local
    # name for def/class, the imported target for import, a value ref for var.
    names: dict[str, tuple[str, str]]
    star_imports: tuple[str, ...] = ()
    # module-level names declared as containers, as ``ClassSummary.elements``.
    elements: dict[str, tuple[str, str]] = field(default_factory=dict)


def summarize(sem: SemanticModel, file_info: FileInfo, library_name: Callable[[str], str | None]) -> ModuleSummary:
    """``library_name(ref)``: the library callable a ref outside the project names (the
    index's knowledge answers it: ``project.index.library_name``; passed in because the index
    reads these summaries)."""
    prefix = sem.module + "."
    gens = generator_functions(sem)
    functions: dict[str, FunctionSummary] = {}
    calls = _sync_calls(sem, library_name)
    for qual, node in sem.functions.items():
        local = qual[len(prefix):] if qual.startswith(prefix) else qual
        scope = sem.scope_of(node)
        decorators = tuple(_decorator_ref(sem, d) for d in node.decorator_list)
        returns = annotation_ref(sem, node.returns, scope) if node.returns is not None else None
        if len(scope.bindings.get(node.name, ())) > 1 and _has_overloads(sem, node, scope):
            node, decorators, returns = _overloaded(sem, node, scope)
        is_async = type(node) is ast.AsyncFunctionDef
        functions[local] = FunctionSummary(
            name=local,
            line=node.lineno,
            is_async=is_async,
            is_generator=id(node) in gens,
            decorators=decorators,
            returns=returns,
            calls=() if is_async else tuple(calls.get(id(node), ())),
            returns_def=_returned_def(sem, qual, node, prefix),
            returns_items=_tuple_items(sem, node.returns, scope) if node.returns is not None else (),
            returns_elements=_container_refs(sem, node.returns, scope) or () if node.returns is not None and not returns else (),
        )
    classes: dict[str, ClassSummary] = {}
    for qual, info in sem.classes.items():
        local = qual[len(prefix):] if qual.startswith(prefix) else qual
        outer = info.scope.parent
        attrs, class_elements = {}, {}
        for attr, binds in info.attrs.items():
            ref = _attr_ref(sem, binds)
            if ref is not None:
                attrs[attr] = ref
            else:
                elements = _elements(sem, binds)
                if elements is not None:
                    class_elements[attr] = elements
        classes[local] = ClassSummary(
            name=local,
            line=info.node.lineno,
            bases=tuple(_base_ref(sem, b, outer) for b in info.bases),
            methods=frozenset(info.methods),
            attrs=attrs,
            elements=class_elements,
        )
    names: dict[str, tuple[str, str]] = {}
    module_elements: dict[str, tuple[str, str]] = {}
    for name, binds in sem.module_scope.bindings.items():
        entry = _module_name(sem, name, binds)
        if entry is not None:
            names[name] = entry
        elif binds[0].kind == "assign":
            elements = _elements(sem, binds)
            if elements is not None:
                module_elements[name] = elements
    stars = tuple(
        sem.resolve_relative(n.module, n.level)
        for n in sem.tree.body
        if type(n) is ast.ImportFrom and any(a.name == "*" for a in n.names)
    )
    return ModuleSummary(sem.module, file_info.display_path, sem.is_package, functions, classes, names, stars, module_elements)


_OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
_MAX_OVERLOAD_RETURNS = 6


def _has_overloads(sem: SemanticModel, node: ast.AST, scope: Scope) -> bool:
    return any(
        _decorator_ref(sem, x) in _OVERLOAD
        for b in scope.bindings.get(node.name, ())
        if b.kind in ("def", "asyncdef")
        for x in b.node.decorator_list
    )


def _overloaded(sem: SemanticModel, first: ast.AST, scope: Scope) -> tuple[ast.AST, tuple[str, ...], str | None]:
    """For a function declared with ``@typing.overload``: the definition that runs (the
    last one without ``@overload``; the last overload in a stub), its decorators, and what
    a call returns: the overloads' one return, or the union of theirs (the index answers a
    question about a union when every member agrees). None when one overload's return is
    unknown, or they return too many different types to agree on anything."""
    defs = sorted((b.node for b in scope.bindings.get(first.name, ()) if b.kind in ("def", "asyncdef")), key=lambda d: d.lineno)
    overloads, impl = [], None
    for d in defs:
        refs = tuple(_decorator_ref(sem, x) for x in d.decorator_list)
        if any(r in _OVERLOAD for r in refs):
            overloads.append(d)
        else:
            impl = (d, refs)
    returns: list[str] = []
    for d in overloads:
        r = annotation_ref(sem, d.returns, scope) if d.returns is not None else None
        if r is None:
            returns = []
            break
        if r not in returns:
            returns.append(r)
    agreed = UNION.join(returns) if 0 < len(returns) <= _MAX_OVERLOAD_RETURNS else None
    if impl is None:
        last = overloads[-1] if overloads else first
        return last, tuple(r for r in (_decorator_ref(sem, x) for x in last.decorator_list) if r not in _OVERLOAD), agreed
    return impl[0], impl[1], agreed


def _tuple_items(sem: SemanticModel, ann: ast.AST, scope: Scope) -> tuple[str, ...]:
    items = sem.types.tuple_items(ann, scope)
    return tuple(annotation_ref(sem, e, scope) or "?" for e in items) if items else ()


def _returned_def(sem: SemanticModel, qual: str, node: ast.AST, prefix: str) -> str | None:
    """``return wrapper``, ``wrapper`` a def inside the function, when every ``return`` of it
    returns that same def. A decorator that returns a sync wrapper on one branch and an
    ``async def`` one on another (``if not iscoroutinefunction(func): ... return wrapped``;
    ``return async_wrapped``) makes either kind: no one def stands for it."""
    if type(node) is not ast.FunctionDef:
        return None
    found: str | None = None
    for n in own_nodes(node):
        if type(n) is not ast.Return:
            continue
        if type(n.value) is not ast.Name or (found is not None and n.value.id != found):
            return None
        found = n.value.id
    if found is None:
        return None
    inner = f"{qual}.{found}"
    if inner not in sem.functions:
        return None
    return inner[len(prefix):] if inner.startswith(prefix) else inner


def _decorator_ref(sem: SemanticModel, d: ast.AST) -> str:
    if type(d) is ast.Call:
        r = value_ref(sem, d.func)
        return r + "()" if r else "?"
    return value_ref(sem, d) or "?"


def _base_ref(sem: SemanticModel, base: ast.AST, scope) -> str:
    if type(base) is ast.Subscript:  # Generic[T], Protocol[T]
        base = base.value
    q = sem.qualname(base, scope)
    return q or "?"


def _attr_ref(sem: SemanticModel, binds: list[Binding]) -> str | None:
    # A declared type wins over what else is assigned (as in ``Types._bindings_type``).
    declared = [b for b in binds if b.annotation is not None]
    if declared and len(declared) < len(binds):
        binds = declared
    result = None
    for b in binds:
        if b.annotation is not None:
            r = annotation_ref(sem, b.annotation, b.scope)
        elif b.value is None or (type(b.value) is ast.Constant and b.value.value is None):
            continue  # ``self.conn = None`` until connected: the other assignments decide
        elif b.kind == "assign":
            r = value_ref(sem, b.value)
        else:
            return None
        if r is None or UNION in r or (result is not None and r != result):
            return None  # a union is asked about member by member, never stored
        result = r
    return result


def _container_refs(sem: SemanticModel, ann: ast.AST, scope: Scope) -> tuple[str, str] | None:
    """``(element or key ref, value ref)`` of a container annotation ("" for no value, "?"
    for an unknown one); None when ``ann`` is no container of a known element."""
    found = sem.types.container_elements(ann, scope)
    if found is None:
        return None
    first, value = (annotation_ref(sem, a, scope) if a is not None else None for a in found)
    if first is None and value is None:
        return None
    return (first or "?", "" if found[1] is None else value or "?")


def _elements(sem: SemanticModel, binds: list[Binding]) -> tuple[str, str] | None:
    """The element refs of a name or attribute declared (once) as a container of known
    elements: ``clients: set[Client]``, ``sessions: dict[str, Session]``."""
    declared = {ast.dump(b.annotation): b for b in binds if b.annotation is not None}
    if len(declared) != 1:
        return None
    b = next(iter(declared.values()))
    if b.kind != "assign":
        return None
    return _container_refs(sem, b.annotation, b.scope)


def _module_name(sem: SemanticModel, name: str, binds: list[Binding]) -> tuple[str, str] | None:
    if len(binds) > 1:
        # ``try: import aiohttp`` / ``except ImportError: aiohttp = None``: the import.
        binds = [b for b in binds if not (b.kind == "assign" and type(b.value) is ast.Constant and b.value.value is None)] or binds
    kinds = {b.kind for b in binds}
    if kinds <= {"def", "asyncdef"}:
        return ("def", name)
    if kinds == {"class"} and len(binds) == 1:
        return ("class", name)
    if kinds == {"import"}:
        targets = {b.target for b in binds}
        return ("import", targets.pop()) if len(targets) == 1 else None
    if kinds == {"assign"}:
        ref = _attr_ref(sem, binds)
        return ("var", ref) if ref else None
    return None


def _sync_calls(sem: SemanticModel, library_name: Callable[[str], str | None]) -> dict[int, list[tuple[str, int, tuple | None]]]:
    """Calls each sync function makes itself: not in nested defs or lambdas, not awaited,
    not inside an argument handed to a thread, not building the exception a ``raise`` raises."""
    out: dict[int, list[tuple[int, int, str, tuple | None]]] = {}
    for call in sem.nodes(ast.Call):
        func = sem.enclosing_function(call)
        if func is None or type(func) is not ast.FunctionDef or sem.is_awaited(call):
            continue
        if sem.builds_raised_exception(call):
            continue  # runs once, on the way out of a failure
        if _in_thread_handoff(sem, call, func):
            continue
        ref = value_ref(sem, call.func)
        if ref is not None and not _returns_at_once(ref, call, library_name) and not _cannot_block(sem, call):
            guard = guard_of(sem, call, func) or queue_get_guard(sem, call, func)
            out.setdefault(id(func), []).append((call.lineno, call.col_offset, ref, guard))
    # In the order they are written: ASL110 shows the first chain in call order.
    return {k: [(ref, line, guard) for line, _col, ref, guard in sorted(v, key=lambda c: (c[0], c[1]))] for k, v in out.items()}


def _returns_at_once(ref: str, call: ast.Call, library_name: Callable[[str], str | None]) -> bool:
    """A library call made non-blocking by its arguments (``q.get(block=False)``). Through
    ``self.``/``super()`` the callee may be a project method overriding the library's or an
    inherited one: arguments that make a blocking library method of that name return at once
    count the same (``super().shutdown(wait=False)`` in an executor subclass)."""
    from asynclint.knowledge.blocking import blocking_for, nonblocking_by_method
    from asynclint.semantics.nonblocking import returns_at_once

    if not (call.args or call.keywords):
        return False
    if is_outside_project(ref):
        name = library_name(ref)
        b = blocking_for(name) if name is not None else None
        if b is not None:
            return returns_at_once(call, b)
    if type(call.func) is ast.Attribute:
        return any(returns_at_once(call, b) for b in nonblocking_by_method(call.func.attr))
    return False


def _cannot_block(sem: SemanticModel, call: ast.Call) -> bool:
    """An unbounded queue's ``put()``, a ``get()`` after waiting until it is non-empty."""
    from asynclint.semantics.nonblocking import cannot_block

    name = sem.call_name(call)
    return name is not None and cannot_block(sem, call, name)


def _in_thread_handoff(sem: SemanticModel, node: ast.AST, stop: ast.AST) -> bool:
    child = node
    p = sem.parent(node)
    while p is not None and p is not stop:
        if type(p) is ast.Call and child is not p.func and sem.is_thread_handoff(p):
            return True
        child = p
        p = sem.parent(p)
    return False


def fingerprint(summary: ModuleSummary) -> bytes:
    """A digest of everything the index can read from ``summary``, equal for equal summaries
    in any process: made of ``repr`` (pickle's output depends on which equal strings are the
    same object) with method sets sorted (a frozenset's order follows the string hash seed).
    Pass 2's memo compares it to tell an edit that changes what other modules see from one
    that does not (a comment, a function body)."""
    import hashlib

    classes = tuple(
        (key, c.name, c.line, c.bases, tuple(sorted(c.methods)), tuple(c.attrs.items()), tuple(c.elements.items()))
        for key, c in summary.classes.items()
    )
    functions = tuple(
        (key, f.name, f.line, f.is_async, f.is_generator, f.decorators, f.returns, f.calls, f.returns_def, f.returns_items, f.returns_elements)
        for key, f in summary.functions.items()
    )
    payload = (
        summary.module, summary.path, summary.is_package, functions, classes, tuple(summary.names.items()), summary.star_imports,
        tuple(summary.elements.items()),
    )
    return hashlib.blake2b(repr(payload).encode("utf-8", "surrogatepass"), digest_size=16).digest()

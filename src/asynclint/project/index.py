"""Pass 2: the project index, built from every module's summary, resolves refs across modules.

``index.value(ref)`` follows a ref (``app.service.Service().repo.save``) through modules,
re-exports, star imports, classes and their project base classes (in MRO order), typed
attributes and annotated returns. Names outside the project become ``external`` values
answered from ``knowledge/``. Anything that cannot be followed is ``UNKNOWN``: unknown is never
a coroutine, never an async context manager, never blocking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable

from asynclint.knowledge.blocking import blocking_for
from asynclint.knowledge import libraries as lib
from asynclint.knowledge.coroutines import (
    CONTEXT_MANAGER_DECORATORS,
    NEUTRAL_BASES,
    PROPERTY_DECORATORS,
    TRANSPARENT_DECORATORS,
)
from asynclint.facts import (
    ASYNC_CONTEXT_MANAGER,
    ASYNC_ITERABLE,
    BLOCKING_CHAIN,
    COROUTINE_FUNCTION,
    IMPORTED_ELSEWHERE,
    PENDING,
    RESOLVES_TO,
    TYPE_OF,
    Answer,
    Chain,
    Question,
    split_chain_limit,
)
from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.knowledge.types import canonical
from asynclint.project.summary import ClassSummary, FunctionSummary, ModuleSummary
from asynclint.semantics.refs import AWAITED, ITER, KEYS, SUPER, UNION, VALUES, extend, is_outside_project, pick_element

_MAX_DEPTH = 24


@dataclass(frozen=True)
class Value:
    """What a ref denotes.

    kind: module | function | class | instance | external | coroutine | asyncgen | tuple | union |
    unknown. ``external`` values carry a library name (a callable, or a type for instances);
    ``coroutine``/``asyncgen`` are the results of calling such functions; ``tuple`` is the
    fixed tuple a project function returns (its ``function`` says the elements); ``union`` is
    one of several values, its ``name`` their refs joined by ``UNION`` (what the overloads of a
    function return, each overload's own): ``answer()`` asks about each member; ``container``
    is an attribute or module variable declared as a container (``clients: set[Client]``),
    whose ``ITER``/``KEYS``/``VALUES`` members are its elements.
    """

    kind: str
    name: str = ""
    module: ModuleSummary | None = None
    function: FunctionSummary | None = None
    cls: ClassSummary | None = None
    # ``container``: the refs of its (element or key, value) as declared (``ClassSummary.elements``).
    items: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``app/repo.py:41`` for project definitions, "" otherwise."""
        item = self.function or self.cls
        if self.module is None or item is None:
            return ""
        return f"{self.module.path}:{item.line}"

    @property
    def label(self) -> str:
        """``save``, ``UserRepo.save``, ``UserRepo``, ``asyncio.sleep``, ``open``."""
        if self.function is not None:
            return self.function.name
        if self.cls is not None:
            return self.cls.name
        if self.kind == "external":
            return self.name[len("builtins."):] if self.name.startswith("builtins.") else self.name
        return self.name


UNKNOWN = Value("unknown")


def _segments(ref: str) -> list[tuple[str, int]]:
    out = []
    for seg in ref.split("."):
        name = seg.rstrip("()")
        out.append((name, (len(seg) - len(name)) // 2))
    return out


class ProjectIndex:
    """Resolves refs across the project's modules.

    With ``track=True`` it also records which module names each answer read (found or not),
    so pass 2's memo can re-settle, after an edit, only the call sites whose answers read an
    edited module. Cached answers carry their modules with them: a file whose call site hits
    a value another file computed still records everything that value depended on.
    """

    def __init__(
        self,
        summaries: Iterable[ModuleSummary],
        loader: Callable[[str], ModuleSummary | None] | None = None,
        track: bool = False,
        mentioning: Callable[[str], Iterable[str]] | None = None,
    ):
        # The project's modules whose source mentions a word: the ones that may import a name
        # (without it, only the modules given or loaded so far are searched).
        self._mentioning = mentioning
        self.modules: dict[str, ModuleSummary] = {}
        for s in summaries:
            if s is not None:
                self.modules.setdefault(s.module, s)
        # Finds a module of the project not among the summaries (None: there is none).
        self._loader = loader
        self._missing: set[str] = set()
        self._values: dict[str, Value] = {}
        # function key -> (labels of the chain, "path:line" of the blocking call) or None
        self._chains: dict[tuple, tuple[tuple[str, ...], str] | None] = {}
        self._track = track
        # Without modules, only the knowledge tables can answer: a ref rooted anywhere else
        # (the project, an unknown library) is unknown, and saying so at once spares pass 1
        # an evaluation per call site.
        self._knowledge_only = not self.modules and loader is None
        self._reads: list[set[str]] = []  # one set per answer being computed, innermost last
        self._value_reads: dict[str, frozenset[str]] = {}
        self._chain_reads: dict[tuple, frozenset[str]] = {}

    # ------------------------------------------------------------------ dependencies
    def begin_reads(self) -> None:
        """Start collecting the module names read by the questions asked from now on."""
        self._reads.append(set())

    def end_reads(self) -> frozenset[str]:
        return frozenset(self._reads.pop())

    def _replay(self, reads: frozenset[str] | None) -> None:
        if reads and self._reads:
            self._reads[-1].update(reads)

    # ------------------------------------------------------------------ values
    def value(self, ref: str | None, _depth: int = 0) -> Value:
        if not ref or ref == "?" or _depth > _MAX_DEPTH or UNION in ref:
            return UNKNOWN  # a union is no one value: ``answer()`` asks about each member
        if self._knowledge_only:
            root = ref.split(".", 1)[0].rstrip("()")
            if root not in _knowable_roots() and not lib.known_root(root):
                return UNKNOWN
        cached = self._values.get(ref)
        if cached is not None:
            if self._track:
                self._replay(self._value_reads.get(ref))
            return cached
        if len(self._values) > 200_000:  # KNOWLEDGE lives as long as the process (flake8, editors)
            self._values.clear()
            self._value_reads.clear()
        self._values[ref] = UNKNOWN  # a ref that reaches itself stays unknown
        try:
            if not self._track:
                v = self._evaluate(ref, _depth)
            else:
                self._reads.append(set())
                try:
                    v = self._evaluate(ref, _depth)
                finally:
                    reads = frozenset(self._reads.pop())
                self._value_reads[ref] = reads
                self._replay(reads)
        except BaseException:
            # The placeholder must not outlive a failure: left cached, it would answer
            # "unknown" for this ref to every later file, silently dropping their findings.
            self._values.pop(ref, None)
            self._value_reads.pop(ref, None)
            raise
        self._values[ref] = v
        return v

    def _evaluate(self, ref: str, depth: int) -> Value:
        segs = _segments(ref)
        start = 0
        cur = None
        # A module path is a prefix without calls, except perhaps on its last segment.
        longest = len(segs)
        for k, (_, calls) in enumerate(segs):
            if calls:
                longest = k + 1
                break
        for i in range(longest, 0, -1):
            mod = ".".join([n for n, _ in segs[:i]])
            summary = self.module(mod)
            if summary is not None:
                cur = Value("module", mod, summary)
                cur = self._call(cur, segs[i - 1][1], depth)
                start = i
                break
        if cur is None:
            name, calls = segs[0]
            cur = self._call(Value("external", name), calls, depth)
            start = 1
        for name, calls in segs[start:]:
            if cur.kind == "unknown":
                return UNKNOWN
            cur = self._call(self.member(cur, name, depth), calls, depth)
        return cur

    def module(self, name: str) -> ModuleSummary | None:
        if self._reads:
            self._reads[-1].add(name)
        found = self.modules.get(name)
        if found is None and self._loader is not None and name not in self._missing:
            self._missing.add(name)
            loaded = self._loader(name)
            if loaded is not None:
                found = self.modules.setdefault(loaded.module, loaded)
        return found

    def _call(self, v: Value, calls: int, depth: int) -> Value:
        for _ in range(calls):
            v = self.call_result(v, depth)
        return v

    def member(self, owner: Value, name: str, depth: int = 0) -> Value:
        kind = owner.kind
        if kind == "union":  # the member of each: still one of several values
            return Value("union", extend(owner.name, "." + name))
        if name == AWAITED:
            return self._awaited(owner, depth)
        if name in _ELEMENT_PARTS:
            if kind != "container":
                return UNKNOWN
            ref = pick_element((owner.items[0], owner.items[1] or None), name)
            return self.value(ref, depth + 1) if ref and ref != "?" else UNKNOWN
        if kind == "tuple":
            items = owner.function.returns_items
            i = _item_index(name)
            return self.value(items[i], depth + 1) if i is not None and i < len(items) else UNKNOWN
        if kind == "module":
            return self._module_member(owner.module, name, depth)
        if kind in ("class", "instance") and name == SUPER:
            return Value("super", owner.name, owner.module, cls=owner.cls)
        if kind in ("class", "instance", "super"):
            found = self._class_member(owner, name, depth)
            return found if found is not None else UNKNOWN
        if kind == "function":  # a function defined inside this one
            f = owner.module.functions.get(f"{owner.function.name}.{name}")
            return Value("function", f"{owner.name}.{name}", owner.module, function=f) if f else UNKNOWN
        if kind == "external":
            full = canonical(f"{owner.name}.{name}")
            t = lib.attribute_type(full)
            return Value("external", t if t else full)
        return UNKNOWN

    def _awaited(self, v: Value, depth: int) -> Value:
        """The result of ``await``-ing ``v``: a project coroutine function's annotated return,
        or what the tables say a library coroutine gives."""
        if v.kind == "external":  # an instance of a library's awaitable class
            t = lib.awaited_type(canonical(v.name))
            return Value("external", t) if t else UNKNOWN
        if v.kind != "coroutine":
            return UNKNOWN
        if v.function is not None:
            if v.function.returns_items:
                return Value("tuple", v.name, v.module, function=v.function)
            if v.function.returns_elements:
                return Value("container", v.name, v.module, items=v.function.returns_elements)
            return self._returned(v.function.returns, depth)
        t = lib.await_returns(canonical(v.name))
        return Value("external", t) if t else UNKNOWN

    def _module_member(self, mod: ModuleSummary, name: str, depth: int, _seen: frozenset = frozenset()) -> Value:
        entry = mod.names.get(name)
        if entry is not None:
            kind, payload = entry
            if kind == "def":
                f = mod.functions.get(payload)
                return Value("function", f"{mod.module}.{payload}", mod, function=f) if f else UNKNOWN
            if kind == "class":
                c = mod.classes.get(payload)
                return Value("class", f"{mod.module}.{payload}", mod, cls=c) if c else UNKNOWN
            return self.value(payload, depth + 1)  # an import (re-export) or a typed variable
        elements = mod.elements.get(name)
        if elements is not None:
            return Value("container", f"{mod.module}.{name}", mod, items=elements)
        sub = f"{mod.module}.{name}"
        sub_summary = self.module(sub)
        if sub_summary is not None:
            return Value("module", sub, sub_summary)
        for star in mod.star_imports:
            star_summary = self.module(star) if star not in _seen else None
            if star_summary is not None:
                v = self._module_member(star_summary, name, depth + 1, _seen | {mod.module})
                if v.kind != "unknown":
                    return v
        return UNKNOWN

    def mro(self, cls_value: Value, depth: int = 0) -> list[Value]:
        """The class and its bases, depth-first left to right; external bases appear as
        ``external`` values, unresolvable ones as ``UNKNOWN``, neutral ones are dropped."""
        out: list[Value] = []
        seen: set[str] = set()

        def visit(v: Value, d: int) -> None:
            if v.kind != "class" or v.name in seen or d > _MAX_DEPTH:
                if v.kind != "class":
                    out.append(v)
                return
            seen.add(v.name)
            out.append(v)
            for b in v.cls.bases:
                if b in NEUTRAL_BASES:
                    continue
                bv = self.value(b, depth + d + 1)
                if bv.kind == "external" and canonical(bv.name) in NEUTRAL_BASES:
                    continue
                visit(bv if bv.kind in ("class", "external") else UNKNOWN, d + 1)

        visit(Value("class", cls_value.name, cls_value.module, cls=cls_value.cls), 0)
        return out

    def _class_member(self, owner: Value, name: str, depth: int) -> Value | None:
        mro = self.mro(owner, depth)
        for c in mro[1:] if owner.kind == "super" else mro:
            if c.kind == "unknown":
                return UNKNOWN
            if c.kind == "external":
                return self.member(c, name, depth + 1)
            info = c.cls
            if name in info.methods:
                f = c.module.functions.get(f"{info.name}.{name}")
                if f is None:
                    return UNKNOWN
                fv = Value("function", f"{c.module.module}.{f.name}", c.module, function=f)
                if any(d.rstrip("()") in PROPERTY_DECORATORS for d in f.decorators):
                    return self.call_result(fv, depth + 1)
                return fv
            if name in info.attrs:
                return self.value(info.attrs[name], depth + 1)
            if name in info.elements:
                return Value("container", f"{c.name}.{name}", c.module, items=info.elements[name])
        return None  # definitely not defined in the project classes, no unknown base

    def _returned(self, ref: str | None, depth: int) -> Value:
        """The value a project function's annotated return ``ref`` gives: an instance, or,
        for the overloads of a function that return different types, their union."""
        if not ref:
            return UNKNOWN
        if UNION in ref:
            return Value("union", ref)
        r = self.value(ref, depth + 1)
        return r if r.kind in ("instance", "external") else UNKNOWN  # returns are refs of instances

    def call_result(self, v: Value, depth: int = 0) -> Value:
        if v.kind == "union":
            return Value("union", extend(v.name, "()"))
        if v.kind == "class":
            return Value("instance", v.name, v.module, cls=v.cls)
        if v.kind == "function":
            f = v.function
            # The outermost decorator that is not transparent decides what a call gives.
            for d in f.decorators:
                name = d.rstrip("()")
                if name in TRANSPARENT_DECORATORS or name in PROPERTY_DECORATORS:
                    continue  # a property's value is what its getter returns (``_class_member``)
                if name in CONTEXT_MANAGER_DECORATORS:
                    return Value("external", CONTEXT_MANAGER_DECORATORS[name])
                wrapper = self._wrapper(d, depth)
                if wrapper is not None and wrapper.is_async and not wrapper.is_generator:
                    # A project decorator whose wrapper is an ``async def``: calling the
                    # decorated function runs the wrapper, which makes a coroutine.
                    return Value("coroutine", v.name, v.module, function=f)
                return UNKNOWN  # an unknown decorator may return anything: never "sync"
            if f.is_async:
                return Value("asyncgen" if f.is_generator else "coroutine", v.name, v.module, function=f)
            if f.is_generator:
                return UNKNOWN
            if f.returns_def and not f.returns:
                # ``retry(3)`` of ``def retry(n): def deco(fn): ...; return deco``: ``deco``.
                inner = v.module.functions.get(f.returns_def)
                return Value("function", f"{v.module.module}.{inner.name}", v.module, function=inner) if inner else UNKNOWN
            if f.returns_items:
                return Value("tuple", v.name, v.module, function=f)
            if f.returns_elements:
                return Value("container", v.name, v.module, items=f.returns_elements)
            return self._returned(f.returns, depth)
        if v.kind == "external":
            name = canonical(v.name)
            if lib.is_async_context_manager(name) or lib.is_async_iterable(name):
                return Value("external", name)  # the tables name such values by their factory
            if lib.is_coroutine_function(name):
                return Value("coroutine", name)
            r = lib.call_returns(name)
            if r is not None:
                return Value("external", r)
            last = name.rsplit(".", 1)[-1]
            if lib.is_class(name) or last[:1].isupper():
                return Value("external", name)  # an instance of that type
            return Value("external", name + "()")  # only ever matched against the tables
        return UNKNOWN

    def _wrapper(self, decorator: str, depth: int) -> FunctionSummary | None:
        """The function a project decorator (``deco`` or a factory call ``deco(...)``) puts in
        place of the functions it decorates, when it returns a function defined inside it."""
        dv = self.value(decorator, depth + 1)
        if dv.kind != "function" or dv.function is None:
            return None
        inner = dv.function.returns_def
        return dv.module.functions.get(inner) if inner else None

    # ------------------------------------------------------------------ the facts protocol
    def answer(self, question: Question, _depth: int = 0) -> Answer:
        """Pass 2's answer to a question a rule asked (see ``asynclint.facts``): never pending.

        A union (in the subject, or met on the way: the overloads of a function returning
        different types) answers yes when every member does. For the facts whose answer is
        an identity (``TYPE_OF``, ``RESOLVES_TO``) the members must also give the same one."""
        fact, subject, params = question
        if UNION not in subject and fact != IMPORTED_ELSEWHERE:
            v = self.value(subject)
            if v.kind == "union":
                subject = v.name
        if UNION in subject:
            if _depth > 2:
                return None
            first = None
            for member in subject.split(UNION):
                said = self.answer(Question(fact, member, params), _depth + 1)
                if not said:
                    return None
                if first is None:
                    first = said
                elif fact in _IDENTITIES and (said.kind, said.name) != (first.kind, first.name):
                    return None
            return first
        if fact == COROUTINE_FUNCTION:
            return self.coroutine_function(subject)
        if fact == ASYNC_CONTEXT_MANAGER:
            return self.async_context_manager(subject)
        if fact == ASYNC_ITERABLE:
            return self.async_iterable(subject)
        if fact == BLOCKING_CHAIN:
            from asynclint.semantics.guards import split_params

            params, limit = split_chain_limit(params)
            patterns, arguments = split_params(params)
            found = self.blocking_chain(subject, _configured_matcher(patterns) if patterns else None, arguments, limit)
            return Chain(*found) if found is not None else None
        if fact == TYPE_OF:
            return self.type_of(subject)
        if fact == RESOLVES_TO:
            v = self.value(subject)
            return v if v.kind == "external" else None
        if fact == IMPORTED_ELSEWHERE:
            return self.imported_elsewhere(subject, params[0])
        raise ValueError(f"unknown fact {fact!r}")

    def type_of(self, ref: str | None) -> Value | None:
        """The class of the value ``ref`` denotes: a project class's instance, or a library
        type (``external``, named as the knowledge tables name it)."""
        v = self.value(ref)
        if v.kind == "instance":
            return v
        if v.kind == "external" and not v.name.endswith("()"):
            # Library values are named by their type once called (``pathlib.Path()`` is
            # ``pathlib.Path``); a name reached without a call is a type only by its spelling.
            if ref.endswith(")") or v.name.rsplit(".", 1)[-1][:1].isupper():
                return v
        return None

    # ------------------------------------------------------------------ questions rules ask
    def imported_elsewhere(self, module: str, name: str) -> bool:
        """Whether another module of the project imports ``name`` from ``module`` (``from m
        import name``), or ``module`` itself (``import m``, a star import), at its top level."""
        names = list(self.modules)
        if self._mentioning is not None:
            names += [m for m in self._mentioning(name) if m not in self.modules]
        wanted = (f"{module}.{name}", module)
        for other in names:
            if other == module:
                continue
            summary = self.module(other)
            if summary is None:
                continue
            if module in summary.star_imports:
                return True
            if any(kind == "import" and payload in wanted for kind, payload in summary.names.values()):
                return True
        return False

    def coroutine_function(self, ref: str | None) -> Value | None:
        """The callee, when calling ``ref`` certainly returns a coroutine."""
        v = self.value(ref)
        if v.kind == "external":
            return v if lib.is_coroutine_function(canonical(v.name)) else None
        if v.kind == "function" and self.call_result(v).kind == "coroutine":
            return v
        return None

    def async_context_manager(self, ref: str | None) -> Value | None:
        """The class/name that makes the value of ``ref`` usable only with ``async with``."""
        v = self.value(ref)
        if v.kind == "external":
            return v if lib.is_async_context_manager(canonical(v.name)) else None
        if v.kind == "instance":
            return self._async_only(v, "__aenter__", "__enter__", lib.is_async_context_manager)
        return None

    def async_iterable(self, ref: str | None) -> Value | None:
        """The definition that makes the value of ``ref`` iterable only with ``async for``."""
        v = self.value(ref)
        if v.kind == "asyncgen":
            return v
        if v.kind == "external":
            return v if lib.is_async_iterable(canonical(v.name)) else None
        if v.kind == "instance":
            return self._async_only(v, "__aiter__", ("__iter__", "__getitem__"), lib.is_async_iterable)
        return None

    def _async_only(self, inst: Value, async_name: str, sync_names, is_async_type: Callable[[str], bool]) -> Value | None:
        if isinstance(sync_names, str):
            sync_names = (sync_names,)
        found = None
        for c in self.mro(inst):
            if c.kind == "unknown":
                return None
            if c.kind == "external":
                if is_async_type(canonical(c.name)) and found is None:
                    found = c
                    continue
                return None
            methods = c.cls.methods
            if any(n in methods for n in sync_names):
                return None
            if async_name in methods and found is None:
                found = c
        return found

    # ------------------------------------------------------------------ ASL110
    def blocking_chain(
        self,
        ref: str | None,
        also_blocking: Callable[[str], bool] | None = None,
        arguments: tuple | None = None,
        limit: int | None = None,
    ) -> tuple[Value, tuple[str, ...], str] | None:
        """For a call of a project sync function that reaches a blocking call: the function,
        the chain of labels, ``("load()", "read_config()", "open()")``, and where the blocking
        call at its end is (``app/config.py:12``). ``also_blocking`` adds
        names the configuration lists as blocking (ASL109's ``blocking-calls``). ``arguments``
        (the call's argument classes, ``semantics.guards.argument_classes``) drop the calls of
        the first function that run only on an ``isinstance`` branch those arguments never take:
        ``File(io.BytesIO(data))`` does not reach the ``open(fp)`` of the path branch."""
        v = self.value(ref)
        target = self._sync_body(v)
        if target is None:
            return None
        start = target
        if arguments is not None and any(g is not None for _r, _l, g in target.function.calls):
            start = self._narrowed(target, arguments)
        chain = self._chain(start, set(), also_blocking, memo=start is target)
        if chain and limit and len(chain[0]) - 1 > limit:
            # The first chain is too long; a shorter one may still exist.
            chain = self._bounded_chain(start, limit, also_blocking, {})
        return (target, *chain) if chain else None

    def _narrowed(self, fv: Value, arguments: tuple) -> Value:
        """The function with the calls these arguments never reach left out (a guarded branch
        they do not take). Its chain holds for these arguments only: not memoised."""
        from asynclint.semantics.guards import branch_taken

        positional, keywords = arguments
        calls = tuple(c for c in fv.function.calls if c[2] is None or branch_taken(c[2], positional, keywords) is not False)
        if len(calls) == len(fv.function.calls):
            return fv
        return Value(fv.kind, fv.name, fv.module, replace(fv.function, calls=calls), fv.cls)

    def _bounded_chain(self, fv: Value, budget: int, also_blocking, failed: dict) -> tuple[tuple[str, ...], str] | None:
        """The first chain (in call order) from ``fv`` through at most ``budget`` functions,
        ``fv`` included. Rarely asked (only when the first chain is longer), and bounded by
        ``budget``; ``failed`` remembers the largest budget each function had no chain within."""
        if budget <= 0 or failed.get(fv.name, -1) >= budget:
            return None
        for ref, line, _guard in fv.function.calls:
            cv = self.value(ref)
            if cv.kind == "external":
                name = canonical(cv.name)
                if blocking_for(name) is not None or (also_blocking is not None and also_blocking(name)):
                    return (fv.label + "()", cv.label + "()"), f"{fv.module.path}:{line}"
                continue
            inner = self._sync_body(cv)
            if inner is None or inner.name == fv.name:
                continue
            found = self._bounded_chain(inner, budget - 1, also_blocking, failed)
            if found:
                return (fv.label + "()", *found[0]), found[1]
        failed[fv.name] = max(budget, failed.get(fv.name, -1))
        return None

    def _sync_body(self, v: Value) -> Value | None:
        """The project function whose body runs when ``v`` is called synchronously."""
        if v.kind == "class":
            init = self._class_member(v, "__init__", 0)
            return self._sync_body(init) if init is not None and init.kind == "function" else None
        if v.kind != "function":
            return None
        f = v.function
        if f.is_async or f.is_generator:
            return None
        if not all(d.rstrip("()") in TRANSPARENT_DECORATORS for d in f.decorators):
            return None
        return v

    def _chain(self, start: Value, active: set[str], also_blocking, memo: bool = True) -> tuple[tuple[str, ...], str] | None:
        """The first chain of calls from ``start`` to a blocking call (depth first, in call
        order) and the place of that blocking call, memoized per function. Iterative: a chain of thousands of sync helpers must
        not exhaust the interpreter's stack (it did at about 500)."""
        stack: list[list] = []  # [function value, memo key, its remaining calls, result]
        reads_base = len(self._reads)

        def enter(fv: Value, keyed: bool = True) -> tuple[bool, tuple[tuple[str, ...], str] | None]:
            """(entered, result): a new frame to explore, or the answer known already."""
            key = (fv.module.module, fv.function.name, also_blocking) if keyed else None
            if key is not None and key in self._chains:
                if self._track:
                    self._replay(self._chain_reads.get(key))
                return False, self._chains[key]
            if fv.name in active:
                return False, None
            if self._track:
                self._reads.append(set())
            active.add(fv.name)
            stack.append([fv, key, iter(fv.function.calls), None])
            return True, None

        try:
            # ``memo=False``: a function narrowed to some of its calls, whose answer holds for
            # one call's arguments only: not memoised under the function's key.
            entered, known = enter(start, memo)
            if not entered:
                return known
            answer: tuple[tuple[str, ...], str] | None = None
            returned = False  # a callee's frame just finished with ``answer``
            while stack:
                frame = stack[-1]
                fv, key, calls = frame[0], frame[1], frame[2]
                done = False
                if returned:
                    returned = False
                    if answer:
                        frame[3] = ((fv.label + "()", *answer[0]), answer[1])
                        done = True
                descended = False
                while not done:
                    item = next(calls, None)
                    if item is None:
                        done = True
                        break
                    cv = self.value(item[0])
                    if cv.kind == "external":
                        name = canonical(cv.name)
                        if blocking_for(name) is not None or (also_blocking is not None and also_blocking(name)):
                            frame[3] = ((fv.label + "()", cv.label + "()"), f"{fv.module.path}:{item[1]}")
                            done = True
                        continue
                    inner = self._sync_body(cv)
                    if inner is None:
                        continue
                    entered, known = enter(inner)
                    if entered:
                        descended = True
                        break
                    if known:
                        frame[3] = ((fv.label + "()", *known[0]), known[1])
                        done = True
                if descended:
                    continue
                stack.pop()
                result = frame[3]
                active.discard(fv.name)
                if key is not None and (result is not None or not active):
                    self._chains[key] = result
                if self._track:
                    reads = frozenset(self._reads.pop())
                    if key is not None and key in self._chains:
                        self._chain_reads[key] = reads
                    self._replay(reads)
                answer, returned = result, True
            return answer
        except BaseException:
            # Leave no half-explored state behind for the next question.
            for frame in stack:
                active.discard(frame[0].name)
            del self._reads[reads_base:]
            raise


_ELEMENT_PARTS = frozenset({ITER, KEYS, VALUES})
_IDENTITIES = frozenset({TYPE_OF, RESOLVES_TO})
"""Facts whose yes is a value a rule reads (which type, which library function): a union
answers them only when every member gives the same one."""


def _item_index(name: str) -> int | None:
    """0 for ``<item0>``."""
    if name.startswith("<item") and name.endswith(">") and name[5:-1].isdigit():
        return int(name[5:-1])
    return None


_ROOTS: frozenset[str] | None = None


def _knowable_roots() -> frozenset[str]:
    """First segments of every name the knowledge tables know, and the stdlib's modules."""
    global _ROOTS
    if _ROOTS is None:
        from asynclint.knowledge import blocking, coroutines, libraries, types
        from asynclint.semantics.refs import _STDLIB

        roots = set(_STDLIB) | set(coroutines.LIBRARIES) | set(libraries.GENERATED)
        for module in (blocking, coroutines, types):
            for name, table in vars(module).items():
                if name.isupper() and isinstance(table, (dict, set, frozenset)):
                    roots.update(k.split(".", 1)[0].rstrip("()") for k in table if isinstance(k, str))
                    if isinstance(table, dict):
                        roots.update(v.split(".", 1)[0].rstrip("()") for v in table.values() if isinstance(v, str))
        _ROOTS = frozenset(roots)
    return _ROOTS


KNOWLEDGE = ProjectIndex(())
"""Resolves refs with knowledge only: what a file can decide without the project."""


def library_name(ref: str) -> str | None:
    """The library callable a ref outside the project names, by the knowledge alone (what
    ``project.summary.summarize`` needs to read a helper's calls)."""
    v = KNOWLEDGE.value(ref)
    return v.name if v.kind == "external" else None


class FileFacts:
    """Pass 1's answerer: the knowledge tables and what the file says (its refs already carry
    its imports and local types). Says ``PENDING`` when only the project can answer: the
    subject is rooted in the project (or a library without tables), or the fact is about the
    project (``IMPORTED_ELSEWHERE``)."""

    def __init__(self, knowledge: ProjectIndex = KNOWLEDGE):
        self._knowledge = knowledge

    def answer(self, question: Question) -> Answer:
        fact, subject, params = question
        if fact == IMPORTED_ELSEWHERE:
            return PENDING
        if UNION in subject:
            first, pending = None, False
            for member in subject.split(UNION):
                said = self.answer(Question(fact, member, params))
                if said is PENDING:
                    pending = True
                elif not said:
                    return None
                else:
                    first = first or said
            return PENDING if pending else first
        if fact != BLOCKING_CHAIN:  # chains run through project functions: never in the tables
            known = self._knowledge.answer(question)
            if known:
                return known
        return None if is_outside_project(subject, LIBRARIES) else PENDING


FILE_FACTS = FileFacts()


def _configured_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a resolved name matches one of the ``blocking-calls`` patterns (as written, or
    as shown: ``open`` for ``builtins.open``). One matcher per pattern set, so the chains'
    memo (keyed by it) is shared by every call site of a run."""
    found = _MATCHERS.get(patterns)
    if found is None:
        import fnmatch

        def found(name: str) -> bool:
            shown = name[len("builtins."):] if name.startswith("builtins.") else name
            return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(shown, p) for p in patterns)

        _MATCHERS[patterns] = found
    return found


_MATCHERS: dict[tuple[str, ...], Callable[[str], bool]] = {}

"""How fix text may name a module at a given place: a name that really denotes the module
there, or an import the fixer adds (under a fresh alias when the module's own name is taken).

``time.sleep(1)`` -> ``await asyncio.sleep(1)`` is only safe when ``asyncio``, at that line,
is the module: not a parameter, a local, a class attribute, a name rebound at module level, an
import that only runs under ``TYPE_CHECKING`` or one made after a module-level use. Computed
once per file (a per-finding scan of the module's bindings made a big file quadratic).
"""

from __future__ import annotations

import ast

_ATTR = "_asl_module_names"


class ModuleNames:
    """The file's module-level import aliases and every name it binds anywhere."""

    def __init__(self, sem):
        self.sem = sem
        self._aliases: dict[str, list[str]] = {}
        self._bound: set[str] | None = None
        self._star: bool | None = None

    def aliases(self, module: str) -> list[str]:
        """Module-level names bound only by ``import module`` (or ``import module as x``) at
        run time; the module's own name first."""
        found = self._aliases.get(module)
        if found is None:
            found = self._aliases[module] = []
            for name, binds in self.sem.module_scope.bindings.items():
                if binds and all(b.kind == "import" and b.target == module and type(b.node) is ast.Import and not _type_checking_only(self.sem, b.node) for b in binds):
                    found.append(name)
            found.sort(key=lambda n: (n != module, n))
        return found

    @property
    def bound(self) -> set[str]:
        """Every name bound in any scope of the file (and every name a star import or a
        ``global`` could bring): a fresh alias must be none of them."""
        if self._bound is None:
            bound: set[str] = set()
            scopes = {id(self.sem.module_scope): self.sem.module_scope}
            for nodes in self.sem.by_type.values():
                for n in nodes:
                    s = getattr(n, "_asl_scope", None)
                    if s is not None:
                        scopes[id(s)] = s
            for s in scopes.values():
                bound.update(s.bindings)
                bound.update(s.globals)
            self._bound = bound
        return self._bound

    @property
    def star_import(self) -> bool:
        """A module-level ``from x import *`` may bind any name, the module's included."""
        if self._star is None:
            sem = self.sem
            self._star = any(any(a.name == "*" for a in n.names) and sem.scope_of(n) is sem.module_scope for n in sem.by_type.get(ast.ImportFrom, ()))
        return self._star


def module_names(sem) -> ModuleNames:
    found = sem.__dict__.get(_ATTR)
    if found is None:
        found = ModuleNames(sem)
        setattr(sem, _ATTR, found)
    return found


def _type_checking_only(sem, node: ast.AST) -> bool:
    """Under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): never runs."""
    child, p = node, sem.parent(node)
    while p is not None:
        if type(p) is ast.If and child in p.body:
            test = p.test
            name = test.id if type(test) is ast.Name else test.attr if type(test) is ast.Attribute else None
            if name == "TYPE_CHECKING":
                return True
        child, p = p, sem.parent(p)
    return False


def _in_function(sem, node: ast.AST) -> bool:
    s = sem.scope_of(node)
    while s is not None:
        if s.kind in ("function", "lambda"):
            return True
        s = s.parent
    return False


def module_ref(sem, module: str, node: ast.AST) -> tuple[str, tuple[str, ...]]:
    """(name to write, imports the fixer must add) for ``module`` at ``node``. An import is
    ``"asyncio"`` or ``"asyncio as asyncio_"``; the fixer adds each once, at the top."""
    names = module_names(sem)
    scope = sem.scope_of(node)
    module_bindings = sem.module_scope.bindings
    # A module-level use runs before any import placed after it.
    runs_later = _in_function(sem, node)
    for name in names.aliases(module):
        binds = module_bindings[name]
        if sem.lookup(name, scope) is not binds:
            continue  # shadowed here (a parameter, a local, a class attribute)
        if runs_later or all(b.node.lineno < node.lineno for b in binds):
            return name, ()
    head = module.split(".", 1)[0]
    if head == module and not names.star_import and sem.lookup(module, scope) is None and module not in module_bindings:
        return module, (module,)
    alias = _fresh(f"{module.replace('.', '_')}_", names.bound)
    return alias, (f"{module} as {alias}",)


def _fresh(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"

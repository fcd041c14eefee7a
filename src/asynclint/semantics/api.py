"""Which library API a piece of code names, for the rules that flag a deprecated or removed
name wherever it appears (ASL405, ASL406, ASL408, ASL409): through imports, aliases and
re-exports, spelled in its canonical form (``asyncio.coroutines.coroutine`` is
``asyncio.coroutine``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from asynclint.knowledge.types import canonical

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


def api_read(sem: SemanticModel, node: ast.AST) -> str | None:
    """The canonical qualified name a read of a name or attribute denotes; None when it is
    assigned or deleted rather than read, or cannot be resolved."""
    if type(node.ctx) is not ast.Load:
        return None
    q = sem.qualname(node)
    return None if q is None else canonical(q)


def imported_apis(sem: SemanticModel, node: ast.ImportFrom) -> Iterator[tuple[ast.alias, str]]:
    """Each name of ``from module import ...`` with the canonical qualified name it imports
    (relative imports resolved against this module)."""
    base = sem.resolve_relative(node.module, node.level)
    for alias in node.names:
        yield alias, canonical(f"{base}.{alias.name}")

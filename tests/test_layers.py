"""Layers import downwards only: the semantic model, the knowledge tables and the project index
never import a rule, and the import loops that remain are the ones listed here (a new one
fails this test; breaking one means deleting its line)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "asynclint"

# Loops left, each a strongly connected group (none since the 2026-12-07 session).
KNOWN_LOOPS: set[frozenset[str]] = set()


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Every ``asynclint`` module and the ``asynclint`` modules it imports anywhere in its
    body (function-level imports included: they close loops just the same; imports under
    ``if TYPE_CHECKING:`` left out, since they never run)."""
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text())
        typing_only = {
            id(n)
            for guard in ast.walk(tree)
            if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.dump(guard.test)
            for stmt in guard.body
            for n in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # ``from pkg import sub`` imports the module ``pkg.sub``; ``from mod import x``
                # imports ``mod``.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("asynclint"):
                    graph[name].add(t)
    return graph


def _loops(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: set[frozenset[str]] = set()
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                out.add(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_lower_layers_never_import_a_rule():
    graph = import_graph()
    lower = ("asynclint.semantics", "asynclint.knowledge", "asynclint.project", "asynclint.facts")
    wrong = sorted(
        (m, t) for m, targets in graph.items() if m.startswith(lower) for t in targets if t.startswith("asynclint.rules")
    )
    assert wrong == []


def test_no_import_loop_but_the_known_ones():
    assert _loops(import_graph()) <= KNOWN_LOOPS, sorted(map(sorted, _loops(import_graph())))

"""semantics.flow.binding_reads: which reads each binding of a name reaches (exact lines)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantics.flow import binding_reads
from asynclint.semantics.model import SemanticModel


def reaches(source: str) -> dict[int, list[int] | None]:
    """Line of each binding of ``x`` -> the lines of the reads it reaches."""
    source = textwrap.dedent(source).lstrip("\n")
    tree = ast.parse(source)
    sem = SemanticModel(tree, source.splitlines(True))
    out = {}
    for node in ast.walk(tree):
        if type(node) is ast.Name and node.id == "x" and type(node.ctx) is ast.Store:
            reads = binding_reads(sem, node)
            out[node.lineno] = None if reads is None else sorted(r.lineno for r in reads)
    return out


CASES = {
    "rebound before use": (
        """
        async def f():
            x = a()
            x = await a()
            return x
        """,
        {2: [], 3: [4]},
    ),
    "branches join": (
        """
        def f(c):
            x = a()
            if c:
                x = b()
            return x
        """,
        {2: [5], 4: [5]},
    ),
    "del ends the binding": (
        """
        def f():
            x = a()
            del x
            x = 1
            return x
        """,
        {2: [], 4: [5]},
    ),
    "loop back edge": (
        """
        def f(items):
            x = a()
            for i in items:
                use(x)
                x = b()
        """,
        {2: [4], 5: [4]},
    ),
    "guard: not a coroutine past iscoroutine() being false": (
        """
        import asyncio

        async def f():
            x = a()
            if asyncio.iscoroutine(x):
                x = await x
            return x
        """,
        {4: [5, 6], 6: [7]},
    ),
    "closure reads count for every binding": (
        """
        def f():
            x = a()
            def inner():
                return x
            x = 2
            return inner
        """,
        {2: [4], 5: [4]},
    ),
    "return ends the path": (
        """
        def f(c):
            x = a()
            if c:
                return
            x = b()
            return x
        """,
        {2: [], 5: [6]},
    ),
    "try: handlers see what the body could have bound": (
        """
        def f():
            x = a()
            try:
                x = b()
            except E:
                use(x)
        """,
        {2: [6], 4: [6]},
    ),
    "augmented assignment reads first": (
        """
        def f():
            x = a()
            x += 1
            return x
        """,
        {2: [3], 3: [4]},
    ),
    "walrus binds in the condition": (
        """
        def f():
            x = a()
            if (x := b()):
                return x
        """,
        {2: [], 3: [4]},
    ),
    "global: unknown": (
        """
        def f():
            global x
            x = a()
        """,
        {3: None},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_binding_reads(name):
    source, expected = CASES[name]
    assert reaches(source) == expected

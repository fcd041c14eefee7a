"""The types part of the semantic model (semantics/types.py) and the refs built on it:
declared types win, inferred ones fill the gaps, unknown stays unknown."""

from __future__ import annotations

import ast
import textwrap

from asynclint.semantics import SemanticModel
from asynclint.semantics.refs import value_ref


def model(src: str) -> SemanticModel:
    src = textwrap.dedent(src).lstrip("\n")
    return SemanticModel(ast.parse(src), src.splitlines(True), "m")


def call_on_line(sem: SemanticModel, line: int) -> ast.Call:
    return next(c for c in sem.nodes(ast.Call) if c.lineno == line and type(c.func) is ast.Attribute and c.func.attr not in ("values", "items"))


def receiver_type(src: str, line: int) -> str | None:
    sem = model(src)
    return sem.type_of(call_on_line(sem, line).func.value)


def test_a_class_level_annotation_wins_over_other_assignments():
    src = """
        import sqlite3

        class Repo:
            conn: sqlite3.Connection

            def __init__(self, conn, factory):
                self.conn = conn
                self.conn = factory()

            def q(self):
                self.conn.execute("")
        """
    assert receiver_type(src, 11) == "sqlite3.Connection"


def test_without_a_declaration_differing_assignments_are_unknown():
    src = """
        import sqlite3

        class Repo:
            def __init__(self, conn):
                self.conn = conn
                self.conn = sqlite3.connect("")

            def q(self):
                self.conn.execute("")
        """
    assert receiver_type(src, 9) is None


def test_container_element_types_flow_into_for_targets_and_comprehensions():
    src = """
        import socket
        from typing import Dict, Optional

        class Hub:
            socks: dict[str, socket.socket]

            def close(self, more: Optional[list[socket.socket]], named: "Dict[str, socket.socket]"):
                for s in self.socks.values():
                    s.close()
                for k, v in self.socks.items():
                    v.close()
                for m in more:
                    m.close()
                [n.close() for n in named.values()]
                for key in self.socks:
                    key.close()
        """
    assert receiver_type(src, 9) == "socket.socket"
    assert receiver_type(src, 11) == "socket.socket"
    assert receiver_type(src, 13) == "socket.socket"
    assert receiver_type(src, 14) == "socket.socket"
    assert receiver_type(src, 16) == "builtins.str"


def test_standard_library_classes_constructed_directly():
    src = """
        import asyncio
        import tempfile

        def f():
            asyncio.Queue().put_nowait(1)
            tempfile.TemporaryFile().read()
            asyncio.sleep(1).close()
        """
    assert receiver_type(src, 5) == "asyncio.Queue"
    assert receiver_type(src, 6) == "io.BufferedRandom"
    assert receiver_type(src, 7) is None  # a coroutine function's result is no instance of it


def test_an_optional_import_keeps_the_module():
    sem = model(
        """
        try:
            import aiohttp
        except ImportError:
            aiohttp = None

        aiohttp.ClientSession
        """
    )
    attr = next(n for n in sem.nodes(ast.Attribute))
    assert sem.qualname(attr) == "aiohttp.ClientSession"


def test_rebinding_keeps_one_ref_and_differing_values_make_a_union():
    sem = model(
        """
        from app.store import A, B

        def f(x, other):
            same = A()
            same = A()
            same.put()
            either = A() if x else B()
            either.put()
            unknown = A()
            unknown = other()
            unknown.put()
        """
    )
    refs = [value_ref(sem, c.func) for c in sorted(sem.nodes(ast.Call), key=lambda c: c.lineno) if type(c.func) is ast.Attribute]
    assert refs == ["app.store.A().put", "app.store.A().put|app.store.B().put", None]


def test_for_targets_over_containers_the_file_cannot_type_are_element_refs():
    sem = model(
        """
        from app.base import Base, REGISTRY, make_all

        class Hub(Base):
            async def close(self, pending):
                for c in self.clients:
                    c.close()
                for k, v in REGISTRY.items():
                    k.close()
                    v.close()
                [v.close() for v in REGISTRY.values()]
                for item in pending:
                    item.close()
                for a, b in self.pairs:
                    a.close()
                for one in make_all():
                    one.close()
        """
    )
    refs = [value_ref(sem, c.func) for c in sorted(sem.nodes(ast.Call), key=lambda c: (c.lineno, c.col_offset)) if type(c.func) is ast.Attribute and c.func.attr == "close"]
    assert refs == [
        "m.Hub().clients.<iter>.close",
        "app.base.REGISTRY.<keys>.close",
        # ``v`` of the loop and ``v`` of the comprehension are two scopes' names
        "app.base.REGISTRY.<values>.close",
        "app.base.REGISTRY.<values>.close",
        None,  # a parameter without a declared type
        None,  # an element unpacked into names
        "app.base.make_all().<iter>.close",  # what it returns is for the index to say
    ]


def test_an_overloaded_function_of_the_file_has_no_one_return_type():
    sem = model(
        """
        from typing import overload

        class A: ...
        class B: ...

        @overload
        def make(x: int) -> A: ...
        @overload
        def make(x: str) -> B: ...
        def make(x):
            ...

        make(1).close()
        """
    )
    call = call_on_line(sem, 13)
    assert sem.type_of(call.func.value) is None
    assert value_ref(sem, call.func) == "m.make().close"

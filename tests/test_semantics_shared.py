"""The shared value-use and function-body helpers of semantics/flow.py and semantics/api.py."""

from __future__ import annotations

import ast
import textwrap

from asynclint.engine import lint_source
from asynclint.semantics import SemanticModel, flow
from asynclint.semantics.api import api_read, imported_apis


def model(src: str) -> SemanticModel:
    src = textwrap.dedent(src)
    return SemanticModel(ast.parse(src), src.splitlines(True), "m")


def calls_named(sem: SemanticModel, name: str) -> list[ast.Call]:
    return sorted((c for c in sem.nodes(ast.Call) if type(c.func) is ast.Name and c.func.id == name), key=lambda c: (c.lineno, c.col_offset))


PLAIN_SRC = """\
import logging
async def f(xs):
    if make(): pass
    make() == 1
    print(make())
    logging.info("%s", make())
    for x in make(): pass
    async for x in make(): pass
    _ = make()
    a = make() or make()
    if make() or make(): pass
    bool(make())
    [make()]
    await make()
    return make()
"""


def test_plain_value_use_speaks_usage_of_vocabulary():
    sem = model(PLAIN_SRC)
    got = [(c.lineno, flow.plain_value_use(sem, c)) for c in calls_named(sem, "make")]
    assert got == [
        (3, flow.TESTED),
        (4, flow.COMPARED),
        (5, flow.FORMATTED),
        (6, flow.FORMATTED),
        (7, flow.ITERATED),
        (8, None),
        (9, flow.DISCARDED),
        (10, flow.TESTED),  # not the last operand: it is tested before `or` hands anything on
        (10, None),  # the last operand is the value of the whole expression
        (11, flow.TESTED),
        (11, flow.TESTED),
        (12, flow.TESTED),
        (13, None),
        (14, None),
        (15, None),
    ]


def test_never_handed_on():
    sem = model(
        """\
        async def f():
            quiet = make()
            print(quiet)
            if quiet: pass
            passed = make()
            g(passed)
            never = make()
        """
    )
    targets = {c.lineno: flow.assigned_name(sem, c) for c in calls_named(sem, "make")}
    assert {line: flow.never_handed_on(sem, t) for line, t in targets.items()} == {2: True, 5: False, 7: True}


def test_walrus_in_a_lambda_is_judged_not_crashed_on():
    # A lambda's body is one expression, not a list of statements: walking it used to raise.
    src = "import asyncio\n\nasync def main(x):\n    return lambda: (t := asyncio.create_task(x))\n"
    result = lint_source(src, "m.py")
    assert [(f.line, f.code) for f in result.findings] == []
    sem = model(src)
    (call,) = [c for c in sem.nodes(ast.Call) if type(c.func) is ast.Attribute]
    assert flow.usage_of(sem, call) == flow.RETURNED


def test_is_generator_ignores_nested_scopes():
    sem = model(
        """\
        def outer():
            def inner():
                yield 1
            g = lambda: (yield)
        def gen():
            yield
        """
    )
    funcs = {f.name: f for f in sem.nodes(ast.FunctionDef)}
    assert (flow.is_generator(funcs["outer"]), flow.is_generator(funcs["inner"]), flow.is_generator(funcs["gen"])) == (False, True, True)


def test_api_read_and_imported_apis():
    sem = model(
        """\
        import asyncio as aio
        from asyncio import coroutines as c, TimeoutError as TE
        aio.TimeoutError
        c.coroutine
        aio.x = 1
        """
    )
    attrs = sorted(sem.nodes(ast.Attribute), key=lambda a: a.lineno)
    assert [api_read(sem, a) for a in attrs] == ["asyncio.TimeoutError", "asyncio.coroutine", None]
    (imp,) = sem.nodes(ast.ImportFrom)
    assert [(alias.name, api) for alias, api in imported_apis(sem, imp)] == [("coroutines", "asyncio.coroutines"), ("TimeoutError", "asyncio.TimeoutError")]

from __future__ import annotations

import ast
import fnmatch
import re
from types import SimpleNamespace
from typing import TYPE_CHECKING

from asynclint.rule import Example, Option, Rule, RuleContext
from asynclint.semantics.flow import contains_await_point, dotted_name, is_generator

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


DEFAULT_DECORATORS = [
    "*.get",
    "*.post",
    "*.put",
    "*.patch",
    "*.delete",
    "*.head",
    "*.options",
    "*.route",
    "*.api_route",
    "*.websocket",
    "*.websocket_route",
    "*.middleware",
    "*.exception_handler",
    "*.on_event",
    "*.listener",
    "*.event",
    "*.on",
    "*.command",
    "*.task",
    "*.handler",
    "*.message_handler",
    "*.subscribe",
    "*.fixture",
    "*.hookimpl",
]

# Declarations whose body is not meant to do anything (protocols, placeholders).
_ABSTRACT = frozenset({"abc.abstractmethod", "typing.overload", "typing_extensions.overload"})


class AsyncWithoutAwait(Rule):
    code = "ASL901"
    name = "async-without-await"
    summary = "`async def` that never awaits, iterates or enters anything async"
    opt_in = True
    related = ("ASL201",)
    options = (
        Option(
            "async-function-decorators",
            list,
            DEFAULT_DECORATORS,
            "fnmatch patterns of decorators (dotted name as written, or resolved through imports) "
            "that require an `async def`, whatever its body: functions they decorate are not flagged. "
            "Setting it replaces the default list.",
            'async-function-decorators = ["*.get", "*.post", "mycorp.rpc.endpoint"]',
        ),
        Option(
            "async-function-names",
            list,
            [],
            "fnmatch patterns of function names that a framework looks up by name and calls as "
            "coroutines (plugin hooks): functions so named are not flagged, whatever their body.",
            'async-function-names = ["async_setup", "async_setup_entry", "async_unload_entry", "async_get_*"]',
        ),
    )
    doc = """
    ## What it does
    Flags an `async def` whose own body has no `await`, `async for`, `async with` or async
    comprehension (nested functions do not count). Not flagged: methods (they often
    implement an async interface or override an async method), async generators,
    `@overload`/`@abstractmethod` declarations, bodies that are only a docstring, `pass`,
    `...` or a `raise`, and functions with a decorator that a framework requires to be
    async (routes such as `@app.get(...)`, `@router.post(...)`, `@pytest.fixture`; the
    patterns are set by `async-function-decorators`), and functions whose name a framework
    looks up and calls as a coroutine (plugin hooks such as Home Assistant's
    `async_setup_entry`; the patterns are set by `async-function-names`, empty by default).

    ## Why is this bad?
    Every call of it creates a coroutine object that must be awaited, and every caller must
    be async, for no benefit; a reader expects it to yield to the event loop and it never
    does. Often it means blocking work was written where an `await` was meant.

    ## Instead
    Make it a plain `def`, or await the async call that was forgotten.
    """
    bad = (
        Example(
            """
            import asyncio

            async def add(a, b):  # expect: ASL901
                return a + b

            async def load(path):  # expect: ASL901
                async def reader():
                    await asyncio.sleep(0)
                return reader
            """
        ),
        Example(
            """
            import functools

            @functools.lru_cache
            async def settings():  # expect: ASL901
                return {"debug": True}
            """,
            title="a decorator that does not need an async def",
        ),
    )
    good = (
        Example(
            """
            import pytest
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            router = APIRouter()

            @app.get("/health")
            async def health():
                return {"ok": True}

            @router.post("/items")
            async def create(item):
                return item

            @pytest.fixture
            async def client():
                return object()

            async def ticks():
                yield 1

            async def copy(src, dst):
                async with src.lock:
                    async for chunk in src:
                        dst.write(chunk)

            async def stub():
                ...

            async def todo():
                raise NotImplementedError

            class Handler:
                async def handle(self, request):
                    return request
            """
        ),
        Example(
            """
            import mycorp.rpc

            @mycorp.rpc.endpoint("ping")
            async def ping():
                return "pong"
            """,
            title="a configured decorator",
            config={"async-function-decorators": ["mycorp.rpc.*"]},
        ),
        Example(
            """
            async def async_setup_entry(hass, entry, async_add_entities):
                async_add_entities([Sensor(entry)])

            async def async_get_config_entry_diagnostics(hass, entry):
                return {"title": entry.title}
            """,
            title="plugin hooks a framework calls by name (configured)",
            config={"async-function-names": ["async_setup_entry", "async_get_*"]},
        ),
    )

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.scope_of(node).kind == "class" or _is_placeholder(node.body):
            return
        if contains_await_point(node.body) or is_generator(node):
            return
        if any(fnmatch.fnmatchcase(node.name, p) for p in self.option("async-function-names")):
            return
        patterns = self.option("async-function-decorators")
        for deco in node.decorator_list:
            names = {dotted_name(deco), sem.qualname(deco.func if type(deco) is ast.Call else deco)} - {None}
            if names & _ABSTRACT or any(fnmatch.fnmatchcase(n, p) for n in names for p in patterns):
                return
        ctx.report(
            node,
            f"`async def {node.name}()` never awaits; make it a plain `def`, or await what was forgotten",
            end_node=_header_end(sem, node),
        )


def _is_placeholder(body: list[ast.stmt]) -> bool:
    stmts = body
    if stmts and type(stmts[0]) is ast.Expr and type(stmts[0].value) is ast.Constant and isinstance(stmts[0].value.value, str):
        stmts = stmts[1:]
    if not stmts:
        return True
    if len(stmts) != 1:
        return False
    s = stmts[0]
    return type(s) is ast.Pass or type(s) is ast.Raise or (type(s) is ast.Expr and type(s.value) is ast.Constant and s.value.value is Ellipsis)


def _header_end(sem: SemanticModel, node: ast.AsyncFunctionDef):
    """Where the function's name ends, so the finding covers ``async def name`` only."""
    line = sem.lines[node.lineno - 1] if node.lineno <= len(sem.lines) else ""
    m = re.compile(r"async\s+def\s+" + re.escape(node.name)).search(line)
    if m is None:
        return None
    end_bytes = len(line[: m.end()].encode("utf-8"))
    return SimpleNamespace(lineno=node.lineno, end_lineno=node.lineno, end_col_offset=end_bytes)

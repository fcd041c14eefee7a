from __future__ import annotations

import ast
import fnmatch

from asynclint.rule import Example, Rule, RuleContext
from asynclint.rules._blocking import BLOCKING_CALLS_OPTION, display_name

_WILDCARDS = frozenset("*?[")

_CONFIG = {
    "blocking-calls": {
        "mycorp.db.query": "`await mycorp.db.aquery(...)`",
        "mycorp.db.Client.fetch*": "`mycorp.db.AsyncClient`",
        "legacy.*": "",
    }
}


class BlockingCallConfigured(Rule):
    code = "ASL109"
    name = "blocking-call-configured"
    summary = "A call the configuration lists as blocking (`blocking-calls`) in async context"
    related = ("ASL102", "ASL105", "ASL110")
    options = (BLOCKING_CALLS_OPTION,)
    doc = """
    ## What it does
    Flags calls, in async context, of the functions and methods listed in the
    `blocking-calls` option: your own or third-party sync APIs that asynclint cannot know
    block. Keys are qualified names as the code imports them (`mycorp.db.query`, or
    `mycorp.db.Client.fetch` for a method), `fnmatch` patterns allowed (`legacy.*`); the value
    is the suggestion shown in the message. Names are resolved through imports and aliases, a
    method matches only on a receiver known to be of that class, an awaited call never matches,
    and nested sync functions, lambdas and calls handed to threads are left alone, as for the
    built-in blocking rules. A call the built-in rules already know is reported by them too if
    a pattern here also matches it.

    ## Why is this bad?
    A call that blocks stalls the event loop whatever library it comes from.

    ## Instead
    The configured alternative, or `await asyncio.to_thread(func, ...)`.
    """
    bad = (
        Example(
            """
            import legacy.store as store
            from mycorp import db
            from mycorp.db import Client

            async def handler(uid, c: db.Client):
                row = db.query("SELECT 1")  # expect: ASL109
                client = Client()
                client.fetch_one(uid)  # expect: ASL109
                c.fetch_many([uid])  # expect: ASL109
                store.load(uid)  # expect: ASL109
            """,
            config=_CONFIG,
        ),
        Example(
            """
            import mycorp.db

            class Service:
                def __init__(self):
                    self.client = mycorp.db.Client()

                async def get(self, uid):
                    return self.client.fetch_one(uid)  # expect: ASL109
            """,
            title="self attributes",
            config=_CONFIG,
        ),
    )
    good = (
        Example(
            """
            import asyncio

            from mycorp import db

            async def handler(uid, client):
                await db.aquery("SELECT 1")
                await asyncio.to_thread(db.query, "SELECT 1")
                await asyncio.to_thread(lambda: db.query("SELECT 2"))
                client.fetch_one(uid)  # nothing says what client is
                c = db.Client()
                c.close()  # not a listed method

            def sync_handler():
                return db.query("SELECT 1")

            async def outer():
                def inner():
                    return db.query("SELECT 1")
                return await asyncio.to_thread(inner)
            """,
            config=_CONFIG,
        ),
        Example(
            """
            async def main(db):
                db.query("x")  # a parameter, not mycorp.db
            """,
            title="shadowed names",
            config=_CONFIG,
        ),
    )

    def __init__(self, options=None):
        super().__init__(options)
        table = self.option("blocking-calls") or {}
        self.patterns: tuple[tuple[str, str], ...] = tuple(table.items())
        # ``pkg.Client.method`` says ``pkg.Client`` is a class, so ``c = pkg.Client()`` types ``c``;
        # for a module-level function the owner is a module, which no code calls.
        self.owners = frozenset(
            p.rsplit(".", 1)[0] for p, _ in self.patterns if "." in p and not (_WILDCARDS & set(p.rsplit(".", 1)[0]))
        )

    def begin(self, ctx: RuleContext) -> None:
        if self.owners:
            ctx.sem.assumed_classes.update(self.owners)

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        if not self.patterns:
            return
        sem = ctx.sem
        name = sem.call_name(node)
        if name is None:
            return
        shown = display_name(name)
        for pattern, instead in self.patterns:
            if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(shown, pattern):
                break
        else:
            return
        if sem.is_awaited(node) or not sem.in_async_context(node):
            return
        hint = f"use {instead}" if instead else "run it with `await asyncio.to_thread(...)`"
        ctx.report(node, f"`{shown}()` is listed as blocking in `blocking-calls`; {hint}")

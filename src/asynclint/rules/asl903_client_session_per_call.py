from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import name_reads

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


CLIENTS = {"aiohttp.ClientSession": "aiohttp.ClientSession", "httpx.AsyncClient": "httpx.AsyncClient"}
REQUESTS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send", "ws_connect"})
_CLOSERS = frozenset({"close", "aclose"})
_REPEATS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class ClientSessionPerCall(Rule):
    code = "ASL903"
    name = "client-session-per-call"
    summary = "An HTTP client session created for a single request"
    opt_in = True
    related = ("ASL102",)
    doc = """
    ## What it does
    Flags `aiohttp.ClientSession()` and `httpx.AsyncClient()` created inside a function that
    makes exactly one request with it (`session.get(...)`, `.post(...)`, `.request(...)`,
    ...), outside any loop, and does nothing else with it than closing it: it is not
    returned, stored or passed anywhere. `httpx.AsyncClient().get(url)` in one expression
    is flagged too.

    ## Why is this bad?
    A session owns a connection pool (and, for aiohttp, a DNS cache and cookie jar). Making
    one per request pays a new TCP and TLS handshake every time and defeats keep-alive;
    under load it exhausts sockets.

    ## Instead
    Create one session for the application (or for a batch of requests), pass it to the
    functions that make requests, and close it on shutdown.
    """
    bad = (
        Example(
            """
            import aiohttp
            import httpx

            async def fetch(url):
                async with aiohttp.ClientSession() as session:  # expect: ASL903
                    async with session.get(url) as resp:
                        return await resp.text()

            async def post(url, data):
                client = httpx.AsyncClient()  # expect: ASL903
                reply = await client.post(url, json=data)
                await client.aclose()
                return reply

            async def fetch_each(urls):
                for url in urls:
                    client = httpx.AsyncClient()  # expect: ASL903
                    print(await client.get(url))

            async def ping(url):
                return await httpx.AsyncClient().get(url)  # expect: ASL903
            """
        ),
        Example(
            """
            from aiohttp import ClientSession as Session

            async def fetch(url):
                async with Session() as s, s.get(url) as resp:  # expect: ASL903
                    return await resp.json()
            """,
            title="alias, one with statement",
        ),
    )
    good = (
        Example(
            """
            import aiohttp
            import httpx

            async def fetch_all(urls):
                async with aiohttp.ClientSession() as session:
                    for url in urls:
                        async with session.get(url) as resp:
                            print(await resp.text())

            async def sync_state(url):
                async with httpx.AsyncClient() as client:
                    state = await client.get(url)
                    await client.post(url, json=state.json())

            async def make_client():
                return httpx.AsyncClient()

            async def crawl(url):
                async with aiohttp.ClientSession() as session:
                    return await walk(session, url)

            async def fetch(session: aiohttp.ClientSession, url):
                async with session.get(url) as resp:
                    return await resp.text()
            """
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        name = sem.call_name(node)
        if name not in CLIENTS or sem.enclosing_function(node) is None:
            return
        parent = sem.parent(node)
        tp = type(parent)
        if tp is ast.Attribute:
            if parent.attr in REQUESTS and type(sem.parent(parent)) is ast.Call and sem.parent(parent).func is parent:
                self._report(node, ctx, name)
            return
        if tp is ast.withitem and type(parent.optional_vars) is ast.Name:
            target, stops = parent.optional_vars, {id(sem.parent(parent))}
        elif tp is ast.Assign and len(parent.targets) == 1 and type(parent.targets[0]) is ast.Name:
            # Any block that holds the assignment holds the requests that follow it too.
            target, stops = parent.targets[0], {id(a) for a in sem.ancestors(parent)}
        else:
            return
        scope = sem.scope_of(target)
        if scope.kind != "function":
            return  # module or class level: shared, not per call
        requests = 0
        for read in name_reads(sem, target):
            attr = sem.parent(read)
            call = sem.parent(attr)
            if type(attr) is not ast.Attribute or type(call) is not ast.Call or call.func is not attr:
                return  # passed on, returned, stored: not ours to judge
            if attr.attr in _CLOSERS:
                continue
            if attr.attr not in REQUESTS or _repeated(sem, call, stops):
                return
            requests += 1
        if requests == 1:
            self._report(node, ctx, name)

    @staticmethod
    def _report(node: ast.Call, ctx: RuleContext, name: str) -> None:
        short = CLIENTS[name].rsplit(".", 1)[-1]
        ctx.report(
            node,
            f"a new `{short}` for a single request pays a fresh connection every time; create "
            "one client for the application and pass it in",
        )


def _repeated(sem: SemanticModel, call: ast.AST, stops: set[int]) -> bool:
    """Whether ``call`` may run more than once per creation of the client: it sits in a loop,
    comprehension or nested function below the block where the client is made (``stops``)."""
    for anc in sem.ancestors(call):
        if id(anc) in stops:
            return False
        if isinstance(anc, _REPEATS) or isinstance(anc, _SCOPES):
            return True
    return False

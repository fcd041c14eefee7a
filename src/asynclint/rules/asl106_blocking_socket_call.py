from __future__ import annotations

import ast

from asynclint.rule import Example, RuleContext
from asynclint.rules._blocking import BlockingCallRule, blocking_call, display_name

# ``getaddrinfo(..., flags=AI_NUMERICHOST)`` only parses a numeric address: no DNS, no wait
# (the documented way to skip the resolver thread for literal IPs).
_NUMERIC_HOST = "socket.AI_NUMERICHOST"
_FLAGS_POSITION = 5  # getaddrinfo(host, port, family, type, proto, flags)


class BlockingSocketCall(BlockingCallRule):
    code = "ASL106"
    name = "blocking-socket-call"
    summary = "Synchronous socket, DNS or `select.select` calls in async context"
    kind = "a blocking socket call"
    related = ("ASL102", "ASL110")
    doc = """
    ## What it does
    Flags, in async context, `socket.create_connection`, the resolver functions
    (`socket.getaddrinfo`, `gethostbyname`, `gethostbyaddr`, `getfqdn`, ...), `select.select`,
    and `recv`/`send`/`sendall`/`accept`/`connect` (and their variants) on a socket known to
    be one: made with `socket.socket(...)`, `socket.create_connection(...)`,
    `socket.create_server(...)`, wrapped by `ssl`, or annotated `socket.socket`.
    `getaddrinfo(..., flags=...)` whose flags include `AI_NUMERICHOST` (directly or through a
    constant) is not reported: it only parses a literal address and never asks DNS.

    ## Why is this bad?
    A blocking socket waits for the peer in the event loop's thread, and the resolver
    functions wait for DNS, which can take seconds when a name server is slow or unreachable.

    ## Instead
    `reader, writer = await asyncio.open_connection(host, port)` (or
    `asyncio.start_server`), `await loop.getaddrinfo(...)`, and for raw sockets the
    `loop.sock_recv`/`sock_sendall`/`sock_accept`/`sock_connect` methods on a non-blocking
    socket.
    """
    bad = (
        Example(
            """
            import socket

            async def ping(host, port):
                sock = socket.create_connection((host, port))  # expect: ASL106
                sock.sendall(b"PING")  # expect: ASL106
                return sock.recv(4)  # expect: ASL106
            """
        ),
        Example(
            """
            import select
            import socket as s
            from socket import gethostbyname as resolve

            async def main(host, conns):
                resolve(host)  # expect: ASL106
                s.getaddrinfo(host, 80)  # expect: ASL106
                select.select(conns, [], [], 1.0)  # expect: ASL106
                srv = s.socket(s.AF_INET, s.SOCK_STREAM)
                srv.bind(("", 8080))
                conn, addr = srv.accept()  # expect: ASL106
            """,
            title="aliases",
        ),
        Example(
            """
            import socket
            import ssl

            class Client:
                sock: socket.socket

                def __init__(self, host):
                    ctx = ssl.create_default_context()
                    self.tls = ctx.wrap_socket(socket.socket(), server_hostname=host)

                async def send(self, data):
                    self.sock.send(data)  # expect: ASL106
                    self.tls.sendall(data)  # expect: ASL106

            async def annotated(sock: socket.socket):
                sock.connect(("example.com", 80))  # expect: ASL106
            """,
            title="self attributes, ssl and annotations",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import socket

            async def ping(host, port):
                reader, writer = await asyncio.open_connection(host, port)
                loop = asyncio.get_running_loop()
                await loop.getaddrinfo(host, port)
                sock = socket.socket()
                sock.setblocking(False)
                await loop.sock_connect(sock, (host, port))
                await loop.sock_sendall(sock, b"PING")
                await asyncio.to_thread(socket.gethostbyname, host)
                return socket.gethostname()

            def sync_ping(host, port):
                return socket.create_connection((host, port)).recv(4)

            async def outer(host):
                def inner():
                    return socket.getaddrinfo(host, 80)
                return await asyncio.to_thread(inner)
            """
        ),
        Example(
            """
            import socket

            _NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV

            async def resolve_literal(host, port):
                try:
                    return socket.getaddrinfo(host, port, flags=_NUMERIC)
                except socket.gaierror:
                    return None

            async def resolve_ip(ip):
                return socket.getaddrinfo(ip, 80, 0, 0, 0, socket.AI_NUMERICHOST)
            """,
            title="numeric addresses only (`AI_NUMERICHOST`: no DNS lookup)",
        ),
        Example(
            """
            async def main(sock, writer):
                sock.recv(1024)  # unknown object
                writer.send(b"x")
                queue = {}
                queue.get("x")
            """,
            title="method names alone",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        found = blocking_call(node, ctx, self.code)
        if found is None:
            return
        name, entry = found
        if name == "socket.getaddrinfo" and _numeric_host_only(node, ctx):
            return
        ctx.report(node, f"`{display_name(name)}()` is {self.kind}; use {entry.instead}")


def _numeric_host_only(call: ast.Call, ctx: RuleContext) -> bool:
    flags = next((kw.value for kw in call.keywords if kw.arg == "flags"), None)
    if flags is None and len(call.args) > _FLAGS_POSITION:
        flags = call.args[_FLAGS_POSITION]
    return flags is not None and _sets_numeric_host(flags, ctx, 0)


def _sets_numeric_host(expr: ast.AST, ctx: RuleContext, depth: int) -> bool:
    """Whether the flags expression ORs in ``AI_NUMERICHOST``, directly or through a name
    assigned once (``_NUMERIC_ONLY = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV``)."""
    sem = ctx.sem
    if depth > 4:
        return False
    if type(expr) is ast.BinOp and type(expr.op) is ast.BitOr:
        return _sets_numeric_host(expr.left, ctx, depth + 1) or _sets_numeric_host(expr.right, ctx, depth + 1)
    if sem.qualname(expr) == _NUMERIC_HOST:
        return True
    if type(expr) is ast.Name:
        bindings = sem.lookup(expr.id, sem.scope_of(expr))
        if bindings and len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].value is not None:
            return _sets_numeric_host(bindings[0].value, ctx, depth + 1)
    return False

"""Edges of the blocking-call rules ASL102-ASL108 beyond their examples: exact messages, how
receivers get (and lose) their type, and where async context starts and stops."""

from __future__ import annotations

import textwrap

from asynclint.config import Config
from asynclint.engine import lint_source

BLOCKING = ("ASL101", "ASL102", "ASL103", "ASL104", "ASL105", "ASL106", "ASL107", "ASL108")


def findings(source: str):
    run = lint_source(textwrap.dedent(source).lstrip("\n"), "example.py", Config(select=BLOCKING))
    assert not run.errors, run.errors
    return [(f.line, f.column, f.code, f.message) for f in run.findings]


def lines(source: str):
    return sorted({(line, code) for line, _, code, _ in findings(source)})


def test_messages_name_the_resolved_callee_and_the_alternative():
    got = findings(
        """
        import requests as r
        import sqlite3
        from pathlib import Path

        async def main(conn: sqlite3.Connection):
            r.get("u")
            Path("p").read_text()
            conn.commit()
            input()
        """
    )
    assert got == [
        (6, 5, "ASL102", "`requests.get()` is a blocking HTTP call; use aiohttp or `httpx.AsyncClient`"),
        (7, 5, "ASL104", "`pathlib.Path.read_text()` is blocking file I/O; use `anyio.Path` or `asyncio.to_thread(...)`"),
        (8, 5, "ASL105", "`sqlite3.Connection.commit()` is a blocking database call; use `aiosqlite`"),
        (9, 5, "ASL108", "`input()` is a blocking read of standard input; use `await asyncio.to_thread(input, ...)`"),
    ]


def test_a_name_rebound_to_something_else_loses_its_type():
    assert lines(
        """
        import requests

        async def main(flag):
            s = requests.Session()
            if flag:
                s = {}
            s.get("k")
        """
    ) == []


def test_unpacking_types_element_by_element_only_when_it_lines_up():
    assert lines(
        """
        from pathlib import Path

        async def main(rest):
            a, b = Path("a"), Path("b")
            b.read_text()
            c, *d = Path("c"), Path("d")
            c.read_text()
            e, f = rest
            e.read_text()
        """
    ) == [(5, "ASL104")]


def test_comprehensions_defaults_and_decorators_run_in_the_coroutine():
    assert lines(
        """
        import time

        async def main(paths):
            data = [open(p).read() for p in paths]
            def later(fh=open("defaults.txt")):
                return fh
            @register(open("decorator.txt"))
            def handler():
                open("body, runs later")
            class Local:
                open("class bodies are not the coroutine's")
        """
    ) == [(4, "ASL104"), (5, "ASL104"), (7, "ASL104")]


def test_chained_calls_report_each_blocking_step():
    got = findings(
        """
        import sqlite3

        async def main(conn: sqlite3.Connection):
            return conn.execute("SELECT 1").fetchall()
        """
    )
    assert [(c, m.split("`")[1]) for _, _, c, m in got] == [
        ("ASL105", "sqlite3.Connection.execute()"),
        ("ASL105", "sqlite3.Cursor.fetchall()"),
    ]


def test_non_blocking_arguments():
    assert lines(
        """
        import queue
        import threading

        async def main(q: queue.Queue, lock: threading.Lock, t: threading.Thread):
            q.get(False)
            q.get(block=False)
            q.get(True, 0)
            q.get(True)
            bounded = queue.Queue(maxsize=1)
            bounded.put(1, False)
            bounded.put(1)
            lock.acquire(False)
            lock.acquire(timeout=0)
            lock.acquire(blocking=True)
            t.join(0)
            t.join(timeout=1.0)
            q.put(1)  # a queue made elsewhere: counted as unbounded, never full
        """
    ) == [(8, "ASL107"), (11, "ASL107"), (14, "ASL107"), (16, "ASL107")]


def test_pure_path_helpers_and_path_division():
    assert lines(
        """
        import os
        from pathlib import Path

        async def main(base: Path, name: str):
            os.path.join(name, "x")
            os.path.basename(name)
            os.path.splitext(name)
            (base / name).name
            base.suffix
            base.with_suffix(".txt")
            (base / name / "y").exists()
        """
    ) == [(11, "ASL104")]


def test_pymongo_attribute_and_item_access():
    assert lines(
        """
        import pymongo

        client = pymongo.MongoClient()

        async def main():
            client.shop.orders.find_one({})
            client["shop"].get_collection("orders").insert_one({})
            client.get_database("shop")["orders"].count_documents({})
            client.close()
        """
    ) == [(6, "ASL105"), (7, "ASL105"), (8, "ASL105"), (9, "ASL105")]


def test_a_ternary_with_none_keeps_the_other_branch_type():
    assert lines(
        """
        from pathlib import Path
        import requests

        async def main(name, flag):
            path = Path(name) if name else None
            if path:
                path.read_bytes()
            s = requests.Session() if flag else requests.Session()
            s.get("u")
            mixed = Path(name) if flag else {}
            mixed.get("x")
        """
    ) == [(7, "ASL104"), (9, "ASL102")]


def test_getaddrinfo_is_silent_only_when_the_flags_set_numeric_host():
    assert lines(
        """
        import socket

        NUMERIC = socket.AI_NUMERICHOST
        OTHER = socket.AI_CANONNAME

        async def main(host, flags):
            socket.getaddrinfo(host, 80, flags=NUMERIC | socket.AI_PASSIVE)
            socket.getaddrinfo(host, 80, flags=OTHER)
            socket.getaddrinfo(host, 80, flags=flags)
            socket.getaddrinfo(host, 80, flags=socket.AI_NUMERICSERV)
            socket.gethostbyname(host)
        """
    ) == [(8, "ASL106"), (9, "ASL106"), (10, "ASL106"), (11, "ASL106")]


def test_return_annotations_of_sync_functions_of_the_module_type_their_calls():
    assert lines(
        """
        from pathlib import Path
        import socket

        def make_path(name) -> Path:
            return Path(name)

        async def make_socket() -> socket.socket:
            return socket.socket()

        class Certs:
            def path_of(self, name) -> "Path | None":
                return None

            async def cleanup(self, name):
                make_path(name).unlink()
                self.path_of(name).unlink()
                sock = make_socket()  # a coroutine, not a socket
                sock.recv(1)
        """
    ) == [(15, "ASL104"), (16, "ASL104")]


def test_a_call_that_builds_the_raised_exception_is_not_reported():
    src = (
        "import os, time\n"
        "async def serve(path, ok):\n"
        "    if not ok:\n"
        "        raise RuntimeError(f'missing in {os.path.realpath(path)}') from None\n"  # 4: once, on failure
        "    if ok is None:\n"
        "        raise RuntimeError(open(path).read()) from OSError(os.path.realpath(path))\n"  # 6
        "    error = RuntimeError(os.path.realpath(path))\n"  # 7: built before the raise: reported
        "    raise RuntimeError([os.path.realpath(p) for p in path])\n"  # 8: still once, on failure
    )
    assert lines(src) == [(7, "ASL104")]

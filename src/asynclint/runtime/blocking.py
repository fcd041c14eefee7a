"""Record-only wrappers around blocking callables, driven by the same table as the static
rules (``asynclint.knowledge.blocking.BLOCKING``) plus what only shows at run time: ``open``,
DNS, ``select``, sqlite3 and socket operations on *blocking* sockets.

A wrapper records only while its thread is inside a loop step, at the innermost first-party
frame, and then calls the original; with ``strict`` it raises :class:`BlockingCallError`
instead. Modules are patched when they are imported (a ``sys.meta_path`` finder watches their
names), never imported by us.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

from asynclint.runtime.frames import stack_of
from asynclint.runtime.import_watch import ImportWatcher
from asynclint.runtime.loop_hooks import (
    STEPLESS_LOOPS,
    STEPS,
    note_blocking,
    restore_patches,
)
from asynclint.runtime.state import STATE, emit, guard


class BlockingCallError(RuntimeError):
    """Raised at a blocking call on the event loop thread under ``--strict``."""


def _blocking_socket(args: tuple, kwargs: dict) -> bool:
    try:
        return args[0].gettimeout() != 0.0
    except Exception:
        return False


def _would_block(args: tuple, kwargs: dict) -> bool:
    """``queue.get(block=False)``, ``lock.acquire(False)``, ``timeout=0`` never wait."""
    for key in ("block", "blocking"):
        if key in kwargs and not kwargs[key]:
            return False
    if kwargs.get("timeout", None) == 0:
        return False
    if len(args) > 1 and args[1] is False:
        return False
    return True


_SOCKET = "use `asyncio.open_connection`/`loop.sock_*` or a non-blocking socket"
# (qualified name, code, instead, argument check)
RUNTIME_ONLY: list[tuple[str, str, str, Callable | None]] = [
    ("builtins.open", "ASL104", "`aiofiles`, `anyio.Path` or `await asyncio.to_thread(...)`", None),
    ("socket.getaddrinfo", "ASL106", "`await loop.getaddrinfo(...)`", None),
    ("socket.gethostbyname", "ASL106", "`await loop.getaddrinfo(...)`", None),
    ("socket.gethostbyname_ex", "ASL106", "`await loop.getaddrinfo(...)`", None),
    ("socket.gethostbyaddr", "ASL106", "`await loop.getnameinfo(...)`", None),
    ("socket.getnameinfo", "ASL106", "`await loop.getnameinfo(...)`", None),
    ("socket.create_connection", "ASL106", "`await asyncio.open_connection(...)`", None),
    ("select.select", "ASL106", "the event loop's own readiness callbacks (`loop.add_reader`)", None),
    ("sqlite3.connect", "ASL105", "`aiosqlite` or `await asyncio.to_thread(...)`", None),
]
for _m in ("recv", "recv_into", "recvfrom", "recvfrom_into", "send", "sendall", "sendto", "connect", "connect_ex", "accept"):
    RUNTIME_ONLY.append((f"socket.socket.{_m}", "ASL106", _SOCKET, _blocking_socket))
for _m in ("recv", "recv_into", "send", "sendall", "read", "write", "do_handshake"):
    RUNTIME_ONLY.append((f"ssl.SSLSocket.{_m}", "ASL106", _SOCKET, _blocking_socket))

# Their file and socket access is the interpreter's business, not a pitfall of the program.
_QUIET_CALLERS = ("asyncio", "linecache", "traceback", "tokenize", "importlib", "inspect", "warnings", "logging", "zipimport", "pkgutil", "encodings", "selectors", "concurrent", "threading", "socket", "ssl", "sqlite3")
# Event loops installed as libraries: their own Python code runs the loop (uvloop.run on Python
# 3.10 joins the default executor's finished thread at shutdown), as asyncio's does.
_QUIET_PACKAGES = ("uvloop",)
_quiet_cache: dict[str, bool] = {}


def _quiet_caller(filename: str) -> bool:
    q = _quiet_cache.get(filename)
    if q is None:
        from asynclint.runtime.frames import _OWN, STDLIB

        q = False
        if STATE.classifier.kind(filename) == STDLIB or filename.startswith(_OWN):
            parts = filename.replace("\\", "/").split("/")
            q = any(p in _QUIET_CALLERS or p.split(".")[0] in _QUIET_CALLERS for p in parts[-3:]) or filename.startswith(_OWN)
        elif any(p in _QUIET_PACKAGES for p in filename.replace("\\", "/").split("/")[-3:-1]):
            q = True
        _quiet_cache[filename] = q
    return q


def _record(name: str, code: str, instead: str, frame) -> None:
    with guard() as ok:
        if not ok:
            return
        if frame is None or _quiet_caller(frame.f_code.co_filename):
            return
        stack = stack_of(frame)
        loc = STATE.classifier.locate(stack)
        if loc is None:
            return
        # Recorded first, also under --strict: an application that catches the error (a web
        # framework turning it into a 500) must not make the finding disappear.
        emit(code, stack, f"`{name}()` blocked the event loop here; use {instead}", location=loc, call=name)
        note_blocking(loc)
        if STATE.options.strict:
            raise BlockingCallError(f"{name}() blocks the event loop; use {instead}")


def make_wrapper(fn: Callable, name: str, code: str, instead: str, check: Callable | None) -> Callable:
    ident = threading.get_ident
    steps = STEPS
    tls = STATE.tls
    getframe = sys._getframe

    stepless = STEPLESS_LOOPS
    import asyncio.events

    running = asyncio.events._get_running_loop

    def wrapper(*args, **kwargs):
        # On a loop that times no steps (uvloop), any code of the thread running it is in a step.
        on_loop = (steps and ident() in steps) or (stepless and type(running()) in stepless)
        if on_loop and (check is None or check(args, kwargs)) and not getattr(tls, "in_blocking", False):
            try:
                _record(name, code, instead, getframe(1))
            except BlockingCallError:
                raise
            except Exception:
                pass
            tls.in_blocking = True  # what it calls in turn (os.stat under Path.exists) is the same finding
            try:
                return fn(*args, **kwargs)
            finally:
                tls.in_blocking = False
        return fn(*args, **kwargs)

    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(wrapper, attr, getattr(fn, attr))
        except (AttributeError, TypeError):
            pass
    wrapper.__wrapped__ = fn
    wrapper._asynclint_blocking = True
    return wrapper


# ------------------------------------------------------------------------ the patcher
class _Entry:
    __slots__ = ("name", "code", "instead", "check", "done")

    def __init__(self, name, code, instead, check):
        self.name, self.code, self.instead, self.check, self.done = name, code, instead, check, False


class Patcher:
    def __init__(self, entries: list[tuple[str, str, str, Callable | None]]):
        self.entries = [_Entry(*e) for e in entries]
        self.by_prefix: dict[str, list[_Entry]] = {}
        for e in self.entries:
            parts = e.name.split(".")
            for i in range(1, len(parts)):
                self.by_prefix.setdefault(".".join(parts[:i]), []).append(e)
        self.patches: list[tuple[Any, str, Any, bool]] = []
        self.finder = ImportWatcher(self)

    def install(self) -> None:
        for prefix in sorted(self.by_prefix, key=len, reverse=True):
            module = sys.modules.get(prefix)
            if module is not None:
                self.module_loaded(prefix, module)
        sys.meta_path.insert(0, self.finder)

    def uninstall(self) -> None:
        try:
            sys.meta_path.remove(self.finder)
        except ValueError:
            pass
        restore_patches(self.patches)

    def module_loaded(self, prefix: str, module: Any) -> None:
        for e in self.by_prefix.get(prefix, ()):
            if e.done:
                continue
            rest = e.name[len(prefix) + 1 :].split(".")
            owner = module
            try:
                for part in rest[:-1]:
                    owner = getattr(owner, part)
                self._patch(owner, rest[-1], e)
            except Exception:
                continue

    def _patch(self, owner: Any, attr: str, e: _Entry) -> None:
        had = attr in getattr(owner, "__dict__", {})
        current = owner.__dict__[attr] if had else getattr(owner, attr)
        if isinstance(current, (type, staticmethod, classmethod, property)) or not callable(current):
            e.done = True  # classes (isinstance!) and descriptors are left alone
            return
        if getattr(current, "_asynclint_blocking", False):
            e.done = True
            return
        if e.name == "sqlite3.connect":
            new = _sqlite_connect(current)
        else:
            new = make_wrapper(current, e.name, e.code, e.instead, e.check)
        setattr(owner, attr, new)  # raises TypeError on C types: the entry stays pending, harmless
        self.patches.append((owner, attr, current if had else None, had))
        e.done = True


def _sqlite_connect(connect: Callable) -> Callable:
    import sqlite3

    inst = "`aiosqlite` or `await asyncio.to_thread(...)`"

    class Cursor(sqlite3.Cursor):
        pass

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

    for cls, base, methods in (
        (Connection, sqlite3.Connection, ("execute", "executemany", "executescript", "commit", "rollback")),
        (Cursor, sqlite3.Cursor, ("execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall")),
    ):
        for m in methods:
            setattr(cls, m, make_wrapper(getattr(base, m), f"sqlite3.{base.__name__}.{m}", "ASL105", inst, None))
    Connection.__name__ = Connection.__qualname__ = "Connection"
    Cursor.__name__ = Cursor.__qualname__ = "Cursor"

    def with_factory(*args, **kwargs):
        if "factory" not in kwargs and len(args) < 5:
            kwargs["factory"] = Connection
        return connect(*args, **kwargs)

    wrapped = make_wrapper(with_factory, "sqlite3.connect", "ASL105", inst, None)
    wrapped.__wrapped__ = connect
    return wrapped


def table() -> list[tuple[str, str, str, Callable | None]]:
    from asynclint.knowledge.blocking import BLOCKING

    out = list(RUNTIME_ONLY)
    seen = {e[0] for e in out}
    for name, b in BLOCKING.items():
        if name in seen or "*" in name:
            continue
        on_socket = name.startswith(("socket.socket.", "ssl.SSLSocket."))
        out.append((name, b.code, b.instead, _blocking_socket if on_socket else _would_block))
    return out


_patcher: Patcher | None = None


def install() -> None:
    global _patcher
    _patcher = Patcher(table())
    _patcher.install()


def uninstall() -> None:
    global _patcher
    if _patcher is not None:
        _patcher.uninstall()
        _patcher = None

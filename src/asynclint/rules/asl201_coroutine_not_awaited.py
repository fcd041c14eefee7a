from __future__ import annotations

import ast

from asynclint.facts import COROUTINE_FUNCTION, Question
from asynclint.finding import Fix
from asynclint.knowledge.callbacks import ADVICE, CALLBACK_API_NAMES, PARTIALS, SYNC_CALLBACKS
from asynclint.project.index import Value
from asynclint.rule import Example, Rule, RuleContext
from asynclint.rules.messages import coroutine_head
from asynclint.semantics import SemanticModel
from asynclint.semantics.flow import guarded_not_coroutine
from asynclint.semantics.refs import value_ref


class CoroutineNotAwaited(Rule):
    code = "ASL201"
    name = "coroutine-not-awaited"
    summary = "A coroutine function is called, or passed as a sync callback, and its coroutine is thrown away, so it never runs"
    fix = "unsafe"
    fix_note = "Adds `await`, only when the call is in async context. Unsafe: the call now runs, and the code after it waits for it."
    related = ("ASL202", "ASL203")
    project_wide = True
    doc = """
    ## What it does
    Flags a call of a coroutine function used as a statement of its own: `save(user)` without
    `await`. The callee is resolved across the whole project: functions of the same module,
    methods through `self.`/`cls.`/`super()` and the class's project base classes (in any module),
    static and class methods, functions and classes imported from other modules (absolute or
    relative imports, re-exports from `__init__.py`), attributes and variables whose type is
    known from a constructor call, an annotation, awaiting a coroutine function with an
    annotated return (`repo = await get_repo()`) or unpacking a known tuple
    (`reader, writer = await asyncio.open_connection(...)`), and the coroutine APIs of asyncio,
    aiohttp, asyncpg, aiofiles, httpx, redis.asyncio and motor. Declared types win over
    inferred ones (a class-level `store: DataStore` holds whatever else is assigned); types
    also come from `@property`/`cached_property` return annotations (through base classes and
    mixins in other modules), elements of declared containers (`for c in self.clients` with
    `clients: set[Client]`), tuples returned by project functions, `typing.overload`s (a
    call gives any of the overloads' returns: it counts when every one's method is a coroutine
    function), optional imports (`except ImportError: aiohttp = None`) and standard-library
    classes constructed directly. A name bound to values of different types is a union: it
    counts when every member's method is a coroutine function. A project decorator whose
    wrapper is an `async def` keeps the function a coroutine function; an unknown decorator
    makes it unknown. A callee that cannot be resolved is never assumed to be a coroutine
    function.

    It also flags a coroutine function passed (not called) where an API will call it
    synchronously and drop what it returns: the event loop's `call_soon()`,
    `call_soon_threadsafe()`, `call_later()`, `call_at()`, `add_signal_handler()`,
    `add_reader()` and `add_writer()`; `add_done_callback()` of a task or future;
    `loop.run_in_executor()`, `asyncio.to_thread()`, `Executor.submit()`,
    `threading.Thread(target=...)` and `threading.Timer()`; `atexit.register()`,
    `signal.signal()`, `weakref.finalize()` and `ExitStack.callback()`/`AsyncExitStack.callback()`
    (not `AsyncExitStack.push_async_callback()`, which awaits it). The callback may be a
    function or method (`handler`, `self.on_done`, `session.close`), a
    `functools.partial()` of one, or a lambda whose body calls one (`lambda: self.close()`),
    resolved project-wide like the calls above. This form has no fix.

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine object; nothing in its body runs
    until it is awaited or scheduled. The statement silently does nothing, and Python only
    says `RuntimeWarning: coroutine '...' was never awaited` when the object is
    garbage-collected, if anyone sees the warning at all. A coroutine function given as a
    callback fails the same way each time it is called back (asyncio refuses some outright:
    `add_signal_handler()` always, `call_soon()`, `call_soon_threadsafe()`, `call_later()`,
    `call_at()` and `run_in_executor()` in debug mode, with `TypeError: coroutines cannot be used with ...`).

    ## Instead
    `await save(user)`, or, to run it concurrently, keep a reference to
    `asyncio.create_task(save(user))` (or use a `TaskGroup`). For a callback, pass a sync
    function that schedules the coroutine (`lambda t: tasks.add(asyncio.create_task(on_done(t)))`),
    use `AsyncExitStack.push_async_callback()`, or, instead of handing it to a thread, await it
    directly (from another thread: `asyncio.run_coroutine_threadsafe(coro, loop)`).
    """
    bad = (
        Example(
            """
            async def save(user):
                ...

            async def handler(user):
                save(user)  # expect: ASL201
            """,
            title="same module",
            fixed="""
            async def save(user):
                ...

            async def handler(user):
                await save(user)
            """,
            unsafe=True,
        ),
        Example(
            """
            from app.repo import UserRepo

            class Service:
                def __init__(self):
                    self.repo = UserRepo()

                async def register(self, user):
                    self.repo.save(user)  # expect: ASL201
            """,
            title="typed attribute, class from another module",
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                class UserRepo:
                    async def save(self, user):
                        ...
                """,
            },
            fixed="""
            from app.repo import UserRepo

            class Service:
                def __init__(self):
                    self.repo = UserRepo()

                async def register(self, user):
                    await self.repo.save(user)
            """,
            unsafe=True,
        ),
        Example(
            """
            import aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as resp:
                        resp.read()  # expect: ASL201
                    session.close()  # expect: ASL201
            """,
            title="library coroutine methods",
            fixed="""
            import aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    async with session.get(url) as resp:
                        await resp.read()
                    await session.close()
            """,
            unsafe=True,
        ),
        Example(
            """
            import aiosqlite
            import websockets
            from sqlalchemy.ext.asyncio import AsyncSession

            async def record(path, event):
                db = await aiosqlite.connect(path)
                db.execute("INSERT INTO events VALUES (?)", (event,))  # expect: ASL201
                await db.commit()

            async def rename(session: AsyncSession, stmt):
                session.execute(stmt)  # expect: ASL201
                await session.commit()

            async def hello(uri):
                async with websockets.connect(uri) as ws:
                    ws.send("hello")  # expect: ASL201
            """,
            title="libraries known from their own code (aiosqlite, SQLAlchemy, websockets)",
            runtime="the libraries are not installed where the examples run",
            fixed="""
            import aiosqlite
            import websockets
            from sqlalchemy.ext.asyncio import AsyncSession

            async def record(path, event):
                db = await aiosqlite.connect(path)
                await db.execute("INSERT INTO events VALUES (?)", (event,))
                await db.commit()

            async def rename(session: AsyncSession, stmt):
                await session.execute(stmt)
                await session.commit()

            async def hello(uri):
                async with websockets.connect(uri) as ws:
                    await ws.send("hello")
            """,
            unsafe=True,
        ),
        Example(
            """
            import asyncio

            class Connection:
                async def open(self, host, port):
                    self.reader, self.writer = await asyncio.open_connection(host, port)

                async def send(self, data):
                    self.writer.write(data)
                    self.writer.drain()  # expect: ASL201
            """,
            title="streams unpacked from `asyncio.open_connection()`",
            runtime='the example needs a live peer: `open()` cannot connect, so `send()` fails at `self.writer` before `drain()` is called',
            fixed="""
            import asyncio

            class Connection:
                async def open(self, host, port):
                    self.reader, self.writer = await asyncio.open_connection(host, port)

                async def send(self, data):
                    self.writer.write(data)
                    await self.writer.drain()
            """,
            unsafe=True,
        ),
        Example(
            """
            from app.deps import get_repo

            class Handler:
                async def start(self):
                    self.repo = await get_repo()

                async def register(self, user):
                    self.repo.save(user)  # expect: ASL201

            async def once(user):
                repo = await get_repo()
                repo.save(user)  # expect: ASL201
            """,
            title="a value from awaiting a project coroutine function with an annotated return",
            files={
                "app/__init__.py": "",
                "app/deps.py": """
                from app.repo import UserRepo

                async def get_repo() -> UserRepo:
                    return UserRepo()
                """,
                "app/repo.py": """
                class UserRepo:
                    async def save(self, user):
                        ...
                """,
            },
            fixed="""
            from app.deps import get_repo

            class Handler:
                async def start(self):
                    self.repo = await get_repo()

                async def register(self, user):
                    await self.repo.save(user)

            async def once(user):
                repo = await get_repo()
                await repo.save(user)
            """,
            unsafe=True,
        ),
        Example(
            """
            import asyncio
            from functools import partial

            async def notify(event):
                ...

            class Worker:
                async def on_done(self, task):
                    ...

                async def close(self):
                    ...

                def start(self, job):
                    loop = asyncio.get_running_loop()
                    self.task = asyncio.create_task(job())
                    self.task.add_done_callback(self.on_done)  # expect: ASL201
                    loop.call_later(5, partial(notify, "late"))  # expect: ASL201
                    loop.call_soon(lambda: self.close())  # expect: ASL201
            """,
            title="callbacks: a method, a partial, a lambda",
            runtime="only the lambda's coroutine is created in the example's code: the done callback and `call_later()` are called by the loop itself (the runtime has no line of the example to show), and not within the run",
        ),
        Example(
            """
            import atexit
            import asyncio
            import threading

            from app import hooks
            from app.hooks import cleanup

            async def main():
                atexit.register(cleanup)  # expect: ASL201
                threading.Thread(target=hooks.refresh, daemon=True).start()  # expect: ASL201
                await asyncio.to_thread(hooks.refresh)  # expect: ASL201
            """,
            title="callbacks defined in another module",
            runtime='the coroutines are created by `atexit`, a thread and `to_thread()`, in their frames, not on the lines that hand the callbacks over',
            files={
                "app/__init__.py": "",
                "app/hooks.py": """
                async def cleanup():
                    ...

                async def refresh():
                    ...
                """,
            },
        ),
        Example(
            """
            import asyncio
            import contextlib

            import aiohttp

            async def main():
                loop = asyncio.get_running_loop()
                session = aiohttp.ClientSession()
                loop.call_soon(session.close)  # expect: ASL201
                with contextlib.ExitStack() as stack:
                    stack.callback(session.close)  # expect: ASL201
            """,
            title="library coroutine methods as callbacks",
            runtime="`call_soon()` and `ExitStack.callback()` create the coroutines in asyncio's and contextlib's own frames, so the runtime has no line of the example to show",
        ),
        Example(
            """
            from app.store import DataStore, make_store

            class Service:
                store: DataStore

                def __init__(self, store, backup):
                    self.store = store  # an unannotated parameter
                    self.backup = make_store(backup)

                async def start(self):
                    self.store = await DataStore.create()

                async def save(self, item):
                    self.store.put(item)  # expect: ASL201
            """,
            title="types: a class-level annotation wins over what else is assigned",
            files={
                "app/__init__.py": "",
                "app/store.py": """
                class DataStore:
                    @classmethod
                    async def create(cls):
                        return cls()

                    async def put(self, item):
                        ...

                def make_store(path):
                    return DataStore()
                """,
            },
        ),
        Example(
            """
            from app.store import DataStore, MemoryStore

            async def twice(fresh):
                store = DataStore()
                if fresh:
                    store = DataStore()
                store.put(1)  # expect: ASL201

            async def either(fresh):
                store = DataStore() if fresh else MemoryStore()
                store.put(2)  # expect: ASL201
            """,
            title="types: a name bound again keeps its type; a union answers when every member agrees",
            files={
                "app/__init__.py": "",
                "app/store.py": """
                class DataStore:
                    async def put(self, item):
                        ...

                class MemoryStore:
                    async def put(self, item):
                        ...
                """,
            },
        ),
        Example(
            """
            try:
                import aiohttp
            except ImportError:
                aiohttp = None

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    session.close()  # expect: ASL201
            """,
            title="types: an optional import keeps the module",
        ),
        Example(
            """
            import asyncio

            async def pump():
                reader = asyncio.StreamReader()
                reader.read(100)  # expect: ASL201
                queue = asyncio.Queue()
                queue.put(b"")  # expect: ASL201
            """,
            title="types: standard-library classes constructed directly",
        ),
        Example(
            """
            from app.clients import Client, Conn, Session

            class Hub:
                clients: set[Client]
                sessions: dict[str, Session]

                async def close(self, conns: list[Conn]):
                    for client in self.clients:
                        client.close()  # expect: ASL201
                    for conn in conns:
                        conn.close()  # expect: ASL201
                    for session in self.sessions.values():
                        session.close()  # expect: ASL201
                    for name, session in self.sessions.items():
                        session.close()  # expect: ASL201
            """,
            title="types: container element types flow into `for` targets",
            runtime="the driver's stand-in arguments hold no clients, connections or sessions, so no `close()` runs",
            files={
                "app/__init__.py": "",
                "app/clients.py": """
                class Client:
                    async def close(self):
                        ...

                class Conn:
                    async def close(self):
                        ...

                class Session:
                    async def close(self):
                        ...
                """,
            },
        ),
        Example(
            """
            from app.base import HubBase
            from app.registry import SESSIONS

            class Hub(HubBase):
                async def close(self):
                    for client in self.clients:
                        client.close()  # expect: ASL201
                    for session in SESSIONS.values():
                        session.close()  # expect: ASL201
                    for name, session in SESSIONS.items():
                        session.close()  # expect: ASL201
                    for each in self.idle_clients():
                        each.close()  # expect: ASL201
            """,
            title="types: containers declared in a base class or a module of their own",
            runtime="the containers are empty when the driver runs `close()`, so no `close()` runs",
            files={
                "app/__init__.py": "",
                "app/clients.py": """
                class Client:
                    async def close(self):
                        ...

                class Session:
                    async def close(self):
                        ...
                """,
                "app/base.py": """
                from app.clients import Client

                class HubBase:
                    clients: set[Client]

                    def __init__(self):
                        self.clients = set()

                    def idle_clients(self) -> list[Client]:
                        return list(self.clients)
                """,
                "app/registry.py": """
                from app.clients import Session

                SESSIONS: dict[str, Session] = {}
                """,
            },
        ),
        Example(
            """
            from app.retry import logged, retry

            @retry(3)
            async def fetch(url):
                ...

            @logged
            async def push(item):
                ...

            async def main():
                fetch("u")  # expect: ASL201
                push(1)  # expect: ASL201
            """,
            title="types: a project decorator whose wrapper is an `async def`",
            files={
                "app/__init__.py": "",
                "app/retry.py": """
                import functools

                def retry(times):
                    def decorate(fn):
                        @functools.wraps(fn)
                        async def wrapper(*args, **kwargs):
                            for _ in range(times - 1):
                                try:
                                    return await fn(*args, **kwargs)
                                except OSError:
                                    pass
                            return await fn(*args, **kwargs)
                        return wrapper
                    return decorate

                def logged(fn):
                    async def inner(*args):
                        return await fn(*args)
                    return inner
                """,
            },
        ),
        Example(
            """
            from app.mixin import CoreSysAttributes

            class Watchdog(CoreSysAttributes):
                async def check(self):
                    self.sys_core.api.check_state()  # expect: ASL201
            """,
            title="types: `@property`/`cached_property` return annotations through a mixin, chained",
            files={
                "app/__init__.py": "",
                "app/api.py": """
                class API:
                    async def check_state(self) -> bool:
                        return True
                """,
                "app/core.py": """
                from functools import cached_property

                from app.api import API

                class Core:
                    @cached_property
                    def api(self) -> API:
                        return API()
                """,
                "app/mixin.py": """
                from app.core import Core

                class CoreSysAttributes:
                    @property
                    def sys_core(self) -> "Core":
                        return Core()
                """,
            },
        ),
        Example(
            """
            from app.db import connect

            async def main(url):
                conn = await connect(url)
                conn.close()  # expect: ASL201
            """,
            title="types: `typing.overload` returns the overloads agree on",
            files={
                "app/__init__.py": "",
                "app/db.py": """
                from typing import overload

                class Conn:
                    async def close(self):
                        ...

                @overload
                async def connect(url: str) -> Conn: ...
                @overload
                async def connect(url: bytes) -> Conn: ...
                async def connect(url):
                    return Conn()
                """,
            },
        ),
        Example(
            """
            from app.queues import Broker, open_queue

            async def publish(name, broker: Broker):
                queue = open_queue(name)
                queue.put("hello")  # expect: ASL201
                broker.channel(name).put("hello")  # expect: ASL201
            """,
            title="types: overloads returning different types that agree on the fact asked",
            files={
                "app/__init__.py": "",
                "app/queues.py": """
                from typing import overload

                class MemoryQueue:
                    async def put(self, item):
                        ...

                class RedisQueue:
                    async def put(self, item):
                        ...

                @overload
                def open_queue(name: str) -> MemoryQueue: ...
                @overload
                def open_queue(name: bytes) -> RedisQueue: ...
                def open_queue(name):
                    return MemoryQueue() if isinstance(name, str) else RedisQueue()

                class Broker:
                    @overload
                    def channel(self, name: str) -> MemoryQueue: ...
                    @overload
                    def channel(self, name: int) -> RedisQueue: ...
                    def channel(self, name):
                        return MemoryQueue() if isinstance(name, str) else RedisQueue()
                """,
            },
        ),
    )
    good = (
        Example(
            """
            import aiosqlite
            import websockets
            from sqlalchemy.ext.asyncio import AsyncSession

            async def record(path, event):
                async with aiosqlite.connect(path) as db:
                    async with db.execute("SELECT 1") as cursor:
                        await cursor.fetchall()
                    await db.execute("INSERT INTO events VALUES (?)", (event,))

            async def rename(session: AsyncSession, stmt):
                result = await session.execute(stmt)
                session.add(result)  # a sync method
                session.expunge_all()  # a sync method

            async def hello(uri):
                async with websockets.connect(uri) as ws:
                    await ws.send("hello")
                    ws.protocol.send_text(b"sync API of the protocol object")
            """,
            title="the same libraries used right",
        ),
        Example(
            """
            from app.store import DataStore, make_store

            class Service:
                def __init__(self, store, backup):
                    self.store = store  # no annotation anywhere: unknown
                    self.backup = make_store(backup)

                async def save(self, item):
                    self.store.put(item)
                    self.backup.put(item)  # make_store() has no annotated return
            """,
            title="types: no declared type, nothing inferred",
            runtime="`make_store()` does return a `DataStore` at run time, but nothing declares it: unannotated returns are not inferred",
            files={
                "app/__init__.py": "",
                "app/store.py": """
                class DataStore:
                    async def put(self, item):
                        ...

                def make_store(path):
                    return DataStore()
                """,
            },
        ),
        Example(
            """
            from app.store import DataStore, SyncStore

            async def either(fresh, other):
                store = DataStore() if fresh else SyncStore()
                store.put(1)  # SyncStore.put is sync: the members disagree
                maybe = DataStore()
                if fresh:
                    maybe = other()
                maybe.put(2)  # other() is unknown
            """,
            title="types: a union whose members disagree",
            runtime="with a true `fresh` the union's `DataStore` member does lose its coroutine at run time; statically the members disagree, so no finding",
            files={
                "app/__init__.py": "",
                "app/store.py": """
                class DataStore:
                    async def put(self, item):
                        ...

                class SyncStore:
                    def put(self, item):
                        ...
                """,
            },
        ),
        Example(
            """
            try:
                import aiohttp
            except ImportError:
                import fallback_http as aiohttp

            async def fetch(url):
                async with aiohttp.ClientSession() as session:
                    session.close()  # either module: unknown
            """,
            title="types: an import with a fallback module",
            runtime="the tests' stand-in aiohttp is importable at run time; statically the name may be either module",
        ),
        Example(
            """
            from app.clients import Client

            class Hub:
                clients: dict[str, Client]
                names: list

                async def close(self, pending: list):
                    for key in self.clients:
                        key.close()  # iterating a dict gives its str keys
                    for name in self.names:
                        name.close()  # no element type
                    for item in pending:
                        item.close()
            """,
            title="types: containers without a known element type",
            files={
                "app/__init__.py": "",
                "app/clients.py": """
                class Client:
                    async def close(self):
                        ...
                """,
            },
        ),
        Example(
            """
            from app.base import HubBase
            from app.registry import SESSIONS

            class Hub(HubBase):
                async def close(self):
                    for client in self.clients:
                        client.close()  # a Client's close() is a plain method
                    for token in SESSIONS.values():
                        token.close()  # the values are tokens, the keys are sessions
                    for session, token in SESSIONS.items():
                        token.close()
                    for each in self.idle_clients():
                        each.close()
            """,
            title="types: containers declared elsewhere whose elements have no coroutine `close()`",
            files={
                "app/__init__.py": "",
                "app/clients.py": """
                class Client:
                    def close(self):
                        ...

                class Session:
                    async def close(self):
                        ...

                class Token:
                    def close(self):
                        ...
                """,
                "app/base.py": """
                from app.clients import Client

                class HubBase:
                    clients: set[Client]

                    def __init__(self):
                        self.clients = set()

                    def idle_clients(self) -> list[Client]:
                        return list(self.clients)
                """,
                "app/registry.py": """
                from app.clients import Session, Token

                SESSIONS: dict[Session, Token] = {}
                """,
            },
        ),
        Example(
            """
            from app.wrap import mystery, timed

            @timed
            def tick():
                ...

            @mystery
            async def job():
                ...

            async def main():
                tick()  # the wrapper is a plain def
                job()  # an unknown decorator may return anything
            """,
            title="types: a sync wrapper, an unknown decorator",
            files={
                "app/__init__.py": "",
                "app/wrap.py": """
                import time

                from somewhere import mystery

                def timed(fn):
                    def inner(*args):
                        start = time.monotonic()
                        try:
                            return fn(*args)
                        finally:
                            print(time.monotonic() - start)
                    return inner
                """,
            },
        ),
        Example(
            """
            from app.mixin import CoreSysAttributes

            class Watchdog(CoreSysAttributes):
                async def check(self):
                    self.sys_core.api.check_state()  # the property has no annotation
            """,
            title="types: an unannotated property",
            files={
                "app/__init__.py": "",
                "app/api.py": """
                class API:
                    async def check_state(self) -> bool:
                        return True
                """,
                "app/mixin.py": """
                from app.api import API

                class Core:
                    api: API

                class CoreSysAttributes:
                    @property
                    def sys_core(self):
                        return Core()
                """,
            },
        ),
        Example(
            """
            from app.db import connect

            async def main(url):
                conn = await connect(url)
                conn.close()  # the overloads disagree: a Conn or a SyncConn
            """,
            title="types: overloads that disagree",
            runtime="the implementation does return a `Conn` at run time; statically the overloads disagree, so no finding",
            files={
                "app/__init__.py": "",
                "app/db.py": """
                from typing import overload

                class Conn:
                    async def close(self):
                        ...

                class SyncConn:
                    def close(self):
                        ...

                @overload
                async def connect(url: str) -> Conn: ...
                @overload
                async def connect(url: bytes) -> SyncConn: ...
                async def connect(url):
                    return Conn()
                """,
            },
        ),
        Example(
            """
            from app.queues import Broker, open_queue

            async def publish(name, broker: Broker):
                queue = open_queue(name)
                queue.put("hello")  # a MemoryQueue's put is a coroutine function, a ListQueue's is not
                broker.channel(name).put("hello")
            """,
            title="types: overloads returning types whose methods disagree",
            files={
                "app/__init__.py": "",
                "app/queues.py": """
                from typing import overload

                class MemoryQueue:
                    async def put(self, item):
                        ...

                class ListQueue:
                    def put(self, item):
                        ...

                @overload
                def open_queue(name: str) -> MemoryQueue: ...
                @overload
                def open_queue(name: bytes) -> ListQueue: ...
                def open_queue(name):
                    return MemoryQueue() if isinstance(name, str) else ListQueue()

                class Broker:
                    @overload
                    def channel(self, name: str) -> MemoryQueue: ...
                    @overload
                    def channel(self, name: int) -> ListQueue: ...
                    def channel(self, name):
                        return MemoryQueue() if isinstance(name, str) else ListQueue()
                """,
            },
        ),
        Example(
            """
            import asyncio
            from app.repo import save, load

            async def handler(user, tg: asyncio.TaskGroup):
                await save(user)
                task = asyncio.create_task(save(user))
                tg.create_task(save(user))
                await asyncio.gather(save(user), save(user))
                load(user)  # a sync function
                unknown_module_function(user)
                return task
            """,
            files={
                "app/__init__.py": "",
                "app/repo.py": """
                async def save(user):
                    ...

                def load(user):
                    ...
                """,
            },
        ),
        Example(
            """
            import asyncio
            import contextlib
            from functools import partial

            async def fetch(url):
                ...

            def log(task):
                ...

            async def main(app, urls, callback):
                loop = asyncio.get_running_loop()
                task = asyncio.create_task(fetch(urls[0]))
                task.add_done_callback(log)
                loop.call_soon(partial(log, None))
                loop.call_soon(lambda: asyncio.create_task(fetch(urls[0])))
                await loop.run_in_executor(None, log, None)
                loop.call_soon(callback)  # unknown: never assumed to be a coroutine function
                app.on_startup.append(fetch)  # not an API known to call it synchronously
                await asyncio.gather(*map(fetch, urls))
                async with contextlib.AsyncExitStack() as stack:
                    stack.push_async_callback(fetch, urls[0])
                    stack.callback(log, task)
                return task
            """,
            title="sync callbacks, scheduled coroutines, awaiting APIs",
        ),
        Example(
            """
            import inspect

            class Hooks:
                async def on_start(self):
                    ...

                async def run(self):
                    if inspect.iscoroutinefunction(self.on_start):
                        await self.on_start()
                    else:
                        self.on_start()  # the guard says it is no coroutine function here
            """,
            title="a call guarded by `inspect.iscoroutinefunction()`",
        ),
    )

    def visit_Expr(self, node: ast.Expr, ctx: RuleContext) -> None:
        call = node.value
        if type(call) is not ast.Call:
            return
        sem = ctx.sem
        ref = value_ref(sem, call.func)
        if ref is None or guarded_not_coroutine(sem, call):
            return
        fix = None
        if sem.in_async_context(call):
            fix = Fix("unsafe", (ctx.insert_before(call, "await "),), "Add `await`")
        ctx.ask(COROUTINE_FUNCTION, ref, at=call, fix=fix)

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        # Runs on every call: one set lookup on the callee's last name before any resolving.
        func = node.func
        t = type(func)
        if t is ast.Attribute:
            if func.attr not in CALLBACK_API_NAMES:
                return
        elif t is not ast.Name or func.id not in CALLBACK_API_NAMES:
            return
        sem = ctx.sem
        slot = SYNC_CALLBACKS.get(sem.call_name(node) or "")
        if slot is None:
            return
        arg = _argument(node, slot.index, slot.keyword)
        target = _called_function(sem, arg) if arg is not None else None
        if target is None:
            return
        ref, through = target
        data = {"api": slot.label, "advice": slot.advice}
        if through:
            data["through"] = through
        ctx.ask(COROUTINE_FUNCTION, ref, at=arg, data=data)

    def conclude(self, question: Question, answer: Value, data: dict) -> str:
        return self.callback_message(answer, data) if "api" in data else self.message(answer)

    @staticmethod
    def message(v: Value) -> str:
        return (
            f"{coroutine_head(v)}; calling it without `await` creates a coroutine that never runs. "
            f"Add `await`, or keep the task from `asyncio.create_task()`"
        )

    @staticmethod
    def callback_message(v: Value, data: dict) -> str:
        through = data.get("through")
        via = f" (through {through})" if through else ""
        return (
            f"{coroutine_head(v)}; `{data['api']}` calls it{via} without awaiting, so the coroutine it creates "
            f"never runs. {ADVICE[data['advice']]}"
        )


def _argument(call: ast.Call, index: int | None, keyword: str | None) -> ast.AST | None:
    if keyword is not None:
        for k in call.keywords:
            if k.arg == keyword:
                return k.value
    args = call.args
    if index is None or index >= len(args) or any(type(a) is ast.Starred for a in args[: index + 1]):
        return None
    return args[index]


def _called_function(sem: SemanticModel, expr: ast.AST, _depth: int = 0) -> tuple[str, str] | None:
    """The ref of the function that calling ``expr`` calls, and what it goes through: the
    callable itself (``handler``, ``self.on_done``), ``functools.partial(f, ...)``, or a lambda
    whose body is a call (``lambda: self.close()``)."""
    t = type(expr)
    if t is ast.Lambda:
        body = expr.body
        if type(body) is not ast.Call:
            return None
        ref = value_ref(sem, body.func)
        return (ref, "the lambda") if ref else None
    if t is ast.Call:
        if _depth > 3 or not expr.args or type(expr.args[0]) is ast.Starred or sem.call_name(expr) not in PARTIALS:
            return None
        inner = _called_function(sem, expr.args[0], _depth + 1)
        return (inner[0], inner[1] or "`functools.partial()`") if inner else None
    if t is ast.Name or t is ast.Attribute:
        ref = value_ref(sem, expr)
        return (ref, "") if ref else None
    return None

"""Hand-written coroutine APIs, async context managers and async iterables: only what the
libraries' own code cannot say.

Names are the canonical spellings used everywhere else (``knowledge.types.canonical``):
module functions (``asyncio.sleep``) and ``Type.method`` for methods of typed receivers
(``aiohttp.ClientSession.get``). ``knowledge.libraries`` consults these tables first, then the
knowledge summarised from the libraries' code (``knowledge/generated/``, or the project's own
environment). An entry stays here only when that summary cannot give the same answer:

- the standard library (``asyncio``, ``contextlib``, ``typing``): it is not summarised;
- APIs whose async nature is invisible in their code or annotations: redis' command mixins,
  shared with the sync client and annotated ``-> ResponseT`` (a value or an awaitable);
  aiohttp's request methods, which return an object that is awaitable and an async context
  manager at once (and ``ClientSession`` itself, whose ``__enter__`` exists only to raise);
  aiofiles' file objects, whose methods are attached by a delegating decorator; asyncpg's
  pool and transaction objects; motor's methods, made by class factories at import time;
- types given where the code has no annotation (``await asyncpg.connect()`` is a
  ``Connection``), wildcard attributes (``client.<any name>`` of motor is a database).

``tests/test_knowledge_libraries.py::test_no_hand_entry_repeats_the_generated_knowledge``
fails when an entry answers exactly what the generated knowledge answers, so the tables do not
grow back into copies of it.
"""

from __future__ import annotations


def _methods(owner: str, names: str) -> set[str]:
    return {f"{owner}.{n}" for n in names.split()}


# Calling these returns a coroutine (or an awaitable that does nothing until awaited).
COROUTINE_FUNCTIONS: frozenset[str] = frozenset(
    {
        # asyncio module functions
        *_methods(
            "asyncio",
            "sleep wait wait_for open_connection start_server open_unix_connection start_unix_server "
            "create_subprocess_exec create_subprocess_shell to_thread staggered_race",
        ),
        *_methods("asyncio.Queue", "get put join"),
        *_methods("asyncio.Lock", "acquire"),
        *_methods("asyncio.Semaphore", "acquire"),
        *_methods("asyncio.BoundedSemaphore", "acquire"),
        *_methods("asyncio.Condition", "acquire wait wait_for"),
        *_methods("asyncio.Event", "wait"),
        *_methods("asyncio.Barrier", "wait reset abort"),
        *_methods("asyncio.StreamWriter", "drain wait_closed start_tls"),
        *_methods("asyncio.StreamReader", "read readline readexactly readuntil"),
        *_methods("asyncio.subprocess.Process", "wait communicate"),
        *_methods(
            "asyncio.AbstractEventLoop",
            "sock_recv sock_recv_into sock_recvfrom sock_sendall sock_sendto sock_connect sock_accept "
            "sock_sendfile getaddrinfo getnameinfo create_connection create_server create_unix_connection "
            "create_unix_server create_datagram_endpoint connect_read_pipe connect_write_pipe "
            "subprocess_exec subprocess_shell start_tls sendfile shutdown_asyncgens "
            "shutdown_default_executor connect_accepted_socket",
        ),
        # aiohttp: request methods return a context manager that is also awaitable; discarding
        # it leaves the request coroutine unawaited just the same.
        *_methods("aiohttp.ClientSession", "get post put patch delete head options request ws_connect"),
        # asyncpg
        "asyncpg.create_pool",
        *_methods("asyncpg.Pool", "acquire"),
        # aiofiles
        "aiofiles.open",
        *_methods("aiofiles.File", "read write readline readlines close flush seek tell truncate"),
        *_methods("aiofiles.os.path", "exists isfile isdir islink getsize getmtime getatime getctime samefile sameopenfile abspath"),
        # redis.asyncio: the command mixins are shared with the sync client and annotated
        # ``-> ResponseT`` (a value or an awaitable), so the code cannot say they are coroutines.
        *_methods(
            "redis.asyncio.Redis",
            "get set delete exists expire ttl incr incrby decr decrby mget mset getset setex setnx keys scan "
            "hget hset hgetall hdel hkeys hvals hincrby hexists lpush rpush lpop rpop lrange llen ltrim "
            "sadd srem smembers sismember scard zadd zrem zrange zrangebyscore zscore zcard publish ping "
            "flushdb flushall close info eval evalsha xadd xread xreadgroup xack",
        ),
        *_methods("redis.asyncio.client.PubSub", "unsubscribe punsubscribe close"),
        # motor: methods made asynchronous at import time by a class factory
        *_methods("motor.motor_asyncio.AsyncIOMotorCursor", "to_list"),
    }
)

# Values (types, or callables by what they return) that support only ``async with``.
ASYNC_CONTEXT_MANAGERS: frozenset[str] = frozenset(
    {
        "asyncio.Lock",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.Condition",
        "asyncio.TaskGroup",
        "asyncio.Timeout",
        "asyncio.timeout",
        "asyncio.timeout_at",
        "aiohttp.ClientSession",
        *_methods("aiohttp.ClientSession", "get post put patch delete head options request ws_connect"),
        "asyncpg.create_pool",
        "asyncpg.Pool.acquire",
        "asyncpg.Connection.transaction",
        "aiofiles.open",
        "redis.asyncio.Redis",
        "redis.asyncio.Redis.pipeline",
        "redis.asyncio.Redis.lock",
        "contextlib.AsyncExitStack",
        "contextlib.aclosing",
        # what calling an @asynccontextmanager function returns
        "contextlib._AsyncGeneratorContextManager",
        "motor.motor_asyncio.AsyncIOMotorClient.start_session",
    }
)

# Values (types, or callables by what they return) that support only ``async for``.
ASYNC_ITERABLES: frozenset[str] = frozenset(
    {
        "asyncio.StreamReader",
        *_methods("aiohttp.StreamReader", "iter_chunked iter_any iter_chunks"),
        "asyncpg.Connection.cursor",
        "aiofiles.File",
        *_methods("redis.asyncio.Redis", "scan_iter hscan_iter sscan_iter zscan_iter"),
        "motor.motor_asyncio.AsyncIOMotorCollection.find",
        "motor.motor_asyncio.AsyncIOMotorCollection.aggregate",
        "motor.motor_asyncio.AsyncIOMotorCollection.watch",
        # Values annotated with the async iteration protocols.
        "typing.AsyncIterator",
        "typing.AsyncIterable",
        "typing.AsyncGenerator",
        "collections.abc.AsyncIterator",
        "collections.abc.AsyncIterable",
        "collections.abc.AsyncGenerator",
    }
)

# Attributes of library objects whose type is known (``resp.content`` is a StreamReader).
ATTRIBUTE_TYPES: dict[str, str] = {
    "motor.motor_asyncio.AsyncIOMotorClient.*": "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorDatabase.*": "motor.motor_asyncio.AsyncIOMotorCollection",
}

# What calling these library callables returns, beyond ``knowledge.types.RETURNS``.
CALL_RETURNS: dict[str, str] = {
    "aiohttp.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    "asyncio.StreamReader": "asyncio.StreamReader",
}

# Top-level packages covered by the tables above: a name rooted there is never a project's.
LIBRARIES: frozenset[str] = frozenset({"asyncio", "aiohttp", "asyncpg", "aiofiles", "httpx", "redis", "motor"})

# Decorators that leave an ``async def`` a coroutine function (anything else: unknown).
TRANSPARENT_DECORATORS: frozenset[str] = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.override",
        "typing_extensions.override",
        "typing.final",
        "typing_extensions.final",
        "typing.overload",
        "typing_extensions.overload",
        "functools.wraps",
        "functools.cache",
        "functools.lru_cache",
    }
)

PROPERTY_DECORATORS: frozenset[str] = frozenset({"builtins.property", "functools.cached_property"})

# Decorators that turn a generator function into a context manager factory.
CONTEXT_MANAGER_DECORATORS: dict[str, str] = {
    "contextlib.asynccontextmanager": "contextlib._AsyncGeneratorContextManager",
    "contextlib.contextmanager": "contextlib._GeneratorContextManager",
}

# Bases that add no (a)enter/(a)iter and no method a project class could be looked up in.
NEUTRAL_BASES: frozenset[str] = frozenset(
    {
        "builtins.object",
        "abc.ABC",
        "typing.Generic",
        "typing.Protocol",
        "typing_extensions.Protocol",
        "typing.NamedTuple",
        "contextlib.AbstractAsyncContextManager",
        "collections.abc.AsyncIterator",
        "collections.abc.AsyncIterable",
        "typing.AsyncIterator",
        "typing.AsyncIterable",
    }
)

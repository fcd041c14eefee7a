"""Third-party and stdlib coroutine APIs, async context managers and async iterables, as data.

Names are the canonical spellings used everywhere else (``knowledge.types.canonical``):
module functions (``asyncio.sleep``) and ``Type.method`` for methods of typed receivers
(``aiohttp.ClientSession.close``). Shared by ASL201/ASL202/ASL204/ASL205 and the runtime hooks.
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
        *_methods("aiohttp.ClientSession", "close get post put patch delete head options request ws_connect"),
        *_methods("aiohttp.ClientResponse", "json text read wait_for_close"),
        *_methods("aiohttp.StreamReader", "read readline readany readexactly readchunk"),
        *_methods(
            "aiohttp.ClientWebSocketResponse",
            "send_str send_bytes send_json send_frame ping pong close receive receive_str receive_bytes receive_json",
        ),
        # asyncpg
        "asyncpg.connect",
        "asyncpg.create_pool",
        *_methods(
            "asyncpg.Connection",
            "execute executemany fetch fetchrow fetchval close prepare copy_from_table copy_to_table "
            "copy_records_to_table copy_from_query set_type_codec reload_schema_state add_listener remove_listener",
        ),
        *_methods(
            "asyncpg.Pool",
            "acquire release close execute executemany fetch fetchrow fetchval expire_connections copy_records_to_table",
        ),
        # aiofiles
        "aiofiles.open",
        *_methods("aiofiles.File", "read write readline readlines close flush seek tell truncate"),
        *_methods(
            "aiofiles.os",
            "stat rename renames replace remove unlink mkdir makedirs rmdir removedirs link symlink readlink listdir scandir sendfile",
        ),
        *_methods("aiofiles.os.path", "exists isfile isdir islink getsize getmtime getatime getctime samefile sameopenfile abspath"),
        # httpx
        *_methods("httpx.AsyncClient", "get post put patch delete head options request send aclose"),
        *_methods("httpx.Response", "aread aclose"),
        # redis.asyncio
        *_methods(
            "redis.asyncio.Redis",
            "get set delete exists expire ttl incr incrby decr decrby mget mset getset setex setnx keys scan "
            "hget hset hgetall hdel hkeys hvals hincrby hexists lpush rpush lpop rpop lrange llen ltrim "
            "sadd srem smembers sismember scard zadd zrem zrange zrangebyscore zscore zcard publish ping "
            "flushdb flushall execute_command close aclose info eval evalsha xadd xread xreadgroup xack",
        ),
        *_methods("redis.asyncio.client.Pipeline", "execute"),
        *_methods("redis.asyncio.client.PubSub", "subscribe unsubscribe psubscribe punsubscribe get_message close aclose"),
        # motor
        *_methods(
            "motor.motor_asyncio.AsyncIOMotorCollection",
            "find_one insert_one insert_many update_one update_many replace_one delete_one delete_many "
            "count_documents estimated_document_count distinct create_index create_indexes drop drop_index "
            "find_one_and_update find_one_and_replace find_one_and_delete bulk_write",
        ),
        *_methods("motor.motor_asyncio.AsyncIOMotorDatabase", "command list_collection_names drop_collection create_collection"),
        *_methods("motor.motor_asyncio.AsyncIOMotorClient", "server_info list_database_names drop_database start_session"),
        *_methods("motor.motor_asyncio.AsyncIOMotorCursor", "to_list next"),
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
        "aiohttp.ClientResponse",
        *_methods("aiohttp.ClientSession", "get post put patch delete head options request ws_connect"),
        "httpx.AsyncClient",
        "httpx.AsyncClient.stream",
        "asyncpg.create_pool",
        "asyncpg.Pool",
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
        "aiohttp.StreamReader",
        *_methods("aiohttp.StreamReader", "iter_chunked iter_any iter_chunks"),
        "aiohttp.ClientWebSocketResponse",
        "asyncpg.Connection.cursor",
        *_methods("httpx.Response", "aiter_bytes aiter_text aiter_lines aiter_raw"),
        "aiofiles.File",
        *_methods("redis.asyncio.Redis", "scan_iter hscan_iter sscan_iter zscan_iter"),
        "redis.asyncio.client.PubSub.listen",
        "motor.motor_asyncio.AsyncIOMotorCursor",
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
    "aiohttp.ClientResponse.content": "aiohttp.StreamReader",
    "motor.motor_asyncio.AsyncIOMotorClient.*": "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorDatabase.*": "motor.motor_asyncio.AsyncIOMotorCollection",
}

# What calling these library callables returns, beyond ``knowledge.types.RETURNS``.
CALL_RETURNS: dict[str, str] = {
    "aiohttp.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    "redis.asyncio.Redis.pubsub": "redis.asyncio.client.PubSub",
    "redis.asyncio.Redis.pipeline": "redis.asyncio.client.Pipeline",
    "motor.motor_asyncio.AsyncIOMotorClient.get_database": "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorClient.get_default_database": "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorDatabase.get_collection": "motor.motor_asyncio.AsyncIOMotorCollection",
    "motor.motor_asyncio.AsyncIOMotorCollection.find": "motor.motor_asyncio.AsyncIOMotorCursor",
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

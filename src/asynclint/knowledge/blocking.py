"""Blocking callables and what to use instead, by rule code. Shared by the static rules
(ASL101-ASL108, ASL110) and the runtime hooks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocking:
    code: str
    instead: str
    # Arguments that make the call return at once: (keyword, position or None, literal value),
    # e.g. ``q.get(block=False)``. A call passing one of them is not blocking.
    nonblocking: tuple[tuple[str, int | None, object], ...] = ()


def _methods(owners: tuple[str, ...], methods: tuple[str, ...], code: str, instead: str, **kw) -> dict[str, Blocking]:
    return {f"{o}.{m}": Blocking(code, instead, **kw) for o in owners for m in methods}


SLEEP = {
    # ``time.sleep(0)`` only yields the GIL: it does not hold the loop up.
    "time.sleep": Blocking("ASL101", "await asyncio.sleep(...)", (("secs", 0, 0),)),
}

_HTTP_AIO = "aiohttp or `httpx.AsyncClient`"
_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

HTTP: dict[str, Blocking] = {
    **_methods(("requests", "httpx"), _HTTP_VERBS, "ASL102", _HTTP_AIO),
    "httpx.stream": Blocking("ASL102", "`httpx.AsyncClient().stream(...)`"),
    **_methods(("requests.Session",), (*_HTTP_VERBS, "send"), "ASL102", _HTTP_AIO),
    **_methods(("httpx.Client",), (*_HTTP_VERBS, "send", "stream", "close"), "ASL102", "`httpx.AsyncClient`"),
    "urllib.request.urlopen": Blocking("ASL102", _HTTP_AIO),
    "urllib.request.urlretrieve": Blocking("ASL102", _HTTP_AIO),
    "urllib.request.OpenerDirector.open": Blocking("ASL102", _HTTP_AIO),
    "urllib3.request": Blocking("ASL102", _HTTP_AIO),
    **_methods(
        ("urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool"),
        ("request", "urlopen", "request_encode_url", "request_encode_body"),
        "ASL102",
        _HTTP_AIO,
    ),
    **_methods(
        ("http.client.HTTPConnection", "http.client.HTTPSConnection"),
        ("request", "getresponse", "connect", "send", "endheaders"),
        "ASL102",
        _HTTP_AIO,
    ),
}

_SPAWN = "`await asyncio.create_subprocess_exec(...)` or `asyncio.create_subprocess_shell(...)`"
_OS_WAIT = "`await proc.wait()` on an `asyncio.subprocess.Process`, or `asyncio.to_thread(...)`"

SUBPROCESS: dict[str, Blocking] = {
    **_methods(
        ("subprocess",),
        ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"),
        "ASL103",
        _SPAWN,
    ),
    "subprocess.Popen.wait": Blocking("ASL103", "`await proc.wait()` on `asyncio.create_subprocess_exec(...)`"),
    "subprocess.Popen.communicate": Blocking(
        "ASL103", "`await proc.communicate()` on `asyncio.create_subprocess_exec(...)`"
    ),
    "os.system": Blocking("ASL103", "`await asyncio.create_subprocess_shell(...)`"),
    "os.popen": Blocking("ASL103", "`await asyncio.create_subprocess_shell(...)`"),
    **_methods(
        ("os",),
        ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp"),
        "ASL103",
        _SPAWN,
    ),
    **_methods(("os",), ("wait", "wait3", "wait4", "waitid", "waitpid"), "ASL103", _OS_WAIT),
}

_FILES = "`aiofiles`, `anyio.Path` or `asyncio.to_thread(...)`"
# What ``open()`` returns, by mode; their I/O methods block alike.
FILE_TYPES = ("io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom", "io.FileIO")

FILE_IO: dict[str, Blocking] = {
    "builtins.open": Blocking("ASL104", "`aiofiles.open(...)` or `asyncio.to_thread(...)`"),
    "io.open_code": Blocking("ASL104", _FILES),
    "os.fdopen": Blocking("ASL104", _FILES),
    **_methods(
        FILE_TYPES,
        ("read", "readline", "readlines", "write", "writelines", "flush", "truncate", "close"),
        "ASL104",
        "`aiofiles` file objects or `asyncio.to_thread(...)`",
    ),
    # Only methods that touch the file system: ``name``, ``suffix``, ``/``, ``with_suffix()`` are pure.
    **_methods(
        ("pathlib.Path",),
        (
            "open", "read_text", "read_bytes", "write_text", "write_bytes", "exists", "is_file", "is_dir",
            "is_symlink", "is_mount", "is_socket", "is_fifo", "is_block_device", "is_char_device", "iterdir",
            "glob", "rglob", "walk", "mkdir", "rmdir", "unlink", "rename", "replace", "touch", "stat", "lstat",
            "chmod", "lchmod", "owner", "group", "readlink", "symlink_to", "hardlink_to", "samefile", "resolve",
        ),
        "ASL104",
        "`anyio.Path` or `asyncio.to_thread(...)`",
    ),
    **_methods(
        ("os",),
        (
            "listdir", "scandir", "stat", "lstat", "remove", "unlink", "rmdir", "removedirs", "mkdir", "makedirs",
            "rename", "renames", "replace", "walk", "fwalk", "chmod", "chown", "lchown", "link", "symlink", "readlink",
            "truncate", "utime", "access", "open", "fsync", "statvfs",
        ),
        "ASL104",
        _FILES,
    ),
    **_methods(
        ("os.path",),
        ("exists", "lexists", "isfile", "isdir", "islink", "ismount", "getsize", "getmtime", "getatime", "getctime", "samefile", "realpath"),
        "ASL104",
        _FILES,
    ),
    **_methods(
        ("shutil",),
        ("copy", "copy2", "copyfile", "copyfileobj", "copymode", "copystat", "copytree", "move", "rmtree", "make_archive", "unpack_archive", "disk_usage", "chown"),
        "ASL104",
        "`asyncio.to_thread(shutil...)`",
    ),
    "glob.glob": Blocking("ASL104", "`asyncio.to_thread(glob.glob, ...)`"),
    "glob.iglob": Blocking("ASL104", "`asyncio.to_thread(glob.glob, ...)`"),
}

_SQLITE = "`aiosqlite`"
_PG = "`asyncpg` or psycopg's `AsyncConnection`"
_MYSQL = "`aiomysql` or `asyncmy`"
_MONGO = "`motor` (`AsyncIOMotorClient`) or pymongo's `AsyncMongoClient`"
_REDIS = "`redis.asyncio.Redis`"
_CURSOR_METHODS = ("execute", "executemany", "fetchone", "fetchmany", "fetchall", "callproc")
_CONN_METHODS = ("commit", "rollback", "close")
_REDIS_COMMANDS = (
    "get", "set", "setex", "setnx", "getset", "mget", "mset", "delete", "unlink", "exists", "expire", "ttl",
    "incr", "incrby", "decr", "decrby", "keys", "scan", "hget", "hset", "hgetall", "hmget", "hdel", "hincrby",
    "lpush", "rpush", "lpop", "rpop", "blpop", "brpop", "lrange", "llen", "sadd", "srem", "smembers",
    "sismember", "zadd", "zrange", "zrangebyscore", "zrem", "publish", "ping", "flushdb", "execute_command",
    "eval", "xadd", "xread",
)
_MONGO_COLLECTION = (
    "find_one", "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one",
    "delete_many", "count_documents", "aggregate", "distinct", "find_one_and_update", "find_one_and_delete",
    "find_one_and_replace", "bulk_write", "create_index", "drop",
)

DATABASE: dict[str, Blocking] = {
    "sqlite3.connect": Blocking("ASL105", _SQLITE),
    **_methods(("sqlite3.Connection",), ("execute", "executemany", "executescript", "commit", "rollback", "close", "backup"), "ASL105", _SQLITE),
    **_methods(("sqlite3.Cursor",), ("execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall"), "ASL105", _SQLITE),
    "psycopg2.connect": Blocking("ASL105", _PG),
    **_methods(("psycopg2.extensions.connection",), _CONN_METHODS, "ASL105", _PG),
    **_methods(("psycopg2.extensions.cursor",), (*_CURSOR_METHODS, "copy_from", "copy_to", "copy_expert"), "ASL105", _PG),
    "psycopg.connect": Blocking("ASL105", "`await psycopg.AsyncConnection.connect(...)`"),
    "psycopg.Connection.connect": Blocking("ASL105", "`await psycopg.AsyncConnection.connect(...)`"),
    **_methods(("psycopg.Connection",), (*_CONN_METHODS, "execute"), "ASL105", "psycopg's `AsyncConnection`"),
    **_methods(("psycopg.Cursor",), _CURSOR_METHODS, "ASL105", "psycopg's `AsyncCursor`"),
    "pymysql.connect": Blocking("ASL105", _MYSQL),
    **_methods(("pymysql.connections.Connection",), (*_CONN_METHODS, "ping", "query"), "ASL105", _MYSQL),
    **_methods(("pymysql.cursors.Cursor",), _CURSOR_METHODS, "ASL105", _MYSQL),
    "MySQLdb.connect": Blocking("ASL105", _MYSQL),
    **_methods(("MySQLdb.connections.Connection",), (*_CONN_METHODS, "ping", "query"), "ASL105", _MYSQL),
    **_methods(("MySQLdb.cursors.Cursor",), _CURSOR_METHODS, "ASL105", _MYSQL),
    **_methods(("pymongo.MongoClient",), ("server_info", "list_database_names", "drop_database", "close"), "ASL105", _MONGO),
    **_methods(("pymongo.database.Database",), ("command", "list_collection_names", "create_collection", "drop_collection"), "ASL105", _MONGO),
    **_methods(("pymongo.collection.Collection",), _MONGO_COLLECTION, "ASL105", _MONGO),
    **_methods(("redis.Redis",), _REDIS_COMMANDS, "ASL105", _REDIS),
    "redis.client.Pipeline.execute": Blocking("ASL105", _REDIS),
}

_SOCKET = "`asyncio.open_connection(...)` streams or `loop.sock_*` methods"
_DNS = "`await loop.getaddrinfo(...)`"

SOCKET: dict[str, Blocking] = {
    "socket.create_connection": Blocking("ASL106", "`await asyncio.open_connection(...)`"),
    **_methods(("socket",), ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo", "getfqdn"), "ASL106", _DNS),
    **_methods(
        ("socket.socket",),
        ("recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "send", "sendall", "sendto", "sendmsg", "sendfile", "accept", "connect", "connect_ex"),
        "ASL106",
        _SOCKET,
    ),
    "select.select": Blocking("ASL106", "asyncio streams, or `loop.add_reader(...)`"),
}

_NO_BLOCK = (("block", 0, False), ("timeout", 1, 0))
_NO_WAIT = (("blocking", 0, False), ("timeout", 1, 0))
_TIMEOUT0 = (("timeout", 0, 0),)

WAIT_PRIMITIVES: dict[str, Blocking] = {
    "queue.Queue.get": Blocking("ASL107", "`asyncio.Queue` (`await q.get()`), or `q.get_nowait()`", _NO_BLOCK),
    "queue.Queue.put": Blocking("ASL107", "`asyncio.Queue` (`await q.put(...)`), or `q.put_nowait(...)`", (("block", 1, False), ("timeout", 2, 0))),
    "queue.Queue.join": Blocking("ASL107", "`asyncio.Queue` (`await q.join()`)"),
    "multiprocessing.queues.Queue.get": Blocking("ASL107", "`await asyncio.to_thread(q.get)`", _NO_BLOCK),
    "multiprocessing.queues.Queue.put": Blocking("ASL107", "`await asyncio.to_thread(q.put, ...)`", (("block", 1, False), ("timeout", 2, 0))),
    "multiprocessing.queues.Queue.join_thread": Blocking("ASL107", "`await asyncio.to_thread(q.join_thread)`"),
    **{
        f"threading.{t}.acquire": Blocking("ASL107", f"`asyncio.{t if t != 'RLock' else 'Lock'}` with `async with`", _NO_WAIT)
        for t in ("Lock", "RLock", "Semaphore", "Condition")
    },
    "threading.Condition.wait": Blocking("ASL107", "`asyncio.Condition` (`await cond.wait()`)", _TIMEOUT0),
    "threading.Condition.wait_for": Blocking("ASL107", "`asyncio.Condition` (`await cond.wait_for(...)`)"),
    "threading.Event.wait": Blocking("ASL107", "`asyncio.Event` (`await event.wait()`)", _TIMEOUT0),
    "threading.Barrier.wait": Blocking("ASL107", "`asyncio.Barrier` (`await barrier.wait()`)", _TIMEOUT0),
    "threading.Thread.join": Blocking("ASL107", "`await asyncio.to_thread(thread.join)`", _TIMEOUT0),
    "concurrent.futures.Future.result": Blocking("ASL107", "`await asyncio.wrap_future(fut)`", _TIMEOUT0),
    "concurrent.futures.Future.exception": Blocking("ASL107", "`await asyncio.wrap_future(fut)`", _TIMEOUT0),
    "concurrent.futures.wait": Blocking("ASL107", "`await asyncio.wait([asyncio.wrap_future(f) for f in fs])`", (("timeout", 1, 0),)),
    "concurrent.futures.ThreadPoolExecutor.shutdown": Blocking("ASL107", "`await asyncio.to_thread(executor.shutdown)` or `shutdown(wait=False)`", (("wait", 0, False),)),
    "concurrent.futures.ProcessPoolExecutor.shutdown": Blocking("ASL107", "`await asyncio.to_thread(executor.shutdown)` or `shutdown(wait=False)`", (("wait", 0, False),)),
    "multiprocessing.Process.join": Blocking("ASL107", "`await asyncio.to_thread(process.join)`", _TIMEOUT0),
    "multiprocessing.pool.Pool.join": Blocking("ASL107", "`await asyncio.to_thread(pool.join)`"),
    "multiprocessing.pool.ThreadPool.join": Blocking("ASL107", "`await asyncio.to_thread(pool.join)`"),
}

_INPUT = "`await asyncio.to_thread(input, ...)`"

INPUT: dict[str, Blocking] = {
    "builtins.input": Blocking("ASL108", _INPUT),
    **_methods(("sys.stdin", "sys.stdin.buffer"), ("read", "readline", "readlines"), "ASL108", "`await asyncio.to_thread(sys.stdin.readline)` or a `StreamReader` on stdin"),
    "getpass.getpass": Blocking("ASL108", "`await asyncio.to_thread(getpass.getpass, ...)`"),
}

BLOCKING: dict[str, Blocking] = {**SLEEP, **HTTP, **SUBPROCESS, **FILE_IO, **DATABASE, **SOCKET, **WAIT_PRIMITIVES, **INPUT}


def blocking_for(name: str | None) -> Blocking | None:
    if name is None:
        return None
    return BLOCKING.get(name)


_BY_METHOD: dict[str, tuple[Blocking, ...]] | None = None


def nonblocking_by_method(method: str) -> tuple[Blocking, ...]:
    """The table's entries for methods named ``method`` that some argument makes
    non-blocking (``shutdown`` -> the executors' ``shutdown(wait=False)``)."""
    global _BY_METHOD
    if _BY_METHOD is None:
        by: dict[str, list[Blocking]] = {}
        for name, entry in BLOCKING.items():
            if entry.nonblocking:
                by.setdefault(name.rsplit(".", 1)[-1], []).append(entry)
        _BY_METHOD = {m: tuple(es) for m, es in by.items()}
    return _BY_METHOD.get(method, ())

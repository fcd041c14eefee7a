"""Event-loop and future methods that only the loop's own thread may call, what to call from
other threads instead, and the APIs that run a function in another thread. Shared by ASL411
(static) and the runtime's loop-called-from-other-thread check (ASL505)."""

from __future__ import annotations

from dataclasses import dataclass

# Qualified method -> the thread-safe way to get the same effect.
NOT_THREADSAFE: dict[str, str] = {
    "asyncio.AbstractEventLoop.call_soon": "`loop.call_soon_threadsafe(...)`",
    "asyncio.AbstractEventLoop.call_later": "`loop.call_soon_threadsafe(loop.call_later, ...)`",
    "asyncio.AbstractEventLoop.call_at": "`loop.call_soon_threadsafe(loop.call_at, ...)`",
    "asyncio.AbstractEventLoop.create_task": "`asyncio.run_coroutine_threadsafe(coro, loop)`",
    "asyncio.Future.set_result": "`loop.call_soon_threadsafe(fut.set_result, value)`",
    "asyncio.Future.set_exception": "`loop.call_soon_threadsafe(fut.set_exception, exc)`",
}


@dataclass(frozen=True)
class ThreadEntry:
    """Where a thread-starting call takes the function to run and that function's arguments:
    a positional index and/or a keyword name for each (``None`` when it has no such slot)."""

    func_index: int | None
    func_keyword: str | None
    args_from: int | None = None  # the function's arguments follow as ``*args`` from here
    args_index: int | None = None  # ... or come as one tuple: ``Thread(target=f, args=(...))``
    args_keyword: str | None = None


THREAD_ENTRIES: dict[str, ThreadEntry] = {
    "threading.Thread": ThreadEntry(func_index=1, func_keyword="target", args_index=3, args_keyword="args"),
    "asyncio.to_thread": ThreadEntry(func_index=0, func_keyword=None, args_from=1),
    "asyncio.AbstractEventLoop.run_in_executor": ThreadEntry(func_index=1, func_keyword=None, args_from=2),
    "concurrent.futures.ThreadPoolExecutor.submit": ThreadEntry(func_index=0, func_keyword=None, args_from=1),
}

# Executors whose workers live until ``shutdown()`` (ASL410).
EXECUTOR_CLASSES: dict[str, str] = {
    "concurrent.futures.ThreadPoolExecutor": "threads",
    "concurrent.futures.ProcessPoolExecutor": "worker processes",
}

# Classes whose methods the event loop itself calls, in its own thread, while it runs: a
# protocol is made by the factory the loop calls on each connection, then fed by the loop.
LOOP_DRIVEN_BASES: frozenset[str] = frozenset(
    {
        *(
            f"asyncio.{module}{name}"
            for module in ("", "protocols.")
            for name in ("BaseProtocol", "Protocol", "BufferedProtocol", "DatagramProtocol", "SubprocessProtocol")
        ),
        # websockets' legacy (asyncio.Protocol-based) implementation, old and new import paths.
        *(
            f"websockets.{module}{name}"
            for module in ("", "legacy.")
            for name in ("server.WebSocketServerProtocol", "client.WebSocketClientProtocol", "protocol.WebSocketCommonProtocol")
        ),
    }
)

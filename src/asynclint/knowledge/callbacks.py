"""APIs that call a function they are given synchronously and drop what it returns (ASL201's
callback form): handed a coroutine function, each call only makes a coroutine nobody awaits.

Keys are the canonical spellings ``SemanticModel.call_name`` gives (``Type.method`` for typed
receivers: a ``loop`` from ``asyncio.get_running_loop()`` is an ``asyncio.AbstractEventLoop``,
a ``task`` from ``asyncio.create_task()`` an ``asyncio.Task``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallbackSlot:
    """Where the call takes the callback: a positional index and/or a keyword name; ``label``
    names the API in messages; ``advice`` is a key of :data:`ADVICE`."""

    index: int | None
    keyword: str | None
    label: str
    advice: str


def _slots(owner: str, spec: dict[str, int], advice: str) -> dict[str, CallbackSlot]:
    return {f"{owner}.{m}": CallbackSlot(i, None, f"{m}()", advice) for m, i in spec.items()}


_LOOP = "asyncio.AbstractEventLoop"
_EXECUTORS = ("concurrent.futures.Executor", "concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor")

SYNC_CALLBACKS: dict[str, CallbackSlot] = {
    **_slots(
        _LOOP,
        {"call_soon": 0, "call_soon_threadsafe": 0, "call_later": 1, "call_at": 1, "add_signal_handler": 1, "add_reader": 1, "add_writer": 1},
        "loop",
    ),
    **_slots("asyncio.Future", {"add_done_callback": 0}, "loop"),
    **_slots("asyncio.Task", {"add_done_callback": 0}, "loop"),
    # Done callbacks of a concurrent future run in whichever thread completes it.
    **_slots("concurrent.futures.Future", {"add_done_callback": 0}, "thread"),
    **_slots(_LOOP, {"run_in_executor": 1}, "thread"),
    **{k: v for owner in _EXECUTORS for k, v in _slots(owner, {"submit": 0}, "thread").items()},
    "asyncio.to_thread": CallbackSlot(0, None, "asyncio.to_thread()", "thread"),
    "threading.Thread": CallbackSlot(1, "target", "threading.Thread()", "thread"),
    "threading.Timer": CallbackSlot(1, "function", "threading.Timer()", "thread"),
    "atexit.register": CallbackSlot(0, None, "atexit.register()", "exit"),
    "signal.signal": CallbackSlot(1, None, "signal.signal()", "signal"),
    "weakref.finalize": CallbackSlot(1, None, "weakref.finalize()", "exit"),
    # Not ``AsyncExitStack.push_async_callback``: that one awaits what it calls.
    "contextlib.ExitStack.callback": CallbackSlot(0, None, "ExitStack.callback()", "exit_stack"),
    "contextlib.AsyncExitStack.callback": CallbackSlot(0, None, "AsyncExitStack.callback()", "exit_stack"),
}

# The last name of every API above (``call_soon``, ``Thread``): a call whose callee is spelled
# with none of these is not one of them, whatever its receiver (a set lookup, not a resolution).
CALLBACK_API_NAMES: frozenset[str] = frozenset(k.rsplit(".", 1)[-1] for k in SYNC_CALLBACKS)

# What to do instead, by ``CallbackSlot.advice``.
ADVICE: dict[str, str] = {
    "loop": "Pass a sync function that schedules it with `asyncio.create_task()`/`loop.create_task()` (and keeps the task)",
    "thread": "Await it directly, or, from another thread, submit it to the loop with `asyncio.run_coroutine_threadsafe()`",
    "exit_stack": "Use `AsyncExitStack.push_async_callback()`, which awaits it",
    "exit": "Pass a sync function (one that runs the coroutine with `asyncio.run()` if no loop is running then)",
    "signal": "Use `loop.add_signal_handler()` with a sync function that schedules it with `loop.create_task()`",
}

# ``functools.partial(f, ...)`` calls ``f``: a partial of a coroutine function is one too.
PARTIALS: frozenset[str] = frozenset({"functools.partial"})

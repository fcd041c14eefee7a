"""When asyncio APIs were deprecated, removed or changed: the facts behind the version-aware
rules (ASL4xx), kept as data so each rule only compares them with the target version.

Versions are ``(3, minor)`` tuples, compared with ``RuleContext.target_version``.
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, int]


def fmt(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


@dataclass(frozen=True)
class Lifecycle:
    """An API's deprecation and (planned) removal; ``None`` when it has not happened."""

    deprecated: Version | None
    removed: Version | None = None


# ``asyncio.get_event_loop()`` with no running loop: silently made a loop before 3.12, warns
# (DeprecationWarning "There is no current event loop") on 3.12 and 3.13 when no loop is
# running or set, and raises RuntimeError from 3.14 when no current loop is set.
GET_EVENT_LOOP_WARNS: Version = (3, 12)
GET_EVENT_LOOP_RAISES: Version = (3, 14)

# ``asyncio.Runner`` appeared in 3.11, ``loop_factory=`` of ``asyncio.run()`` in 3.12: what
# replaces an event-loop policy depends on which exists on the target.
RUNNER_ADDED: Version = (3, 11)
RUN_LOOP_FACTORY_ADDED: Version = (3, 12)

POLICY = Lifecycle(deprecated=(3, 14), removed=(3, 16))
POLICY_APIS: frozenset[str] = frozenset(
    {
        "asyncio.get_event_loop_policy",
        "asyncio.set_event_loop_policy",
        "asyncio.AbstractEventLoopPolicy",
        "asyncio.DefaultEventLoopPolicy",
        "asyncio.BaseDefaultEventLoopPolicy",
        "asyncio.WindowsSelectorEventLoopPolicy",
        "asyncio.WindowsProactorEventLoopPolicy",
    }
)

ISCOROUTINEFUNCTION = Lifecycle(deprecated=(3, 14), removed=(3, 16))
# From 3.12 ``inspect.iscoroutinefunction`` honours ``inspect.markcoroutinefunction``: only
# then can code that marks sync callables as coroutine functions move off asyncio's helper.
INSPECT_MARKCOROUTINEFUNCTION_ADDED: Version = (3, 12)

ASYNCIO_COROUTINE_DECORATOR = Lifecycle(deprecated=(3, 8), removed=(3, 11))

# ``asyncio.TimeoutError`` is the builtin ``TimeoutError`` from 3.11 on (a distinct class before).
TIMEOUT_ERROR_IS_BUILTIN: Version = (3, 11)

# The ``loop`` parameter removed from the high-level API (bpo-42392), deprecated in 3.8.
# Low-level and thread-bridging APIs kept theirs: ensure_future, wrap_future,
# run_coroutine_threadsafe, all_tasks, current_task, Future, Task, StreamReader.
LOOP_ARGUMENT = Lifecycle(deprecated=(3, 8), removed=(3, 10))
LOOP_ARGUMENT_REMOVED_FROM: frozenset[str] = frozenset(
    {
        "asyncio.sleep",
        "asyncio.gather",
        "asyncio.shield",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.as_completed",
        "asyncio.Queue",
        "asyncio.PriorityQueue",
        "asyncio.LifoQueue",
        "asyncio.Lock",
        "asyncio.Event",
        "asyncio.Condition",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.open_connection",
        "asyncio.start_server",
        "asyncio.open_unix_connection",
        "asyncio.start_unix_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
    }
)

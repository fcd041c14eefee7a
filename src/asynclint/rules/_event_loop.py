"""What ASL402 and the opt-in ASL907 share besides ``semantics.running_loop``: the text of
what ``get_event_loop()`` does without a running loop on the target version."""

from __future__ import annotations

from asynclint.knowledge.versions import (
    GET_EVENT_LOOP_RAISES,
    GET_EVENT_LOOP_WARNS,
    RUNNER_ADDED,
    fmt,
)


def _before(version: tuple[int, int]) -> tuple[int, int]:
    return version[0], version[1] - 1


def message_for(target: tuple[int, int]) -> str:
    """The finding's text for a target version (pinned per version by the tests)."""
    what = "`asyncio.get_event_loop()` without a running event loop"
    if target >= GET_EVENT_LOOP_RAISES:
        problem = f"raises RuntimeError on Python {fmt(GET_EVENT_LOOP_RAISES)}+ when no event loop is set"
    elif target >= GET_EVENT_LOOP_WARNS:
        problem = (
            f"emits a DeprecationWarning on Python {fmt(GET_EVENT_LOOP_WARNS)} and {fmt(_before(GET_EVENT_LOOP_RAISES))}"
            " when no event loop is set"
            f" (RuntimeError from {fmt(GET_EVENT_LOOP_RAISES)})"
        )
    else:
        problem = (
            f"is deprecated from Python {fmt(GET_EVENT_LOOP_WARNS)} (DeprecationWarning when no event loop is set,"
            f" RuntimeError from {fmt(GET_EVENT_LOOP_RAISES)})"
        )
    runner = ", `asyncio.Runner`" if target >= RUNNER_ADDED else ""
    return f"{what} {problem}; use `asyncio.run()`{runner} or `asyncio.new_event_loop()` + `asyncio.set_event_loop()`"

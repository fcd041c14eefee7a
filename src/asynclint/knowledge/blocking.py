"""Blocking callables and what to use instead, by rule code. Shared by the static rules
(ASL101-ASL108, ASL110) and the runtime hooks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocking:
    code: str
    instead: str


SLEEP = {
    "time.sleep": Blocking("ASL101", "await asyncio.sleep(...)"),
}

BLOCKING: dict[str, Blocking] = {**SLEEP}


def blocking_for(name: str | None) -> Blocking | None:
    if name is None:
        return None
    return BLOCKING.get(name)

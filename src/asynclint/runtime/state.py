"""Process-wide runtime state: options, the collectors findings go to, the re-entrancy guard.

Every hook funnels into :func:`emit`, which never raises and never records while another
hook of the same thread is recording (a hook that triggers a hook must not loop).
"""

from __future__ import annotations

import _thread
import os
import threading
from dataclasses import dataclass, field

from asynclint.runtime.frames import Classifier, StackEntry

MAX_EVENTS = 2000  # distinct (code, path, line, test) per collector; counts keep growing past it
MAX_STACK = 40


@dataclass
class Options:
    slow_threshold: float = 0.1
    include_libraries: bool = False
    strict: bool = False
    roots: list[str] = field(default_factory=lambda: [os.getcwd()])
    full: bool = True  # origin tracking, creation sites and the watchdog; off = only the cheap hooks


class Collector:
    """Findings of one watch (a process, a ``watch()`` block, a pytest session), merged by place."""

    def __init__(self) -> None:
        self.events: dict[tuple, dict] = {}
        self.dropped = 0
        self._lock = _thread.allocate_lock()

    def add(self, event: dict) -> None:
        key = (event["code"], event["path"], event["line"], event.get("test"))
        with self._lock:
            old = self.events.get(key)
            if old is not None:
                old["count"] += 1
                if (event.get("duration") or 0) > (old.get("duration") or 0):
                    old["duration"] = event["duration"]
                return
            if len(self.events) >= MAX_EVENTS:
                self.dropped += 1
                return
            self.events[key] = event

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self.events.values()]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()


class _State:
    def __init__(self) -> None:
        self.options = Options()
        self.classifier = Classifier(self.options.roots)
        self.collectors: list[Collector] = []
        self.test_id: str | None = None
        self.tls = threading.local()

    def configure(self, options: Options) -> None:
        self.options = options
        self.classifier = Classifier(options.roots, options.include_libraries)


STATE = _State()


def busy() -> bool:
    return getattr(STATE.tls, "busy", False)


class guard:
    """``with guard() as ok:`` -- ok is False when this thread is already inside a hook."""

    def __enter__(self) -> bool:
        tls = STATE.tls
        if getattr(tls, "busy", False):
            self.owner = False
            return False
        tls.busy = True
        self.owner = True
        return True

    def __exit__(self, *exc) -> bool:
        if self.owner:
            STATE.tls.busy = False
        return False


def emit(code: str, stack: list[StackEntry], message: str, *, duration: float | None = None, related: list | None = None, location: StackEntry | None = None, **extra) -> bool:
    """Record one finding at the innermost reportable frame of ``stack``; False if none is."""
    try:
        loc = location or STATE.classifier.locate(stack)
        if loc is None or not STATE.collectors:
            return False
        event = {
            "code": code,
            "path": loc[0],
            "line": loc[1],
            "message": message,
            "stack": [list(e) for e in stack[-MAX_STACK:]],
            "count": 1,
            "pid": os.getpid(),
        }
        if duration is not None:
            event["duration"] = round(duration, 4)
        if related:
            event["related"] = [list(r) for r in related]
        if STATE.test_id is not None:
            event["test"] = STATE.test_id
        event.update(extra)
        for c in list(STATE.collectors):
            c.add(event if len(STATE.collectors) == 1 else dict(event))
        return True
    except Exception:  # a hook must never break the program it watches
        return False

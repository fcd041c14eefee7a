"""Installs and removes every hook, counted so nested ``watch()`` blocks share one install."""

from __future__ import annotations

import _thread

from asynclint.runtime.state import STATE, Collector, Options

_lock = _thread.allocate_lock()
_count = 0


def start(options: Options | None = None, collector: Collector | None = None) -> None:
    global _count
    from asynclint.runtime import blocking, loop_hooks

    with _lock:
        if _count == 0:
            STATE.configure(options or Options())
            loop_hooks.install()
            blocking.install()
        _count += 1
        if collector is not None:
            STATE.collectors.append(collector)


def stop(collector: Collector | None = None) -> None:
    global _count
    from asynclint.runtime import blocking, loop_hooks

    with _lock:
        if collector is not None and collector in STATE.collectors:
            STATE.collectors.remove(collector)
        _count -= 1
        if _count == 0:
            blocking.uninstall()
            loop_hooks.uninstall()


def active() -> bool:
    return _count > 0

"""Turns the hooks on in a process started by ``asynclint run`` (imported from the
``asynclint_runtime.pth`` file, before any user code) and writes its findings on exit.

Does nothing when the environment variable is absent, so the ``.pth`` costs nothing otherwise.
"""

from __future__ import annotations

import os

from asynclint.runtime import env


def _start() -> None:
    import atexit
    import json
    import uuid

    from asynclint.runtime import core
    from asynclint.runtime.report import write_events
    from asynclint.runtime.state import Collector, Options, guard

    directory = os.environ[env.DIR]
    try:
        raw = json.loads(os.environ.get(env.OPTIONS) or "{}")
    except ValueError:
        raw = {}
    options = Options(
        slow_threshold=float(raw.get("slow_threshold", 0.1)),
        include_libraries=bool(raw.get("include_libraries", False)),
        strict=bool(raw.get("strict", False)),
        roots=list(raw.get("roots") or [os.getcwd()]),
    )
    collector = Collector()
    tag = [f"{os.getpid()}-{uuid.uuid4().hex[:8]}"]

    def flush() -> None:
        with guard():
            try:
                write_events(directory, collector.snapshot(), tag[0])
            except Exception:
                pass

    def after_fork() -> None:
        collector.clear()
        tag[0] = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def flush_at_exit() -> None:
        # Objects in reference cycles (a transport and its protocol) are otherwise collected
        # only after atexit, when nothing records any more.
        import gc

        try:
            gc.collect()
        except Exception:
            pass
        flush()

    core.start(options, collector)
    atexit.register(flush_at_exit)
    os.register_at_fork(after_in_child=after_fork)
    _flush_on_loop_close(flush)
    flush()  # an empty file says "this process ran with the hooks", even if it is killed later


def _flush_on_loop_close(flush) -> None:
    # Children that leave through os._exit (multiprocessing) never run atexit.
    import asyncio.base_events

    from asynclint.runtime.loop_hooks import _patch

    Loop = asyncio.base_events.BaseEventLoop
    orig = Loop.close

    def close(self):
        try:
            return orig(self)
        finally:
            flush()

    close.__wrapped__ = orig
    _patch(Loop, "close", close)


if os.environ.get(env.DIR) and not globals().get("_started"):
    _started = True
    try:
        _start()
    except Exception as e:  # never stop the program from starting
        import sys

        print(f"asynclint: runtime hooks not installed: {e!r}", file=sys.stderr)

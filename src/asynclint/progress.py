"""A progress bar on stderr for long runs, drawn only where a person is watching."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

# Short runs finish before a bar would help; drawing it would only flicker.
DELAY_SECONDS = 2.0
_INTERVAL = 0.1
_WIDTH = 30


def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """A bar only on a terminal, never with ``--quiet`` and never in CI (``CI`` set)."""
    stream = stream if stream is not None else sys.stderr
    if quiet or os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """``bar(done, total)`` as files finish; ``bar.close()`` erases the line."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY_SECONDS):
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.delay = delay
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < self.delay or (now - self._last < _INTERVAL and done < total):
            return
        self._last = now
        filled = _WIDTH * done // max(total, 1)
        line = f"\r[{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{total} files"
        try:
            self.stream.write(line)
            self.stream.flush()
            self._drawn = True
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        if self._drawn:
            try:
                self.stream.write("\r" + " " * (_WIDTH + 30) + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self._drawn = False

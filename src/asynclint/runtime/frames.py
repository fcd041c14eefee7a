"""Which frames belong to the user's project, and compact stacks that keep no frame alive.

A location is reported only in first-party code (under one of the roots), or, with
``include_libraries``, in any installed package; never in the standard library or asynclint.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from types import FrameType

IGNORE, STDLIB, LIBRARY, FIRST_PARTY = 0, 1, 2, 3

_OWN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../asynclint
_OWN_PREFIX = _OWN + os.sep
_STDLIB = tuple(
    os.path.normcase(os.path.realpath(p)) + os.sep
    for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
)
_SITE_MARKERS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)

StackEntry = tuple  # (path, line, function)


class Classifier:
    def __init__(self, roots: list[str], include_libraries: bool = False):
        self.roots = tuple(os.path.normcase(os.path.realpath(r)).rstrip(os.sep) + os.sep for r in roots)
        self.include_libraries = include_libraries
        self._cache: dict[str, int] = {}

    def kind(self, filename: str) -> int:
        k = self._cache.get(filename)
        if k is None:
            k = self._cache[filename] = self._classify(filename)
        return k

    def _classify(self, filename: str) -> int:
        if not filename or filename.startswith("<"):
            return IGNORE
        path = os.path.normcase(os.path.realpath(filename))
        if path.startswith(_OWN + os.sep):
            return IGNORE
        if any(m in path for m in _SITE_MARKERS):
            return LIBRARY
        if path.startswith(_STDLIB):
            return STDLIB
        if any(path.startswith(r) for r in self.roots):
            return FIRST_PARTY
        return LIBRARY

    def reportable(self, filename: str) -> bool:
        k = self.kind(filename)
        return k == FIRST_PARTY or (k == LIBRARY and self.include_libraries)

    def locate(self, stack: list[StackEntry]) -> StackEntry | None:
        """The innermost reportable entry of a stack given most recent call last."""
        for entry in reversed(stack):
            if self.reportable(entry[0]):
                return entry
        return None


def stack_of(frame: FrameType | None, limit: int = 40) -> list[StackEntry]:
    """(path, line, function) entries, most recent call last, without asynclint's own frames."""
    out: list[StackEntry] = []
    while frame is not None and len(out) < limit:
        code = frame.f_code
        if not code.co_filename.startswith(_OWN_PREFIX):
            out.append((code.co_filename, frame.f_lineno, code.co_name))
        frame = frame.f_back
    out.reverse()
    return out


def caller_frame(depth: int = 2) -> FrameType | None:
    try:
        return sys._getframe(depth)
    except ValueError:
        return None

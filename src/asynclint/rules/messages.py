"""Message parts several rules share (so no rule imports another rule)."""

from __future__ import annotations

from asynclint.project.index import Value


def coroutine_head(v: Value) -> str:
    """``save() defined at app/repo.py:41 is a coroutine function`` / ``x.close() returns a coroutine``."""
    if v.where:
        return f"`{v.label}()` defined at {v.where} is a coroutine function"
    return f"`{v.label}()` returns a coroutine"

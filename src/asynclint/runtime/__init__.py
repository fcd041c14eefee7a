"""Runtime mode: run a program (or a test suite) with record-only hooks that report the
asyncio pitfalls only visible while it runs, as the same Findings as the static rules.

``asynclint.runtime.run(main())`` is a drop-in for ``asyncio.run``; ``watch()`` is a context
manager collecting findings in-process. This package imports nothing heavy on its own: the
``.pth`` bootstrap goes through it in every interpreter that starts.
"""

from __future__ import annotations

__all__ = ["run", "watch", "Watch", "BlockingCallError"]


def __getattr__(name: str):
    if name in ("run", "watch", "Watch"):
        from asynclint.runtime import api

        return getattr(api, name)
    if name == "BlockingCallError":
        from asynclint.runtime.blocking import BlockingCallError

        return BlockingCallError
    raise AttributeError(name)

"""What async libraries say about themselves: the hand tables first, then knowledge summarised
from the libraries' own code (``knowledge/summarise.py``).

Two sources of summaries, consulted per top-level module and loaded on first use:

- live: the linted project's own environment, when it is known (``knowledge/live.py``);
- generated: the summaries shipped in the package (``knowledge/generated/``, written by
  ``python -m asynclint.knowledge.generate``), so a run without the project's environment (an
  isolated pre-commit hook) still knows the common libraries.

The resolution (``semantics.model``, ``project.index``) asks the questions below where it asked
the hand tables; the hand tables keep what code cannot say and win where both answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from asynclint.knowledge import coroutines as _hand
from asynclint.knowledge import types as _types
from asynclint.knowledge.generated import LIBRARIES as GENERATED

_DIR = Path(__file__).parent / "generated"
_MISSING = object()
_tables: dict[str, dict | None] = {}
# The live source: top-level module -> summary (or None), set by ``use_environment``.
_live: Callable[[str], dict | None] | None = None
_live_roots: Callable[[str], bool] | None = None


def use_environment(summary_of: Callable[[str], dict | None] | None, has_root: Callable[[str], bool] | None = None) -> None:
    """Answer from the project's environment first (None: from the generated data only)."""
    global _live, _live_roots
    _live, _live_roots = summary_of, has_root
    _tables.clear()


def _table(root: str) -> dict | None:
    t = _tables.get(root, _MISSING)
    if t is _MISSING:
        t = _live(root) if _live is not None else None
        if t is None and root in GENERATED:
            try:
                t = json.loads((_DIR / f"{root}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                t = None
        _tables[root] = t
    return t


def known_root(root: str) -> bool:
    """Whether some summary may know names rooted at ``root`` (without loading it)."""
    return root in GENERATED or (_live_roots is not None and _live_roots(root))


def facts(name: str) -> dict | None:
    """The summarised facts of a qualified name (``aiosqlite.Connection.execute``)."""
    root = name.partition(".")[0]
    if root not in GENERATED and _live is None:
        return None
    t = _table(root)
    if t is None:
        return None
    entries = t["entries"]
    e = entries.get(name)
    if e is None:
        aliases = t["aliases"]
        # ``aiosqlite.core.Connection.execute``: fold the longest aliased prefix.
        head, rest = name, ""
        while "." in head:
            public = aliases.get(head)
            if public is not None:
                return entries.get(public + rest)
            head, _, last = head.rpartition(".")
            rest = f".{last}{rest}"
    return e


def _fact(name: str, key: str):
    e = facts(name)
    return e.get(key) if e is not None else None


def is_coroutine_function(name: str) -> bool:
    return name in _hand.COROUTINE_FUNCTIONS or _fact(name, "c") is not None


def is_async_context_manager(name: str) -> bool:
    """A type, or a callable by what it returns, that supports only ``async with``."""
    return name in _hand.ASYNC_CONTEXT_MANAGERS or _fact(name, "m") is not None


def is_async_iterable(name: str) -> bool:
    return name in _hand.ASYNC_ITERABLES or _fact(name, "i") is not None


def is_class(name: str) -> bool:
    return name in _types.CLASSES or _fact(name, "k") is not None


def call_returns(name: str) -> str | None:
    """The type a call of ``name`` returns (not for coroutine functions: see ``await_returns``)."""
    return _types.RETURNS.get(name) or _hand.CALL_RETURNS.get(name) or _fact(name, "r")


def types_call_returns(name: str) -> str | None:
    """``call_returns`` as the per-file types know it (the receiver-typing table, no factories)."""
    return _types.RETURNS.get(name) or _fact(name, "r")


def await_returns(name: str) -> str | None:
    """What ``await name(...)`` gives."""
    return _types.AWAIT_RETURNS.get(name) or _fact(name, "a")


def awaited_type(type_name: str) -> str | None:
    """What ``await x`` gives for an instance of a library's awaitable class."""
    e = facts(type_name)
    return e.get("a") if e is not None and e.get("w") else None


def enter_returns(name: str) -> str | None:
    """What ``async with name(...)``/``async with <instance of name>`` binds, when not itself."""
    return _types.ENTER_RETURNS.get(name) or _fact(name, "e")


def attribute_type(name: str) -> str | None:
    """The type of a library attribute or property (``aiohttp.ClientResponse.content``)."""
    owner = name.rpartition(".")[0]
    return _hand.ATTRIBUTE_TYPES.get(name) or _hand.ATTRIBUTE_TYPES.get(f"{owner}.*") or _fact(name, "t")


def versions() -> dict[str, tuple[str, str]]:
    """Top-level module -> (distribution, version) of the generated knowledge."""
    return dict(GENERATED)

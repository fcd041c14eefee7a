"""The facts protocol: how a rule learns what an expression is, wherever the answer lives.

A rule never resolves names across modules itself. It asks ``ctx.ask(FACT, subject, ...)``,
where ``subject`` is a ref (``asynclint.semantics.refs``) of the expression it cares about,
and says what a "yes" would mean (``Rule.conclude``). Two answerers implement the same
protocol (``Facts.answer``):

- pass 1, per file: ``asynclint.project.index.FileFacts`` answers from the knowledge tables
  and what the file itself says (the ref already carries the file's imports and types); it
  answers ``PENDING`` when only the project can say;
- pass 2, project-wide: ``asynclint.project.index.ProjectIndex`` answers every pending
  question from the summaries of all modules (no re-parse).

The engine turns a "yes" into a finding through the rule's one ``conclude`` method in both
passes, so a rule has one code path from an answer to a finding. ``unless`` questions veto a
finding (ASL202 asks "is this module-level coroutine imported by another module?").

An answer is falsy for "no" and for "unknown": unknown is never a coroutine function, never
an async context manager, never blocking. A yes is a ``Value`` (``asynclint.project.index``)
naming the definition that makes it so, or, for ``BLOCKING_CHAIN``, a ``Chain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Union

if TYPE_CHECKING:
    from asynclint.project.index import Value

COROUTINE_FUNCTION = "coroutine-function"
"""Calling the subject certainly returns a coroutine. Yes: the callee."""
ASYNC_CONTEXT_MANAGER = "async-context-manager"
"""The subject's value works only with ``async with``. Yes: the class or factory."""
ASYNC_ITERABLE = "async-iterable"
"""The subject's value can only be iterated with ``async for``. Yes: the async generator
function or the class."""
BLOCKING_CHAIN = "blocking-chain"
# A ``BLOCKING_CHAIN`` param that bounds the chain: at most this many functions before the
# blocking call (see :func:`chain_limit_param`).
_CHAIN_LIMIT = "\x01max-functions="


def chain_limit_param(limit: int) -> str:
    return f"{_CHAIN_LIMIT}{limit}"


def split_chain_limit(params: tuple[str, ...]) -> tuple[tuple[str, ...], int | None]:
    """(the other params, the limit or None)."""
    limit = None
    rest = []
    for p in params:
        if p.startswith(_CHAIN_LIMIT):
            limit = int(p[len(_CHAIN_LIMIT):])
        else:
            rest.append(p)
    return tuple(rest), limit
"""Calling the subject (a sync function of the project) reaches a blocking call. Yes: a
``Chain``. ``params``: extra blocking-name patterns (ASL109's ``blocking-calls``)."""
TYPE_OF = "type-of"
"""The class of the subject's value. Yes: a ``Value`` of kind ``instance`` (a project class) or
``external`` (a library type)."""
RESOLVES_TO = "resolves-to"
"""The library name the subject denotes through the project's re-exports and aliases
(``from ._compat import create_task``). Yes: a ``Value`` of kind ``external``."""
IMPORTED_ELSEWHERE = "imported-elsewhere"
"""Another module of the project imports the subject ``module.name`` (or its module, or star-
imports it). Only the project can answer."""

FACTS = (COROUTINE_FUNCTION, ASYNC_CONTEXT_MANAGER, ASYNC_ITERABLE, BLOCKING_CHAIN, TYPE_OF, RESOLVES_TO, IMPORTED_ELSEWHERE)


class Question(NamedTuple):
    """One fact about one subject. Plain strings and tuples: pending questions are pickled
    into the cache and sent between processes."""

    fact: str
    subject: str
    params: tuple[str, ...] = ()


class Chain(NamedTuple):
    """A ``BLOCKING_CHAIN`` yes: the project function called, the calls from it to the
    blocking one, ``("load()", "read_config()", "open()")``, and where that blocking call is
    (``app/config.py:12``; "" when unknown)."""

    target: "Value"
    calls: tuple[str, ...]
    site: str = ""


class _Pending:
    __slots__ = ()

    def __repr__(self) -> str:
        return "PENDING"

    def __bool__(self) -> bool:  # a pending answer is no "yes" yet
        return False


PENDING: Any = _Pending()
"""Pass 1's answer when only the project index can say."""

Answer = Union["Value", Chain, bool, None]


class Facts(Protocol):
    """What answers questions: ``FileFacts`` in pass 1 (may say ``PENDING``), the
    ``ProjectIndex`` in pass 2 (never does)."""

    def answer(self, question: Question) -> Answer: ...

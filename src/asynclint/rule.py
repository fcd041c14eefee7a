"""The Rule base class: a rule is a class in its own module with its docs and examples.

A rule declares ``visit_<AstNodeType>(self, node, ctx)`` methods; the engine walks each file
once and calls every selected rule's handlers for the nodes of that type. Rules ask the shared
:class:`~asynclint.semantics.SemanticModel` (``ctx.sem``) about async context, names and
types within the file, and the facts service (``ctx.ask``, see :mod:`asynclint.facts`) about
what a name denotes wherever it is defined; they never track that themselves. Suppression (``# noqa``) is applied by the engine
after all rules ran, never inside a rule.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, NamedTuple

from asynclint.facts import PENDING, Answer, Facts, Question
from asynclint.finding import Edit, Fix

if TYPE_CHECKING:
    from asynclint.semantics import SemanticModel


@dataclass(frozen=True)
class Option:
    """A rule option, settable in ``[tool.asynclint]`` under its kebab-case key."""

    key: str
    type: type
    default: Any
    doc: str
    example: str = ""


@dataclass(frozen=True)
class Example:
    """A code sample; ``# expect: ASL101`` comments mark the lines a bad example must flag.

    ``fixed`` is the exact text ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) produces.
    ``files`` adds sibling modules for rules that look across modules (path -> source);
    ``config`` holds option values the example needs; ``target_version`` pins the version.
    """

    code: str
    fixed: str | None = None
    unsafe: bool = False
    title: str = ""
    files: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    target_version: tuple[int, int] | None = None
    # Why ``asynclint run`` cannot see the same lines lose a coroutine or a task as the static
    # rule does (tests/test_flow_crosscheck.py runs the examples of ASL201-ASL203).
    runtime: str = ""
    # Rules the example runs with besides its own (ASL100's examples need findings to suppress).
    select: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")

    @property
    def fixed_source(self) -> str | None:
        return None if self.fixed is None else textwrap.dedent(self.fixed).lstrip("\n")

    def expected(self) -> set[tuple[int, str]]:
        out = set()
        for lineno, line in enumerate(self.source.splitlines(), 1):
            m = _EXPECT.search(line)
            if m:
                for code in re.split(r"[,\s]+", m.group(1).strip()):
                    if code:
                        out.add((lineno, code))
        return out


_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line, shown by `asynclint rules`
    doc: ClassVar[str]  # markdown: what it does, why it is bad, what to use instead
    opt_in: ClassVar[bool] = False
    fix: ClassVar[str | None] = None  # "safe" | "unsafe" | None: what --fix may do
    fix_note: ClassVar[str] = ""
    since: ClassVar[str] = "0.1.0"
    related: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = ()
    bad: ClassVar[tuple[Example, ...]] = ()
    good: ClassVar[tuple[Example, ...]] = ()
    # True for rules whose findings mostly need the whole project (``ctx.ask`` questions only
    # the project index answers): flake8's pre-pass runs them, the docs say so. Any rule may
    # ask; pending questions are answered in pass 2 whatever this says.
    project_wide: ClassVar[bool] = False
    # True for the ASL5xx rules: only `asynclint run` and the pytest plugin report them. They
    # have no handlers; they exist so that their codes can be listed, explained, documented,
    # selected and ignored like every other rule. Their examples are programs the runtime runs.
    runtime_only: ClassVar[bool] = False

    def __init__(self, options: dict[str, Any] | None = None):
        values = {o.key: o.default for o in self.options}
        if options:
            for o in self.options:
                if o.key in options:
                    values[o.key] = options[o.key]
        self.option_values = values

    def option(self, key: str) -> Any:
        return self.option_values[key]

    @classmethod
    def handlers(cls) -> dict[str, str]:
        """AST node type name -> method name for every ``visit_<Type>`` the rule defines."""
        out = {}
        for attr in dir(cls):
            if attr.startswith("visit_"):
                out[attr[len("visit_"):]] = attr
        return out

    # Optional whole-file hooks.
    def begin(self, ctx: "RuleContext") -> None:  # noqa: B027 - optional hook
        pass

    def end(self, ctx: "RuleContext") -> None:  # noqa: B027 - optional hook
        pass

    # The one path from a fact to a finding, in pass 1 and in pass 2 alike.
    def conclude(self, question: Question, answer: Answer, data: dict[str, Any]) -> str | None:
        """The message of the finding a "yes" to ``question`` (asked with ``ctx.ask``) makes at
        the node asked about; None for no finding. ``data`` is what the rule gave ``ask``:
        plain values only (pending questions are pickled), never ast nodes."""
        return None

    def root_cause(self, question: Question, answer: Answer, data: dict[str, Any]) -> tuple[str, tuple]:
        """The cause several findings share, shown once for all of them (``Finding.root``),
        and related locations (``Finding.related``, e.g. the blocking helper's definition):
        ("", ()) when each finding stands alone."""
        return "", ()

    @classmethod
    def doc_url(cls) -> str:
        from asynclint import DOCS_URL

        return f"{DOCS_URL}/rules/{cls.code}/"


class Deferred(NamedTuple):
    """A pending question: its answer needs the project index (pass 2, no re-parse).

    A tuple, not a dataclass: a big project has tens of thousands of them, each built in pass
    1, pickled to the parent process and into the cache, and read back in pass 2.
    """

    code: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    question: Question
    data: dict[str, Any]
    fix: Fix | None = None
    unless: tuple[Question, ...] = ()


class RuleContext:
    """What a rule sees while it runs on one file."""

    __slots__ = ("rule", "sem", "file", "facts", "_sink", "_deferred")

    def __init__(self, rule: Rule, sem: SemanticModel, file: "FileInfo", sink: list, deferred: list, facts: Facts | None = None):
        self.rule = rule
        self.sem = sem
        self.file = file
        if facts is None:
            from asynclint.project.index import FILE_FACTS as facts
        self.facts: Facts = facts
        self._sink = sink
        self._deferred = deferred

    def ask(
        self,
        fact: str,
        subject: str,
        at: ast.AST,
        data: dict[str, Any] | None = None,
        fix: Fix | None = None,
        params: tuple[str, ...] = (),
        unless: tuple[Question, ...] = (),
    ) -> None:
        """Ask ``fact`` about ``subject`` (a ref); a "yes", now or in pass 2, becomes the
        finding ``rule.conclude`` describes, at ``at``, unless one of the ``unless``
        questions is answered "yes"."""
        question = Question(fact, subject, params)
        data = data if data is not None else {}
        facts = self.facts
        answer = facts.answer(question)
        pending = answer is PENDING
        if not answer and not pending:
            return
        for veto in unless:
            said = facts.answer(veto)
            if said is PENDING:
                pending = True
            elif said:
                return
        if pending:
            sem = self.sem
            self._deferred.append(
                Deferred(
                    self.rule.code,
                    self.file.display_path,
                    at.lineno,
                    sem.column(at),
                    getattr(at, "end_lineno", None) or at.lineno,
                    sem.end_column(at),
                    question,
                    data,
                    fix,
                    unless,
                )
            )
            return
        message = self.rule.conclude(question, answer, data)
        if message is not None:
            root, related = self.rule.root_cause(question, answer, data)
            self.report(at, message, fix, root=root, related=related)

    @property
    def target_version(self) -> tuple[int, int]:
        return self.file.target_version

    def report(
        self, node: ast.AST, message: str, fix: Fix | None = None, end_node: ast.AST | None = None, root: str = "", related: tuple = ()
    ) -> None:
        from asynclint.finding import Finding

        sem = self.sem
        last = end_node or node
        self._sink.append(
            Finding(
                path=self.file.display_path,
                line=node.lineno,
                column=sem.column(node),
                end_line=getattr(last, "end_lineno", None) or node.lineno,
                end_column=sem.end_column(last),
                code=self.rule.code,
                name=self.rule.name,
                message=message,
                fix=fix,
                related=related,
                root=root,
            )
        )

    def edit(self, node: ast.AST, content: str) -> Edit:
        """An edit replacing exactly the source of ``node``."""
        sem = self.sem
        return Edit(node.lineno, sem.column(node), node.end_lineno, sem.end_column(node), content)

    def insert_before(self, node: ast.AST, content: str) -> Edit:
        sem = self.sem
        col = sem.column(node)
        return Edit(node.lineno, col, node.lineno, col, content)

    def module_ref(self, module: str, at: ast.AST) -> tuple[str, tuple[str, ...]]:
        """How fix text at node ``at`` should name ``module``: a name that denotes it there
        (``import asyncio as aio`` -> ``aio``), else its own name or a fresh alias, with the
        import the fix must add (see ``asynclint.semantics.module_names``)."""
        from asynclint.semantics.module_names import module_ref

        return module_ref(self.sem, module, at)


@dataclass(frozen=True)
class FileInfo:
    path: str  # as on disk
    display_path: str  # as shown in output
    module: str
    target_version: tuple[int, int]


HandlerFn = Callable[[ast.AST, RuleContext], None]

"""The facts service: pass 1's answerer (knowledge and the file, else pending), pass 2's
project index answering the same questions, and ``ctx.ask`` turning a "yes" into a finding
through the rule's one ``conclude`` in either pass."""

from __future__ import annotations

import ast
import pickle
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import Linter, finish
from asynclint.facts import (
    ASYNC_CONTEXT_MANAGER,
    ASYNC_ITERABLE,
    BLOCKING_CHAIN,
    COROUTINE_FUNCTION,
    IMPORTED_ELSEWHERE,
    PENDING,
    TYPE_OF,
    Chain,
    Question,
)
from asynclint.project.index import FILE_FACTS, ProjectIndex
from asynclint.rule import Rule, RuleContext
from asynclint.semantics.refs import value_ref


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip())
    return tmp_path


# ---------------------------------------------------------------------- pass 1's answers
@pytest.mark.parametrize(
    "fact, subject, kind, name",
    [
        (COROUTINE_FUNCTION, "aiohttp.ClientSession().close", "external", "aiohttp.ClientSession.close"),
        (COROUTINE_FUNCTION, "asyncio.sleep", "external", "asyncio.sleep"),
        (ASYNC_CONTEXT_MANAGER, "asyncio.Lock()", "external", "asyncio.Lock"),
        (ASYNC_ITERABLE, "aiohttp.ClientResponse().content", "external", "aiohttp.StreamReader"),
        (TYPE_OF, "asyncio.Queue()", "external", "asyncio.Queue"),
    ],
)
def test_pass_one_answers_yes_from_knowledge(fact, subject, kind, name):
    answer = FILE_FACTS.answer(Question(fact, subject))
    assert (answer.kind, answer.name) == (kind, name)


@pytest.mark.parametrize(
    "question",
    [
        Question(COROUTINE_FUNCTION, "time.sleep"),
        Question(COROUTINE_FUNCTION, "asyncio.Lock().locked"),
        Question(ASYNC_CONTEXT_MANAGER, "threading.Lock()"),
        Question(ASYNC_ITERABLE, "builtins.list()"),
        Question(BLOCKING_CHAIN, "os.getcwd"),  # a library call is ASL101-109's, never a chain
        Question(TYPE_OF, "time.sleep"),  # a function, no instance
    ],
)
def test_pass_one_answers_no_for_what_knowledge_covers(question):
    answer = FILE_FACTS.answer(question)
    assert answer is not PENDING and not answer


@pytest.mark.parametrize(
    "question",
    [
        Question(COROUTINE_FUNCTION, "app.repo.save"),
        Question(ASYNC_CONTEXT_MANAGER, "app.db.Database()"),
        Question(ASYNC_ITERABLE, "app.feed.numbers()"),
        Question(BLOCKING_CHAIN, "app.io.load"),
        Question(TYPE_OF, "app.deps.get_repo()"),
        Question(COROUTINE_FUNCTION, "somelib.connect"),  # a library with no tables: its code may say
        Question(IMPORTED_ELSEWHERE, "app.jobs", ("started",)),  # about the project: always pending
    ],
)
def test_pass_one_leaves_what_only_the_project_can_say_pending(question):
    assert FILE_FACTS.answer(question) is PENDING


def test_questions_are_plain_picklable_tuples():
    q = Question(BLOCKING_CHAIN, "app.io.load", ("mycorp.db.*",))
    assert pickle.loads(pickle.dumps(q)) == q


# ---------------------------------------------------------------------- pass 2's answers
def _index(tmp_path: Path, files: dict[str, str]) -> ProjectIndex:
    root = project(tmp_path, files)
    linter = Linter(Config(select=("ASL201",)), root)
    results = [linter.lint_path(str(root / rel), rel) for rel in files if rel.endswith(".py")]
    return ProjectIndex([r.summary for r in results])


def test_the_project_index_answers_every_fact(tmp_path):
    index = _index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repo.py": """
                import time

                class Repo:
                    async def __aenter__(self):
                        return self

                    async def __aexit__(self, *exc):
                        return None

                async def save(user):
                    ...

                async def rows():
                    yield 1

                def load():
                    return read()

                def read():
                    time.sleep(1)

                def make() -> Repo:
                    return Repo()
                """,
            "app/user.py": "from app.repo import save\n",
        },
    )
    assert index.answer(Question(COROUTINE_FUNCTION, "app.repo.save")).where == "app/repo.py:10"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.repo.load"))
    assert index.answer(Question(ASYNC_CONTEXT_MANAGER, "app.repo.Repo()")).label == "Repo"
    assert index.answer(Question(ASYNC_ITERABLE, "app.repo.rows()")).label == "rows"
    chain = index.answer(Question(BLOCKING_CHAIN, "app.repo.load"))
    assert isinstance(chain, Chain) and chain.calls == ("load()", "read()", "time.sleep()")
    assert index.answer(Question(TYPE_OF, "app.repo.make()")).label == "Repo"
    assert index.answer(Question(IMPORTED_ELSEWHERE, "app.repo", ("save",))) is True
    assert index.answer(Question(IMPORTED_ELSEWHERE, "app.repo", ("rows",))) is False
    # Knowledge answers the same in both passes.
    for q in (Question(COROUTINE_FUNCTION, "asyncio.sleep"), Question(ASYNC_CONTEXT_MANAGER, "asyncio.Lock()")):
        assert index.answer(q) == FILE_FACTS.answer(q)


def test_configured_blocking_calls_extend_the_chain(tmp_path):
    index = _index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/io.py": "import mycorp.db\n\ndef load():\n    return mycorp.db.query()\n",
        },
    )
    assert not index.answer(Question(BLOCKING_CHAIN, "app.io.load"))
    assert index.answer(Question(BLOCKING_CHAIN, "app.io.load", ("mycorp.db.*",))).calls == ("load()", "mycorp.db.query()")


# ---------------------------------------------------------------------- ctx.ask
class _Asker(Rule):
    """Asks whether every called name is a coroutine function; vetoed by a second fact."""

    code = "ASL999"
    name = "test-asker"
    summary = doc = "test"
    project_wide = True
    concluded: list = []

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        ref = value_ref(ctx.sem, node.func)
        if ref is not None:
            unless: tuple = ()
            if isinstance(node.func, ast.Attribute) and node.func.attr == "open":
                unless = (Question(ASYNC_CONTEXT_MANAGER, ref),)
            elif ref.startswith("app.store."):
                unless = (Question(IMPORTED_ELSEWHERE, "app.store", (ref.rsplit(".", 1)[1],)),)
            ctx.ask(COROUTINE_FUNCTION, ref, at=node, data={"text": ast.unparse(node)}, unless=unless)

    def conclude(self, question, answer, data):
        self.concluded.append((question.subject, data["text"]))
        return f"{data['text']}: {answer.label} is a coroutine function"


def _lint(root: Path, rel: str):
    linter = Linter(Config(select=("ASL201",)), root)
    linter.add_rule(_Asker())
    result = linter.lint_path(str(root / rel), rel)
    return linter, result


def test_ask_reports_a_known_yes_at_once_and_defers_a_pending_one(tmp_path):
    _Asker.concluded = []
    root = project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/repo.py": "async def save():\n    ...\n",
            "main.py": """
                import asyncio
                import time

                import aiofiles

                from app.repo import save

                async def go():
                    x = asyncio.sleep(1)
                    time.sleep(1)
                    y = save()
                    z = aiofiles.open("f")
                """,
        },
    )
    linter, result = _lint(root, "main.py")
    ours = [f for f in result.findings if f.code == "ASL999"]
    assert [(f.line, f.message) for f in ours] == [(9, "asyncio.sleep(1): asyncio.sleep is a coroutine function")]
    pending = [d for d in result.deferred if d.code == "ASL999"]
    assert [(d.line, d.question) for d in pending] == [(11, Question(COROUTINE_FUNCTION, "app.repo.save"))]
    assert _Asker.concluded == [("asyncio.sleep", "asyncio.sleep(1)")]  # aiofiles.open: vetoed in pass 1
    run = finish([result], linter.config, root, linter)
    assert [(f.line, f.message) for f in run.findings if f.code == "ASL999"] == [
        (9, "asyncio.sleep(1): asyncio.sleep is a coroutine function"),
        (11, "save(): save is a coroutine function"),
    ]
    # Pass 2 went through the same conclude.
    assert _Asker.concluded[-1] == ("app.repo.save", "save()")


def test_a_pending_veto_defers_and_pass_two_decides_it(tmp_path):
    _Asker.concluded = []
    root = project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store.py": "async def open_store():\n    ...\n\nasync def open_files():\n    ...\n",
            "app/other.py": "from app.store import open_store\n",
            "main.py": """
                import app.store

                async def go():
                    app.store.open_store()
                    app.store.open_files()
                """,
        },
    )
    linter, result = _lint(root, "main.py")
    pending = [d for d in result.deferred if d.code == "ASL999"]
    assert [d.unless for d in pending] == [
        (Question(IMPORTED_ELSEWHERE, "app.store", ("open_store",)),),
        (Question(IMPORTED_ELSEWHERE, "app.store", ("open_files",)),),
    ]
    from asynclint.engine import project_index, settle_results

    settle_results([result], linter, project_index([result], linter, root))
    assert [f.line for f in result.findings if f.code == "ASL999"] == [5]
    assert _Asker.concluded == [("app.store.open_files", "app.store.open_files()")]


# ---------------------------------------------------------------------- unions
def test_a_union_is_yes_only_when_every_member_says_yes(tmp_path):
    index = _index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store.py": """
                class A:
                    async def put(self):
                        ...

                class B:
                    async def put(self):
                        ...

                class C:
                    def put(self):
                        ...
                """,
        },
    )
    both = Question(COROUTINE_FUNCTION, "app.store.A().put|app.store.B().put")
    assert index.answer(both).label == "A.put"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.store.A().put|app.store.C().put"))
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.store.A().put|asyncio.Lock().locked"))
    # Pass 1: a library member it can decide, a project member it cannot.
    assert FILE_FACTS.answer(Question(COROUTINE_FUNCTION, "asyncio.sleep|app.store.A().put")) is PENDING
    assert not FILE_FACTS.answer(Question(COROUTINE_FUNCTION, "time.sleep|app.store.A().put"))
    assert FILE_FACTS.answer(Question(COROUTINE_FUNCTION, "asyncio.sleep|asyncio.Queue().get")).name == "asyncio.sleep"


def test_overloads_returning_different_types_answer_when_every_one_agrees(tmp_path):
    index = _index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store.py": """
                from typing import overload

                class A:
                    async def put(self):
                        ...
                    def size(self):
                        ...

                class B:
                    async def put(self):
                        ...
                    async def size(self):
                        ...

                @overload
                def open_store(x: int) -> A: ...
                @overload
                def open_store(x: str) -> B: ...
                def open_store(x):
                    ...

                @overload
                def same(x: int) -> A: ...
                @overload
                def same(x: str) -> A: ...
                def same(x):
                    ...

                class Factory:
                    @overload
                    async def make(self, x: int) -> A: ...
                    @overload
                    async def make(self, x: str) -> B: ...
                    async def make(self, x):
                        ...
                """,
        },
    )
    assert index.answer(Question(COROUTINE_FUNCTION, "app.store.open_store().put")).label == "A.put"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.store.open_store().size"))
    assert index.answer(Question(COROUTINE_FUNCTION, "app.store.Factory().make().<await>.put")).label == "A.put"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.store.Factory().make().<await>.size"))
    # An identity answers only when every overload gives the same one.
    assert not index.answer(Question(TYPE_OF, "app.store.open_store()"))
    assert index.answer(Question(TYPE_OF, "app.store.same()")).label == "A"


def test_container_elements_declared_in_other_modules(tmp_path):
    index = _index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": """
                class Client:
                    async def close(self):
                        ...

                class Key:
                    def close(self):
                        ...
                """,
            "app/base.py": """
                from app.clients import Client, Key

                REGISTRY: dict[Key, Client] = {}

                class Base:
                    clients: set[Client]
                    names: list[str]

                def all_clients() -> list[Client]:
                    ...

                async def fetch_registry() -> dict[Key, Client]:
                    ...
                """,
            "app/hub.py": """
                from app.base import REGISTRY, Base

                class Hub(Base):
                    async def close(self):
                        for c in self.clients:
                            c.close()
                        for k, v in REGISTRY.items():
                            k.close()
                            v.close()
                        [v.close() for v in REGISTRY.values()]
                        for n in self.names:
                            n.close()
                """,
        },
    )
    assert index.answer(Question(COROUTINE_FUNCTION, "app.base.Base().clients.<iter>.close")).label == "Client.close"
    assert index.answer(Question(COROUTINE_FUNCTION, "app.hub.Hub().clients.<iter>.close")).label == "Client.close"
    assert index.answer(Question(COROUTINE_FUNCTION, "app.base.REGISTRY.<values>.close")).label == "Client.close"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.base.REGISTRY.<keys>.close"))
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.base.REGISTRY.<iter>.close"))
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.base.Base().clients.<values>.close"))  # a set has no values
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.hub.Hub().names.<iter>.close"))
    assert index.answer(Question(COROUTINE_FUNCTION, "app.base.all_clients().<iter>.close")).label == "Client.close"
    assert index.answer(Question(COROUTINE_FUNCTION, "app.base.fetch_registry().<await>.<values>.close")).label == "Client.close"
    assert not index.answer(Question(COROUTINE_FUNCTION, "app.base.fetch_registry().<await>.<keys>.close"))
    assert index.modules["app.base"].elements == {"REGISTRY": ("app.clients.Key()", "app.clients.Client()")}
    assert index.modules["app.base"].classes["Base"].elements == {"clients": ("app.clients.Client()", ""), "names": ("builtins.str()", "")}

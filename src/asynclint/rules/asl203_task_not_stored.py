from __future__ import annotations

import ast

from asynclint.facts import RESOLVES_TO, Question
from asynclint.knowledge.types import canonical
from asynclint.project.index import Value
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import ATTRIBUTE, DISCARDED, DROPPED, UNUSED, WEAKLY_HELD, usage_of
from asynclint.semantics.refs import is_outside_project, value_ref

TASK_FACTORIES = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.AbstractEventLoop.create_task",
        "asyncio.BaseEventLoop.create_task",
    }
)
_FACTORY_NAMES = frozenset(n.rsplit(".", 1)[1] for n in TASK_FACTORIES)


class TaskNotStored(Rule):
    code = "ASL203"
    name = "task-not-stored"
    summary = "A task created with `create_task()`/`ensure_future()` whose reference is dropped"
    related = ("ASL201", "ASL303")
    doc = """
    ## What it does
    Flags `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and `loop.create_task(...)`
    (the loop known from `asyncio.get_running_loop()`, `asyncio.get_event_loop()` or an
    `asyncio.AbstractEventLoop` annotation) whose result is thrown away: an expression
    statement, `_ = ...`, a local name no later read reaches (never read, or bound again
    first), a method chained on it (`create_task(...).add_done_callback(...)`) as a
    statement, or a `weakref.WeakSet`/`WeakValueDictionary` as the only thing holding it.

    A task that is returned, stored (attribute, subscript, module-level name), added to a
    collection (`tasks.add(t)`, `background.append(t)`), passed on or awaited is fine, and
    so is `TaskGroup.create_task(...)`: the task group keeps its tasks.

    ## Why is this bad?
    The event loop keeps only a weak reference to its tasks. A task nobody references can
    be garbage-collected before it finishes ("Task was destroyed but it is pending!"), and
    its exception, if any, is never seen.

    ## Instead
    Keep a reference until the task is done, e.g. `background.add(task);
    task.add_done_callback(background.discard)`, or run it in an `asyncio.TaskGroup`.
    """
    bad = (
        Example(
            """
            import asyncio

            async def main(jobs):
                asyncio.create_task(jobs.run())  # expect: ASL203
                asyncio.ensure_future(jobs.flush())  # expect: ASL203
                _ = asyncio.create_task(jobs.ping())  # expect: ASL203
                task = asyncio.create_task(jobs.poll())  # expect: ASL203
                asyncio.create_task(jobs.log()).add_done_callback(print)  # expect: ASL203
                for job in jobs:
                    asyncio.create_task(job())  # expect: ASL203
            """
        ),
        Example(
            """
            import asyncio
            from asyncio import create_task as spawn

            async def main(job):
                loop = asyncio.get_running_loop()
                loop.create_task(job())  # expect: ASL203
                asyncio.get_event_loop().create_task(job())  # expect: ASL203
                spawn(job())  # expect: ASL203

            def schedule(loop: asyncio.AbstractEventLoop, job):
                loop.create_task(job())  # expect: ASL203
            """,
            title="loops and aliases",
        ),
        Example(
            """
            import asyncio
            import weakref

            _running = weakref.WeakValueDictionary()

            class Service:
                def __init__(self):
                    self._tasks = weakref.WeakSet()

                def spawn(self, job):
                    self._tasks.add(asyncio.create_task(job()))  # expect: ASL203

            async def start(name, job):
                _running[name] = asyncio.create_task(job())  # expect: ASL203
                task = asyncio.create_task(job())  # expect: ASL203
                task = asyncio.create_task(job())
                return task
            """,
            title="held only weakly, or rebound before it is kept",
        ),
        Example(
            """
            from app._compat import create_task, ensure_future

            async def main(job):
                create_task(job())  # expect: ASL203
                ensure_future(job())  # expect: ASL203
            """,
            title="task factories re-exported by a project module",
            files={
                "app/__init__.py": "",
                "app/_compat.py": """
                import asyncio
                from asyncio import create_task

                ensure_future = asyncio.ensure_future
                """,
            },
        ),
    )
    good = (
        Example(
            """
            import asyncio

            background = set()

            async def main(jobs, queue: list):
                task = asyncio.create_task(jobs.run())
                background.add(task)
                task.add_done_callback(background.discard)
                pending = [asyncio.create_task(j()) for j in jobs]
                await asyncio.wait(pending)
                result = await asyncio.create_task(jobs.once())
                jobs.current = asyncio.ensure_future(jobs.flush())
                jobs.by_name["ping"] = asyncio.create_task(jobs.ping())
                queue.append(asyncio.create_task(jobs.log()))
                return asyncio.create_task(jobs.last())

            async def grouped(jobs):
                async with asyncio.TaskGroup() as tg:
                    for job in jobs:
                        tg.create_task(job())

            watcher = None

            async def watch(jobs):
                global watcher
                watcher = asyncio.ensure_future(jobs.watch())

            def make(coro):
                t = asyncio.create_task(coro)
                return t
            """
        ),
        Example(
            """
            import asyncio

            class Service:
                def __init__(self, registry):
                    self.registry = registry

                async def start(self, job):
                    self.registry.create_task(job())  # not an event loop

            async def main(tasks, job):
                tasks.create_task(job())
            """,
            title="create_task of something that is not known to be a loop",
        ),
        Example(
            """
            from app.jobs import create_task

            async def main(job):
                create_task(job())  # the project's own function, which keeps the task
            """,
            title="a project function that happens to be named `create_task`",
            files={
                "app/__init__.py": "",
                "app/jobs.py": """
                import asyncio

                RUNNING = set()

                def create_task(coro):
                    task = asyncio.create_task(coro)
                    RUNNING.add(task)
                    task.add_done_callback(RUNNING.discard)
                    return task
                """,
            },
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        name = sem.call_name(node)
        ref = None
        if name not in TASK_FACTORIES:
            # ``from ._compat import create_task``: a project name for a task factory, known
            # to the project only.
            func = node.func
            last = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None
            if last not in _FACTORY_NAMES:
                return
            ref = value_ref(sem, func)
            if ref is None or is_outside_project(ref):
                return
        usage = usage_of(sem, node)
        if usage == ATTRIBUTE:
            attr = sem.parent(node)
            chained = sem.parent(attr)
            if type(chained) is not ast.Call or chained.func is not attr or usage_of(sem, chained) not in DROPPED:
                return
            usage = DISCARDED
        if usage not in DROPPED:
            return
        if ref is not None:
            ctx.ask(RESOLVES_TO, ref, at=node, data={"usage": usage})
        else:
            ctx.report(node, _message(name, usage))

    def conclude(self, question: Question, answer: Value, data: dict) -> str | None:
        name = canonical(answer.name)
        return _message(name, data["usage"]) if name in TASK_FACTORIES else None


def _message(name: str, usage: str) -> str:
    what = name.rsplit(".", 1)[-1]
    if usage == WEAKLY_HELD:
        where = "a `weakref` container is the only thing holding it, and the event loop keeps only a weak reference too"
    else:
        where = "the name it is bound to is never used" if usage == UNUSED else "its result is dropped"
    return (
        f"the task made by `{what}()` can be garbage-collected before it finishes: {where}; "
        "keep a reference (e.g. a set of background tasks) or use `asyncio.TaskGroup`"
    )

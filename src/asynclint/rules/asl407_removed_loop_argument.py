from __future__ import annotations

import ast

from asynclint.editing import remove_argument
from asynclint.finding import Fix
from asynclint.knowledge.versions import LOOP_ARGUMENT, LOOP_ARGUMENT_REMOVED_FROM, fmt
from asynclint.rule import Example, Rule, RuleContext


class RemovedLoopArgument(Rule):
    code = "ASL407"
    name = "removed-loop-argument"
    summary = "`loop=` passed to a high-level asyncio API (TypeError since Python 3.10)"
    fix = "safe"
    fix_note = (
        "Removes the argument with its comma, when `target-version` is 3.10 or later (where the "
        "call cannot work as written) and no comment sits in the removed text."
    )
    related = ("ASL401",)
    doc = """
    ## What it does
    Flags (at the argument) a `loop=` keyword passed to one of the high-level asyncio APIs whose `loop`
    parameter was deprecated in Python 3.8 and removed in 3.10: `sleep`, `gather`, `shield`,
    `wait_for`, `wait`, `as_completed`, `Queue` (and `PriorityQueue`, `LifoQueue`), `Lock`,
    `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, `open_connection`, `start_server`,
    `open_unix_connection`, `start_unix_server`, `create_subprocess_exec` and
    `create_subprocess_shell`. APIs that kept the parameter (`ensure_future`, `wrap_future`,
    `run_coroutine_threadsafe`, `all_tasks`, `current_task`, `Future`, `Task`,
    `StreamReader`) are not flagged.

    ## Why is this bad?
    Since Python 3.10 these calls raise `TypeError: ... got an unexpected keyword argument
    'loop'`. They have used the running loop implicitly since 3.7.

    ## Instead
    Drop the argument. Create locks, queues and events inside the coroutines that use them
    (or at least while the loop runs); get the loop, where one is needed, with
    `asyncio.get_running_loop()`.

    The fix is offered only for targets 3.10 and later: on 3.8 and 3.9 a primitive created
    outside the loop with `loop=` binds to that loop, and dropping the argument could bind it
    to another one.
    """
    bad = (
        Example(
            """
            import asyncio

            async def main(loop):
                await asyncio.sleep(1, loop=loop)  # expect: ASL407
                lock = asyncio.Lock(loop=loop)  # expect: ASL407
                queue = asyncio.Queue(loop=loop, maxsize=10)  # expect: ASL407
                await asyncio.gather(
                    asyncio.sleep(1),
                    asyncio.sleep(2),
                    loop=loop,  # expect: ASL407
                )
                return lock, queue
            """,
            fixed="""
            import asyncio

            async def main(loop):
                await asyncio.sleep(1)
                lock = asyncio.Lock()
                queue = asyncio.Queue(maxsize=10)
                await asyncio.gather(
                    asyncio.sleep(1),
                    asyncio.sleep(2),
                )
                return lock, queue
            """,
        ),
        Example(
            """
            from asyncio.subprocess import create_subprocess_exec
            import asyncio as aio

            async def run(loop):
                proc = await create_subprocess_exec("ls", loop=loop)  # expect: ASL407
                await aio.wait_for(proc.wait(), 5, loop=loop)  # expect: ASL407
            """,
            title="aliases",
            fixed="""
            from asyncio.subprocess import create_subprocess_exec
            import asyncio as aio

            async def run(loop):
                proc = await create_subprocess_exec("ls")
                await aio.wait_for(proc.wait(), 5)
            """,
        ),
        Example(
            """
            import asyncio

            loop = asyncio.new_event_loop()
            queue = asyncio.Queue(loop=loop)  # expect: ASL407
            """,
            title="target 3.9: deprecated, no fix",
            target_version=(3, 9),
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def main(loop, coro):
                fut = asyncio.ensure_future(coro, loop=loop)
                wrapped = asyncio.wrap_future(fut, loop=loop)
                tasks = asyncio.all_tasks(loop)
                return asyncio.Future(loop=loop), wrapped, tasks
            """
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        keyword = next((k for k in node.keywords if k.arg == "loop"), None)
        if keyword is None:
            return
        sem = ctx.sem
        name = sem.call_name(node)
        if name not in LOOP_ARGUMENT_REMOVED_FROM:
            return
        target = ctx.target_version
        fix = None
        if target >= LOOP_ARGUMENT.removed:
            edit = remove_argument(sem, node, keyword)
            if edit is not None:
                fix = Fix("safe", (edit,), "Remove the `loop` argument")
            status = f"raises TypeError since Python {fmt(LOOP_ARGUMENT.removed)}"
        else:
            status = f"is deprecated since Python {fmt(LOOP_ARGUMENT.deprecated)} and raises TypeError from {fmt(LOOP_ARGUMENT.removed)}"
        ctx.report(keyword, f"`loop=` passed to `{name}()` {status}; remove it (the running loop is used)", fix)

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.editing import replace_statements
from asynclint.finding import Fix
from asynclint.knowledge.versions import GET_EVENT_LOOP_WARNS
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import local_coroutine_call, name_reads

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


_SHOWN_MAX = 40  # longer arguments are shown as ``...`` in the message


class ManualLoopManagement(Rule):
    code = "ASL403"
    name = "manual-loop-management"
    summary = "`get_event_loop()` + `run_until_complete()` by hand; use `asyncio.run()`"
    fix = "safe"
    fix_note = (
        "Only for the exact one-shot pattern: `loop = asyncio.get_event_loop()`, "
        "`loop.run_until_complete(coro())`, `loop.close()` as three consecutive statements of one "
        "block, `loop` used nowhere else, and the argument a call of an `async def` of the same "
        "module (or of an asyncio coroutine function), since `asyncio.run()` accepts only coroutines."
    )
    related = ("ASL402", "ASL404")
    doc = """
    ## What it does
    Flags `run_until_complete()` called on the loop returned by `asyncio.get_event_loop()`,
    either through a variable (`loop = asyncio.get_event_loop(); loop.run_until_complete(main())`)
    or directly (`asyncio.get_event_loop().run_until_complete(main())`). The finding is on the
    `run_until_complete` call. Calls in async context are ASL404's business. As for ASL402,
    code that a `sys.version_info` test keeps to Pythons older than 3.12 (an `if`/`else`
    branch, the statements after `if sys.version_info >= (3, 12): return ...`, also through a
    module constant such as `PY312 = sys.version_info >= (3, 12)`) is left alone: that is the
    compatibility path of code that uses `asyncio.run()` on newer Pythons.

    ## Why is this bad?
    Managing the loop by hand skips what `asyncio.run()` does on the way out: cancelling the
    tasks left running, finalizing async generators, shutting down the default executor and
    closing the loop (the direct form never closes it at all). It also depends on
    `get_event_loop()` creating a loop when none is set, which is deprecated since Python 3.12
    and raises `RuntimeError` from 3.14 (see ASL402).

    ## Instead
    `asyncio.run(main())`; to run several coroutines on one loop, `asyncio.Runner` (3.11+).
    """
    bad = (
        Example(
            """
            import asyncio

            async def main():
                await asyncio.sleep(1)

            loop = asyncio.get_event_loop()
            loop.run_until_complete(main())  # expect: ASL403
            loop.close()
            """,
            title="the one-shot pattern",
            fixed="""
            import asyncio

            async def main():
                await asyncio.sleep(1)

            asyncio.run(main())
            """,
        ),
        Example(
            """
            import asyncio as aio

            async def serve(port):
                await aio.sleep(port)

            if __name__ == "__main__":
                loop = aio.get_event_loop()
                result = loop.run_until_complete(serve(8080))  # expect: ASL403
                loop.close()
                print(result)
            """,
            title="inside a block, result kept",
            fixed="""
            import asyncio as aio

            async def serve(port):
                await aio.sleep(port)

            if __name__ == "__main__":
                result = aio.run(serve(8080))
                print(result)
            """,
        ),
        Example(
            """
            import asyncio
            from app import main

            asyncio.get_event_loop().run_until_complete(main())  # expect: ASL403

            loop = asyncio.get_event_loop()
            loop.run_until_complete(main())  # expect: ASL403
            loop.run_until_complete(main())  # expect: ASL403
            loop.close()
            """,
            title="no fix: not the one-shot pattern, or `main` not known to be a coroutine function",
        ),
        Example(
            """
            import asyncio
            import sys

            OLD_PYTHON = sys.version_info < (3, 7)

            async def main():
                await asyncio.sleep(1)

            def run():
                if OLD_PYTHON:
                    return asyncio.run(main())
                loop = asyncio.get_event_loop()
                return loop.run_until_complete(main())  # expect: ASL403
            """,
            title="a version test that keeps it on new Pythons",
        ),
    )
    good = (
        Example(
            """
            import asyncio

            async def main():
                await asyncio.sleep(1)

            asyncio.run(main())

            with asyncio.Runner() as runner:
                runner.run(main())
            """
        ),
        Example(
            """
            def drive(loop, coro):
                # a loop that was handed in: not known to come from get_event_loop()
                return loop.run_until_complete(coro)
            """,
            title="loop of unknown origin",
        ),
        Example(
            """
            import asyncio
            import sys

            NEW_LOOP_API = sys.version_info >= (3, 10)

            async def main():
                await asyncio.sleep(1)

            def run():
                if NEW_LOOP_API:
                    return asyncio.run(main())
                loop = asyncio.get_event_loop()
                return loop.run_until_complete(main())  # only before 3.10

            def run_legacy():
                if sys.version_info < (3, 7):
                    asyncio.get_event_loop().run_until_complete(main())
                else:
                    asyncio.run(main())
            """,
            title="behind a `sys.version_info` test, also through a module constant",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        func = node.func
        if type(func) is not ast.Attribute or func.attr != "run_until_complete":
            return
        sem = ctx.sem
        if sem.in_async_context(node):
            return
        receiver = func.value
        if type(receiver) is ast.Call:
            if sem.call_name(receiver) != "asyncio.get_event_loop":
                return
            fix = None
        elif type(receiver) is ast.Name:
            bindings = sem.lookup(receiver.id, sem.scope_of(receiver))
            if not bindings or not all(_from_get_event_loop(sem, b) for b in bindings):
                return
            fix = self._one_shot_fix(node, receiver, bindings, ctx)
        else:
            return
        if sem.runs_only_before(node, GET_EVENT_LOOP_WARNS):
            return  # a ``sys.version_info`` test keeps it on Pythons where get_event_loop() never warned
        ctx.report(node, f"event loop managed by hand with `get_event_loop()`/`run_until_complete()`; use `{_run_text(ctx, node)}`", fix)

    @staticmethod
    def _one_shot_fix(node: ast.Call, receiver: ast.Name, bindings, ctx: RuleContext) -> Fix | None:
        sem = ctx.sem
        if len(bindings) != 1 or len(node.args) != 1 or node.keywords:
            return None
        if local_coroutine_call(sem, node.args[0]) is None:
            return None
        target = bindings[0].node
        first = sem.parent(target)
        if type(first) is not ast.Assign or len(first.targets) != 1 or first.targets[0] is not target:
            return None
        body = _block_of(sem, first)
        if body is None:
            return None
        i = next(k for k, s in enumerate(body) if s is first)
        if i + 2 >= len(body):
            return None
        run_stmt, close_stmt = body[i + 1], body[i + 2]
        if type(run_stmt) is ast.Expr and run_stmt.value is node:
            prefix = ""
        elif type(run_stmt) is ast.Assign and run_stmt.value is node:
            prefix = "".join(sem.source_segment(t) + " = " for t in run_stmt.targets)
        else:
            return None
        if not _is_close_of(close_stmt, receiver.id):
            return None
        # ``loop`` must serve these two calls only: no other read anywhere in its scope.
        reads = {id(r) for r in name_reads(sem, target)}
        if reads != {id(receiver), id(close_stmt.value.func.value)}:
            return None
        ref, imports = ctx.module_ref("asyncio", first)
        edit = replace_statements(sem, first, close_stmt, f"{prefix}{ref}.run({sem.source_segment(node.args[0])})")
        if edit is None:
            return None
        return Fix("safe", (edit,), "Use `asyncio.run()`", imports)


def _from_get_event_loop(sem: SemanticModel, binding) -> bool:
    value = binding.value
    return binding.kind == "assign" and type(value) is ast.Call and sem.call_name(value) == "asyncio.get_event_loop"


def _is_close_of(stmt: ast.stmt, name: str) -> bool:
    if type(stmt) is not ast.Expr or type(stmt.value) is not ast.Call:
        return False
    call = stmt.value
    func = call.func
    return (
        not call.args
        and not call.keywords
        and type(func) is ast.Attribute
        and func.attr == "close"
        and type(func.value) is ast.Name
        and func.value.id == name
    )


def _block_of(sem: SemanticModel, stmt: ast.stmt) -> list[ast.stmt] | None:
    parent = sem.parent(stmt)
    if parent is None:
        return None
    for _, value in ast.iter_fields(parent):
        if isinstance(value, list) and any(s is stmt for s in value):
            return value
    return None


def _run_text(ctx: RuleContext, node: ast.Call) -> str:
    if len(node.args) == 1 and not node.keywords:
        arg = ctx.sem.source_segment(node.args[0])
        if len(arg) <= _SHOWN_MAX and "\n" not in arg:
            return f"asyncio.run({arg})"
    return "asyncio.run(...)"

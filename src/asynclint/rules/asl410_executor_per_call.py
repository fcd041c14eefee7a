from __future__ import annotations

import ast

from asynclint.knowledge.threads import EXECUTOR_CLASSES
from asynclint.rule import Example, Rule, RuleContext
from asynclint.semantics.flow import name_reads

_RUN_IN_EXECUTOR = "asyncio.AbstractEventLoop.run_in_executor"


class ExecutorPerCall(Rule):
    code = "ASL410"
    name = "executor-per-call"
    summary = "an executor made for one `run_in_executor()` call and never shut down"
    related = ("ASL101",)
    doc = """
    ## What it does
    Flags a `ThreadPoolExecutor` or `ProcessPoolExecutor` created just to be handed to
    `loop.run_in_executor()` and never shut down:

    - constructed inline: `await loop.run_in_executor(ThreadPoolExecutor(), work)`;
    - bound to a local variable of the function that is used for nothing but
      `run_in_executor()` calls: no `shutdown()`, no `with`, not returned, stored or passed
      anywhere else.

    The finding is on the executor's construction. `run_in_executor` is matched on receivers
    known to be event loops (`asyncio.get_running_loop()`, `get_event_loop()`, annotations).
    An executor kept at module or class level and reused is the right pattern and is not
    flagged.

    ## Why is this bad?
    Every call makes a new pool whose worker threads (or processes) stay alive until the
    executor is shut down or garbage-collected, and thread pools are only joined at
    interpreter exit. Under load that means unbounded threads, slow shutdown, and none of
    the pooling the executor exists for.

    ## Instead
    Pass `None` to use the loop's default executor, or `await asyncio.to_thread(func, ...)`.
    For a dedicated pool (say, processes for CPU-bound work), create one at start-up, reuse
    it, and shut it down on exit (`with ProcessPoolExecutor() as pool:` around the program, or
    `loop.set_default_executor(...)`).
    """
    bad = (
        Example(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            def blocking_io():
                return "done"

            async def main():
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(
                    ThreadPoolExecutor(),  # expect: ASL410
                    blocking_io,
                )
            """
        ),
        Example(
            """
            import asyncio
            import concurrent.futures as cf

            async def crunch(data):
                pool = cf.ProcessPoolExecutor(max_workers=4)  # expect: ASL410
                loop = asyncio.get_running_loop()
                first = await loop.run_in_executor(pool, sum, data)
                second = await loop.run_in_executor(pool, max, data)
                return first, second
            """,
            title="a local executor never shut down",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

            POOL = ThreadPoolExecutor(max_workers=8)

            def blocking_io():
                return "done"

            async def main():
                loop = asyncio.get_running_loop()
                a = await loop.run_in_executor(None, blocking_io)
                b = await loop.run_in_executor(POOL, blocking_io)
                c = await asyncio.to_thread(blocking_io)
                with ProcessPoolExecutor() as procs:
                    d = await loop.run_in_executor(procs, sum, [1, 2])
                pool = ThreadPoolExecutor()
                try:
                    e = await loop.run_in_executor(pool, blocking_io)
                finally:
                    pool.shutdown(wait=False)
                return a, b, c, d, e
            """
        ),
        Example(
            """
            from concurrent.futures import ThreadPoolExecutor

            class Service:
                def __init__(self, loop):
                    self.executor = ThreadPoolExecutor()
                    self.loop = loop

                async def work(self, func):
                    return await self.loop.run_in_executor(self.executor, func)
            """,
            title="an executor kept on the instance",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if not node.args or sem.call_name(node) != _RUN_IN_EXECUTOR:
            return
        executor = node.args[0]
        if type(executor) is ast.Call:
            kind = EXECUTOR_CLASSES.get(sem.call_name(executor) or "")
            if kind is not None:
                self._report(executor, kind, ctx)
        elif type(executor) is ast.Name:
            made = self._local_executor(executor, ctx)
            if made is not None:
                self._report(made, EXECUTOR_CLASSES[sem.call_name(made)], ctx)

    @staticmethod
    def _local_executor(name: ast.Name, ctx: RuleContext) -> ast.Call | None:
        """The executor construction bound to ``name``, when ``name`` is a local variable used
        only as the executor of ``run_in_executor`` calls, and ``name`` is the first of them."""
        sem = ctx.sem
        scope = sem.scope_of(name)
        if scope.kind != "function":
            return None
        bindings = scope.bindings.get(name.id)
        if not bindings or len(bindings) != 1 or name.id in scope.globals:
            return None
        binding = bindings[0]
        value = binding.value
        if binding.kind != "assign" or type(value) is not ast.Call or sem.call_name(value) not in EXECUTOR_CLASSES:
            return None
        reads = list(name_reads(sem, binding.node))
        for read in reads:
            call = sem.parent(read)
            if type(call) is not ast.Call or not call.args or call.args[0] is not read:
                return None
            if sem.call_name(call) != _RUN_IN_EXECUTOR:
                return None
        first = min(reads, key=lambda r: (r.lineno, r.col_offset))
        return value if first is name else None

    @staticmethod
    def _report(executor: ast.Call, kind: str, ctx: RuleContext) -> None:
        cls = ctx.sem.call_name(executor).rsplit(".", 1)[-1]
        if kind == "threads":
            instead = "pass `None` (the loop's default executor) or use `asyncio.to_thread()`"
        else:
            instead = "create one pool at start-up, reuse it and shut it down on exit (or pass `None` for threads)"
        ctx.report(
            executor,
            f"`{cls}()` made for `run_in_executor()` is never shut down, so its {kind} outlive the call; {instead}",
        )

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.knowledge.threads import NOT_THREADSAFE, THREAD_ENTRIES, ThreadEntry
from asynclint.knowledge.types import canonical
from asynclint.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


class NonThreadsafeLoopCall(Rule):
    code = "ASL411"
    name = "non-threadsafe-loop-call"
    summary = "`loop.call_soon()`, `loop.create_task()` or `future.set_result()` from another thread"
    related = ("ASL410",)
    doc = """
    ## What it does
    Finds functions handed to another thread, `threading.Thread(target=f)`,
    `loop.run_in_executor(executor, f, ...)`, `asyncio.to_thread(f, ...)` and
    `ThreadPoolExecutor.submit(f, ...)`, where `f` is a function (or `self.method`) defined in
    the same module or a lambda written in place. In the body of that function (not in
    functions nested in it, which may run elsewhere) it flags calls that only the event loop's
    own thread may make: `loop.call_soon()`, `loop.call_later()`, `loop.call_at()`,
    `loop.create_task()`, and `set_result()`/`set_exception()` on an asyncio `Future`.

    Receivers are matched by what they are known to be: a closure variable or global set from
    `asyncio.get_running_loop()` or `loop.create_future()`, an annotated parameter, or a
    parameter fed by the thread call's own arguments
    (`loop.run_in_executor(None, worker, loop, fut)`).

    ## Why is this bad?
    The event loop and its futures are not thread-safe. Called from another thread, these
    methods race with the loop: the callback may not run until something else wakes the loop
    (it sits in the queue while the loop sleeps in `select()`), internal state can be
    corrupted, and in debug mode asyncio raises `RuntimeError: Non-thread-safe operation
    invoked on an event loop other than the current one`.

    ## Instead
    `loop.call_soon_threadsafe(callback, ...)` schedules a callback from any thread (use it
    to call `fut.set_result`); `asyncio.run_coroutine_threadsafe(coro, loop)` submits a
    coroutine and returns a `concurrent.futures.Future`.
    """
    bad = (
        Example(
            """
            import asyncio
            import threading

            async def main():
                loop = asyncio.get_running_loop()
                fut = loop.create_future()

                def worker():
                    loop.call_soon(print, "done")  # expect: ASL411
                    fut.set_result(42)  # expect: ASL411

                threading.Thread(target=worker).start()
                return await fut
            """
        ),
        Example(
            """
            import asyncio

            def produce(loop, fut, coro):
                loop.create_task(coro)  # expect: ASL411
                fut.set_exception(RuntimeError("boom"))  # expect: ASL411

            async def main(coro):
                loop = asyncio.get_running_loop()
                fut = loop.create_future()
                await loop.run_in_executor(None, produce, loop, fut, coro)
                await asyncio.to_thread(lambda: fut.set_result(1))  # expect: ASL411
            """,
            title="arguments passed along, lambdas",
        ),
        Example(
            """
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            class Bridge:
                def __init__(self, loop: asyncio.AbstractEventLoop):
                    self.loop = loop
                    self.pool = ThreadPoolExecutor()

                def poll(self, fut):
                    self.loop.call_later(1, print)  # expect: ASL411
                    fut.set_result(None)  # expect: ASL411

                def start(self):
                    fut = self.loop.create_future()
                    self.pool.submit(self.poll, fut)
                    return fut
            """,
            title="methods, executor.submit",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import threading

            async def main():
                loop = asyncio.get_running_loop()
                fut = loop.create_future()

                def worker():
                    loop.call_soon_threadsafe(fut.set_result, 42)

                    def on_loop():
                        fut.set_result(0)  # runs on the loop, via call_soon_threadsafe

                    loop.call_soon_threadsafe(on_loop)

                threading.Thread(target=worker).start()
                loop.call_soon(print, "on the loop thread")
                return await fut
            """
        ),
        Example(
            """
            import threading

            def worker(queue, item):
                queue.call_soon(item)  # not known to be an event loop

            threading.Thread(target=worker, args=(None, 1)).start()
            """,
            title="unknown receivers",
        ),
        Example(
            """
            import asyncio
            import threading

            class Checker:
                def __init__(self):
                    self.loop = asyncio.new_event_loop()
                    self.ready = threading.Event()

                def _run(self):
                    asyncio.set_event_loop(self.loop)
                    self.loop.call_soon(self.ready.set)  # the thread's own loop
                    self.loop.run_forever()

                def start(self):
                    threading.Thread(target=self._run, daemon=True).start()
            """,
            title="a thread running its own loop",
        ),
    )

    def begin(self, ctx: RuleContext) -> None:
        self._seen: set[int] = set()

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        entry = THREAD_ENTRIES.get(sem.call_name(node) or "")
        if entry is None:
            return
        target = _slot(node, entry.func_index, entry.func_keyword)
        if target is None:
            return
        func = self._resolve(target, ctx)
        if func is None:
            return
        if _runs_own_loop(func, sem):
            return
        passed = _passed_arguments(node, entry, func, bound=type(target) is ast.Attribute)
        seen = self.__dict__.setdefault("_seen", set())
        shown = "the lambda" if type(func) is ast.Lambda else f"`{func.name}()`"
        for call in ast.walk(func):
            if type(call) is not ast.Call or id(call) in seen or sem.enclosing_function(call) is not func:
                continue
            name = self._callee(call, passed, ctx)
            instead = NOT_THREADSAFE.get(name or "")
            if instead is None:
                continue
            seen.add(id(call))
            method = name.rsplit(".", 1)[-1]
            receiver = "loop" if ".AbstractEventLoop." in name else "future"
            ctx.report(call, f"`{receiver}.{method}()` is not thread-safe and {shown} runs in another thread; use {instead}")

    @staticmethod
    def _resolve(target: ast.AST, ctx: RuleContext) -> ast.AST | None:
        """The sync function or lambda of this module that ``target`` refers to."""
        sem = ctx.sem
        t = type(target)
        if t is ast.Lambda:
            return target
        if t is ast.Name:
            bindings = sem.lookup(target.id, sem.scope_of(target))
            if bindings and len(bindings) == 1 and bindings[0].kind == "def":
                return bindings[0].node
            return None
        if t is ast.Attribute:
            owner = sem.type_of(target.value)
            info = sem.classes.get(owner) if owner else None
            method = info.methods.get(target.attr) if info else None
            return method if type(method) is ast.FunctionDef else None
        return None

    @staticmethod
    def _callee(call: ast.Call, passed: dict[str, ast.AST], ctx: RuleContext) -> str | None:
        sem = ctx.sem
        name = sem.call_name(call)
        if name is not None:
            return name
        func = call.func
        if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id in passed:
            bindings = sem.lookup(func.value.id, sem.scope_of(func.value))
            if bindings and len(bindings) == 1 and bindings[0].kind == "param":
                rt = sem.type_of(passed[func.value.id])
                if rt is not None:
                    return canonical(f"{rt}.{func.attr}")
        return None


_LOOP_OWNER_CALLS = ("set_event_loop", "run_forever", "run_until_complete")


def _runs_own_loop(func: ast.AST, sem: SemanticModel) -> bool:
    """A thread function that sets or runs a loop owns that loop: calling its non-threadsafe
    methods from there (say, ``call_soon`` just before ``run_forever``) is correct."""
    for call in ast.walk(func):
        if type(call) is not ast.Call:
            continue
        name = sem.call_name(call) or ""
        if name in ("asyncio.run", "asyncio.new_event_loop") or name.rsplit(".", 1)[-1] in _LOOP_OWNER_CALLS:
            return True
        f = call.func
        if type(f) is ast.Attribute and f.attr in _LOOP_OWNER_CALLS:
            return True
    return False


def _slot(call: ast.Call, index: int | None, keyword: str | None) -> ast.AST | None:
    if keyword is not None:
        for k in call.keywords:
            if k.arg == keyword:
                return k.value
    if index is not None and index < len(call.args) and not any(type(a) is ast.Starred for a in call.args[: index + 1]):
        return call.args[index]
    return None


def _passed_arguments(call: ast.Call, entry: ThreadEntry, func: ast.AST, bound: bool) -> dict[str, ast.AST]:
    """Parameter name -> the expression the thread call passes for it (positional only);
    ``bound`` for ``self.method``, whose first parameter is not passed."""
    if entry.args_from is not None:
        values = list(call.args[entry.args_from :])
    else:
        packed = _slot(call, entry.args_index, entry.args_keyword)
        values = list(packed.elts) if type(packed) in (ast.Tuple, ast.List) else []
    if any(type(v) is ast.Starred for v in values):
        return {}
    params = [*func.args.posonlyargs, *func.args.args][1 if bound else 0 :]
    return {p.arg: v for p, v in zip(params, values)}

from __future__ import annotations

import ast

from asynclint.knowledge.blocking import blocking_for
from asynclint.knowledge.coroutines import LIBRARIES
from asynclint.rule import Deferred, Example, Rule, RuleContext, SettledFinding
from asynclint.semantics.refs import is_outside_project, value_ref


class TransitiveBlockingCall(Rule):
    code = "ASL110"
    name = "transitive-blocking-call"
    summary = "A sync function of the project that blocks (directly or through other calls) is called in async context"
    related = ("ASL101", "ASL104", "ASL109")
    project_wide = True
    doc = """
    ## What it does
    Flags a call, in async context, of a *sync* function of the project (in any module, a
    method, or a class whose `__init__` does it) that reaches a blocking call of the
    ASL101-ASL108 kinds (`time.sleep`, `requests`, `subprocess.run`, `open()`, `sqlite3`, ...)
    directly or through further sync calls of the project. The message shows the chain, e.g.
    `load() -> read_config() -> open()`. Calls made inside an argument handed to a thread
    (`asyncio.to_thread`, `run_in_executor`) are not part of a chain, and a helper only
    passed to `asyncio.to_thread(helper)` is not called on the loop at all.

    ## Why is this bad?
    Wrapping a blocking call in a helper does not make it any less blocking: every task on the
    event loop waits while the helper runs, and the direct rules cannot see it.

    ## Instead
    Make the helper async (with an async library), or run it in a thread:
    `await asyncio.to_thread(load)`.
    """
    bad = (
        Example(
            """
            import asyncio
            from app.config import load

            async def start():
                settings = load()  # expect: ASL110
                await asyncio.sleep(0)
                return settings
            """,
            title="across modules",
            files={
                "app/__init__.py": "",
                "app/config.py": """
                import time

                def read_config():
                    time.sleep(0.1)  # waiting for the file to settle
                    return {}

                def load():
                    return read_config()
                """,
            },
        ),
        Example(
            """
            import time

            class Poller:
                def wait_a_bit(self):
                    time.sleep(1)

                async def run(self):
                    self.wait_a_bit()  # expect: ASL110
            """,
            title="methods",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import time

            def pause():
                time.sleep(1)

            def pure(x):
                return x * 2

            async def main(loop):
                await asyncio.to_thread(pause)
                await loop.run_in_executor(None, pause)
                pure(3)

            def sync_main():
                pause()
            """
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.is_awaited(node) or not sem.in_async_context(node):
            return
        ref = value_ref(sem, node.func)
        if ref is None or is_outside_project(ref, LIBRARIES) or blocking_for(ref) is not None:
            return
        ctx.defer(node, {"ref": ref})

    def settle(self, deferred: Deferred, index) -> list[SettledFinding]:
        found = index.blocking_chain(deferred.data["ref"])
        if found is None:
            return []
        target, chain = found
        return [
            SettledFinding(
                f"`{target.label}()` defined at {target.where} blocks the event loop: {' -> '.join(chain)}. "
                f"Make it async, or call it with `await asyncio.to_thread(...)`"
            )
        ]

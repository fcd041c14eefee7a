from __future__ import annotations

import ast

from asynclint.facts import BLOCKING_CHAIN, Chain, Question, chain_limit_param
from asynclint.finding import Related
from asynclint.knowledge.blocking import blocking_for
from asynclint.rule import Example, Option, Rule, RuleContext
from asynclint.rules._blocking import BLOCKING_CALLS_OPTION
from asynclint.semantics.guards import argument_classes, encode_arguments
from asynclint.semantics.refs import value_ref


class TransitiveBlockingCall(Rule):
    code = "ASL110"
    name = "transitive-blocking-call"
    summary = "A sync function of the project that blocks (directly or through other calls) is called in async context"
    related = ("ASL101", "ASL104", "ASL109")
    project_wide = True
    # The calls listed in ``blocking-calls`` (ASL109) block inside helpers just the same.
    options = (
        BLOCKING_CALLS_OPTION,
        Option(
            "max-chain-length",
            int,
            4,
            "The most functions a chain may go through before the blocking call (`load() -> "
            "read_config() -> open()` goes through 2); longer chains are not reported. 0: no limit.",
            "max-chain-length = 8",
        ),
    )
    doc = """
    ## What it does
    Flags a call, in async context, of a *sync* function of the project (in any module, a
    method, or a class whose `__init__` does it) that reaches a blocking call of the
    ASL101-ASL108 kinds (`time.sleep`, `requests`, `subprocess.run`, `open()`, `sqlite3`, ...)
    or one listed in the `blocking-calls` option (ASL109), directly or through further sync calls of the project. The message shows the chain, e.g.
    `load() -> read_config() -> open()`. Calls made inside an argument handed to a thread
    (`asyncio.to_thread`, `run_in_executor`) are not part of a chain, and a helper only
    passed to `asyncio.to_thread(helper)` is not called on the loop at all.

    A blocking call that the first helper makes only under an `isinstance` test on one of
    its parameters (`if isinstance(fp, io.IOBase): ... else: open(fp)`) is left out when the
    call site's argument is known to take the other branch (`Helper(io.BytesIO(data))`, a
    string literal, a `Path(...)`); with an argument of unknown type the chain is kept.
    Arguments that make a library call non-blocking count through `self.` and `super()` as
    well (`super().shutdown(wait=False)` in an executor subclass), and `put()` on a queue
    made without `maxsize` never waits (see ASL107), nor does a helper's `self.queue.get()`
    called right after a loop that awaited until `self.queue` was non-empty. A call that
    builds the exception a `raise` raises (`raise RuntimeError(f"... {files.resolved()}")`)
    runs once, on the way out of a failure, and is not reported (nor is one inside a helper).

    A chain goes through at most four functions by default (`max-chain-length`; 0 for no
    limit): on the pinned corpus of real projects, none of the longer chains but one was
    judged a plain true finding; they run through branches that depend on run-time state the
    analysis cannot see (a client made only when none exists yet, a preload configured as a
    URL, a certificate argument) and are hard to act on. When the first chain found is
    longer, a shorter one is looked for; with none, nothing is reported.

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
        Example(
            """
            import mycorp.db

            def count_users():
                return mycorp.db.query("SELECT count(*) FROM users")

            async def report():
                return count_users()  # expect: ASL110
            """,
            title="calls listed in `blocking-calls`",
            config={"blocking-calls": {"mycorp.db.query": "`await mycorp.db.aquery(...)`"}},
        ),
        Example(
            """
            from concurrent.futures import ThreadPoolExecutor

            class Pool(ThreadPoolExecutor):
                def close(self):
                    super().shutdown()  # waits for the running jobs

            pool = Pool()

            async def stop():
                pool.close()  # expect: ASL110
            """,
            title="through `super()`",
        ),
        Example(
            """
            import io

            class Attachment:
                def __init__(self, fp):
                    if isinstance(fp, io.IOBase):
                        self.fp = fp
                    else:
                        self.fp = open(fp, "rb")

            async def send(channel):
                await channel.send(Attachment("report.pdf"))  # expect: ASL110
            """,
            title="a path given to a helper that opens paths",
        ),
        Example(
            """
            import asyncio
            import queue

            class Results:
                def __init__(self):
                    self.queue = queue.Queue()

                def _take(self):
                    return self.queue.get()

                async def next_ready(self):
                    while self.queue.empty():
                        await asyncio.sleep(0.1)
                    return self._take()  # the queue has an item: get() returns at once

                async def next_blind(self):
                    return self._take()  # expect: ASL110
            """,
            title="a helper's `queue.get()`: blocks unless the caller waited for an item",
        ),
    )
    good = (
        Example(
            """
            import asyncio
            import queue
            import time

            def drain(q: queue.Queue):
                return q.get(block=False)

            def pause():
                time.sleep(1)

            def pure(x):
                return x * 2

            async def main(loop):
                await asyncio.to_thread(pause)
                await loop.run_in_executor(None, pause)
                pure(3)
                drain(queue.Queue())

            def sync_main():
                pause()
            """
        ),
        Example(
            """
            import queue
            from concurrent.futures import ThreadPoolExecutor

            class Pool(ThreadPoolExecutor):
                def close(self):
                    super().shutdown(wait=False)

            class Log:
                def __init__(self):
                    self.lines = queue.Queue()

                def add(self, line):
                    self.lines.put(line)  # unbounded: never waits

            pool = Pool()
            log = Log()

            async def stop():
                pool.close()
                log.add("stopped")
            """,
            title="non-blocking arguments through `super()`; an unbounded queue's put()",
        ),
        Example(
            """
            import io

            class Attachment:
                def __init__(self, fp):
                    if isinstance(fp, io.IOBase):
                        self.fp = fp
                    else:
                        self.fp = open(fp, "rb")

            async def send(channel, data: bytes):
                await channel.send(Attachment(io.BytesIO(data)))  # a file object: the open() branch never runs
            """,
            title="an `isinstance` branch the arguments never take",
        ),
        Example(
            """
            import os

            class StaticFiles:
                def __init__(self, directory):
                    self.directory = directory

                def resolved(self):
                    return os.path.realpath(self.directory)

                def check(self, name):
                    if not name:
                        raise LookupError(f"nothing to serve in {os.path.realpath(self.directory)}")
                    return name

            async def fallback(files: StaticFiles, name, found):
                if not found:
                    raise RuntimeError(f"{name} is not in {files.resolved()}")  # once, on failure
                return files.check(name)
            """,
            title="building the exception a `raise` raises",
        ),
    )

    def __init__(self, options=None):
        super().__init__(options)
        self.patterns = tuple((self.option("blocking-calls") or {}).keys())
        limit = self.option("max-chain-length")
        if limit > 0:
            self.patterns += (chain_limit_param(limit),)

    def visit_Call(self, node: ast.Call, ctx: RuleContext) -> None:
        sem = ctx.sem
        if sem.is_awaited(node) or not sem.in_async_context(node) or sem.builds_raised_exception(node):
            return
        ref = value_ref(sem, node.func)
        if ref is None or blocking_for(ref) is not None:  # a direct blocking call is ASL101-ASL109's
            return
        ctx.ask(BLOCKING_CHAIN, ref, at=node, params=self.patterns + encode_arguments(*argument_classes(sem, node)))

    def conclude(self, question: Question, answer: Chain, data: dict) -> str:
        target, chain = answer.target, answer.calls
        return (
            f"`{target.label}()` defined at {target.where} blocks the event loop: {' -> '.join(chain)}. "
            f"Make it async, or call it with `await asyncio.to_thread(...)`"
        )

    def root_cause(self, question: Question, answer: Chain, data: dict) -> tuple[str, tuple[Related, ...]]:
        """Every call site of one blocking helper shares it: shown once, grouped. Related: the
        helper, and the blocking call at the end of its chain (where an editor takes you)."""
        target, chain, site = answer.target, answer.calls, answer.site
        related = []
        path, _, line = target.where.rpartition(":")
        if line.isdigit():
            related.append(Related(path, int(line), 1, f"`{target.label}()` blocks: {' -> '.join(chain)}"))
        path, _, line = site.rpartition(":")
        if line.isdigit() and site != target.where:
            related.append(Related(path, int(line), 1, f"the blocking call: `{chain[-1]}`"))
        return f"`{target.label}()` ({target.where})", tuple(related)

"""ASL401-ASL411 beyond their examples: the messages and fixes each target version gets, and
the cases where a rule must stay silent or hold its fix back."""

from __future__ import annotations

import textwrap

import pytest

from asynclint.config import Config
from asynclint.engine import lint_source


def lint(source: str, code: str | tuple[str, ...], target: tuple[int, int] = (3, 12)):
    cfg = Config(select=(code,) if isinstance(code, str) else code, target_version=target)
    run = lint_source(textwrap.dedent(source).lstrip("\n"), "example.py", cfg)
    assert not run.errors, run.errors
    return run.findings


def only(source: str, code: str, target: tuple[int, int] = (3, 12)):
    found = lint(source, code, target)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------- ASL402 per version
GEL = "import asyncio\nloop = asyncio.get_event_loop()\n"
_USE = "use `asyncio.run()`, `asyncio.Runner` or `asyncio.new_event_loop()` + `asyncio.set_event_loop()`"
_USE_310 = "use `asyncio.run()` or `asyncio.new_event_loop()` + `asyncio.set_event_loop()`"
_OLD = "is deprecated from Python 3.12 (DeprecationWarning when no event loop is set, RuntimeError from 3.14)"
_WARNS = "emits a DeprecationWarning on Python 3.12 and 3.13 when no event loop is set (RuntimeError from 3.14)"
_RAISES = "raises RuntimeError on Python 3.14+ when no event loop is set"
_HEAD = "`asyncio.get_event_loop()` without a running event loop"


@pytest.mark.parametrize(
    "target,message",
    [
        ((3, 10), f"{_HEAD} {_OLD}; {_USE_310}"),
        ((3, 11), f"{_HEAD} {_OLD}; {_USE}"),
        ((3, 12), f"{_HEAD} {_WARNS}; {_USE}"),
        ((3, 13), f"{_HEAD} {_WARNS}; {_USE}"),
        ((3, 14), f"{_HEAD} {_RAISES}; {_USE}"),
        ((3, 15), f"{_HEAD} {_RAISES}; {_USE}"),
    ],
)
def test_asl402_message_says_what_happens_on_the_target(target, message):
    f = only(GEL, "ASL402", target)
    assert (f.line, f.column, f.message, f.fix) == (2, 8, message, None)


def test_asl402_silent_after_set_event_loop_in_the_same_function():
    src = """
    import asyncio

    def setup():
        asyncio.get_event_loop()
        asyncio.set_event_loop(asyncio.new_event_loop())
        return asyncio.get_event_loop()

    def elsewhere():
        return asyncio.get_event_loop()
    """
    assert [(f.line, f.code) for f in lint(src, ("ASL402", "ASL907"))] == [(4, "ASL907"), (9, "ASL907")]


def test_asl401_and_asl402_split_on_async_context():
    src = """
    import asyncio

    async def main():
        a = asyncio.get_event_loop()
        def cb():
            return asyncio.get_event_loop()
        b = await asyncio.to_thread(lambda: asyncio.get_event_loop())
        return a, b, cb
    """
    assert [f.line for f in lint(src, "ASL401")] == [4]
    assert [f.line for f in lint(src, "ASL402")] == [7]
    assert [f.line for f in lint(src, "ASL907")] == [6]  # cb() runs wherever its caller runs


# ---------------------------------------------------------------------- ASL403
ONE_SHOT = """
import asyncio

async def main():
    pass

loop = asyncio.get_event_loop()
loop.run_until_complete(main())
loop.close()
"""


def test_asl403_fix_covers_the_three_statements():
    f = only(ONE_SHOT, "ASL403")
    assert (f.line, f.column) == (7, 1)
    assert [(e.line, e.column, e.end_line, e.end_column, e.content) for e in f.fix.edits] == [(6, 1, 8, 13, "asyncio.run(main())")]
    assert f.fix.imports == ()


@pytest.mark.parametrize(
    "variant,fixable",
    [
        pytest.param(ONE_SHOT, True, id="one-shot"),
        pytest.param(ONE_SHOT + "print(loop.is_closed())\n", False, id="loop-used-afterwards"),
        pytest.param(ONE_SHOT.replace("(main())\n", "(main())  # go\n"), False, id="comment-inside"),
        pytest.param(ONE_SHOT.replace("loop.close()", "print('done')\nloop.close()"), False, id="not-consecutive"),
        pytest.param(ONE_SHOT.replace("(main())", "(asyncio.gather(main()))"), False, id="future-not-coroutine"),
        pytest.param(ONE_SHOT.replace("loop.close()", "loop.stop()"), False, id="not-closed"),
    ],
)
def test_asl403_fix_only_for_the_exact_one_shot_pattern(variant, fixable):
    f = only(variant, "ASL403")
    assert (f.fix is not None) == fixable


def test_asl403_leaves_async_context_to_asl404():
    src = """
    import asyncio

    async def main(coro):
        loop = asyncio.get_event_loop()
        loop.run_until_complete(coro)
    """
    assert lint(src, "ASL403") == []
    assert [(f.line, f.code) for f in lint(src, "ASL404")] == [(5, "ASL404")]


# ---------------------------------------------------------------------- ASL405
POLICY = "import asyncio\nasyncio.set_event_loop_policy(None)\n"
_POLICY_HEAD = "`asyncio.set_event_loop_policy()`: the event-loop policy system is deprecated since Python 3.14 (removal in 3.16); "


@pytest.mark.parametrize(
    "target,instead",
    [
        ((3, 10), "create the loop with a factory and `asyncio.set_event_loop()` (or `loop_factory=` from Python 3.12)"),
        ((3, 11), "use `asyncio.Runner(loop_factory=...)`"),
        ((3, 12), "pass `loop_factory=` to `asyncio.run()` or `asyncio.Runner`"),
        ((3, 14), "pass `loop_factory=` to `asyncio.run()` or `asyncio.Runner`"),
    ],
)
def test_asl405_message_names_what_exists_on_the_target(target, instead):
    assert only(POLICY, "ASL405", target).message == _POLICY_HEAD + instead


def test_asl405_class_reference_is_shown_without_parentheses():
    src = "from asyncio.unix_events import DefaultEventLoopPolicy\nclass P(DefaultEventLoopPolicy):\n    pass\n"
    assert only(src, "ASL405").message.startswith("`asyncio.DefaultEventLoopPolicy`: ")


# ---------------------------------------------------------------------- ASL406
ISCORO = "import asyncio\nasyncio.iscoroutinefunction(print)\n"


def test_asl406_fix_from_312_only():
    before, after = only(ISCORO, "ASL406", (3, 11)), only(ISCORO, "ASL406", (3, 12))
    assert before.fix is None and after.fix is not None
    assert after.fix.imports == ("inspect",)
    assert after.message == "`asyncio.iscoroutinefunction()` is deprecated in Python 3.14 (removal in 3.16); use `inspect.iscoroutinefunction()`"
    assert before.message == (
        "`asyncio.iscoroutinefunction()` is deprecated in Python 3.14 (removal in 3.16); use `inspect.iscoroutinefunction()` "
        "once the target is 3.12+ (before 3.12 it does not recognise callables marked as coroutine functions)"
    )


def test_asl406_fix_reuses_an_inspect_alias_and_skips_shared_imports():
    f = only("import asyncio\nimport inspect as ins\nasyncio.iscoroutinefunction(print)\n", "ASL406")
    assert f.fix.edits[0].content == "ins.iscoroutinefunction" and f.fix.imports == ()
    g = only("from asyncio import sleep, iscoroutinefunction\n", "ASL406")
    assert (g.line, g.column, g.fix) == (1, 28, None)


# ---------------------------------------------------------------------- ASL407
def test_asl407_message_and_fix_by_version():
    src = "import asyncio\n\nasync def f(loop):\n    await asyncio.sleep(1, loop=loop)\n"
    old, new = only(src, "ASL407", (3, 9)), only(src, "ASL407", (3, 10))
    assert old.message == "`loop=` passed to `asyncio.sleep()` is deprecated since Python 3.8 and raises TypeError from 3.10; remove it (the running loop is used)"
    assert new.message == "`loop=` passed to `asyncio.sleep()` raises TypeError since Python 3.10; remove it (the running loop is used)"
    assert old.fix is None
    assert [(e.line, e.column, e.end_line, e.end_column, e.content) for e in new.fix.edits] == [(4, 26, 4, 37, "")]
    assert (new.line, new.column) == (4, 28)


def test_asl407_no_fix_when_a_comment_would_go():
    src = "import asyncio\nq = asyncio.Queue(\n    5,  # size\n    loop=None,\n)\n"
    assert only(src, "ASL407").fix is None


def test_asl407_ignores_apis_that_kept_loop_and_unrelated_functions():
    src = """
    import asyncio

    def sleep(x, loop=None):
        pass

    async def f(loop, coro):
        sleep(1, loop=loop)
        asyncio.run_coroutine_threadsafe(coro, loop=loop)
        asyncio.StreamReader(loop=loop)
    """
    assert lint(src, "ASL407") == []


# ---------------------------------------------------------------------- ASL408 / ASL409
@pytest.mark.parametrize(
    "target,status",
    [((3, 10), "is deprecated since Python 3.8 and removed in 3.11"), ((3, 11), "was removed in Python 3.11")],
)
def test_asl408_message(target, status):
    src = "import asyncio\n@asyncio.coroutine\ndef f():\n    yield\n"
    assert only(src, "ASL408", target).message == f"`@asyncio.coroutine` {status}; use `async def` and `await`"


def test_asl409_only_from_311():
    src = "import asyncio\ntry:\n    pass\nexcept asyncio.TimeoutError:\n    pass\n"
    assert lint(src, "ASL409", (3, 10)) == []
    f = only(src, "ASL409", (3, 11))
    assert f.message == "`asyncio.TimeoutError` is an alias of the builtin `TimeoutError` since Python 3.11; use `TimeoutError`"
    assert f.fix.edits[0].content == "TimeoutError"


def test_asl409_no_fix_when_the_name_means_something_else():
    src = "import asyncio\nfrom mylib import TimeoutError\nx = asyncio.TimeoutError\n"
    assert only(src, "ASL409").fix is None
    aliased = only("from asyncio import TimeoutError as ATE\n", "ASL409")
    assert aliased.fix is None
    assert aliased.message.startswith("`from asyncio import TimeoutError as ATE` imports an alias")


# ---------------------------------------------------------------------- ASL410
def test_asl410_silent_when_the_executor_lives_on():
    src = """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    def keep(ex):
        pass

    async def f(work):
        loop = asyncio.get_running_loop()
        a = ThreadPoolExecutor()
        keep(a)
        await loop.run_in_executor(a, work)
        b = ThreadPoolExecutor()
        await loop.run_in_executor(b, work)
        return b
    """
    assert lint(src, "ASL410") == []


def test_asl410_reports_a_local_executor_once():
    src = """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def f(work):
        loop = asyncio.get_running_loop()
        ex = ThreadPoolExecutor()
        await loop.run_in_executor(ex, work)
        await loop.run_in_executor(ex, work)
    """
    f = only(src, "ASL410")
    assert (f.line, f.column) == (6, 10)


# ---------------------------------------------------------------------- ASL411
def test_asl411_thread_args_tuple_and_nested_functions():
    src = """
    import asyncio
    import threading

    def worker(loop, fut):
        loop.call_soon(print)
        def later():
            fut.set_result(1)
        loop.call_soon_threadsafe(later)

    async def main():
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        threading.Thread(target=worker, args=(loop, fut)).start()
        await fut
    """
    f = only(src, "ASL411")
    assert f.line == 5
    assert f.message == "`loop.call_soon()` is not thread-safe and `worker()` runs in another thread; use `loop.call_soon_threadsafe(...)`"


def test_asl411_function_not_handed_to_a_thread():
    src = """
    import asyncio

    def callback(loop, fut):
        loop.call_soon(print)
        fut.set_result(1)

    async def main():
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        loop.call_soon(callback, loop, fut)
        await fut
    """
    assert lint(src, "ASL411") == []


# ---------------------------------------------------------------------- version guards
@pytest.mark.parametrize(
    "guarded,reported",
    [
        ("if sys.version_info < (3, 14):\n    X", False),
        ("if sys.version_info[:2] < (3, 14):\n    X", False),
        ("if (3, 14) > sys.version_info:\n    X", False),
        ("if sys.version_info >= (3, 13):\n    pass\nelse:\n    X", False),
        ("if not sys.version_info >= (3, 14):\n    X", False),
        ("if sys.version_info <= (3, 13):\n    X", False),
        ("ok = sys.version_info >= (3, 14) or X", False),
        ("ok = X if sys.version_info < (3, 12) else None", False),
        ("def f():\n    if sys.version_info >= (3, 14):\n        return None\n    return X", False),
        # Guards that still let the call run on 3.14+.
        ("if sys.version_info < (3, 15):\n    X", True),
        ("if sys.version_info <= (3, 14):\n    X", True),
        ("if sys.version_info < (3, 14, 1):\n    X", True),
        ("if sys.version_info >= (3, 13):\n    X", True),
        ("if sys.version_info < (3, 14):\n    pass\nelse:\n    X", True),
        ("ok = sys.version_info < (3, 14) or X", True),
        ("def f():\n    if sys.version_info >= (3, 14):\n        log()\n    return X", True),
        ("if platform < (3, 14):\n    X", True),
    ],
)
def test_asl406_silent_where_a_version_test_keeps_the_code_off_314(guarded, reported):
    source = "import asyncio\nimport sys\n" + guarded.replace("X", "asyncio.iscoroutinefunction(g)") + "\n"
    assert bool(lint(source, "ASL406")) is reported


def test_version_guard_through_a_constant_assigned_once():
    guarded = """
        import asyncio
        import sys

        PY314 = sys.version_info >= (3, 14)
        REBOUND = sys.version_info >= (3, 14)
        REBOUND = True

        def check(f):
            if not PY314:
                asyncio.iscoroutinefunction(f)
            if not REBOUND:
                asyncio.iscoroutinefunction(f)
        """
    assert [f.line for f in lint(guarded, "ASL406")] == [12]


def test_asl402_protocol_methods_only_not_what_they_hand_on():
    found = lint(
        """
        import asyncio
        import threading

        class Proto(asyncio.protocols.Protocol):
            def data_received(self, data):
                asyncio.get_event_loop()
                def later():
                    asyncio.get_event_loop()
                threading.Thread(target=lambda: asyncio.get_event_loop()).start()

            @classmethod
            def create(cls):
                return cls(asyncio.get_event_loop())

        class Plain:
            def data_received(self, data):
                asyncio.get_event_loop()
        """,
        ("ASL402", "ASL907"),
    )
    # Only the thread's lambda surely runs without a loop; the nested def, the alternative
    # constructor and the plain class's method run wherever their unknown callers are.
    assert [(f.line, f.code) for f in found] == [(8, "ASL907"), (9, "ASL402"), (13, "ASL907"), (17, "ASL907")]


def test_asl402_websockets_legacy_protocols_are_protocols():
    source = """
        import asyncio
        from websockets.legacy.server import WebSocketServerProtocol

        class Handler(WebSocketServerProtocol):
            def __init__(self, loop=None):
                self.loop = loop or asyncio.get_event_loop()
        """
    assert lint(source, "ASL402") == []


def test_asl405_one_finding_per_statement():
    """Issue 16: a policy call and the policy class it is given are one pitfall."""
    src = """
    import asyncio

    asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
    if type(asyncio.get_event_loop_policy()) is asyncio.WindowsProactorEventLoopPolicy:
        pass
    class Quiet(asyncio.DefaultEventLoopPolicy):
        policy = asyncio.get_event_loop_policy()
    """
    assert [(f.line, f.column) for f in lint(src, "ASL405")] == [(3, 1), (4, 9), (6, 13), (7, 14)]


def test_asl402_reports_a_sync_function_only_where_no_loop_runs():
    """Issue 16: a sync function's get_event_loop() is ASL402 where the module shows no loop
    runs there; with callers elsewhere it is the opt-in ASL907; with coroutine callers, nothing."""
    src = """
    import asyncio

    def closes():
        asyncio.get_event_loop().close()

    def drives(main):
        loop = asyncio.get_event_loop()
        loop.run_until_complete(main())

    def in_executor():
        return asyncio.get_event_loop()

    def fallback(loop=None):
        return loop or asyncio.get_event_loop()

    def in_coroutines_only():
        return asyncio.get_event_loop()

    def stops():
        asyncio.get_event_loop().stop()

    async def main(pool):
        in_coroutines_only()
        await asyncio.get_running_loop().run_in_executor(pool, in_executor)

    closes()
    """
    found = [(f.line, f.code) for f in lint(src, ("ASL402", "ASL907"))]
    assert found == [(4, "ASL402"), (7, "ASL402"), (11, "ASL402"), (14, "ASL907"), (20, "ASL907")]


def test_asl907_message():
    src = """
    import asyncio

    class Reader:
        def __init__(self, loop=None):
            self.loop = loop or asyncio.get_event_loop()
    """
    f = only(src, "ASL907", (3, 14))
    assert (f.line, f.column) == (5, 29)
    assert f.message == (
        "`asyncio.get_event_loop()` in `Reader()`, which its module does not show to run under a loop: if `Reader()` only runs "
        "while a loop runs (called from coroutines or callbacks), use `asyncio.get_running_loop()`; without a running "
        "loop, raises RuntimeError on Python 3.14+ when no event loop is set; use `asyncio.run()`, `asyncio.Runner` or "
        "`asyncio.new_event_loop()` + `asyncio.set_event_loop()`"
    )

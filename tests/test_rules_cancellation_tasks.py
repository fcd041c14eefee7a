"""ASL203, ASL206, ASL207, ASL301-ASL303 and the opt-in ASL901-ASL904 on larger fixtures
(aliases, nesting), selection of the opt-in rules, and the shared flow helpers they use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import lint_source
from asynclint.semantics import SemanticModel
from asynclint.semantics import flow

FIXTURES = Path(__file__).parent / "fixtures"
MINE = ("ASL203", "ASL206", "ASL207", "ASL301", "ASL302", "ASL303", "ASL901", "ASL902", "ASL903", "ASL904", "ASL905", "ASL906")
FIXTURE_FILES = sorted(
    p for area in ("cancellation", "tasks", "opt_in") for p in (FIXTURES / area).glob("*.py")
)
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")


def expected_in(text: str) -> set[tuple[int, str]]:
    out = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            out |= {(lineno, c) for c in re.split(r"[,\s]+", m.group(1).strip()) if c}
    return out


def lint(text: str, path: str = "example.py", **config) -> list:
    run = lint_source(text, path, Config(**config))
    assert not run.errors, run.errors
    return run.findings


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_exact_findings(path):
    """Every marked line is reported, nothing else by any of these rules (so none of them
    fires on another one's cases either)."""
    text = path.read_text()
    found = {(f.line, f.code) for f in lint(text, path.name, select=MINE)}
    assert found == expected_in(text)
    assert expected_in(text), "a fixture must mark something"


def test_fixtures_cover_every_rule():
    codes = set()
    for path in FIXTURE_FILES:
        codes |= {c for _, c in expected_in(path.read_text())}
    assert codes == set(MINE)


OPT_IN_SAMPLE = """\
import asyncio

async def constant():
    return 1

async def wait(conn, a, b):
    while not conn.ready:
        await asyncio.sleep(0.1)
    await asyncio.gather(a(), b())
"""


def test_opt_in_rules_are_off_by_default():
    assert [f.code for f in lint(OPT_IN_SAMPLE)] == []


@pytest.mark.parametrize(
    "config, codes",
    [
        ({"extend_select": ("ASL9",)}, ["ASL901", "ASL902", "ASL904"]),
        ({"extend_select": ("ASL902",)}, ["ASL902"]),
        ({"extend_select": ("async-without-await",)}, ["ASL901"]),
        ({"select": ("ASL904",)}, ["ASL904"]),
        ({"select": ("ALL",), "ignore": ("ASL902",)}, ["ASL901", "ASL904"]),
    ],
)
def test_opt_in_rules_turned_on(config, codes):
    assert [f.code for f in lint(OPT_IN_SAMPLE, **config)] == codes


DECORATED = """\
import mycorp.rpc
from mycorp import bus

@mycorp.rpc.endpoint("ping")
async def ping():
    return "pong"

@bus.on("event")
async def on_event(payload):
    return payload

@bus.handle
async def handle(payload):
    return payload
"""


def test_async_function_decorators_option():
    default = {f.line for f in lint(DECORATED, select=("ASL901",))}
    assert default == {5, 13}  # `*.on` is a default pattern, the others are not
    configured = {
        f.line
        for f in lint(DECORATED, select=("ASL901",), rule_options=(("async-function-decorators", ("mycorp.rpc.*", "bus.handle")),))
    }
    assert configured == {9}  # the option replaces the default list


def test_async_without_await_reports_the_header_only():
    (f,) = lint("async def compute(x):\n    y = x * 2\n    return y\n", select=("ASL901",))
    assert (f.line, f.column, f.end_line, f.end_column) == (1, 1, 1, 18)


def test_messages_name_the_problem_and_the_remedy():
    src = (
        "import asyncio\n"
        "async def main(job):\n"
        "    asyncio.create_task(job())\n"
        "    try:\n"
        "        await job()\n"
        "    except asyncio.CancelledError:\n"
        "        pass\n"
        "async def caller(job):\n"
        "    await main(job)\n"
    )
    by_code = {f.code: f.message for f in lint(src)}
    assert "TaskGroup" in by_code["ASL203"] and "garbage-collected" in by_code["ASL203"]
    assert "`raise`" in by_code["ASL301"]
    assert set(by_code) == {"ASL203", "ASL301"}


def test_swallowed_cancellation_message_says_what_goes_wrong_per_shape():
    """Issue 16: the code after the handler runs on; the awaiting caller goes on; or (ASL905,
    opt-in) the task's top-level coroutine ends as finished rather than cancelled."""
    src = (
        "import asyncio\n"
        "async def loop(conn):\n"
        "    while True:\n"
        "        try:\n"
        "            await conn.read()\n"
        "        except asyncio.CancelledError:\n"
        "            conn.log('again')\n"
        "async def fetch(conn):\n"
        "    try:\n"
        "        return await conn.read()\n"
        "    except asyncio.CancelledError:\n"
        "        return None\n"
        "async def poll(conn):\n"
        "    try:\n"
        "        await conn.read()\n"
        "    except BaseException:\n"
        "        pass\n"
        "def start(conn):\n"
        "    return asyncio.create_task(poll(conn)), loop, fetch\n"
    )
    found = {(f.line, f.code): f.message for f in lint(src, select=("ASL301", "ASL905"))}
    assert set(found) == {(6, "ASL301"), (11, "ASL301"), (16, "ASL905")}
    assert found[(6, "ASL301")] == (
        "`except CancelledError` can finish without re-raising, and the code after it goes on running: "
        "`task.cancel()` does not stop this task; end the handler with `raise`"
    )
    assert found[(11, "ASL301")] == (
        "`except CancelledError` can finish without re-raising, so `fetch()` returns normally when its task is "
        "cancelled and the caller awaiting it goes on as if nothing happened: the task is not stopped; "
        "end the handler with `raise`"
    )
    assert found[(16, "ASL905")] == (
        "`except BaseException` can finish without re-raising, so `poll()` ends normally when its task is "
        "cancelled: the task ends as finished, not cancelled, and whoever waits on it (`await task`, "
        "`asyncio.wait_for`, `asyncio.timeout`) never sees the cancellation (no `TimeoutError` either); "
        "end the handler with `raise`, or catch `Exception` instead"
    )
    # Opt-in: the default selection leaves the end-of-task shape out.
    assert {(f.line, f.code) for f in lint(src)} == {(6, "ASL301"), (11, "ASL301")}


def test_cancellation_swallowed_in_cleanup_is_opt_in_and_says_what_is_lost():
    """Issue 16: a swallow that is part of cleaning up (a teardown function, a ``finally``
    clause) is ASL906 (opt-in); inside a handler that re-raises it loses nothing."""
    src = (
        "import asyncio\n"
        "import contextlib\n"
        "async def stop(task, event):\n"
        "    event.set()\n"
        "    with contextlib.suppress(asyncio.CancelledError):\n"
        "        await task\n"
        "async def serve(app):\n"
        "    try:\n"
        "        await app.serve()\n"
        "    finally:\n"
        "        try:\n"
        "            await app.shutdown()\n"
        "        except asyncio.CancelledError:\n"
        "            pass\n"
        "    return app.result\n"
        "async def setup(fut, run):\n"
        "    try:\n"
        "        await run()\n"
        "    except BaseException:\n"
        "        with contextlib.suppress(BaseException):\n"
        "            await fut\n"
        "        raise\n"
    )
    assert lint(src) == []
    found = {(f.line, f.code): f.message for f in lint(src, select=("ASL301", "ASL905", "ASL906"))}
    assert found == {
        (5, "ASL906"): (
            "`contextlib.suppress()` of `CancelledError` swallows, so a cancellation that arrives while `stop()` "
            "shuts things down is lost: `stop()` finishes and its caller goes on as if nothing happened; "
            "catch it, clean up and re-raise instead"
        ),
        (13, "ASL906"): (
            "`except CancelledError` in a `finally` clause can finish without re-raising, so a cancellation that "
            "arrives during this cleanup is lost when the `try` body had finished normally: the code after it "
            "runs on; end the handler with `raise`"
        ),
    }


# ---------------------------------------------------------------- shared helpers


def model(src: str) -> SemanticModel:
    tree = ast.parse(src)
    return SemanticModel(tree, src.splitlines(True), "m")


def calls_named(sem: SemanticModel, name: str) -> list[ast.Call]:
    return [c for c in sem.nodes(ast.Call) if isinstance(c.func, ast.Name) and c.func.id == name]


USAGE_SRC = """\
import asyncio
KEEP = make()
async def f(tasks, obj):
    make()
    await make()
    _ = make()
    unused = make()
    kept = make()
    tasks.add(kept)
    obj.attr = make()
    obj[0] = make()
    tasks.append(make())
    consume(make())
    consume(key=make())
    [make() for _ in tasks]
    x = [make(), make()]
    return x
async def g():
    if make():
        pass
    make().done()
    for _ in make():
        pass
    with make():
        pass
    print(f"{make()}")
    y = make() == 1
    yield make()
    h = lambda: make()
    return (make() if y else None), h, (z := make()), z
"""

EXPECTED_USAGE = [
    (2, flow.STORED),
    (4, flow.DISCARDED),
    (5, flow.AWAITED),
    (6, flow.DISCARDED),
    (7, flow.UNUSED),
    (8, flow.STORED),
    (10, flow.STORED),
    (11, flow.STORED),
    (12, flow.STORED),
    (13, flow.ARGUMENT),
    (14, flow.ARGUMENT),
    (15, flow.DISCARDED),
    (16, flow.RETURNED),
    (16, flow.RETURNED),
    (19, flow.TESTED),
    (21, flow.ATTRIBUTE),
    (22, flow.ITERATED),
    (24, flow.CONTEXT),
    (26, flow.FORMATTED),
    (27, flow.COMPARED),
    (28, flow.YIELDED),
    (29, flow.RETURNED),
    (30, flow.RETURNED),
    (30, flow.RETURNED),
]


def test_usage_of():
    sem = model(USAGE_SRC)
    got = sorted((c.lineno, c.col_offset, flow.usage_of(sem, c)) for c in calls_named(sem, "make"))
    assert [(line, usage) for line, _, usage in got] == EXPECTED_USAGE


def test_usage_of_without_following_names():
    sem = model(USAGE_SRC)
    (unused,) = [c for c in calls_named(sem, "make") if c.lineno == 7]
    assert flow.usage_of(sem, unused, follow=False) == flow.STORED


def _handler_exits(body: str) -> frozenset[str]:
    src = "async def f():\n    try:\n        await g()\n    except BaseException:\n" + "".join(
        "        " + line + "\n" for line in body.splitlines()
    )
    sem = model(src)
    handler = next(h for h in sem.nodes(ast.ExceptHandler) if h.lineno == 4)
    return flow.exits(sem, handler.body)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("raise", {"raise"}),
        ("log()\nraise", {"raise"}),
        ("if a:\n    raise\nelse:\n    raise X from None", {"raise"}),
        ("if a:\n    raise", {"raise", "fall"}),
        ("return 1", {"return"}),
        ("pass", {"fall"}),
        ("for x in y:\n    break\nraise", {"raise"}),
        ("for x in y:\n    return 1", {"return", "fall"}),
        ("while True:\n    if a:\n        break\nraise", {"raise"}),
        ("while True:\n    pass", set()),
        ("try:\n    raise\nexcept E:\n    pass", {"raise", "fall"}),
        ("try:\n    pass\nfinally:\n    raise", {"raise"}),
        ("try:\n    raise\nfinally:\n    return", {"return"}),
        ("import contextlib\nwith contextlib.suppress(E):\n    raise", {"raise", "fall"}),
        ("with lock:\n    raise", {"raise"}),
        ("if True:\n    raise", {"raise"}),
        ("raise\nreturn", {"raise"}),
    ],
)
def test_exits(body, expected):
    assert _handler_exits(body) == expected


EXC_SRC = """\
import asyncio
import asyncio as aio
from asyncio import CancelledError as C
from asyncio.exceptions import CancelledError
GROUP = (C, ValueError)
try:
    pass
except aio.exceptions.CancelledError: pass
except (C, (OSError, CancelledError)): pass
except GROUP: pass
except: pass
except unknown_name: pass
except BaseException: pass
"""


def test_exception_names():
    sem = model(EXC_SRC)
    by_line = {h.lineno: flow.exception_names(sem, h.type) for h in sem.nodes(ast.ExceptHandler)}
    assert by_line == {
        8: {"asyncio.CancelledError"},
        9: {"asyncio.CancelledError", "builtins.OSError"},
        10: {"asyncio.CancelledError", "builtins.ValueError"},
        11: {"builtins.BaseException"},
        12: set(),
        13: {"builtins.BaseException"},
    }


def test_async_function_decorators_from_pyproject(tmp_path):
    from asynclint.config import ConfigError, load_config

    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nextend-select = ["ASL9"]\nasync-function-decorators = ["mycorp.rpc.*", "bus.handle"]\n'
    )
    cfg = load_config(cwd=tmp_path)
    assert {f.line for f in lint(DECORATED, **{"extend_select": cfg.extend_select, "rule_options": cfg.rule_options})} == {9}
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nasync-function-decorators = "app.get, app.post"\n')
    assert dict(load_config(cwd=tmp_path).rule_options)["async-function-decorators"] == ("app.get", "app.post")
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nasync-function-decorators = 3\n")
    with pytest.raises(ConfigError, match="async-function-decorators"):
        load_config(cwd=tmp_path)

"""The seed article "asyncio Fundamentals": every pitfall in its code is found, and nothing
else, by the engine and by the installed ``asynclint`` command (JSON output).

Pinned for the blocking-call (ASL1xx), coroutine and task (ASL2xx) and event-loop (ASL4xx)
families, which are the ones the article's pitfalls belong to, at the default target (3.10)
and at 3.12, where
``asyncio.TimeoutError`` becomes an alias (ASL409) and ASL402's message changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config import Config
from asynclint.engine import lint_files

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed"
PITFALLS = ROOT / "examples" / "pitfalls.py"
SELECT = ("ASL1", "ASL2", "ASL4")

# file -> (line, code) found at every target
EXPECTED: dict[str, set[tuple[int, str]]] = {
    "sync_version.py": set(),  # requests.get in a sync function is fine
    "async_version.py": set(),
    "half_converted.py": {(8, "ASL102")},  # requests.get inside async def
    "core_concepts.py": {
        (11, "ASL202"),  # coro = my_coroutine() at module level: "Nothing runs yet", and never will
        (24, "ASL402"),  # loop = asyncio.get_event_loop() at module level
        (25, "ASL403"),  # loop.run_until_complete(main()) ... loop.close()
    },
    "concurrency.py": set(),
    "context_managers.py": set(),
    "libraries.py": set(),
    "mixing_sync_async.py": {
        (11, "ASL401"),  # asyncio.get_event_loop() inside a coroutine
        (15, "ASL410"),  # run_in_executor(ThreadPoolExecutor(), ...)
    },
    "common_pitfalls.py": {
        (9, "ASL202"),  # result = fetch_url(url): rebound to the awaited call before any use
        (13, "ASL101"),  # time.sleep(1) inside async def
    },
}
# ... and from 3.11 on: ``except asyncio.TimeoutError`` is the builtin's alias
FROM_311: dict[str, set[tuple[int, str]]] = {"concurrency.py": {(40, "ASL409")}}

PITFALLS_EXPECTED = {
    (16, "ASL102"),  # requests.get in async def
    (21, "ASL101"),  # time.sleep in async def
    (22, "ASL401"),  # get_event_loop() in a coroutine
    (23, "ASL410"),  # ThreadPoolExecutor() for one run_in_executor call
    (27, "ASL402"),  # module-level get_event_loop()
    (28, "ASL403"),  # get_event_loop()/run_until_complete()/close()
}

TARGETS = [(3, 10), (3, 12)]


def expected_for(name: str, target: tuple[int, int]) -> set[tuple[int, str]]:
    out = set(EXPECTED[name])
    if target >= (3, 11):
        out |= FROM_311.get(name, set())
    return out


def test_every_seed_file_is_pinned():
    assert sorted(p.name for p in SEED.glob("*.py")) == sorted(EXPECTED)


def _engine(paths: list[Path], target: tuple[int, int]) -> dict[str, set[tuple[int, str]]]:
    cfg = Config(select=SELECT, target_version=target, base_dir=str(ROOT))
    run = lint_files([(str(p), p.name) for p in paths], cfg, ROOT)
    assert not run.errors, run.errors
    out: dict[str, set[tuple[int, str]]] = {p.name: set() for p in paths}
    for f in run.findings:
        out[f.path].add((f.line, f.code))
    return out


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"py{t[0]}{t[1]}")
def test_engine_finds_the_seed_pitfalls(target):
    found = _engine(sorted(SEED.glob("*.py")), target)
    assert found == {name: expected_for(name, target) for name in EXPECTED}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"py{t[0]}{t[1]}")
def test_engine_finds_the_readme_example_pitfalls(target):
    assert _engine([PITFALLS], target) == {"pitfalls.py": PITFALLS_EXPECTED}


def _cli(paths: list[Path], target: tuple[int, int]) -> tuple[int, list[dict]]:
    exe = Path(sys.executable).with_name("asynclint")
    proc = subprocess.run(
        [str(exe), "--format", "json", "--no-cache", "--select", ",".join(SELECT), "--target-version", f"{target[0]}.{target[1]}", *[str(p.relative_to(ROOT)) for p in paths]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stderr == "", proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"py{t[0]}{t[1]}")
def test_cli_json_finds_the_seed_pitfalls(target):
    paths = sorted(SEED.glob("*.py")) + [PITFALLS]
    code, findings = _cli(paths, target)
    assert code == 1
    got: dict[str, set[tuple[int, str]]] = {}
    for f in findings:
        got.setdefault(f["path"], set()).add((f["line"], f["code"]))
    want = {f"tests/fixtures/seed/{name}": expected_for(name, target) for name in EXPECTED}
    want["examples/pitfalls.py"] = PITFALLS_EXPECTED
    assert got == {k: v for k, v in want.items() if v}


def test_cli_json_fields_for_the_manual_loop(tmp_path):
    """One finding in full: position, message and the fix the CLI offers for it."""
    code, findings = _cli([SEED / "core_concepts.py"], (3, 12))
    assert code == 1
    by_code = {f["code"]: f for f in findings}
    assert sorted(by_code) == ["ASL202", "ASL402", "ASL403"]
    lost = by_code["ASL202"]
    assert (lost["line"], lost["column"], lost["end_line"], lost["end_column"]) == (11, 8, 11, 22)
    assert lost["message"] == (
        "`my_coroutine()` defined at tests/fixtures/seed/core_concepts.py:4 is a coroutine function; `coro` holds its "
        "coroutine at module level, but it is never used in the module nor imported by another module, so it never runs. "
        "Await it inside a coroutine, or run it with `asyncio.run(my_coroutine(...))`"
    )
    assert lost["fix"] is None
    manual = by_code["ASL403"]
    assert (manual["line"], manual["column"], manual["end_line"], manual["end_column"]) == (25, 1, 25, 32)
    assert manual["name"] == "manual-loop-management"
    assert manual["message"] == "event loop managed by hand with `get_event_loop()`/`run_until_complete()`; use `asyncio.run(main())`"
    assert manual["fix"]["applicability"] == "safe"
    assert [(e["line"], e["column"], e["end_line"], e["end_column"], e["content"]) for e in manual["fix"]["edits"]] == [
        (24, 1, 26, 13, "asyncio.run(main())")
    ]
    assert by_code["ASL402"]["fix"] is None

"""Runtime mode, end to end: real asyncio programs in subprocesses, under `asynclint run`, the
pytest plugin (pytest-asyncio, anyio, xdist) and in-process; exact (code, file, line) sets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "runtime"
PITFALLS = FIXTURES / "pitfalls.py"
ASYNCLINT = [sys.executable, "-m", "asynclint"]
# Wall-clock steps: a loaded CI machine can stall any step for a while, so the tests use a
# higher threshold than the default; the CPU-bound step of the fixture runs 500 ms.
# Far above an incidental slow step on a loaded machine, far below the fixture's 1.5 s busy loop.
THRESHOLD = "1000"
# hypothesis' plugin alone takes seconds to import and has nothing to do here.
PYTEST_QUIET = ["-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:hypothesispytest", "-q"]
TEST_ID = "tests/fixtures/runtime/{module}.py::test_scenario[{scenario}]"



def expected() -> set[tuple[str, str, int]]:
    out = set()
    for n, line in enumerate(PITFALLS.read_text().splitlines(), 1):
        m = re.search(r"# expect: ([A-Z0-9, ]+)", line)
        if m:
            out |= {(code, "pitfalls.py", n) for code in re.findall(r"ASL\d{3}", m.group(1))}
    return out


def scenario_of_line() -> dict[int, str]:
    """Line -> the scenario (the coroutine in pitfalls.SCENARIOS) whose run reaches it."""
    owners: dict[int, str] = {}
    current = None
    for n, line in enumerate(PITFALLS.read_text().splitlines(), 1):
        m = re.match(r"(?:async )?def (\w+)", line)
        if m:
            current = m.group(1)
        owners[n] = current
    callers = {"load_settings": "blocking_calls", "poke": "loop_from_other_thread"}
    return {n: callers.get(o, o) for n, o in owners.items()}


def triples(findings: list[dict]) -> set[tuple[str, str, int]]:
    return {(f["code"], os.path.basename(f["path"]), f["line"]) for f in findings}


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ASYNCLINT_RUNTIME_DIR", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(cmd, cwd=kw.pop("cwd", FIXTURES), env=env, capture_output=True, text=True, timeout=120, **kw)


# ----------------------------------------------------------------------------- asynclint run
@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "report.json"
    proc = run([*ASYNCLINT, "run", "--slow-threshold", THRESHOLD, "--format", "json", "-o", str(out), "--", "python", "app.py", "3"])
    return proc, json.loads(out.read_text())


def test_asynclint_run_reports_exactly_the_pitfalls(cli_run):
    proc, findings = cli_run
    assert triples(findings) == expected()
    assert all(f["origin"] == "runtime" and f["count"] == 1 for f in findings)


def test_asynclint_run_passes_program_status_and_output_through(cli_run):
    proc, _ = cli_run
    assert proc.returncode == 3
    assert proc.stdout == "clean done\n"
    # The program's own stderr (asyncio's and the warnings' messages) is untouched.
    assert "coroutine 'work' was never awaited" in proc.stderr
    assert "Coroutine created at" not in proc.stderr  # our origin tracking does not leak into it
    assert "Task was destroyed but it is pending!" in proc.stderr


def test_runtime_findings_carry_stack_duration_related_and_confirmation(cli_run):
    _, findings = cli_run
    by = {(f["code"], f["line"]): f for f in findings}
    slow = by[("ASL501", 66)]
    assert 1.45 <= slow["duration"] < 10
    assert slow["stack"][-1] == "pitfalls.py:66 in cpu_bound_step"
    assert by[("ASL502", 46)]["related"] == [{"path": "pitfalls.py", "line": 16, "column": 1, "message": "raised here: ValueError: boom"}]
    # Static and runtime agree on these lines (the static rules report the same code there).
    assert by[("ASL101", 30)]["confirmed"] is True
    assert by[("ASL201", 42)]["confirmed"] is True
    assert by[("ASL203", 46)]["confirmed"] is True
    # Only the runtime sees the sleep inside a sync helper, and the runtime-only codes.
    assert "confirmed" not in by[("ASL101", 25)]
    assert "confirmed" not in by[("ASL505", 88)]
    assert by[("ASL101", 25)]["column"] == 5 and by[("ASL101", 25)]["end_column"] == 22


def test_noqa_silences_runtime_findings_and_no_noqa_shows_them(tmp_path):
    proc = run([*ASYNCLINT, "run", "--no-noqa", "--slow-threshold", "5000", "--format", "json", "-o", str(tmp_path / "r.json"), "--", "python", "app.py"])
    assert proc.returncode == 0, proc.stderr
    lines = {(f["code"], f["line"]) for f in json.loads((tmp_path / "r.json").read_text())}
    assert ("ASL101", 38) in lines  # the fixture line that carries a noqa comment for ASL101
    assert ("ASL101", 38) not in {(c, n) for c, _, n in expected()}


def test_fail_on_findings_and_text_output(tmp_path):
    script = tmp_path / "one.py"
    script.write_text("import asyncio, time\n\nasync def main():\n    time.sleep(0.001)\n\nasyncio.run(main())\n")
    proc = run([*ASYNCLINT, "run", "--fail-on-findings", "--", "python", str(script)], cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == (
        "one.py:4:5: ASL101 `time.sleep()` blocked the event loop here; use await asyncio.sleep(...) (runtime)\n"
        "asynclint run: 1 runtime finding.\n"
    )
    proc = run([*ASYNCLINT, "run", "--format", "github", "--", "python", str(script)], cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.startswith("::error file=one.py,line=4,col=5,endLine=4,endColumn=22,title=ASL101 blocking-sleep::ASL101 `time.sleep()`")


def test_subprocesses_are_watched_and_merged_with_a_count(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(
        "import asyncio, subprocess, sys, time\n"
        "\n"
        "async def main():\n"
        "    time.sleep(0.001)\n"
        "\n"
        "asyncio.run(main())\n"
        "if sys.argv[1:] == ['parent']:\n"
        "    subprocess.run([sys.executable, __file__], check=True)\n"
        "    subprocess.run([sys.executable, '-m', 'parent'], check=True, cwd=sys.path[0])\n"
    )
    proc = run([*ASYNCLINT, "run", "--format", "json", "--", "python", str(script), "parent"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stderr)
    assert [(f["code"], f["path"], f["line"], f["count"]) for f in findings] == [("ASL101", "parent.py", 4, 3)]


def test_strict_raises_at_the_blocking_call(tmp_path):
    script = tmp_path / "strict.py"
    script.write_text(
        "import asyncio, time\n"
        "\n"
        "async def main():\n"
        "    try:\n"
        "        time.sleep(0.001)\n"
        "    except RuntimeError as e:\n"
        "        print(type(e).__name__, e)\n"
        "\n"
        "asyncio.run(main())\n"
    )
    proc = run([*ASYNCLINT, "run", "--strict", "--", "python", str(script)], cwd=tmp_path)
    assert proc.stdout == "BlockingCallError time.sleep() blocks the event loop; use await asyncio.sleep(...)\n"
    plain = run([*ASYNCLINT, "run", "--", "python", str(script)], cwd=tmp_path)
    assert plain.stdout == ""


def test_libraries_are_not_locations_unless_asked(tmp_path):
    lib = tmp_path / "venvlike" / "site-packages"
    lib.mkdir(parents=True)
    (lib / "slowlib.py").write_text("import time\n\ndef fetch():\n    time.sleep(0.001)\n")
    app = tmp_path / "proj" / "app.py"
    app.parent.mkdir()
    (app.parent / "pyproject.toml").write_text("")
    app.write_text(f"import asyncio, sys\nsys.path.insert(0, {str(lib)!r})\nimport slowlib\n\nasync def main():\n    slowlib.fetch()\n\nasyncio.run(main())\n")
    proc = run([*ASYNCLINT, "run", "--format", "json", "--", "python", "app.py"], cwd=app.parent)
    assert [(f["code"], f["path"], f["line"]) for f in json.loads(proc.stderr)] == [("ASL101", "app.py", 6)]
    proc = run([*ASYNCLINT, "run", "--include-libraries", "--format", "json", "--", "python", "app.py"], cwd=app.parent)
    assert [(f["code"], os.path.basename(f["path"]), f["line"]) for f in json.loads(proc.stderr)] == [("ASL101", "slowlib.py", 4)]


# ------------------------------------------------------------------------------ in-process
def test_watch_in_process():
    proc = run([sys.executable, "inprocess.py"])
    assert proc.returncode == 0, proc.stderr
    found = {tuple(t) for t in json.loads(proc.stdout.splitlines()[-1])}
    assert found == expected()


def test_run_is_a_drop_in_for_asyncio_run(tmp_path):
    script = tmp_path / "dropin.py"
    script.write_text(
        "import asyncio, time\n"
        "import asynclint.runtime\n"
        "\n"
        "async def main(x):\n"
        "    time.sleep(0.001)\n"
        "    assert asyncio.get_running_loop().get_debug() is True\n"
        "    return x * 2\n"
        "\n"
        "print(asynclint.runtime.run(main(21), debug=True))\n"
    )
    proc = run([sys.executable, str(script)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "42\n"
    assert "dropin.py:5:5: ASL101 `time.sleep()` blocked the event loop here" in proc.stderr


# ---------------------------------------------------------------------------- pytest plugin
def pytest_run(tmp_path, module: str, *extra: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = tmp_path / f"{module}.json"
    proc = run([sys.executable, "-m", "pytest", *PYTEST_QUIET, "--asynclint-runtime", "--asynclint-slow-threshold", THRESHOLD, "--asynclint-runtime-output", str(out), *extra, f"{module}.py"])
    return proc, json.loads(out.read_text())


def assert_tagged(findings: list[dict], module: str) -> None:
    owners = scenario_of_line()
    for f in findings:
        assert f["tests"] == [TEST_ID.format(module=module, scenario=owners[f["line"]])], f


def test_pytest_plugin_under_pytest_asyncio(tmp_path):
    proc, findings = pytest_run(tmp_path, "scenarios_pytest_asyncio")
    assert proc.returncode == 0, proc.stdout
    assert triples(findings) == expected()
    assert_tagged(findings, "scenarios_pytest_asyncio")
    assert f"asynclint runtime: {len(expected())} findings" in proc.stdout


def test_pytest_plugin_under_anyio(tmp_path):
    proc, findings = pytest_run(tmp_path, "scenarios_anyio")
    # anyio itself re-raises task exceptions nobody retrieved, plugin or not (up to Python
    # 3.12: on 3.13 those tasks are collected after the test, and the tests pass).
    assert ("2 failed, 7 passed" if sys.version_info < (3, 13) else "9 passed") in proc.stdout, proc.stdout[-2000:]
    assert triples(findings) == expected()
    assert_tagged(findings, "scenarios_anyio")


@pytest.mark.slow
def test_pytest_plugin_under_xdist(tmp_path):
    proc, findings = pytest_run(tmp_path, "scenarios_pytest_asyncio", "-n", "2")
    assert proc.returncode == 0, proc.stdout
    assert triples(findings) == expected()
    assert_tagged(findings, "scenarios_pytest_asyncio")


def test_pytest_plugin_error_mode_fails_the_tests_that_caused_findings(tmp_path):
    proc = run([sys.executable, "-m", "pytest", *PYTEST_QUIET, "-rfE", "--asynclint-runtime=error", "--asynclint-slow-threshold", THRESHOLD, "scenarios_pytest_asyncio.py"])
    assert proc.returncode == 1
    # Failed, or errored at teardown when the finding comes as the test's loop closes (on
    # 3.13 the tasks of ASL502 are collected there): either way the test that caused it.
    failed = set(re.findall(r"^(?:FAILED|ERROR) \S+::test_scenario\[(\w+)\]", proc.stdout, re.M))
    # Before 3.11.5 an unclosed StreamWriter is seen when the loop closes: an error at teardown.
    assert failed == {"blocking_calls", "never_awaited", "task_never_stored_fails", "stored_task_never_retrieved", "task_destroyed_pending", "cpu_bound_step", "unclosed_transport", "loop_from_other_thread"}


def test_pytest_plugin_is_inactive_and_light_unless_asked(tmp_path):
    # Outside this repository, so that its tests/conftest.py imports nothing of asynclint.
    for name in ("pitfalls.py", "scenarios_pytest_asyncio.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = 'function'\n")
    code = (
        "import sys, pytest\n"
        "rc = pytest.main(['-p', 'no:cacheprovider', '-q', 'scenarios_pytest_asyncio.py', '-k', 'clean'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('asynclint')))\n"
        "import asyncio.events\n"
        "print(asyncio.events.Handle._run.__module__)\n"
    )
    proc = run([sys.executable, "-c", code], cwd=tmp_path)
    assert proc.stdout.splitlines()[-2:] == ["['asynclint', 'asynclint.runtime', 'asynclint.runtime.pytest_plugin']", "asyncio.events"]
    assert "asynclint runtime" not in proc.stdout


def test_pth_bootstrap_imports_nothing_without_the_variable():
    proc = run([sys.executable, "-X", "importtime", "-c", "pass"])
    assert "asynclint" not in proc.stderr


# ----------------------------------------------------------------- the .pth, freshly installed
@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("editable", [False, True], ids=["wheel", "editable"])
def test_pth_bootstrap_is_installed_by_pip(tmp_path, editable):
    """`pip install .` and `pip install -e .` both put asynclint_runtime.pth in site-packages,
    and a process started with the variable set records findings through it."""
    repo = Path(__file__).resolve().parent.parent
    src = tmp_path / "src"
    src.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    install = [str(py), "-m", "pip", "install", "-q", "--no-deps", *(["-e"] if editable else []), str(src)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    assert (site / "asynclint_runtime.pth").read_text() == "import os; os.environ.get('ASYNCLINT_RUNTIME_DIR') and __import__('asynclint.runtime.bootstrap')\n"
    script = tmp_path / "app.py"
    script.write_text("import asyncio, time\n\nasync def main():\n    time.sleep(0.001)\n\nasyncio.run(main())\n")
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASYNCLINT_", "PYTHON"))}
    plain = subprocess.run([str(py), "-X", "importtime", str(script)], env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "asynclint" not in plain.stderr
    env.update(ASYNCLINT_RUNTIME_DIR=str(out), ASYNCLINT_RUNTIME_OPTIONS=json.dumps({"roots": [str(tmp_path)]}))
    subprocess.run([str(py), str(script)], env=env, check=True, cwd=tmp_path)
    events = [e for p in out.glob("*.json") for e in json.loads(p.read_text())["events"]]
    assert [(e["code"], e["path"], e["line"]) for e in events] == [("ASL101", str(script), 4)]


def test_debug_false_keeps_only_the_cheap_hooks(tmp_path):
    script = tmp_path / "cheap.py"
    script.write_text(
        "import asyncio, sys, time\n"
        "import asynclint.runtime\n"
        "\n"
        "async def main():\n"
        "    time.sleep(0.001)\n"
        "    deadline = time.perf_counter() + 0.3\n"
        "    while time.perf_counter() < deadline: pass\n"
        "    print(asyncio.get_running_loop().get_debug(), sys.get_coroutine_origin_tracking_depth())\n"
        "\n"
        "asynclint.runtime.run(main(), debug=False)\n"
    )
    proc = run([sys.executable, str(script)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "False 0\n"
    assert proc.stderr == "cheap.py:5:5: ASL101 `time.sleep()` blocked the event loop here; use await asyncio.sleep(...) (runtime)\n"


def test_memory_is_capped_and_counts_keep_growing(tmp_path):
    body = "".join(f"    time.sleep(0)  # call {i}\n" for i in range(2100))
    script = tmp_path / "many.py"
    script.write_text(
        "import asyncio, json, time\n"
        "import asynclint.runtime\n"
        "from asynclint.runtime import state\n"
        "\n"
        "async def main():\n" + body + "\n"
        "with asynclint.runtime.watch(confirm=False) as w:\n"
        "    asyncio.run(main())\n"
        "    asyncio.run(main())\n"
        "counts = sorted({e['count'] for e in w.events})\n"
        "print(len(w.events), w.collector.dropped, counts, state.MAX_EVENTS)\n"
    )
    proc = run([sys.executable, str(script)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "2000 200 [2] 2000\n"


@pytest.mark.parametrize("workers", [pytest.param([], id="one-process"), pytest.param(["-n", "2"], id="xdist", marks=pytest.mark.slow)])
def test_asynclint_run_around_pytest(tmp_path, workers):
    out = tmp_path / "r.json"
    proc = run([*ASYNCLINT, "run", "--slow-threshold", THRESHOLD, "--format", "json", "-o", str(out), "--", "pytest", *PYTEST_QUIET, *workers, "scenarios_pytest_asyncio.py"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "9 passed" in proc.stdout
    assert triples(json.loads(out.read_text())) == expected()


def test_sarif_carries_the_stack_and_the_confirmation(tmp_path):
    script = tmp_path / "one.py"
    script.write_text("import asyncio, time\n\nasync def main():\n    time.sleep(0.001)\n\nasyncio.run(main())\n")
    proc = run([*ASYNCLINT, "run", "--format", "sarif", "--", "python", str(script)], cwd=tmp_path)
    (result,) = json.loads(proc.stderr)["runs"][0]["results"]
    assert result["ruleId"] == "ASL101"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 22}
    props = result["properties"]
    assert props["origin"] == "runtime" and props["confirmed"] is True and props["count"] == 1
    assert props["stack"][0] == "one.py:6 in <module>" and props["stack"][-1] == "one.py:4 in main"


def test_an_unclosed_aiohttp_session_is_reported_where_it_was_made(tmp_path):
    """aiohttp is imported by the program after the hooks are in: patched on import."""
    pytest.importorskip("aiohttp")
    out = tmp_path / "report.json"
    proc = run([*ASYNCLINT, "run", "--slow-threshold", "5000", "--format", "json", "-o", str(out), "--", "python", "aiohttp_session.py"])
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(out.read_text())
    assert triples(findings) == {("ASL504", "aiohttp_session.py", 10)}
    assert findings[0]["message"].startswith("Unclosed client session: the object created here was never closed")

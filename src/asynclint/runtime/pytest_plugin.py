"""pytest plugin: ``pytest --asynclint-runtime`` reports runtime findings, each tagged with the
test that caused it; ``--asynclint-runtime=error`` also fails that test.

Registered through the ``pytest11`` entry point, so it is loaded by every pytest of the
environment: it stays inactive and imports nothing beyond this module unless asked. Works
under pytest-asyncio and anyio (the hooks sit on asyncio's classes, whatever loop the test
runs on) and under pytest-xdist (findings travel to the controller on the test reports).
"""

from __future__ import annotations

import pytest

OPTION = "--asynclint-runtime"
REPORT_ATTR = "asynclint_runtime"
MODES = ("report", "error")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asynclint", "asynclint runtime checks")
    group.addoption(
        OPTION,
        dest="asynclint_runtime",
        default=None,
        nargs="?",
        const="report",
        metavar="report|error",
        help="Run tests with asynclint's runtime hooks: 'report' (the default when no value is given) "
        "lists findings at the end, 'error' also fails the test that caused one.",
    )
    group.addoption("--asynclint-runtime-output", metavar="FILE", default=None, help="Also write the runtime findings to FILE as JSON.")
    group.addoption("--asynclint-slow-threshold", metavar="MS", type=float, default=100.0, help="Report loop steps longer than MS milliseconds (ASL501; default 100).")
    group.addoption("--asynclint-include-libraries", action="store_true", default=False, help="Also report locations in installed packages.")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    # A bare `--asynclint-runtime` must not swallow the next argument (a test path) as its value.
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == OPTION and (i + 1 == len(args) or args[i + 1] not in MODES):
            args[i] = f"{OPTION}=report"


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("asynclint_runtime", None)
    if mode and mode not in MODES:
        raise pytest.UsageError(f"{OPTION}: expected 'report' or 'error', got {mode!r}")
    if mode:
        config.pluginmanager.register(ActivePlugin(config, mode), "asynclint-runtime-active")


class ActivePlugin:
    def __init__(self, config: pytest.Config, mode: str):
        from asynclint.config import ConfigError, load_config
        from asynclint.runtime import core
        from asynclint.runtime.state import STATE, Collector, Options

        try:
            # [tool.asynclint]'s select, ignore and per-file-ignores apply to runtime findings.
            self.lint_config = load_config(cwd=config.rootpath)
        except ConfigError as e:
            raise pytest.UsageError(f"asynclint: {e}") from None
        self.config = config
        self.mode = mode
        self.state = STATE
        self.collector = Collector()
        self.sent: set[tuple] = set()
        self.received: list[dict] = []
        self.is_worker = hasattr(config, "workerinput")
        options = Options(
            slow_threshold=config.getoption("asynclint_slow_threshold") / 1000.0,
            include_libraries=config.getoption("asynclint_include_libraries"),
            roots=[str(config.rootpath)],
        )
        core.start(options, self.collector)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        from asynclint.runtime import core

        core.stop(self.collector)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem):
        self.state.test_id = item.nodeid
        try:
            yield
        finally:
            self.state.test_id = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.when == "teardown":
            import gc

            gc.collect()  # tasks and coroutines dropped by this test are reported against it
        outcome = yield
        report = outcome.get_result()
        new = self._take(item.nodeid)
        if not new:
            return
        setattr(report, REPORT_ATTR, new)
        if self.mode == "error" and report.passed:
            from asynclint.output.text import line_of
            from asynclint.runtime.report import to_findings

            findings = to_findings(new, root=str(self.config.rootpath), noqa=self.lint_config.noqa, confirm=False, config=self.lint_config)
            if findings:
                report.outcome = "failed"
                report.longrepr = "asynclint runtime findings:\n" + "".join(line_of(f) + "\n" for f in findings)

    def _take(self, test_id: str) -> list[dict]:
        out = []
        for e in self.collector.snapshot():
            key = (e["code"], e["path"], e["line"], e.get("test"), e["count"])
            if e.get("test") == test_id and key not in self.sent:
                self.sent.add(key)
                out.append(e)
        return out

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        events = getattr(report, REPORT_ATTR, None)
        if events and not self.is_worker:
            self.received.extend(events)

    def _findings(self):
        from asynclint.runtime.report import to_findings

        unattributed = [e for e in self.collector.snapshot() if e.get("test") is None]
        return to_findings(self._latest(self.received) + unattributed, root=str(self.config.rootpath), noqa=self.lint_config.noqa, config=self.lint_config)

    @staticmethod
    def _latest(events: list[dict]) -> list[dict]:
        # A finding re-sent with a higher count (teardown after call) replaces the earlier one.
        latest: dict[tuple, dict] = {}
        for e in events:
            key = (e["code"], e["path"], e["line"], e.get("test"))
            if key not in latest or e["count"] >= latest[key]["count"]:
                latest[key] = e
        return list(latest.values())

    def pytest_terminal_summary(self, terminalreporter, exitstatus, config) -> None:
        if self.is_worker:
            return
        from asynclint.output import render
        from asynclint.output.text import line_of

        findings = self._findings()
        out = config.getoption("asynclint_runtime_output")
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(render("json", findings))
        terminalreporter.write_sep("=", f"asynclint runtime: {len(findings)} finding{'s' if len(findings) != 1 else ''}")
        for f in findings:
            tests = f.extra.get("tests") or []
            suffix = f"  [{', '.join(tests)}]" if tests else ""
            terminalreporter.write_line(line_of(f) + suffix)

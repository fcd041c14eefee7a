"""In-process runtime checks: ``with watch() as w: ...; w.findings`` and ``run(main())``."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from typing import Any, Coroutine, TypeVar

from asynclint.finding import Finding
from asynclint.runtime import core
from asynclint.runtime.state import Collector, Options

T = TypeVar("T")


def _default_roots() -> list[str]:
    from asynclint.files import find_project_root

    root = find_project_root(["."])
    roots = [str(root) if root else os.getcwd()]
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if script:
        roots.append(os.path.dirname(os.path.abspath(script)))
    return roots


class Watch:
    """Hooks on while the block runs; ``findings`` (noqa applied, static agreement marked)
    once it is left. ``gc.collect()`` runs on exit so objects dropped inside are reported."""

    def __init__(self, *, slow_threshold: float = 0.1, include_libraries: bool = False, strict: bool = False, roots: list[str] | None = None, full: bool = True, confirm: bool = True):
        self.options = Options(slow_threshold=slow_threshold, include_libraries=include_libraries, strict=strict, roots=roots or _default_roots(), full=full)
        self.confirm = confirm
        self.collector = Collector()
        self.findings: list[Finding] = []
        self.events: list[dict] = []

    def __enter__(self) -> "Watch":
        core.start(self.options, self.collector)
        return self

    def __exit__(self, *exc: Any) -> bool:
        try:
            gc.collect()
        finally:
            core.stop(self.collector)
        from asynclint.runtime.report import to_findings

        self.events = self.collector.snapshot()
        self.findings = to_findings(self.events, root=self.options.roots[0], confirm=self.confirm)
        return False


def watch(**options: Any) -> Watch:
    return Watch(**options)


def run(main: Coroutine[Any, Any, T], *, debug: bool | None = None, **options: Any) -> T:
    """``asyncio.run`` with the runtime hooks; findings go to stderr when the loop has closed.

    ``debug`` is passed to ``asyncio.run`` (True turns on asyncio's own debug mode, with its
    cost); ``debug=False`` also keeps only the cheap hooks (no origin tracking, no watchdog).
    """
    from asynclint.output import render

    w = Watch(full=debug is not False, **options)
    try:
        with w:
            return asyncio.run(main, debug=debug)
    finally:
        if w.findings:
            sys.stderr.write(render("text", w.findings, quiet=True))
            sys.stderr.flush()

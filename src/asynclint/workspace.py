"""The one front-end API: a project's configuration, its index, and linting or fixing a file,
a text or an editor's unsaved buffer against them.

Every front-end goes through a :class:`Workspace`: the CLI (files and stdin), ``--fix``, the
flake8 plugin, the runtime reporter's confirmation, the language server and the tests. It sits
above the engine, the cache, the fixer and the project index, and below the front-ends; nothing
under it imports it.

Texts are linted in two steps, as files are: pass 1 (parse, rules, summary) and pass 2 (the
call sites that depend on other modules, settled against the project index). The index takes a
module's summary from, in order: the texts being linted together, the open buffers, an
in-memory memo keyed by the file's stat, the on-disk cache, and finally the file itself.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asynclint.config import Config, load_config
from asynclint.engine import (
    FileResult,
    Linter,
    RunResult,
    lint_files,
    module_name_for,
    settle_results,
)
from asynclint.finding import Finding

if TYPE_CHECKING:
    from asynclint.fix import FixRun, LintFn, Outcome


@dataclass
class Linted:
    """One text linted with project context: the settled result, and the modules its call
    sites read in the index (an edit to one of them can change its findings)."""

    result: FileResult
    reads: frozenset[str]
    module: str | None


class Workspace:
    """Configuration + project index + linting and fixing, for one project root.

    ``root`` is the project root (None: a lone text, no project around it). Open buffers
    (:meth:`open_buffer`) count with their unsaved text wherever the index needs a module.
    """

    def __init__(self, config: Config | None = None, root: Path | None = None):
        self.config = config or Config()
        self.root = root
        self._linter: Linter | None = None
        self._buffers: dict[str, _Buffer] = {}  # real path -> buffer
        self._memo: dict[str, tuple[tuple[int, int], Any]] = {}  # real path -> (stat, summary)
        self._modules: Any = None
        self._cache: Any = None
        # The index the buffers are settled against, kept while nothing it can read changed:
        # an edit inside a function body (the common one) re-settles against warm answers.
        self._index: Any = None
        self._index_key: Any = None
        self._generation = 0  # bumped when a file on disk changed

    @classmethod
    def load(cls, paths: Sequence[str] = (), *, config_file: str | None = None, overrides: dict | None = None, cwd: Path | None = None) -> Workspace:
        """The workspace of ``paths`` (their project root) with the configuration found from
        ``cwd`` (or ``config_file``) plus ``overrides``. Raises ConfigError."""
        from asynclint.files import find_project_root

        config = load_config(config_file, cwd=cwd, overrides=overrides)
        named = [p for p in paths if p != "-"]
        root = find_project_root(named or [str(cwd or ".")])
        return cls(config, root)

    # ------------------------------------------------------------------ pieces
    @property
    def linter(self) -> Linter:
        if self._linter is None:
            self._linter = Linter(self.config, self.root)
        return self._linter

    def module_of(self, path: str) -> str:
        return module_name_for(Path(path), self.root)[0]

    # ------------------------------------------------------------------ many files
    def lint_files(self, items: Sequence[tuple[str, str]], **options: Any) -> RunResult:
        """Files from disk, (path, display path) pairs, through the cache and in parallel
        (``engine.lint_files``; the options are its keyword arguments)."""
        return lint_files(items, self.config, self.root, **options)

    def lint_paths(self, paths: Iterable[str]) -> RunResult:
        """Files from disk, in this process, settled together (a handful of files)."""
        results = [self.linter.lint_path(p, p) for p in paths]
        return self.finish(results)

    def finish(self, results: list[FileResult]) -> RunResult:
        """Pass 2 over pass-1 results that belong together."""
        from asynclint.engine import apply_noqa_check

        self.settle(results)
        apply_noqa_check(results)  # ASL100: noqa applied after pass 2
        findings = sorted((f for r in results for f in r.findings), key=Finding.sort_key)
        return RunResult(results, findings, [e for r in results for e in r.errors])

    # ------------------------------------------------------------------ one text
    def pass1(self, text: str | bytes, path: str, display: str | None = None, tree: Any = None) -> FileResult:
        return self.linter.lint_bytes(text, path, display or path, tree)

    def pass1_path(self, path: str, display: str | None = None) -> FileResult:
        return self.linter.lint_path(path, display or path)

    def lint_text(self, text: str | bytes, path: str = "<stdin>", display: str | None = None, others: Iterable[Any] = (), tree: Any = None) -> FileResult:
        """One text (a file's unsaved content, stdin) as the file ``path`` of the project;
        ``others``: summaries that stand for their modules (the other files being fixed);
        ``tree``: the text's ``ast`` parse, when the caller already has it."""
        from asynclint.engine import apply_noqa_check

        result = self.pass1(text, path, display, tree)
        self.settle([result], others)
        apply_noqa_check([result])  # ASL100: noqa applied after pass 2
        return result

    def settle(self, results: list[FileResult], others: Iterable[Any] = (), track: bool = False, index: Any = None) -> list[frozenset[str]]:
        """Settle the results' deferred call sites in place (against ``index``, else a new
        one); with ``track``, return the module names each one read."""
        reads: list[frozenset[str]] | None = [] if track else None
        if not any(r.deferred for r in results):
            return [frozenset()] * len(results)
        from asynclint.cache import activate

        if index is None:
            index = self.index([r.summary for r in results], others, track=track)
        activate(self._disk_cache())
        try:
            settle_results(results, self.linter, index, reads)
        finally:
            activate(None)
        if self._cache is not None:
            self._cache.save()
        return reads if reads is not None else [frozenset()] * len(results)

    def index(self, summaries: Iterable[Any] = (), others: Iterable[Any] = (), track: bool = False) -> Any:
        """The project index: ``summaries`` and ``others`` first, then the open buffers, then
        the project's files (loaded when a call site needs them)."""
        from asynclint.project.index import ProjectIndex

        given = [s for s in [*summaries, *others] if s is not None]
        given += [b.result.summary for b in self._buffers.values() if b.result is not None and b.result.summary is not None]
        loader = self._load_module if self.root is not None else None
        mentioning = self._module_loader().modules_mentioning if self.root is not None else None
        return ProjectIndex(given, loader, track=track, mentioning=mentioning)

    def _module_loader(self) -> Any:
        if self._modules is None:
            from asynclint.project.discovery import ModuleLoader

            assert self.root is not None
            self._modules = ModuleLoader(self.root, self.config)
        return self._modules

    def _disk_cache(self) -> Any:
        if self.root is None or not self.config.cache:
            return None
        if self._cache is None:
            from asynclint.cache import open_cache

            self._cache = open_cache(self.config, self.root)
        return self._cache

    def _load_module(self, name: str) -> Any:
        """A project module's summary, for the index: its open buffer, else the memo of its
        file (while the file's stat is the same), else the cache or the file."""
        loader = self._module_loader()
        found = loader.locate(name)
        if found is None:
            return loader(name)  # notes the miss for pass 2's memo
        path = os.path.realpath(found[0])
        buf = self._buffers.get(path)
        if buf is not None:
            if buf.result is None:
                buf.result = self.pass1(buf.text, buf.path)
            if buf.result.summary is not None:
                return buf.result.summary
        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        memo = self._memo.get(path)
        if memo is not None and memo[0] == stamp:
            return memo[1]
        summary = loader(name)
        self._memo[path] = (stamp, summary)
        return summary

    def forget(self, path: str) -> None:
        """A file changed on disk (was created or deleted): drop what is remembered of it."""
        self._memo.pop(os.path.realpath(path), None)
        self._generation += 1

    def warm(self) -> None:
        """Load what the first lint would (the rules, the cache's index), ahead of it."""
        self.linter
        cache = self._disk_cache()
        if cache is not None and hasattr(cache, "_load"):
            cache._load()

    def _buffers_index(self) -> Any:
        """The index for settling buffers: reused while the buffers' summaries and the files
        on disk are unchanged."""
        key = (self._generation, tuple(sorted((p, b.digest()) for p, b in self._buffers.items())))
        if self._index is None or self._index_key != key:
            self._index = self.index(track=True)
            self._index_key = key
        return self._index

    # ------------------------------------------------------------------ buffers
    def open_buffer(self, path: str, text: str) -> None:
        """An editor holds ``path`` open with ``text`` (saved or not): the index uses this
        text for its module from now on."""
        self._buffers[os.path.realpath(path)] = _Buffer(path, text)

    update_buffer = open_buffer

    def close_buffer(self, path: str) -> None:
        self._buffers.pop(os.path.realpath(path), None)

    def buffer_text(self, path: str) -> str | None:
        buf = self._buffers.get(os.path.realpath(path))
        return buf.text if buf is not None else None

    def buffers(self) -> list[str]:
        return [b.path for b in self._buffers.values()]

    def lint_buffer(self, path: str, display: str | None = None) -> Linted:
        """The open buffer of ``path``, linted with every other open buffer and the project."""
        buf = self._buffers[os.path.realpath(path)]
        if buf.result is None:
            buf.result = self.pass1(buf.text, path, display)
        result = _unsettled_copy(buf.result)
        index = self._buffers_index() if result.deferred else None
        (reads,) = self.settle([result], track=True, index=index)
        module = buf.result.summary.module if buf.result.summary is not None else self.module_of(path)
        return Linted(result, reads, module)

    def buffer_digest(self, path: str) -> bytes | None:
        """A digest of what the open buffer's module shows other modules (its summary)."""
        buf = self._buffers.get(os.path.realpath(path))
        return buf.digest() if buf is not None else None

    def buffer_module(self, path: str) -> str:
        buf = self._buffers.get(os.path.realpath(path))
        if buf is not None and buf.result is not None and buf.result.summary is not None:
            return buf.result.summary.module
        return self.module_of(path)

    # ------------------------------------------------------------------ fixes
    def relinter(self, path: str, display: str | None = None, others: Sequence[Any] = ()) -> LintFn:
        """A function linting successive texts of ``path`` (what the fixer needs)."""

        def lint(text: str, tree: Any = None) -> tuple[list[Finding], list[str]]:
            result = self.lint_text(text, path, display, others, tree)
            return sorted(result.findings, key=Finding.sort_key), [e.message for e in result.errors]

        lint.with_tree = lint  # type: ignore[attr-defined]  # fix_text hands over its parse
        return lint

    def fix_text(self, text: str, path: str = "<stdin>", display: str | None = None, *, unsafe: bool = False, first: Any = None) -> Outcome:
        """``text`` with every applicable fix applied (until nothing fixable is left)."""
        from asynclint.fix import fix_text

        return fix_text(text, self.relinter(path, display), unsafe=unsafe, first=first)

    def fix_run(self, results: list[FileResult], items: dict[str, str], *, unsafe: bool, write: bool, stdin: bytes | None = None, stdin_name: str | None = None) -> FixRun:
        """Fix the files of a lint run in place (see ``asynclint.fix.fix_run``)."""
        from asynclint.fix import fix_run

        return fix_run(results, items, self.relinter, unsafe=unsafe, write=write, stdin=stdin, stdin_name=stdin_name)


class _Buffer:
    __slots__ = ("_digest", "path", "result", "text")

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.result: FileResult | None = None  # pass 1 of ``text``, unsettled
        self._digest: bytes | None = None

    def digest(self) -> bytes | None:
        """Of what the buffer's module shows the index (None before pass 1 or without one)."""
        if self._digest is None and self.result is not None and self.result.summary is not None:
            from asynclint.project.summary import fingerprint

            self._digest = fingerprint(self.result.summary)
        return self._digest


def _unsettled_copy(r: FileResult) -> FileResult:
    out = copy.copy(r)
    out.findings = list(r.findings)
    out.errors = list(r.errors)
    out.deferred = list(r.deferred)
    return out


def lint_text(text: str | bytes, path: str = "<stdin>", config: Config | None = None, root: Path | None = None) -> RunResult:
    """One text, linted as ``path`` (the tests' and one-off callers' shortcut)."""
    ws = Workspace(config, root)
    return ws.finish([ws.pass1(text, path)])


RelinterFactory = Callable[..., "LintFn"]

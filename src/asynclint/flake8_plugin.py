"""flake8 front-end: ``flake8 --select ASL`` runs the same engine as ``asynclint``, through the
same :class:`~asynclint.workspace.Workspace`.

flake8 owns selection, ``--extend-ignore``, per-file-ignores and ``# noqa`` here; asynclint's
own configuration (``--asynclint-config`` or the ``[tool.asynclint]`` table found from the
linted file) only supplies rule options, the target version, exclusions and the cache.

Speed: before flake8 starts its workers, the files it was given are linted once the way the
CLI lints them (in parallel, through the CLI's cache directory and project index); a worker
then answers a file from that run when flake8's lines are the file's content on disk, and
lints the lines itself otherwise (stdin, an editor's buffer, a file asynclint excludes).
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from asynclint import __version__
from asynclint.config import Config, ConfigError, load_config
from asynclint.files import find_project_root
from asynclint.finding import FileError, Finding
from asynclint.registry import all_rules
from asynclint.workspace import Workspace


def codes_for(select: Iterable[str] | None, extend_select: Iterable[str] | None, rules=None) -> frozenset[str]:
    """Every default rule, plus an opt-in rule when a flake8 selector names it or a prefix of it.
    flake8 filters the rest itself, so an unselected default rule costs a little time, no noise."""
    chosen = tuple(s.strip().upper() for s in [*(select or ()), *(extend_select or ())] if s.strip())
    return frozenset(r.code for r in (rules or all_rules()) if not r.opt_in or r.code.startswith(chosen))


def _wants_asl(select: Iterable[str] | None, extend_select: Iterable[str] | None) -> bool:
    """Whether flake8's selection can show any ASL code (``--select=E9`` cannot)."""
    if not select:
        return True
    chosen = [s.strip().upper() for s in [*select, *(extend_select or ())] if s.strip()]
    return any("ASL".startswith(s) or s.startswith("ASL") for s in chosen)


@lru_cache(maxsize=None)
def _config(config_path: str | None, directory: str) -> Config:
    cfg = load_config(config_path, cwd=Path(directory))
    return cfg.with_(noqa=False, per_file_ignores=(), select=None, extend_select=(), ignore=())


@lru_cache(maxsize=None)
def _workspace(config_path: str | None, directory: str, root: str | None, codes: frozenset[str]) -> Workspace:
    """One workspace per (configuration, project root, flake8 selection), per process."""
    cfg = _config(config_path, directory).with_(select=tuple(sorted(codes)))
    return Workspace(cfg, Path(root) if root else None)


# Real path -> (findings, errors) of the run over flake8's files, made before its workers start.
_PRELINTED: dict[str, tuple[list[Finding], list[FileError]]] = {}


def _where(filename: str, config_path: str | None) -> tuple[str, str | None]:
    """(directory the configuration is found from, project root) for a file flake8 lints."""
    on_disk = filename not in ("-", "stdin")
    where = str(Path(os.path.realpath(filename)).parent) if on_disk and not config_path else "."
    root = find_project_root([filename]) if on_disk else None
    return where, str(root) if root else None


def prelint(filenames: Iterable[str], config_path: str | None, codes: frozenset[str]) -> None:
    """Lint flake8's files as the CLI would (cache, worker processes, one project index per
    root) and keep the results for :meth:`AsyncLintChecker.run`."""
    from asynclint.files import discover

    groups: dict[tuple[str, str | None], list[str]] = {}
    for name in filenames:
        if name in ("-", "stdin") or not os.path.exists(name):
            continue
        probe = name if os.path.isfile(name) else os.path.join(name, "__init__.py")
        groups.setdefault(_where(probe, config_path), []).append(name)
    for (where, root), names in groups.items():
        ws = _workspace(config_path, where, root, codes)
        items = discover(names, ws.config).files
        run = ws.lint_files(items, findings_only=True)
        real = {display: os.path.realpath(path) for path, display in items}
        for path, _display in items:
            _PRELINTED.setdefault(os.path.realpath(path), ([], []))
        for f in run.findings:
            _PRELINTED[real[f.path]][0].append(f)
        for e in run.errors:
            if e.path in real:
                _PRELINTED[real[e.path]][1].append(e)


def _same_as_disk(filename: str, lines: list[str]) -> bool:
    from asynclint.source import CannotAnalyse, decode

    try:
        with open(filename, "rb") as f:
            text = decode(f.read())
    except (OSError, CannotAnalyse):
        return False
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text == "".join(lines).replace("\r\n", "\n").replace("\r", "\n")


# Reported at line 1 of each file when asynclint's own configuration cannot be read.
CONFIG_ERROR_CODE = "ASL000"


class AsyncLintChecker:
    name = "asynclint"
    version = __version__
    config_path: str | None = None
    codes: frozenset[str] = frozenset()

    def __init__(self, tree, filename: str, lines: list[str]):
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option(
            "--asynclint-config", metavar="PATH", default=None, parse_from_config=True, normalize_paths=True,
            help="asynclint settings (pyproject.toml or asynclint.toml) for rule options; default: the nearest one.",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.config_path = options.asynclint_config
        cls.codes = codes_for(options.select, options.extend_select)
        if cls.config_path:
            try:
                _config(cls.config_path, ".")
            except ConfigError as e:  # a usage error, like a bad flag: one line, no traceback
                print(f"flake8: asynclint-config: {e}", file=sys.stderr)
                raise SystemExit(2) from None
        import multiprocessing

        # Once per flake8 run, in its main process (workers started by spawn parse the options
        # again: they take the results from the cache instead).
        _PRELINTED.clear()
        filenames = getattr(options, "filenames", None)
        in_worker = multiprocessing.parent_process() is not None
        if filenames and not in_worker and _wants_asl(options.select, options.extend_select):
            try:
                prelint(filenames, cls.config_path, cls.codes)
            except ConfigError:
                pass  # reported per file by run(), where the file's own configuration is read

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        where, root = _where(self.filename, self.config_path)
        try:
            _config(self.config_path, where)
        except ConfigError as e:
            # Our own [tool.asynclint] is broken: one finding on the file says so; raising would
            # take every other plugin's findings (and the editor's linting) down with us.
            yield 1, 0, f"{CONFIG_ERROR_CODE} asynclint configuration error: {e}", type(self)
            return
        found = _PRELINTED.get(os.path.realpath(self.filename)) if self.filename not in ("-", "stdin") else None
        if found is not None and _same_as_disk(self.filename, self.lines):
            findings, errors = found
        else:
            ws = _workspace(self.config_path, where, root, self.codes)
            # flake8's lines, not the disk: stdin and editor buffers differ from the file.
            result = ws.lint_text("".join(self.lines), self.filename, self.filename)
            findings, errors = result.findings, result.errors
        for error in errors:
            print(f"asynclint: {error}", file=sys.stderr)
        for f in sorted(findings, key=Finding.sort_key):
            yield f.line, f.column - 1, f"{f.code} {f.message}", type(self)

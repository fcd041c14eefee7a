"""flake8 front-end: ``flake8 --select ASL`` runs the same engine as ``asynclint``.

flake8 owns selection, ``--extend-ignore``, per-file-ignores and ``# noqa`` here; asynclint's
own configuration (``--asynclint-config`` or the ``[tool.asynclint]`` table found from the
linted file) only supplies rule options and the target version.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from asynclint import __version__
from asynclint.config import Config, ConfigError, load_config
from asynclint.engine import Linter, lint_files, settle
from asynclint.files import discover, find_project_root
from asynclint.finding import Finding
from asynclint.registry import all_rules


def codes_for(select: Iterable[str] | None, extend_select: Iterable[str] | None, rules=None) -> frozenset[str]:
    """Every default rule, plus an opt-in rule when a flake8 selector names it or a prefix of it.
    flake8 filters the rest itself, so an unselected default rule costs a little time, no noise."""
    chosen = tuple(s.strip().upper() for s in [*(select or ()), *(extend_select or ())] if s.strip())
    return frozenset(r.code for r in (rules or all_rules()) if not r.opt_in or r.code.startswith(chosen))


@lru_cache(maxsize=None)
def _config(config_path: str | None, directory: str) -> Config:
    cfg = load_config(config_path, cwd=Path(directory))
    return cfg.with_(noqa=False, per_file_ignores=(), select=None, extend_select=(), ignore=())


@lru_cache(maxsize=None)
def _project_summaries(root: str, cfg: Config) -> dict[str, Any]:
    """Pass 1 over the whole project, once per flake8 process and warm from asynclint's cache:
    the index that cross-module call sites are settled against, by real path."""
    from asynclint.project.discovery import display_path

    wide = cfg.with_(select=tuple(r.code for r in all_rules() if r.project_wide), jobs=1)  # flake8's workers may not fork
    # Shown as the CLI shows files it was not asked to lint: relative to the project root.
    items = [(path, display_path(path, Path(root))) for path, _ in discover([root], wide).files]
    run = lint_files(items, wide, Path(root))
    return {os.path.realpath(r.path): r.summary for r in run.files if r.summary is not None}


@lru_cache(maxsize=None)
def _linter(cfg: Config, root: str | None, codes: frozenset[str]) -> Linter:
    return Linter(cfg, Path(root) if root else None, codes)


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

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        on_disk = self.filename not in ("-", "stdin")
        where = str(Path(os.path.realpath(self.filename)).parent) if on_disk and not self.config_path else "."
        try:
            cfg = _config(self.config_path, where)
        except ConfigError as e:
            # Our own [tool.asynclint] is broken: one finding on the file says so; raising would
            # take every other plugin's findings (and the editor's linting) down with us.
            yield 1, 0, f"{CONFIG_ERROR_CODE} asynclint configuration error: {e}", type(self)
            return
        root = find_project_root([self.filename]) if on_disk else None
        linter = _linter(cfg, str(root) if root else None, self.codes)
        # flake8's lines, not the disk: stdin and editor buffers differ from the file.
        result = linter.lint_bytes("".join(self.lines), self.filename, self.filename)
        if result.deferred:
            others = _project_summaries(str(root), cfg) if root else {}
            me = os.path.realpath(self.filename)
            settle([result], linter, root, [s for path, s in others.items() if path != me])
        for error in result.errors:
            print(f"asynclint: {error}", file=sys.stderr)
        for f in sorted(result.findings, key=Finding.sort_key):
            yield f.line, f.column - 1, f"{f.code} {f.message}", type(self)

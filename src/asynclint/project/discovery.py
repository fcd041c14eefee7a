"""Summaries of the project files that are not being linted, so that linting one file (or the
files pre-commit passes) still resolves what it imports from the rest of the project.

Only summaries: no rule runs and nothing is reported for these files; a file that cannot be
read or parsed is simply left out of the index.
"""

from __future__ import annotations

import os
from pathlib import Path

from asynclint.config import Config
from asynclint.project.summary import ModuleSummary, summarize


def project_summaries(root: Path, config: Config, known_modules: set[str]) -> list[ModuleSummary]:
    """Summaries of the ``.py`` files under ``root`` (honouring the config's excludes and
    .gitignore) whose module is not in ``known_modules``."""
    from asynclint.cache import summary_of
    from asynclint.engine import module_name_for
    from asynclint.files import discover

    out = []
    for path, _display in discover([str(root)], config).files:
        module, is_package = module_name_for(Path(path), root)
        if module in known_modules:
            continue
        shown = display_path(path, root)
        # Through the run's cache: editing one file must not re-parse the rest of the project.
        summary = summary_of(path, shown, module, is_package, lambda: summarize_file(path, shown, module, is_package, config))
        if summary is not None:
            known_modules.add(module)
            out.append(summary)
    return out


def summarize_file(path: str, display: str, module: str, is_package: bool, config: Config) -> ModuleSummary | None:
    from asynclint.rule import FileInfo
    from asynclint.semantics import SemanticModel
    from asynclint.source import CannotAnalyse, decode, parse, split_lines

    try:
        with open(path, "rb") as f:
            text = decode(f.read())
        tree = parse(text, display)
        sem = SemanticModel(tree, split_lines(text), module, is_package)
        return summarize(sem, FileInfo(path, display, module, config.target_version))
    except (OSError, CannotAnalyse, RecursionError, SyntaxError, ValueError):
        return None


def display_path(path: str, root: Path) -> str:
    """Relative to the project root (``app/repo.py``): the same whatever the working
    directory, so the CLI, flake8 and pre-commit name a definition alike."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return os.path.normpath(path)

"""Summaries of the project files that are not being linted, so that linting one file (or the
files pre-commit passes) still resolves what it imports from the rest of the project.

Only summaries, and only of the modules the index asks for: no rule runs and nothing is
reported for these files; a file that cannot be read or parsed is simply left out.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import TYPE_CHECKING

from asynclint.config import Config

if TYPE_CHECKING:  # summary imports the semantics: pass 2's memo checks ``locate`` without them
    from asynclint.project.summary import ModuleSummary


class ModuleLoader:
    """Finds and summarizes one module of the project by name, on demand: the index asks only
    for the modules the deferred call sites reach, so a huge repository (or a project root far
    above the linted files) costs what is imported, not every file under the root."""

    PREFIXES = ("", "src", "lib", "python")  # as ``modules.module_name_for`` strips them

    def __init__(self, root: Path, config: Config):
        self.root = root
        self.config = config
        self.patterns = tuple(p.rstrip("/") for p in (*config.exclude, *config.extend_exclude))

    def __call__(self, module: str) -> ModuleSummary | None:
        from asynclint.cache import note_missing, summary_of

        found = self.locate(module)
        if found is None:
            note_missing(module)  # a file created later under this name must invalidate pass 2's memo
            return None
        path, is_package = found
        shown = display_path(str(path), self.root)
        spath = str(path)
        return summary_of(spath, shown, module, is_package, lambda: summarize_file(spath, shown, module, is_package, self.config))

    def locate(self, module: str) -> tuple[Path, bool] | None:
        """The file of ``module`` under the root and whether it is a package, or None."""
        from asynclint.project.modules import module_name_for

        parts = module.split(".")
        if not all(p.isidentifier() for p in parts):
            return None
        for prefix in self.PREFIXES:
            base = self.root / prefix if prefix else self.root
            for path in (base.joinpath(*parts[:-1], parts[-1] + ".py"), base.joinpath(*parts, "__init__.py")):
                if not path.is_file() or self._excluded(path):
                    continue
                name, is_package = module_name_for(path, self.root)
                if name != module:
                    continue
                return path, is_package
        return None

    def modules_mentioning(self, word: str) -> list[str]:
        """Every module under the root whose source contains ``word``: the ones that may import
        a name (asked only for the rare module-level coroutine, so one walk is affordable)."""
        from asynclint.project.modules import module_name_for, source_mentions

        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and not self._excluded(here / d)]
            for fn in filenames:
                path = here / fn
                if fn.endswith(".py") and not self._excluded(path) and source_mentions(str(path), word):
                    out.append(module_name_for(path, self.root)[0])
        return out

    def _excluded(self, path: Path) -> bool:
        rel = path.relative_to(self.root)
        for i, part in enumerate(rel.parts):
            sub = "/".join(rel.parts[: i + 1])
            if any(fnmatch.fnmatch(part, p) or fnmatch.fnmatch(sub, p) for p in self.patterns):
                return True
        return False


def summarize_file(path: str, display: str, module: str, is_package: bool, config: Config) -> ModuleSummary | None:
    from asynclint.project.index import library_name
    from asynclint.project.summary import summarize
    from asynclint.rule import FileInfo
    from asynclint.semantics import SemanticModel
    from asynclint.source import CannotAnalyse, decode, parse, split_lines

    try:
        with open(path, "rb") as f:
            text = decode(f.read())
        tree = parse(text, display)
        sem = SemanticModel(tree, split_lines(text), module, is_package)
        return summarize(sem, FileInfo(path, display, module, config.target_version), library_name)
    except (OSError, CannotAnalyse, RecursionError, SyntaxError, ValueError):
        return None


def display_path(path: str, root: Path) -> str:
    """Relative to the project root (``app/repo.py``): the same whatever the working
    directory, so the CLI, flake8 and pre-commit name a definition alike."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return os.path.normpath(path)

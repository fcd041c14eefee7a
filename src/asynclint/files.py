"""Which files to lint: walk directories, skip excluded names, virtualenvs and what
``.gitignore`` files ignore; files named explicitly are linted unless ``force-exclude``."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from asynclint.config import Config

if TYPE_CHECKING:
    import pathspec

_PATHSPEC: tuple | None = None


def _gitignore_spec(lines: list[str]) -> "pathspec.PathSpec":
    """pathspec is imported on the first .gitignore met: a tree without one (and every warm
    run's budget) does not pay for its import."""
    global _PATHSPEC
    if _PATHSPEC is None:
        import pathspec

        try:  # pathspec >= 0.12.2 names git's exact semantics "gitignore"
            pathspec.PathSpec.from_lines("gitignore", [])
            style = "gitignore"
        except (KeyError, LookupError):
            style = "gitwildmatch"
        _PATHSPEC = (pathspec, style)
    module, style = _PATHSPEC
    return module.PathSpec.from_lines(style, lines)

# Not setup.py: a package may contain a module of that name (homeassistant/setup.py), which
# would make every subtree of it a "project" of its own.
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


@dataclass
class Discovery:
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, display path)
    missing: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def find_project_root(paths: list[str]) -> Path | None:
    """Nearest directory holding pyproject.toml/setup.cfg/.git above the given paths."""
    for p in paths:
        if p == "-":
            continue
        # os.path.realpath, not Path.resolve: the latter raises on a symlink loop (3.11, 3.12),
        # which is the linter's to report on one line like any other unreadable path.
        start = Path(os.path.realpath(p))
        if not os.path.isdir(start):
            start = start.parent
        for d in [start, *start.parents]:
            if any(os.path.exists(d / m) for m in PROJECT_MARKERS):
                return d
    return None


def _any_glob(patterns: list[str]):
    """A compiled regex matching what any of the fnmatch ``patterns`` matches, or None."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def realpath_cached(path: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each directory once (``real_dirs`` remembers them);
    realpath costs one lstat per path component, which added up on every file of a big tree."""
    head, name = os.path.split(os.path.abspath(path))
    if not name or name in (".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    real_head = real_dirs.get(head)
    if real_head is None:
        real_head = real_dirs[head] = os.path.realpath(head)
    return os.path.join(real_head, name)


class _Ignore:
    """Exclusion patterns plus the .gitignore files met on the way down."""

    def __init__(self, config: Config):
        self.patterns = tuple(config.exclude) + tuple(config.extend_exclude)
        self.base = Path(config.base_dir).resolve()
        # One regex per question instead of three fnmatch calls per pattern per path: on a
        # tree of thousands of files this loop was most of a warm (all cached) run.
        pats = [os.path.normcase(p.rstrip("/")) for p in self.patterns]
        self._name_re = _any_glob(pats)
        self._rel_re = _any_glob(pats + [p + "/*" for p in pats])
        self._base_str = str(self.base)
        self._real_dirs: dict[str, str] = {}
        self.respect_gitignore = config.respect_gitignore
        self._specs: dict[Path, pathspec.PathSpec | None] = {}

    def excluded(self, path: Path, is_dir: bool) -> bool:
        if self._name_re is None:
            rel = ""
        else:
            real = realpath_cached(str(path), self._real_dirs)
            base = self._base_str
            if real.startswith(base) and real[len(base) : len(base) + 1] == os.sep:
                rel = real[len(base) + 1 :].replace(os.sep, "/")
            elif real == base:
                rel = "."
            else:
                rel = path.as_posix()
            if self._name_re.match(os.path.normcase(path.name)) or self._rel_re.match(os.path.normcase(rel)):
                return True
        if is_dir and os.path.exists(path / "pyvenv.cfg"):
            return True  # a virtualenv, whatever it is called
        return False

    def gitignored(self, path: Path, is_dir: bool, roots: list[Path]) -> bool:
        if not self.respect_gitignore:
            return False
        for root in roots:
            spec = self._spec(root)
            if spec is None:
                continue
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + ("/" if is_dir else "")):
                return True
        return False

    def _spec(self, directory: Path) -> pathspec.PathSpec | None:
        if directory not in self._specs:
            gi = directory / ".gitignore"
            spec = None
            if os.path.isfile(gi):
                try:
                    spec = _gitignore_spec(gi.read_text(encoding="utf-8", errors="replace").splitlines())
                except (OSError, ValueError):
                    spec = None
            self._specs[directory] = spec
        return self._specs[directory]


def _gitignore_roots(start: Path) -> list[Path]:
    """``start`` and the directories above it, up to the repository top, whose .gitignore
    applies to it; outside a git repository only ``start`` itself."""
    roots = []
    for d in [start, *start.parents]:
        roots.append(d)
        if os.path.exists(d / ".git"):
            return list(reversed(roots))
    return [start]


def discover(paths: list[str], config: Config) -> Discovery:
    out = Discovery()
    ignore = _Ignore(config)
    seen: set[str] = set()
    suffixes = (".py", ".pyi") if config.include_pyi else (".py",)

    real_dirs: dict[str, str] = {}

    def add(p: Path, display: str) -> None:
        key = realpath_cached(str(p), real_dirs)
        if key not in seen:
            seen.add(key)
            out.files.append((str(p), display))

    for raw in paths:
        p = Path(raw)
        if not os.path.exists(p) and not os.path.islink(p):
            out.missing.append(raw)
            continue
        if os.path.isdir(p):
            start = p.absolute()
            roots = _gitignore_roots(start)
            visited: set[tuple[int, int]] = set()

            def walk_error(e: OSError) -> None:
                out.unreadable.append((e.filename or raw, (e.strerror or str(e)).lower()))

            for dirpath, dirnames, filenames in os.walk(p, followlinks=True, onerror=walk_error):
                d = Path(dirpath).absolute()
                try:
                    st = os.stat(d)
                    ident = (st.st_dev, st.st_ino)
                except OSError:
                    dirnames[:] = []
                    continue
                if ident in visited:  # a symlink loop
                    dirnames[:] = []
                    continue
                visited.add(ident)
                rel_parts = d.relative_to(start).parts
                here = roots + [start.joinpath(*rel_parts[: i + 1]) for i in range(len(rel_parts))]
                # Only directories that hold a .gitignore can ignore anything: ask those alone.
                here = [r for r in here if ignore._spec(r) is not None]
                keep = []
                for name in sorted(dirnames):
                    sub = d / name
                    if ignore.excluded(sub, True) or ignore.gitignored(sub, True, here):
                        continue
                    keep.append(name)
                dirnames[:] = keep
                for name in sorted(filenames):
                    if not name.endswith(suffixes):
                        continue
                    f = d / name
                    if ignore.excluded(f, False) or ignore.gitignored(f, False, here):
                        continue
                    add(f, os.path.normpath(os.path.join(dirpath, name)))
        else:
            if config.force_exclude and (ignore.excluded(p, False) or ignore.gitignored(p.absolute(), False, _gitignore_roots(p.absolute().parent))):
                continue
            add(p, raw)
    return out

"""Which module a file is, and whether a file mentions a word: what the engine, the project
index's loader and the workspace all need, kept below all of them (no import loop)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4096)
def _package_parts(directory: str) -> tuple[str, ...]:
    """Names of the regular packages ``directory`` is nested in, outermost first ('' if none)."""
    parts: list[str] = []
    d = directory
    while os.path.isfile(os.path.join(d, "__init__.py")):
        d, name = os.path.split(d)
        parts.append(name)
        if not name:
            break
    return tuple(reversed(parts))


def module_name_for(path: Path, root: Path | None) -> tuple[str, bool]:
    """Dotted module name of ``path``, as Python would import it: through the chain of
    ``__init__.py`` packages above it; for a file outside any package (scripts, namespace
    packages), its path under the project ``root`` (packages under ``src/`` too)."""
    is_package = path.name == "__init__.py"
    directory = os.path.dirname(os.path.abspath(path))
    packages = _package_parts(directory)
    if packages:
        parts = list(packages) if is_package else [*packages, path.stem]
        return ".".join(parts), is_package
    p = path.resolve() if root is not None else path
    try:
        rel = p.relative_to(root) if root is not None else Path(path.name)
    except ValueError:
        rel = Path(path.name)
    parts = list(rel.with_suffix("").parts)
    if len(parts) > 1 and parts[0] in ("src", "lib", "python"):
        parts = parts[1:]
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or path.stem, is_package


def source_mentions(path: str, word: str) -> bool:
    """Whether the file's text contains ``word`` (a cheap filter before summarizing it)."""
    try:
        with open(path, "rb") as f:
            return word.encode() in f.read()
    except OSError:
        return False

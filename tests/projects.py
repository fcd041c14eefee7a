"""Small on-disk projects for the cache tests.

Files get an mtime an hour old: a file modified within the cache's "racy" window is never
trusted by its stat stamp, and these tests pin what happens when stamps are trusted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

OLD = time.time() - 3600


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD, OLD))


def make_project(root: Path, files: dict[str, str]) -> Path:
    """A project root (with a pyproject.toml) holding ``files`` (relative path -> text)."""
    write(root / "pyproject.toml", "[project]\nname = 'p'\n")
    for name, text in files.items():
        write(root / name, text)
    return root

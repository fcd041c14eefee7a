"""The baseline: findings recorded once (``--write-baseline``) and hidden from later runs, so a
legacy code base can adopt asynclint and still fail CI on every new finding.

A finding is recorded by what survives edits elsewhere in its file: the path (relative to the
project root), the code, the flagged line's text with whitespace normalised, and which
occurrence of that (code, text) pair in the file it is. Line numbers are kept for people reading
the file, never matched on.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from asynclint.finding import Finding

FILENAME = ".asynclint-baseline.json"
VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written; the message names the file."""


Key = tuple[str, str, str, int]  # (path, code, normalised line text, occurrence)


def baseline_path(config, project_root: Path | None) -> Path:
    """``baseline`` from the configuration (relative to its file), else the project root's."""
    if getattr(config, "baseline", None):
        p = Path(config.baseline).expanduser()
        return p if p.is_absolute() else Path(config.base_dir) / p
    return (project_root if project_root is not None else Path.cwd()) / FILENAME


def normalise(line: str) -> str:
    return " ".join(line.split())


class _Lines:
    """Source lines of the flagged files, read once each."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def line(self, path: str, n: int) -> str:
        lines = self._cache.get(path)
        if lines is None:
            from asynclint.source import split_lines

            try:
                with open(path, "rb") as f:
                    data = f.read()
                lines = split_lines(data.decode("utf-8", errors="replace"))
            except OSError:
                lines = []
            self._cache[path] = lines
        return lines[n - 1] if 0 < n <= len(lines) else ""


def _rel(path: str, base: Path) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(path), base)
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(path)
    return Path(rel).as_posix()


def keys(findings: Sequence[Finding], base: Path, lines: _Lines | None = None) -> list[Key]:
    """The key of each finding, in the order given."""
    lines = lines or _Lines()
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    out: list[Key | None] = [None] * len(findings)
    for i in order:
        f = findings[i]
        text = normalise(lines.line(f.path, f.line))
        rel = _rel(f.path, base)
        n = seen[(rel, f.code, text)]
        seen[(rel, f.code, text)] = n + 1
        out[i] = (rel, f.code, text, n)
    return out  # type: ignore[return-value]


@dataclass
class Baseline:
    path: Path
    entries: list[dict]
    root: Path  # paths in it are relative to this (the project root)

    def key_set(self) -> set[Key]:
        return {(e["path"], e["code"], e["text"], e["occurrence"]) for e in self.entries}


def load(path: Path, root: Path | None = None) -> Baseline | None:
    """The baseline at ``path``; None when there is no such file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e.strerror or e}") from None
    try:
        data = json.loads(raw)
        entries = data["findings"]
        for e in entries:
            if not (isinstance(e["path"], str) and isinstance(e["code"], str) and isinstance(e["text"], str) and isinstance(e["occurrence"], int)):
                raise TypeError
    except (ValueError, KeyError, TypeError):
        raise BaselineError(f"{path}: not a valid asynclint baseline; write it again with `asynclint check --write-baseline`") from None
    return Baseline(path, list(entries), root or path.parent)


def filter_findings(findings: Sequence[Finding], baseline: Baseline) -> tuple[list[Finding], int]:
    """(findings not in the baseline, how many it hid)."""
    base = baseline.root
    recorded = baseline.key_set()
    shown = [f for f, k in zip(findings, keys(findings, base)) if k not in recorded]
    return shown, len(findings) - len(shown)


def write(path: Path, findings: Sequence[Finding], checked: Iterable[str], root: Path | None = None) -> int:
    """Record ``findings``; entries of files this run did not check are kept while those files
    exist (a run on a few files must not forget the rest). Findings gone from the checked files
    drop out. Returns the number of entries written."""
    from asynclint.atomic import replace_atomically

    base = root or path.parent
    lines = _Lines()
    checked_rel = {_rel(p, base) for p in checked}
    entries = []
    for f, (rel, code, text, occ) in zip(findings, keys(findings, base, lines)):
        entries.append({"path": rel, "code": code, "text": text, "occurrence": occ, "line": f.line, "message": f.message})
    try:
        old = load(path)
    except BaselineError:
        old = None
    if old is not None:
        for e in old.entries:
            if e["path"] not in checked_rel and (base / e["path"]).is_file():
                entries.append(e)
    entries.sort(key=lambda e: (e["path"], e.get("line", 0), e["code"], e["occurrence"]))
    data = {"version": VERSION, "tool": "asynclint", "findings": entries}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, text.encode("utf-8"))
    except OSError as e:
        raise BaselineError(f"{path}: cannot write the baseline: {e.strerror or e}") from None
    return len(entries)



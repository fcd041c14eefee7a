"""The one result type shared by the static rules, the runtime hooks and every output format."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions; columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Fix:
    applicability: str  # "safe" | "unsafe"
    edits: tuple[Edit, ...]
    description: str = ""
    # Modules a fix's text refers to by name ("asyncio", "inspect"); the fixer imports them once.
    imports: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "description": self.description,
            "edits": [e.to_dict() for e in self.edits],
            "imports": list(self.imports),
        }


@dataclass(frozen=True)
class Related:
    path: str
    line: int
    column: int = 1
    message: str = ""


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fix: Fix | None = None
    origin: str = "static"  # "static" | "runtime"
    related: tuple[Related, ...] = ()
    # The one cause several findings share, shown once for all of them (text output,
    # --statistics, editors): for ASL110, the blocking helper "`load()` (app/config.py:8)".
    root: str = ""
    # Runtime extras (count of occurrences, duration, test id, stack) live here.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "fix": self.fix.to_dict() if self.fix else None,
            "origin": self.origin,
        }
        if self.related:
            d["related"] = [asdict(r) for r in self.related]
        if self.root:
            d["root"] = self.root
        if self.extra:
            d.update({k: v for k, v in self.extra.items() if k not in d})
        return d


@dataclass(frozen=True)
class FileError:
    """A file that could not be analysed (or a rule that crashed on it)."""

    path: str
    message: str  # already phrased: "cannot analyse: ..." or "internal error in ASL101: ..."

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

"""Findings and file errors as LSP diagnostics, and fixes as text edits.

asynclint counts lines from 1 and columns in characters from 1; LSP counts both from 0 and
columns in the negotiated code units (UTF-16 unless the client offers another).
"""

from __future__ import annotations

import os
import re
from typing import Any, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path

from asynclint import DOCS_URL
from asynclint.finding import Edit, FileError, Finding, Fix
from asynclint.source import split_lines

SOURCE = "asynclint"


class Positions:
    """Converts 1-based (line, character column) of one text into LSP positions."""

    def __init__(self, text: str, codec: Any):
        # The lines as the client counts them: the last line may be empty.
        self.lines = [line.rstrip("\r\n") for line in split_lines(text)] or [""]
        if text.endswith(("\n", "\r")):
            self.lines.append("")
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        row = max(0, line - 1)
        if row >= len(self.lines):
            return types.Position(line=len(self.lines), character=0)
        char = min(max(0, column - 1), len(self.lines[row]))
        return self.codec.position_to_client_units(self.lines, types.Position(line=row, character=char))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        start = self.position(line, column)
        end = self.position(end_line, end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)


def rule_url(code: str, base: str | None) -> str:
    return f"{(base or DOCS_URL).rstrip('/')}/rules/{code}/"


def diagnostic(
    f: Finding,
    pos: Positions,
    docs_base: str | None,
    opt_in: frozenset[str] = frozenset(),
    *,
    uri: str = "",
    root: str | None = None,
    group: Sequence[Finding] = (),
) -> types.Diagnostic:
    """``f`` as a diagnostic of the document ``uri``. ``group``: the findings of the same
    document that share its root cause (``Finding.root``: every call site of one blocking
    helper, ASL110), ``f`` among them: the message says how many other call sites share it,
    and the related information points to the root (the helper, its blocking call) and to
    the other call sites."""
    data: dict[str, Any] = {"code": f.code, "name": f.name}
    if f.fix is not None:
        data["fix"] = f.fix.to_dict()
    if f.root:
        data["root"] = f.root
    message = f.message
    others = [g for g in group if g is not f]
    if others:
        message += f" [{len(others)} more call site{'s' if len(others) != 1 else ''} of {f.root} in this file]"
    related = [related_information(r.path, r.line, r.column, r.message, root) for r in f.related]
    if uri:
        related += [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=pos.range(g.line, g.column, g.end_line, g.end_column)),
                message=f"another call site of {f.root}",
            )
            for g in others
        ]
    return types.Diagnostic(
        range=pos.range(f.line, f.column, f.end_line, f.end_column),
        message=message,
        related_information=related or None,
        # Opt-in rules are advice a team chose to hear; the default rules are likely bugs.
        severity=types.DiagnosticSeverity.Information if f.code in opt_in else types.DiagnosticSeverity.Warning,
        code=f.code,
        code_description=types.CodeDescription(href=rule_url(f.code, docs_base)),
        source=SOURCE,
        data=data,
    )


def related_information(path: str, line: int, column: int, message: str, root: str | None) -> types.DiagnosticRelatedInformation:
    """A place in another file (a finding's ``Related``): its path as displayed is relative to
    the project root. The column is taken as is: the server does not hold that file's text."""
    full = path if os.path.isabs(path) or root is None else os.path.join(root, path)
    at = types.Position(line=max(0, line - 1), character=max(0, column - 1))
    return types.DiagnosticRelatedInformation(
        location=types.Location(uri=from_fs_path(full) or full, range=types.Range(start=at, end=at)),
        message=message or "related location",
    )


def root_groups(findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """The findings of one document by shared root cause (code, ``Finding.root``)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.root:
            groups.setdefault((f.code, f.root), []).append(f)
    return groups


_WHERE = re.compile(r"\(line (\d+)(?:, column (\d+))?\)")


def error_diagnostic(e: FileError, pos: Positions) -> types.Diagnostic:
    """A file that cannot be analysed: one diagnostic, at the error when the reason says where."""
    message = e.message.removeprefix("cannot analyse: ")
    m = _WHERE.search(message)
    if m:
        line, column = int(m.group(1)), int(m.group(2) or 1)
        rng = pos.range(line, column, line, column + 1)
    else:
        rng = pos.range(1, 1, 1, 1)
    return types.Diagnostic(range=rng, message=message, severity=types.DiagnosticSeverity.Error, source=SOURCE)


def is_internal(e: FileError) -> bool:
    """A bug of asynclint's (a rule that crashed): logged for the user to report, not shown as
    a problem of their code."""
    return e.message.startswith("internal error")


def text_edit_between(before: str, after: str, pos: Positions) -> types.TextEdit:
    """One edit turning ``before`` into ``after``: the span between their common prefix and
    common suffix (fixes touch a few places; the client keeps the rest of the buffer)."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    return types.TextEdit(range=types.Range(start=_offset_position(before, start, pos), end=_offset_position(before, end_b, pos)), new_text=after[start:end_a])


def _offset_position(text: str, offset: int, pos: Positions) -> types.Position:
    head = text[:offset]
    lines = split_lines(head)
    if not lines:
        return pos.position(1, 1)
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return pos.position(len(lines) + 1, 1)
    return pos.position(len(lines), len(last) + 1)


def fix_from_data(data: Any) -> Fix | None:
    """The fix a diagnostic carries in ``data`` (as the server sent it)."""
    if not isinstance(data, dict) or not isinstance(data.get("fix"), dict):
        return None
    raw = data["fix"]
    edits = tuple(Edit(e["line"], e["column"], e["end_line"], e["end_column"], e["content"]) for e in raw.get("edits", ()))
    return Fix(raw.get("applicability", "safe"), edits, raw.get("description", ""), tuple(raw.get("imports", ())))


def finding_at(findings: Sequence[Finding], code: str, rng: types.Range, pos: Positions) -> Finding | None:
    for f in findings:
        if f.code == code and pos.range(f.line, f.column, f.end_line, f.end_column) == rng:
            return f
    return None

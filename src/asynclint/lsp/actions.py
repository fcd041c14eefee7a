"""Code actions: a quick fix per fixable finding, ``# noqa: CODE`` on the finding's line, and
``source.fixAll.asynclint`` for the whole document."""

from __future__ import annotations

import re
from typing import Callable

from lsprotocol import types

from asynclint.finding import Finding
from asynclint.lsp.convert import Positions, text_edit_between

FIX_ALL = "source.fixAll.asynclint"
FIX_ALL_KIND = FIX_ALL  # a custom kind under source.fixAll: editors run it on save when asked

_NOQA = re.compile(r"#\s*noqa(?P<codes>\s*:\s*[\w\-]+(?:[,\s]+[\w\-]+)*)?", re.IGNORECASE)


def _edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    doc = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=doc, edits=edits)])


def quick_fix(uri: str, version: int | None, text: str, f: Finding, pos: Positions, diag: types.Diagnostic) -> types.CodeAction | None:
    """The finding's own fix, if its result is valid Python."""
    from asynclint.fix import InvalidFix, apply_round, compiles, invalid_reason

    if f.fix is None or not f.fix.edits:
        return None
    try:
        after = apply_round(text, [f])
    except InvalidFix:
        return None
    if invalid_reason(after, must_compile=compiles(text) is None):
        return None
    unsafe = f.fix.applicability != "safe"
    what = f.fix.description or f.message
    title = f"Fix {f.code}: {what}" + (" (unsafe: may change behaviour)" if unsafe else "")
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=not unsafe,
        edit=_edit(uri, version, [text_edit_between(text, after, pos)]),
    )


def noqa_line(line: str, code: str) -> str | None:
    """``line`` (without its line ending) with ``code`` added to its ``# noqa``; None when the
    line is already silenced for it."""
    m = _NOQA.search(line)
    if m is None:
        body = line.rstrip()
        return f"{body}  # noqa: {code}"
    codes = m.group("codes")
    if codes is None:
        return None  # a bare noqa comment silences every code already
    listed = [c.upper() for c in re.split(r"[,\s:]+", codes) if c]
    if code.upper() in listed:
        return None
    return line[: m.end()] + f", {code}" + line[m.end():]


def noqa_action(uri: str, version: int | None, text: str, f: Finding, pos: Positions, diag: types.Diagnostic) -> types.CodeAction | None:
    lines = text.splitlines(keepends=True)
    if not (1 <= f.line <= len(lines)):
        return None
    raw = lines[f.line - 1]
    body = raw.rstrip("\r\n")
    new = noqa_line(body, f.code)
    if new is None:
        return None
    after = "".join(lines[: f.line - 1]) + new + raw[len(body):] + "".join(lines[f.line:])
    return types.CodeAction(
        title=f"Ignore {f.code} on this line (# noqa: {f.code})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=_edit(uri, version, [text_edit_between(text, after, pos)]),
    )


def fix_all(uri: str, version: int | None, text: str, fixer: Callable[[str], str], pos: Positions) -> types.CodeAction | None:
    """Every safe fix of the document (until nothing fixable is left), as one edit."""
    after = fixer(text)
    if after == text:
        return None
    return types.CodeAction(
        title="Fix all asynclint findings (safe fixes)",
        kind=FIX_ALL_KIND,
        edit=_edit(uri, version, [text_edit_between(text, after, pos)]),
    )


def wants(only: list[str] | None, kind: str) -> bool:
    """Whether a code-action request restricted to ``only`` kinds accepts ``kind`` (LSP: a
    requested kind matches itself and every kind under it)."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)

"""Edits that several rules' fixes share: dropping a call argument with its comma, deleting
whole statements. Each returns ``None`` when the edit could lose a comment or break syntax,
so the rule reports without a fix rather than with a risky one."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.finding import Edit

if TYPE_CHECKING:
    from asynclint.semantics.model import SemanticModel


def _position(sem: SemanticModel, line: int, byte_col: int) -> tuple[int, int]:
    return line, sem.char_col(line, byte_col) + 1


def _text_between(sem: SemanticModel, start: tuple[int, int], end: tuple[int, int]) -> str:
    """Source text between two 1-based (line, character column) positions."""
    (l0, c0), (l1, c1) = start, end
    lines = sem.lines
    if l0 == l1:
        return lines[l0 - 1][c0 - 1 : c1 - 1]
    return "".join([lines[l0 - 1][c0 - 1 :], *lines[l0 : l1 - 1], lines[l1 - 1][: c1 - 1]])


def _start(sem: SemanticModel, node: ast.AST) -> tuple[int, int]:
    return _position(sem, node.lineno, node.col_offset)


def _end(sem: SemanticModel, node: ast.AST) -> tuple[int, int]:
    return _position(sem, node.end_lineno, node.end_col_offset)


def remove_argument(sem: SemanticModel, call: ast.Call, arg: ast.AST) -> Edit | None:
    """Remove ``arg`` (a positional argument or a keyword) from ``call`` with one comma:
    the one before it, or the one after it when it comes first."""
    return remove_item(sem, [*call.args, *call.keywords], arg)


def remove_item(sem: SemanticModel, items: list[ast.AST], arg: ast.AST) -> Edit | None:
    """Remove ``arg`` from a comma-separated list of nodes (call arguments, the names of an
    ``import``) together with one comma."""
    items = sorted(items, key=lambda n: (n.lineno, n.col_offset))
    i = next((k for k, n in enumerate(items) if n is arg), None)
    if i is None:
        return None
    if i > 0:
        start, end = _end(sem, items[i - 1]), _end(sem, arg)
    elif len(items) > 1:
        start, end = _start(sem, arg), _start(sem, items[1])
    else:
        start, end = _start(sem, arg), _end(sem, arg)
    removed = _text_between(sem, start, end)
    if "#" in removed:
        return None
    return Edit(start[0], start[1], end[0], end[1], "")


def replace_statements(sem: SemanticModel, first: ast.stmt, last: ast.stmt, text: str) -> Edit | None:
    """Replace the statements from ``first`` to ``last`` (same block) with ``text``, unless a
    comment sits between them."""
    start, end = _start(sem, first), _end(sem, last)
    if "#" in _text_between(sem, start, end):
        return None
    return Edit(start[0], start[1], end[0], end[1], text)


def delete_statement(sem: SemanticModel, stmt: ast.stmt, body: list[ast.stmt]) -> Edit | None:
    """Delete ``stmt`` with its whole line; ``None`` when it shares a line with other code or
    is the only statement of its block (which would leave the block empty)."""
    if len(body) < 2:
        return None
    line, end_line = stmt.lineno, stmt.end_lineno
    first_text = sem.lines[line - 1]
    last_text = sem.lines[end_line - 1]
    col = sem.char_col(line, stmt.col_offset)
    end_col = sem.char_col(end_line, stmt.end_col_offset)
    rest = last_text[end_col:].strip()
    if first_text[:col].strip() or (rest and not rest.startswith("#")):
        return None
    if end_line < len(sem.lines):
        return Edit(line, 1, end_line + 1, 1, "")
    # The last line of the file: remove the line break before it instead.
    if line == 1:
        return Edit(1, 1, end_line, len(last_text.rstrip("\r\n")) + 1, "")
    prev = sem.lines[line - 2].rstrip("\r\n")
    return Edit(line - 1, len(prev) + 1, end_line, len(last_text.rstrip("\r\n")) + 1, "")

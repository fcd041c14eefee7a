"""Positions and text of one file: ast's UTF-8 byte columns as the character columns editors
and reports use, exact source segments, and a cheap "is this word in the file" test."""

from __future__ import annotations

import ast


class Positions:
    def __init__(self, lines: list[str]):
        self.lines = lines

    def mentions(self, word: str) -> bool:
        """Whether ``word`` occurs anywhere in the source: a cheap pre-check for rules about
        one API, since every reference to it (an alias's import included) spells its name."""
        text = self.__dict__.get("_text")
        if text is None:
            text = self._text = "".join(self.lines)
        return word in text

    def column(self, node: ast.AST) -> int:
        """1-based character column where ``node`` starts (ast gives UTF-8 byte offsets)."""
        return self.char_col(node.lineno, node.col_offset) + 1

    def end_column(self, node: ast.AST) -> int:
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            return self.column(node)
        return self.char_col(end_line, end_col) + 1

    def char_col(self, line: int, byte_col: int) -> int:
        if 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def source_segment(self, node: ast.AST) -> str:
        """The exact source text of ``node`` (columns converted from bytes to characters)."""
        start, end = node.lineno, node.end_lineno or node.lineno
        c0 = self.char_col(start, node.col_offset)
        c1 = self.char_col(end, node.end_col_offset or 0)
        if start == end:
            return self.lines[start - 1][c0:c1]
        parts = [self.lines[start - 1][c0:]] + self.lines[start : end - 1] + [self.lines[end - 1][:c1]]
        return "".join(parts)

"""Reading a file's bytes into text and an ``ast`` tree, with one-line reasons on failure."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings


class CannotAnalyse(Exception):
    """The file cannot be analysed; ``str(e)`` is the one-line reason."""


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise CannotAnalyse("binary content (NUL byte)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        msg = str(e.msg if getattr(e, "msg", None) else e)
        m = re.match(r"unknown encoding(?: for [^:]+)?: (.+)", msg)
        if m:
            raise CannotAnalyse(f"unknown encoding {m.group(1).strip()!r} in the coding declaration") from None
        if not msg.startswith("invalid or missing encoding declaration"):
            raise CannotAnalyse(f"bad encoding declaration: {msg}") from None
        encoding = "utf-8"  # no usable cookie: the bytes are simply not UTF-8, say where
    try:
        text = data.decode(encoding)
    except LookupError:
        raise CannotAnalyse(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise CannotAnalyse(f"not valid {encoding} (byte {data[e.start]:#x} on line {line}); add a coding declaration or re-encode the file") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse(text: str, filename: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename, type_comments=False)
    except SyntaxError as e:
        where = f" (line {e.lineno}" + (f", column {e.offset})" if e.offset else ")") if e.lineno else ""
        raise CannotAnalyse(f"syntax error: {e.msg}{where}") from None
    except MemoryError:
        raise CannotAnalyse("cannot parse: out of memory (MemoryError)") from None
    except (ValueError, RecursionError) as e:
        raise CannotAnalyse(f"cannot parse: {e or type(e).__name__}") from None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as the parser counts them: only \\n, \\r\\n and \\r end a line (str.splitlines
    would also split on form feeds and other separators and shift every line number after)."""
    return _LINE.findall(text)

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
    """The file's ``ast`` tree: from the interpreter's parser, else (syntax newer than this
    interpreter) from libcst's tree converted to the same shapes; ``via_libcst(tree)`` says
    which. A file neither accepts is a syntax error at the first error's line and column."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename, type_comments=False)
    except SyntaxError as e:
        return _fallback(text, e)
    except MemoryError:
        raise CannotAnalyse("cannot parse: out of memory (MemoryError)") from None
    except (ValueError, RecursionError) as e:
        raise CannotAnalyse(f"cannot parse: {e or type(e).__name__}") from None


def via_libcst(tree: ast.Module) -> bool:
    """True when ``tree`` came from libcst's parser (the interpreter could not read the file)."""
    return getattr(tree, "_asynclint_via_libcst", False)


def parse_with_libcst(text: str) -> ast.Module:
    """The converted tree of a file libcst accepts; raises what libcst raises."""
    from asynclint.cst_to_ast import convert, parse_module

    tree = convert(parse_module(text), text)
    tree._asynclint_via_libcst = True  # type: ignore[attr-defined]
    return tree


def _fallback(text: str, error: SyntaxError) -> ast.Module:
    from asynclint.cst_to_ast import ConversionError

    if _TOO_DEEP.search(str(error.msg)) or _bracket_depth(text) > _MAX_DEPTH:
        # Nesting past the interpreter's limits: libcst's native parser overflows the C stack
        # on it (a crash, not an exception), and no newer syntax is involved.
        raise CannotAnalyse(_syntax_error(error)) from None
    try:
        return parse_with_libcst(text)
    except (ConversionError, RecursionError, MemoryError, Exception):  # noqa: BLE001 - libcst's native parser raises more than its own error
        pass
    except BaseException as e:  # a panic in libcst's native parser is a BaseException
        if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
    # Neither reads it: the interpreter's error, as before the fallback existed (libcst's
    # error positions are where its parser gave up, often a line after the mistake).
    raise CannotAnalyse(_syntax_error(error)) from None


# The interpreter refuses more than 200 nested brackets; counted naively here (brackets in
# strings count too), so a little more.
_MAX_DEPTH = 250
_BRACKETS = re.compile(r"[\[\](){}]")


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth = max(depth - 1, 0)
    return deepest


_TOO_DEEP = re.compile(r"too many nested|too many levels|too many statically nested|nested too deeply|recursion", re.I)


def _syntax_error(e: SyntaxError) -> str:
    where = f" (line {e.lineno}" + (f", column {e.offset})" if e.offset else ")") if e.lineno else ""
    return f"syntax error: {e.msg}{where}"


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as the parser counts them: only \\n, \\r\\n and \\r end a line (str.splitlines
    would also split on form feeds and other separators and shift every line number after)."""
    return _LINE.findall(text)

"""Applying fixes: non-overlapping edits, the imports they need, a parse check, convergence.

One round takes the findings of the current text, keeps the fixes that may run (applicability,
``# noqa``, async context, no overlap with a fix already taken), applies their edits from the
end of the file backwards, adds the imports they name once, and checks the result with libcst
and ``compile()``. The new text is linted again and the next round starts, until nothing
fixable is left or :data:`MAX_ROUNDS` is reached. A round that yields invalid code abandons the
whole file: the text stays as it was and the problem is reported in one line.

Everything outside the edited ranges and the inserted import lines is kept byte for byte:
newline style, encoding (coding cookie or BOM) and file permissions included.
"""

from __future__ import annotations

import ast
import bisect
import io
import os
import re
import stat
import tokenize
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from asynclint.atomic import TargetChanged, replace_atomically
from asynclint.cache import digest
from asynclint.finding import Edit, FileError, Finding
from asynclint.source import split_lines
from asynclint.suppression import parse_suppressions

MAX_ROUNDS = 10
REPORT_HINT = "please report it at https://github.com/asynclint/asynclint/issues"

# lint(text) -> (findings, one-line errors) for the text as it stands after a round.
LintFn = Callable[[str], "tuple[list[Finding], list[str]]"]


class InvalidFix(Exception):
    """Fix edits that cannot be applied or whose result is not valid Python."""


@dataclass
class Outcome:
    text: str  # the final text; the original one when nothing was applied or the file was abandoned
    fixed: int = 0
    findings: list[Finding] = field(default_factory=list)  # what is left in ``text``
    errors: list[str] = field(default_factory=list)  # one-line messages (lint and fix problems)

    @property
    def changed(self) -> bool:
        return self.fixed > 0


# ---------------------------------------------------------------------- positions and edits
def newline_of(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def _with_newline(content: str, nl: str) -> str:
    if "\r" not in content and "\n" not in content:
        return content
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    return content.replace("\n", nl) if nl != "\n" else content


class _Text:
    """A text with its line offsets, to turn 1-based (line, character column) into offsets."""

    def __init__(self, text: str):
        self.text = text
        self.lines = split_lines(text)
        self.starts = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line)

    def offset(self, line: int, column: int) -> int:
        if line == len(self.lines) + 1 and column == 1:
            return len(self.text)
        if not (1 <= line <= len(self.lines)):
            raise InvalidFix(f"edit position {line}:{column} is outside the file")
        body = self.lines[line - 1].rstrip("\r\n")
        if not (1 <= column <= len(body) + 1):
            raise InvalidFix(f"edit position {line}:{column} is outside line {line}")
        return self.starts[line - 1] + column - 1

    def span(self, edit: Edit) -> tuple[int, int]:
        start, end = self.offset(edit.line, edit.column), self.offset(edit.end_line, edit.end_column)
        if end < start:
            raise InvalidFix(f"edit ends ({edit.end_line}:{edit.end_column}) before it starts ({edit.line}:{edit.column})")
        return start, end


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply edits that must not overlap; inserted newlines follow the file's newline style."""
    t = _Text(text)
    nl = newline_of(text)
    spans = sorted(((*t.span(e), e) for e in edits), key=lambda s: (s[0], s[1]))
    for (s1, e1, _), (s2, e2, _) in pairwise(spans):
        if s2 < e1 or (s2 == s1 and e2 == e1 == s1):
            raise InvalidFix("edits overlap")
    # One join, not a copy of the whole text per edit: a big file with thousands of fixes
    # was quadratic here.
    parts: list[str] = []
    pos = 0
    for start, end, edit in spans:
        parts.append(text[pos:start])
        parts.append(_with_newline(edit.content, nl))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# ---------------------------------------------------------------------- imports
def _imported(node, spec: str) -> bool:
    """True when a module-level ``import`` statement binds what ``spec`` names: ``"asyncio"``
    (the module under its own name) or ``"asyncio as asyncio_"`` (under that alias)."""
    import libcst as cst

    if not isinstance(node, cst.Import):
        return False
    module, _, asname = spec.partition(" as ")
    for alias in node.names:
        name = cst.helpers.get_full_name_for_node(alias.name) or ""
        if asname:
            bound = cst.helpers.get_full_name_for_node(alias.asname.name) if alias.asname is not None else None
            if name == module and bound == asname:
                return True
            continue
        if alias.asname is not None:
            continue
        # ``import asyncio.subprocess`` binds ``asyncio`` too.
        if name == module or name.startswith(module + "."):
            return True
    return False


def _type_checking(stmt) -> bool:
    import libcst as cst

    if not isinstance(stmt, cst.If):
        return False
    test = stmt.test
    name = test.value if isinstance(test, cst.Name) else test.attr.value if isinstance(test, cst.Attribute) else None
    return name == "TYPE_CHECKING"


def _module_imports(body) -> Iterable:
    """Every import small-statement at module level, also inside top-level if/try blocks."""
    import libcst as cst

    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        elif _type_checking(stmt):
            continue  # never runs: binds nothing a fix can use
        elif isinstance(stmt, (cst.If, cst.Try, cst.TryStar)):
            blocks = [stmt.body]
            if isinstance(stmt, cst.If) and stmt.orelse is not None:
                blocks.append(stmt.orelse.body if isinstance(stmt.orelse, cst.Else) else cst.IndentedBlock(body=[stmt.orelse]))
            if isinstance(stmt, (cst.Try, cst.TryStar)):
                blocks += [h.body for h in stmt.handlers]
                if stmt.orelse is not None:
                    blocks.append(stmt.orelse.body)
                if stmt.finalbody is not None:
                    blocks.append(stmt.finalbody.body)
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    yield from _module_imports(block.body)
                elif isinstance(block, cst.SimpleStatementSuite):
                    yield from block.body


def _is_import_line(stmt) -> bool:
    import libcst as cst

    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt) -> bool:
    import libcst as cst

    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def add_imports(text: str, modules: Iterable[str]) -> str:
    """Add ``import m`` (or ``import m as a`` for ``"m as a"``) for each module not yet imported
    so at module level, once, after the module docstring, ``from __future__`` imports and the
    top import block."""
    wanted = sorted(set(modules))
    if not wanted:
        return text
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return _add_imports_libcst(text, wanted)
    # ``ast`` is a tenth of libcst's time (libcst's tree with positions was nearly all of a
    # big file's fix time), and tells the same: which imports exist, where the top block ends.
    present = [(a.name, a.asname) for node in _ast_module_imports(tree.body) for a in node.names]
    missing = [m for m in wanted if not any(_ast_imported(name, asname, m) for name, asname in present)]
    if not missing:
        return text
    top: list[ast.stmt] = []
    for i, stmt in enumerate(tree.body):
        if (i == 0 and _ast_docstring(stmt)) or type(stmt) in (ast.Import, ast.ImportFrom):
            top.append(stmt)
            continue
        # A line that also holds other code is not part of the import block.
        while top and top[-1].end_lineno >= stmt.lineno:
            top.pop()
        break
    t = _Text(text)
    nl = newline_of(text)
    block = "".join(f"import {m}{nl}" for m in missing)
    if top:
        return _insert_after_line(text, t, top[-1].end_lineno, block, nl)
    if tree.body:
        # Below the leading comments (shebang, coding cookie, licence), above the first statement.
        first = tree.body[0]
        line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))])
        at = t.starts[line - 1]
        return text[:at] + block + text[at:]
    return text + ("" if not text or text.endswith(("\n", "\r")) else nl) + block


def _insert_after_line(text: str, t: "_Text", end_line: int, block: str, nl: str) -> str:
    if end_line < len(t.lines):
        at = t.starts[end_line]
        return text[:at] + block + text[at:]
    # The statement ends the file.
    return text + ("" if text.endswith(("\n", "\r")) else nl) + block


def _ast_docstring(stmt: ast.stmt) -> bool:
    return type(stmt) is ast.Expr and type(stmt.value) is ast.Constant and isinstance(stmt.value.value, str)


def _ast_type_checking(stmt: ast.stmt) -> bool:
    test = getattr(stmt, "test", None)
    name = test.id if type(test) is ast.Name else test.attr if type(test) is ast.Attribute else None
    return type(stmt) is ast.If and name == "TYPE_CHECKING"


def _ast_module_imports(body: list[ast.stmt]) -> Iterable[ast.Import]:
    """Every ``import`` at module level, also inside top-level if/try blocks (not under
    ``TYPE_CHECKING``: that never runs)."""
    for stmt in body:
        t = type(stmt)
        if t is ast.Import:
            yield stmt
        elif t is ast.If:
            if not _ast_type_checking(stmt):
                yield from _ast_module_imports(stmt.body)
                yield from _ast_module_imports(stmt.orelse)
        elif t in (ast.Try, getattr(ast, "TryStar", ast.Try)):
            yield from _ast_module_imports(stmt.body)
            for h in stmt.handlers:
                yield from _ast_module_imports(h.body)
            yield from _ast_module_imports(stmt.orelse)
            yield from _ast_module_imports(stmt.finalbody)


def _ast_imported(name: str, asname: str | None, spec: str) -> bool:
    module, _, alias = spec.partition(" as ")
    if alias:
        return name == module and asname == alias
    # ``import asyncio.subprocess`` binds ``asyncio`` too.
    return asname is None and (name == module or name.startswith(module + "."))


def _add_imports_libcst(text: str, wanted: list[str]) -> str:
    """``add_imports`` for a text ``ast`` cannot read (newer syntax than this Python's)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except cst.ParserSyntaxError as e:
        raise InvalidFix(f"libcst cannot parse the fixed code: {_one_line(str(e))}") from None
    module = wrapper.module
    present = list(_module_imports(module.body))
    missing = [m for m in wanted if not any(_imported(node, m) for node in present)]
    if not missing:
        return text
    positions = wrapper.resolve(PositionProvider)
    last = None  # the statement the imports go after
    for i, stmt in enumerate(module.body):
        if (i == 0 and _is_docstring(stmt)) or _is_import_line(stmt):
            last = stmt
        else:
            break
    t = _Text(text)
    nl = newline_of(text)
    block = "".join(f"import {m}{nl}" for m in missing)
    if last is None:
        # Nothing to go after: below the leading comments (shebang, coding cookie, licence).
        line = len(module.header) + 1
        if line <= len(t.lines):
            at = t.starts[line - 1]
            return text[:at] + block + text[at:]
        return text + ("" if not text or text.endswith(("\n", "\r")) else nl) + block
    end_line = positions[last].end.line
    if end_line < len(t.lines):
        at = t.starts[end_line]
        return text[:at] + block + text[at:]
    # The statement ends the file.
    return text + ("" if text.endswith(("\n", "\r")) else nl) + block


# ---------------------------------------------------------------------- validity
def _one_line(s: str) -> str:
    return " ".join(s.split())


def compiles(text: str, filename: str = "<fixed>") -> str | None:
    """None when ``text`` compiles (byte code, so ``await`` outside ``async def`` counts),
    else the reason in one line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as e:
        return f"SyntaxError: {e.msg} (line {e.lineno})"
    except (ValueError, MemoryError, RecursionError) as e:
        return f"{type(e).__name__}: {_one_line(str(e))}"
    return None


def _parse_and_compile(text: str) -> tuple[ast.Module | None, str | None]:
    """(tree, None) when ``text`` parses and compiles, else (None, reason). The tree goes on to
    the next lint, which then does not parse the same text again (a big file's parses are
    most of --fix)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, "<fixed>")
            compile(tree, "<fixed>", "exec", dont_inherit=True)
    except SyntaxError as e:
        return None, f"SyntaxError: {e.msg} (line {e.lineno})"
    except (ValueError, MemoryError, RecursionError) as e:
        return None, f"{type(e).__name__}: {_one_line(str(e))}"
    return tree, None


def ast_parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def invalid_reason(text: str, must_compile: bool = True, filename: str = "<fixed>", must_parse: bool = True) -> str | None:
    """Why ``text`` is not acceptable output of a fix (None when it is): libcst must parse it,
    ``ast`` must parse it when the original did (not a file in syntax newer than this
    interpreter, read through libcst), and ``compile()`` must accept it when the original
    compiled."""
    import libcst as cst

    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        return f"libcst: {_one_line(str(e))}"
    except Exception as e:  # noqa: BLE001 - libcst's native parser raises more than its own error
        return f"libcst: {type(e).__name__}: {_one_line(str(e))}"
    if must_compile:
        return compiles(text, filename)
    if not must_parse:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text, filename)
    except SyntaxError as e:
        return f"SyntaxError: {e.msg} (line {e.lineno})"
    return None


# ---------------------------------------------------------------------- choosing fixes
# What is legal only inside an ``async def`` (``async def`` itself is legal anywhere).
_ASYNC_WORD = re.compile(r"\bawait\b|\basync\s+(?:with|for)\b")


class _AsyncScopes:
    """Where ``await``/``async with``/``async for`` are legal, from an ``ast`` parse of the text:
    the innermost function-like scope around a position must be an ``async def``."""

    def __init__(self, text: str):
        self.t = _Text(text)
        self.scopes: list[tuple[tuple[int, int], tuple[int, int], bool]] = []
        from asynclint.source import CannotAnalyse, parse

        try:
            tree = parse(text, "<fixed>")  # through libcst where this interpreter cannot read it
        except CannotAnalyse:
            return
        from asynclint.semantics.scopes import _child_nodes  # ast.walk without the ctx nodes

        kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
        stack = [tree]
        while stack:
            node = stack.pop()
            if type(node) in kinds:
                start = (node.lineno, self._char_col(node.lineno, node.col_offset))
                end = (node.end_lineno or node.lineno, self._char_col(node.end_lineno or node.lineno, node.end_col_offset or 0))
                self.scopes.append((start, end, type(node) is ast.AsyncFunctionDef))
            stack.extend(_child_nodes(node))
        # Sorted by start, each with the index of the scope around it: finding the innermost
        # scope of a position is a binary search plus a walk up, not a scan of every scope.
        self.scopes.sort(key=lambda s: (s[0], (-s[1][0], -s[1][1])))
        self.starts = [s[0] for s in self.scopes]
        self.parents: list[int] = []
        stack: list[int] = []
        for i, (start, end, _) in enumerate(self.scopes):
            while stack and not (start < self.scopes[stack[-1]][1]):
                stack.pop()
            self.parents.append(stack[-1] if stack else -1)
            stack.append(i)

    def _char_col(self, line: int, byte_col: int) -> int:
        if not (1 <= line <= len(self.t.lines)):
            return byte_col + 1
        return len(self.t.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def is_async(self, line: int, column: int) -> bool:
        pos = (line, column)
        # A def's own header is not inside it; its body starts after the header line, so
        # strict containment of the position is enough for edits in the body.
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            start, end, is_async = self.scopes[i]
            if start < pos < end:
                return is_async
            i = self.parents[i]
        return False


class _Spans:
    """Disjoint, non-touching offset ranges taken so far, sorted: an overlap test is a binary
    search, not a scan of every fix taken before (quadratic on a file with many fixes)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def touches(self, start: int, end: int) -> bool:
        # The last range starting at or before ``end``; the ranges are disjoint, so it is the
        # only one that can reach ``start``.
        i = bisect.bisect_right(self.starts, end) - 1
        return i >= 0 and self.ends[i] >= start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _adds_async(edit: Edit, t: _Text) -> bool:
    # Compare whole lines: the edit may insert just ``async `` in front of a ``with``.
    start, end = t.span(edit)
    first = t.starts[edit.line - 1] if edit.line <= len(t.lines) else len(t.text)
    last = t.starts[edit.end_line - 1] + len(t.lines[edit.end_line - 1]) if edit.end_line <= len(t.lines) else len(t.text)
    before = t.text[first:last]
    after = t.text[first:start] + edit.content + t.text[end:last]
    return len(_ASYNC_WORD.findall(after)) > len(_ASYNC_WORD.findall(before))


def _applicable(f: Finding, unsafe: bool) -> bool:
    fix = f.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe"))


def fixable(findings: Iterable[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if _applicable(f, unsafe)]


def choose(text: str, findings: Sequence[Finding], unsafe: bool) -> tuple[list[Finding], list[str]]:
    """The fixes one round may apply: applicable, on no ``# noqa`` line for their code, adding
    ``await``/``async`` only inside an ``async def``, and overlapping (or touching) no fix taken
    before them in file order. Returns (chosen, problems with fixes that cannot be applied)."""
    t = _Text(text)
    candidates = sorted(fixable(findings, unsafe), key=Finding.sort_key)
    if not candidates:
        return [], []
    suppressions = parse_suppressions(text)
    scopes: _AsyncScopes | None = None
    taken = _Spans()
    chosen: list[Finding] = []
    problems: list[str] = []
    for f in candidates:
        assert f.fix is not None
        try:
            spans = [t.span(e) for e in f.fix.edits]
        except InvalidFix as e:
            problems.append(f"the fix for {f.code} at line {f.line} is broken ({e})")
            continue
        lines = {f.line}
        for e in f.fix.edits:
            lines.update(range(e.line, e.end_line + 1))
        if any(suppressions.suppresses(line, f.code) for line in lines):
            continue
        if any(_adds_async(e, t) for e in f.fix.edits):
            scopes = scopes or _AsyncScopes(text)
            if not all(scopes.is_async(e.line, e.column) for e in f.fix.edits if _adds_async(e, t)):
                continue
        # Touching edits conflict too: two insertions at one place have no defined order.
        if any(taken.touches(start, end) for start, end in spans):
            continue
        for start, end in spans:
            taken.add(start, end)
        chosen.append(f)
    return chosen, problems


def apply_round(text: str, chosen: Sequence[Finding]) -> str:
    edits = [e for f in chosen for e in f.fix.edits]  # type: ignore[union-attr]
    imports = [m for f in chosen for m in f.fix.imports]  # type: ignore[union-attr]
    return add_imports(apply_edits(text, edits), imports)


def _blame(text: str, chosen: Sequence[Finding], must_compile: bool, must_parse: bool = True) -> str:
    """Name the fix (or fixes) whose result is invalid, trying each alone."""
    for f in chosen:
        try:
            reason = invalid_reason(apply_round(text, [f]), must_compile, must_parse=must_parse)
        except InvalidFix as e:
            reason = str(e)
        if reason:
            return f"the fix for {f.code} at line {f.line} would produce invalid code ({reason})"
    codes = ", ".join(sorted({f.code for f in chosen}))
    return f"the fixes for {codes} together would produce invalid code"


# ---------------------------------------------------------------------- the loop
def fix_text(
    text: str,
    lint: LintFn,
    *,
    unsafe: bool = False,
    first: tuple[list[Finding], list[str]] | None = None,
    max_rounds: int = MAX_ROUNDS,
) -> Outcome:
    """Fix ``text`` until nothing fixable is left. ``lint`` relints a new text; ``first`` is the
    lint result of ``text`` when the caller already has it."""
    findings, errors = first if first is not None else lint(text)
    original = text
    original_findings, original_errors = list(findings), list(errors)
    compiled: list[bool] = []

    def must_compile() -> bool:
        """Whether the original compiled (then the fixed text must too): asked only when a
        fixed text does not compile, since compiling a big file is a large part of --fix."""
        if not compiled:
            compiled.append(compiles(original) is None)
        return compiled[0]

    def must_parse() -> bool:
        # A file only libcst reads (syntax newer than this interpreter) is checked by libcst alone.
        return must_compile() or ast_parses(original)

    fixed = 0
    for _ in range(max_rounds):
        chosen, problems = choose(text, findings, unsafe)
        if problems:
            return Outcome(original, 0, original_findings, original_errors + [p + f"; file left unchanged; {REPORT_HINT}" for p in problems[:1]])
        if not chosen:
            return Outcome(text, fixed, list(findings), list(errors))
        try:
            new = apply_round(text, chosen)
            tree, reason = _parse_and_compile(new)
            if reason:
                tree, reason = None, invalid_reason(new, must_compile(), must_parse=must_parse())
        except InvalidFix:
            reason = "invalid"
        if reason:
            message = _blame(text, chosen, must_compile(), must_parse())
            return Outcome(original, 0, original_findings, original_errors + [f"{message}; file left unchanged; {REPORT_HINT}"])
        fixed += len(chosen)
        text = new
        with_tree = getattr(lint, "with_tree", None)
        findings, errors = with_tree(text, tree) if with_tree is not None and tree is not None else lint(text)
    if fixable(findings, unsafe):
        errors = list(errors) + [f"fixes did not converge after {max_rounds} rounds; {REPORT_HINT}"]
    return Outcome(text, fixed, list(findings), list(errors))


# ---------------------------------------------------------------------- bytes and files
def detect_encoding(data: bytes) -> str:
    """The encoding to write the file back in: its coding cookie, ``utf-8-sig`` with a BOM."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return "utf-8"
    return encoding


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` in the original file's encoding (a BOM stays a BOM)."""
    encoding = detect_encoding(original)
    if original.startswith(b"\xef\xbb\xbf") and not encoding.endswith("-sig"):
        encoding = "utf-8-sig"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as e:
        raise InvalidFix(f"the fixed code cannot be written in the file's encoding {encoding} ({e.reason})") from None


class CannotWrite(Exception):
    """The fixed file is not written; ``str(e)`` says why, in one line."""


def _same_content(path: str, original: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return digest(f.read()) == digest(original)
    except OSError:
        return False


def write_fixed(path: str, data: bytes, original: bytes) -> None:
    """Write the fixed content ``data`` over ``path``, whose content the fixes were computed
    from is ``original``. A symlink keeps pointing at its file; a read-only file is refused
    (as ruff does), even where permissions would let us replace it; a file with several hard
    links is written in place, so every name sees the fix; any other file is replaced in one
    step (temp file + rename) keeping its mode bits (setgid included) and owner. Right before
    the write the content is checked again: a file edited meanwhile is left as it is."""
    target = os.path.realpath(path)
    st = os.stat(target)
    if not (st.st_mode & 0o222) or not os.access(target, os.W_OK):
        raise CannotWrite("cannot fix: the file is read-only; left as it is")
    changed = CannotWrite("cannot fix: the file changed while it was being fixed; left as it is")
    if st.st_nlink > 1:
        with open(target, "r+b") as f:
            if digest(f.read()) != digest(original):
                raise changed
            f.seek(0)
            f.write(data)
            f.truncate()
            f.flush()
            os.fsync(f.fileno())
        return
    try:
        replace_atomically(target, data, mode=stat.S_IMODE(st.st_mode), owner=(st.st_uid, st.st_gid), fsync=True, unchanged=lambda: _same_content(target, original))
    except TargetChanged:
        raise changed from None


def unified_diff(display: str, before: str, after: str) -> str:
    import difflib

    out = []
    for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=display, tofile=display):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ---------------------------------------------------------------------- a whole run
@dataclass
class FileFix:
    display: str
    path: str | None  # None for stdin
    original: bytes
    before: str
    after: str
    fixed: int
    # The engine result and what it held before fixing, to put back if the write fails.
    result: object = None
    before_findings: list[Finding] = field(default_factory=list)
    before_errors: list[FileError] = field(default_factory=list)

    def revert(self) -> None:
        if self.result is not None:
            self.result.findings = self.before_findings  # type: ignore[attr-defined]
            self.result.errors = self.before_errors  # type: ignore[attr-defined]

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def new_bytes(self) -> bytes:
        return encode_like(self.original, self.after)


# relinter(path, display, other summaries) -> a LintFn for that file (Workspace.relinter).
Relinter = Callable[[str, str, Sequence], LintFn]


def fix_results(results, items: dict[str, str], relinter: Relinter, *, unsafe: bool, stdin: bytes | None = None, stdin_name: str | None = None) -> list[FileFix]:
    """Fix every linted file that has applicable fixes; ``results`` (engine FileResults) are
    updated in place to what is left after fixing. ``items`` maps display path -> real path;
    ``relinter`` lints the successive texts of a file with the project around it."""
    from asynclint.source import CannotAnalyse, decode

    fixes: list[FileFix] = []
    for r in results:
        if not fixable(r.findings, unsafe):
            continue
        if stdin is not None and r.path == stdin_name:
            path, data = None, stdin
        else:
            path = items.get(r.path)
            if path is None:
                continue
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError as e:
                r.errors.append(FileError(r.path, f"cannot fix: {e.strerror or e}"))
                continue
        try:
            text = decode(data)
        except CannotAnalyse as e:
            r.errors.append(FileError(r.path, f"cannot fix: {e}"))
            continue
        others = [o.summary for o in results if o is not r and o.summary is not None]
        lint = relinter(path or r.path, r.path, others)
        before_findings, before_errors = list(r.findings), list(r.errors)
        first = (before_findings, [e.message for e in before_errors])
        if path is not None and getattr(r, "content_digest", None) != digest(data):
            # Edited since it was linted: positions found in the old text would land anywhere
            # in the new one. The fixes come from these exact bytes.
            first = None
        outcome = fix_text(text, lint, unsafe=unsafe, first=first)
        after = outcome.text
        if outcome.changed:
            try:
                encode_like(data, after)
            except InvalidFix as e:
                outcome = Outcome(text, 0, first[0], first[1] + [f"{e}; file left unchanged"])
                after = text
        r.findings = outcome.findings
        r.errors = [FileError(r.path, m) for m in outcome.errors]
        if outcome.changed:
            fixes.append(FileFix(r.path, path, data, text, after, outcome.fixed, r, before_findings, before_errors))
    return fixes


@dataclass
class FixRun:
    files: list[FileFix]
    errors: list[FileError]  # files that could not be written

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)


def fix_run(results, items: dict[str, str], relinter: Relinter, *, unsafe: bool, write: bool, stdin: bytes | None = None, stdin_name: str | None = None) -> FixRun:
    """Fix the files of a lint run (``results`` are updated in place) and, with ``write``,
    save every changed file on disk (stdin is never written: the caller prints it)."""
    files = fix_results(results, items, relinter, unsafe=unsafe, stdin=stdin, stdin_name=stdin_name)
    errors: list[FileError] = []
    if write:
        kept = []
        for ff in files:
            if ff.path is None:
                kept.append(ff)
                continue
            try:
                write_fixed(ff.path, ff.new_bytes(), ff.original)
            except CannotWrite as e:
                ff.revert()
                errors.append(FileError(ff.display, str(e)))
                continue
            except OSError as e:
                ff.revert()
                errors.append(FileError(ff.display, f"cannot write the fixed file: {e.strerror or e}"))
                continue
            kept.append(ff)
        files = kept
    return FixRun(files, errors)

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
import io
import os
import re
import stat
import tokenize
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from asynclint.atomic import replace_atomically
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
    out = text
    for start, end, edit in reversed(spans):
        out = out[:start] + _with_newline(edit.content, nl) + out[end:]
    return out


# ---------------------------------------------------------------------- imports
def _imported(node, module: str) -> bool:
    """True when a module-level ``import`` statement binds ``module`` under its own name."""
    import libcst as cst

    if not isinstance(node, cst.Import):
        return False
    for alias in node.names:
        if alias.asname is not None:
            continue
        name = cst.helpers.get_full_name_for_node(alias.name) or ""
        # ``import asyncio.subprocess`` binds ``asyncio`` too.
        if name == module or name.startswith(module + "."):
            return True
    return False


def _module_imports(body) -> Iterable:
    """Every import small-statement at module level, also inside top-level if/try blocks."""
    import libcst as cst

    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
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
    """Add ``import m`` for each module not yet imported at module level, once, after the
    module docstring, ``from __future__`` imports and the top import block."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wanted = sorted(set(modules))
    if not wanted:
        return text
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
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                start = (node.lineno, self._char_col(node.lineno, node.col_offset))
                end = (node.end_lineno or node.lineno, self._char_col(node.end_lineno or node.lineno, node.end_col_offset or 0))
                self.scopes.append((start, end, isinstance(node, ast.AsyncFunctionDef)))

    def _char_col(self, line: int, byte_col: int) -> int:
        if not (1 <= line <= len(self.t.lines)):
            return byte_col + 1
        return len(self.t.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def is_async(self, line: int, column: int) -> bool:
        pos = (line, column)
        inner = None
        for start, end, is_async in self.scopes:
            # A def's own header is not inside it; its body starts after the header line, so
            # strict containment of the position is enough for edits in the body.
            if start < pos < end and (inner is None or start > inner[0]):
                inner = (start, is_async)
        return inner is not None and inner[1]


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
    taken: list[tuple[int, int]] = []
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
        if any(not (end < ts or te < start) for start, end in spans for ts, te in taken):
            continue
        taken.extend(spans)
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
    must_compile = compiles(text) is None
    # A file only libcst reads (syntax newer than this interpreter) is checked by libcst alone.
    must_parse = must_compile or ast_parses(text)
    fixed = 0
    for _ in range(max_rounds):
        chosen, problems = choose(text, findings, unsafe)
        if problems:
            return Outcome(original, 0, original_findings, original_errors + [p + f"; file left unchanged; {REPORT_HINT}" for p in problems[:1]])
        if not chosen:
            return Outcome(text, fixed, list(findings), list(errors))
        try:
            new = apply_round(text, chosen)
            reason = invalid_reason(new, must_compile, must_parse=must_parse)
        except InvalidFix:
            reason = "invalid"
        if reason:
            message = _blame(text, chosen, must_compile, must_parse)
            return Outcome(original, 0, original_findings, original_errors + [f"{message}; file left unchanged; {REPORT_HINT}"])
        fixed += len(chosen)
        text = new
        findings, errors = lint(text)
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


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file's content in one step (temp file in the same directory + rename),
    keeping its permission bits; a symlink keeps pointing at the file it pointed at."""
    target = os.path.realpath(path)
    st = os.stat(target)
    mode = stat.S_IMODE(st.st_mode)
    replace_atomically(target, data, mode=mode, owner=(st.st_uid, st.st_gid), fsync=True)


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
                with open(ff.path, "rb") as fh:
                    if fh.read() != ff.original:
                        ff.revert()
                        errors.append(FileError(ff.display, "cannot fix: the file changed while it was being fixed; left as it is"))
                        continue
                write_atomic(ff.path, ff.new_bytes())
            except OSError as e:
                ff.revert()
                errors.append(FileError(ff.display, f"cannot write the fixed file: {e.strerror or e}"))
                continue
            kept.append(ff)
        files = kept
    return FixRun(files, errors)

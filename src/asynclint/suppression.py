"""``# noqa`` comments, read with the tokenizer so a ``# noqa`` inside a string never counts.

Applied by the engine after every rule ran (and after the project pass), never in a rule.

Accepted forms (as flake8 and ruff read them):

- ``# noqa`` alone: every finding on the line;
- ``# noqa: ASL101`` / ``# noqa:ASL101,ASL102`` / ``# noqa: ASL101 ASL102``: those codes only
  (codes of other tools, such as ``E501``, may be mixed in); text after the codes, separated
  by a space, is an explanation;
- ``# asynclint: noqa`` / ``# asynclint: noqa: ASL101`` among the file's leading comments: the
  whole file;
- a peer linter's code for the same check (``# noqa: ASYNC230`` written for flake8-async or
  ruff) silences ours too (ASL104; the table is ``asynclint.knowledge.peers``).

A code list that is not one (``# noqa: XYZ``, ``# noqa: ASL-101``, ``# noqa:`` with nothing
after) is reported as a warning and suppresses nothing; a well-formed code no rule has
(``ASL999``) suppresses nothing either. Neither ever becomes a blanket ``# noqa``.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from asynclint.knowledge.peers import EQUIVALENT

_NOQA = re.compile(r"#\s*noqa\b(?P<colon>\s*:)?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*asynclint:\s*noqa\b(?P<colon>\s*:)?", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")
_TOKEN = re.compile(r"[^\s,]+")
ALL = "*"


@dataclass(frozen=True)
class CodeAt:
    code: str  # upper case
    column: int  # 0-based offset in the line, in characters
    end_column: int


@dataclass(frozen=True)
class Directive:
    """One ``# noqa`` comment: where it is and what it names."""

    line: int
    column: int  # 0-based offset of its '#'
    end_column: int  # end of the code list (or of 'noqa' for a blanket one)
    comment_end: int  # end of the whole comment
    codes: tuple[CodeAt, ...] = ()
    blanket: bool = False
    problem: str = ""  # why the code list is invalid ("" when it is fine)
    space_before: int = 0  # blanks between the code before it and its '#'
    first_on_line: bool = False  # nothing but blanks before it on the line
    after: str = ""  # the rest of the comment after the code list (or after a bare 'noqa')


@dataclass
class Suppressions:
    lines: dict[int, frozenset[str]] = field(default_factory=dict)  # line -> codes, or {ALL}
    file_codes: frozenset[str] = frozenset()

    def suppresses(self, line: int, code: str) -> bool:
        if ALL in self.file_codes or code in self.file_codes:
            return True
        codes = self.lines.get(line)
        return codes is not None and (ALL in codes or code in codes)


def read_code_list(text: str, start: int) -> tuple[list[CodeAt], int, str]:
    """The codes after ``noqa:`` from ``start`` in ``text``: (codes, end of the list, problem).

    Codes are separated by commas and/or spaces. A word after a space that is not a code ends
    the list (an explanation); a non-code first word, or one after a comma, makes it invalid.
    """
    codes: list[CodeAt] = []
    end = start
    after_comma = False
    pos = start
    for m in _TOKEN.finditer(text, start):
        sep = text[pos : m.start()]
        word = m.group()
        if "," in sep:
            after_comma = True
        if word.startswith("#"):
            break
        if _CODE.fullmatch(word):
            codes.append(CodeAt(word.upper(), m.start(), m.end()))
            end = m.end()
            after_comma = False
            pos = m.end()
            continue
        if not codes:
            return [], m.end(), f"'{word}' is not a rule code"
        if after_comma:
            return codes, end, f"'{word}' is not a rule code"
        break
    if not codes:
        return [], start, "no codes after 'noqa:'"
    return codes, end, ""


def _directive(comment: str, line: int, offset: int, m: re.Match, before: str = "") -> Directive:
    """``before``: the line's text before the comment, for the blanks before the directive."""
    comment_end = offset + len(comment.rstrip("\r\n"))
    head = before + comment[: m.start()]
    space = len(head) - len(head.rstrip(" \t"))
    first = not head.strip()
    body = comment.rstrip("\r\n")
    if not m.group("colon"):
        return Directive(line, offset + m.start(), offset + m.end(), comment_end, blanket=True, space_before=space, first_on_line=first, after=body[m.end():])
    codes, end, problem = read_code_list(comment, m.end())
    shifted = tuple(CodeAt(c.code, offset + c.column, offset + c.end_column) for c in codes)
    stop = end if codes else m.end()
    return Directive(line, offset + m.start(), offset + stop, comment_end, shifted, problem=problem, space_before=space, first_on_line=first, after=body[stop:])


def iter_comments(source: str):
    """(line, 0-based column, text, leading, text before it on the line) for each comment
    token; ``leading`` while no code came before it."""
    leading = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string, leading, tok.line[: tok.start[1]]
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
                leading = False
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return


def directives(source: str) -> list[Directive]:
    """Every line ``# noqa`` comment of the file (not the file-level ones)."""
    out: list[Directive] = []
    if "noqa" not in source.lower():
        return out
    for line, col, text, _leading, before in iter_comments(source):
        if _FILE_NOQA.search(text):
            continue
        m = _NOQA.search(text)
        if m:
            out.append(_directive(text, line, col, m, before))
    return out


def parse_suppressions(source: str) -> Suppressions:
    result = Suppressions()
    if "noqa" not in source and "NOQA" not in source:
        return result
    file_codes: set[str] = set()
    for line, col, text, leading, _before in iter_comments(source):
        fm = _FILE_NOQA.search(text)
        if fm:
            if leading:
                d = _directive(text, line, col, fm)
                file_codes |= {ALL} if d.blanket else _with_equivalents(c.code for c in d.codes)
            continue  # a file directive after code is not a line noqa either
        m = _NOQA.search(text)
        if m:
            d = _directive(text, line, col, m)
            codes = frozenset({ALL}) if d.blanket else _with_equivalents(c.code for c in d.codes)
            result.lines[line] = result.lines.get(line, frozenset()) | codes
    result.file_codes = frozenset(file_codes)
    return result


def _with_equivalents(codes) -> frozenset[str]:
    """The codes named, and ours for a peer's code of the same check (``ASYNC230`` -> ASL104)."""
    out = set()
    for code in codes:
        out.add(code)
        if code in EQUIVALENT:
            out.add(EQUIVALENT[code])
    return frozenset(out)


def directive_warnings(source: str, known_codes: frozenset[str] | None = None) -> list[tuple[int, str]]:
    """(line, message) for each ``# noqa`` that does not say what it seems to: an invalid code
    list, or an ``ASL`` code no rule has. ``known_codes``: the rule codes (default: all)."""
    if known_codes is None:
        from asynclint.registry import all_rules

        known_codes = frozenset(r.code for r in all_rules())
    out = []
    for d in directives(source):
        if d.problem:
            out.append((d.line, f"invalid `# noqa` code list: {d.problem}; it suppresses {_what(d)} (expected e.g. `# noqa: ASL101, ASL102`)"))
        for c in d.codes:
            if c.code.startswith("ASL") and c.code not in known_codes:
                out.append((d.line, f"`# noqa`: unknown code {c.code}; it suppresses nothing (see `asynclint rules`)"))
    return out


def _what(d: Directive) -> str:
    return "only " + ", ".join(c.code for c in d.codes) if d.codes else "nothing"

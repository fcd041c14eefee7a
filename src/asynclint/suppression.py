"""``# noqa`` comments, read with the tokenizer so a ``# noqa`` inside a string never counts.

Applied by the engine after every rule ran (and after the project pass), never in a rule.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*asynclint:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
ALL = "*"


@dataclass
class Suppressions:
    lines: dict[int, frozenset[str]] = field(default_factory=dict)  # line -> codes, or {ALL}
    file_codes: frozenset[str] = frozenset()

    def suppresses(self, line: int, code: str) -> bool:
        if ALL in self.file_codes or code in self.file_codes:
            return True
        codes = self.lines.get(line)
        return codes is not None and (ALL in codes or code in codes)


def _codes(m: re.Match) -> frozenset[str]:
    raw = m.group("codes")
    if not raw:
        return frozenset({ALL})
    return frozenset(c.upper() for c in re.split(r"[,\s]+", raw) if c)


def parse_suppressions(source: str) -> Suppressions:
    result = Suppressions()
    if "noqa" not in source and "NOQA" not in source:
        return result
    leading = True
    file_codes: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                fm = _FILE_NOQA.search(tok.string)
                if fm and leading:
                    file_codes |= _codes(fm)
                    continue
                if fm:
                    continue  # a file directive after code is not a line noqa either
                m = _NOQA.search(tok.string)
                if m:
                    line = tok.start[0]
                    result.lines[line] = result.lines.get(line, frozenset()) | _codes(m)
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
                leading = False
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    result.file_codes = frozenset(file_codes)
    return result

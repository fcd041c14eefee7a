"""``asynclint check --add-noqa``: a ``# noqa: CODE`` on every line with a finding, as ruff's
``--add-noqa`` does, so a legacy code base starts clean and every new finding fails.

Codes join an existing ``# noqa: ...`` comment on the line; other comments stay. A line that
ends inside a string or continues with a backslash cannot carry a comment: it is reported and
left. A file is written only when the result parses and suppresses what it should.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from typing import Sequence

import click

from asynclint.finding import FileError, Finding

NOQA_CHECK_CODE = "ASL100"  # its findings are about noqa comments: never silenced by one


def _lines_ending_in_a_token(text: str) -> set[int]:
    """Lines whose end is inside a multi-line token (a string, an f-string part)."""
    out: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.end[0] > tok.start[0] and tok.type not in (tokenize.NL, tokenize.NEWLINE):
                out.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return out


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def add_to_text(text: str, wanted: dict[int, set[str]]) -> tuple[str, int, list[tuple[int, str]]]:
    """(new text, lines changed, [(line, why it was left)])."""
    from asynclint.source import split_lines
    from asynclint.suppression import directives

    lines = split_lines(text)
    existing = {d.line: d for d in directives(text)}
    inside = _lines_ending_in_a_token(text)
    changed = 0
    skipped: list[tuple[int, str]] = []
    for n in sorted(wanted):
        if not 0 < n <= len(lines):
            continue
        codes = sorted(wanted[n])
        body, ending = _split_ending(lines[n - 1])
        d = existing.get(n)
        if n in inside:
            skipped.append((n, "the line ends inside a string"))
            continue
        if d is None and body.rstrip().endswith("\\"):
            skipped.append((n, "the line continues with a backslash"))
            continue
        if d is not None and d.blanket:
            continue  # already silenced entirely
        if d is not None and d.codes:
            have = {c.code for c in d.codes}
            new = [c for c in codes if c not in have]
            if not new:
                continue
            body = body[: d.end_column] + ", " + ", ".join(new) + body[d.end_column :]
        elif d is not None:  # "# noqa:" with no valid code list: the codes go first
            rest = body[d.end_column :]
            joined = ", ".join(codes)
            body = body[: d.end_column] + " " + joined + ("," + " " + rest.lstrip() if rest.strip() else "")
        else:
            body = body.rstrip() + "  # noqa: " + ", ".join(codes)
        lines[n - 1] = body + ending
        changed += 1
    return "".join(lines), changed, skipped


def add_noqa_and_report(findings: Sequence[Finding], errors: list[FileError], config) -> int:
    from asynclint.cli_common import EXIT_CLEAN, EXIT_ERROR
    from asynclint.fix import encode_like, write_fixed
    from asynclint.source import CannotAnalyse, decode, parse
    from asynclint.suppression import parse_suppressions

    by_file: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in findings:
        if f.path == "-" or f.code == NOQA_CHECK_CODE or f.origin != "static":
            continue
        by_file[f.path][f.line].add(f.code)
    errors = list(errors)
    total = 0
    for path in sorted(by_file):
        wanted = by_file[path]
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            text = decode(data)
        except (OSError, CannotAnalyse) as e:
            errors.append(FileError(path, f"cannot add noqa: {getattr(e, 'strerror', None) or e}"))
            continue
        new, changed, skipped = add_to_text(text, wanted)
        for line, why in skipped:
            click.echo(f"{path}:{line}: warning: cannot add a `# noqa` comment: {why}", err=True)
        if not changed:
            continue
        try:
            parse(new, path)
        except CannotAnalyse as e:
            errors.append(FileError(path, f"not changed: adding noqa comments would break it ({e})"))
            continue
        sup = parse_suppressions(new)
        missed = [(n, c) for n, cs in wanted.items() for c in cs if not sup.suppresses(n, c) and all(n != s for s, _ in skipped)]
        if missed:
            errors.append(FileError(path, f"not changed: the comments added would not suppress {missed[0][1]} on line {missed[0][0]}"))
            continue
        try:
            write_fixed(path, encode_like(data, new), data)
        except Exception as e:  # noqa: BLE001 - InvalidFix (encoding) or OSError: one line, go on
            errors.append(FileError(path, f"cannot write: {getattr(e, 'strerror', None) or e}"))
            continue
        total += changed
    for e in errors:
        click.echo(str(e), err=True)
    if not config.quiet:
        click.echo(f"Added {total} noqa directive{'' if total == 1 else 's'}.")
    return EXIT_ERROR if errors else EXIT_CLEAN

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from asynclint.finding import FileError, Finding

Style = Callable[[str, str], str]  # (text, role) -> text, ANSI-coloured or not

# Roles -> ANSI SGR codes; the palette follows ruff's (bold path, red code, cyan fix mark).
_SGR = {"path": "1", "code": "1;31", "fix": "36", "gutter": "34;1", "caret": "31;1", "note": "36", "summary": "1"}


def plain(text: str, role: str) -> str:
    return text


def ansi(text: str, role: str) -> str:
    sgr = _SGR.get(role)
    return f"\x1b[{sgr}m{text}\x1b[0m" if sgr and text else text


def line_of(f: Finding, style: Style = plain) -> str:
    mark = ""
    if f.fix is not None:
        mark = " " + style("[*]" if f.fix.applicability == "safe" else "[*unsafe]", "fix")
    origin = " (runtime)" if f.origin == "runtime" else ""
    count = f.extra.get("count", 1) if f.extra else 1
    times = f" (x{count})" if count and count > 1 else ""
    return f"{style(f.path, 'path')}:{f.line}:{f.column}: {style(f.code, 'code')}{mark} {f.message}{origin}{times}"


class SourceLines:
    """The lines of the files findings point into, read once each; nothing for a file that
    cannot be read (stdin, a file gone since)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._files: dict[str, list[str] | None] = {}
        from asynclint.source import split_lines

        for path, text in (texts or {}).items():  # stdin: its text, not the file of that name
            self._files[path] = [x.rstrip("\r\n") for x in split_lines(text)]

    def get(self, path: str, n: int) -> str | None:
        if path not in self._files:
            from asynclint.source import split_lines

            try:
                with open(path, "rb") as fh:
                    data = fh.read()
                self._files[path] = [x.rstrip("\r\n") for x in split_lines(data.decode("utf-8", errors="replace"))]
            except OSError:
                self._files[path] = None
        lines = self._files[path]
        if lines is None or not 0 < n <= len(lines):
            return None
        return lines[n - 1]


def snippet(f: Finding, source: SourceLines, style: Style = plain, show_fix: bool = False) -> list[str]:
    """The flagged line under a gutter with its number, and carets under the flagged span."""
    text = source.get(f.path, f.line) if f.path != "-" else None
    if text is None:
        return []
    num = str(f.line)
    pad = " " * len(num)
    bar = style("|", "gutter")
    start = max(0, min(f.column - 1, len(text)))
    if f.end_line == f.line and f.end_column > f.column:
        width = min(f.end_column, len(text) + 1) - f.column
    else:
        width = len(text.rstrip()) - start
    width = max(1, width)
    # Tabs before the column stay tabs, so the carets line up with what the terminal shows.
    indent = "".join("\t" if ch == "\t" else " " for ch in text[:start])
    out = [
        f"{pad} {bar}",
        f"{style(num, 'gutter')} {bar} {text}",
        f"{pad} {bar} {indent}{style('^' * width + ' ' + f.code, 'caret')}",
        f"{pad} {bar}",
    ]
    if show_fix and f.fix is not None and f.fix.description:
        kind = "" if f.fix.applicability == "safe" else " (unsafe)"
        out.append(f"{pad} {style('= fix' + kind + ':', 'note')} {f.fix.description}")
    return out


# Sites listed on the "... and N more call sites" line before it says "..." instead.
_SITES_SHOWN = 8


def _groups(findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """Findings sharing a root cause (``Finding.root``: every call site of one blocking helper,
    ASL110), shown once, at the first site, with one more line for the others. Each of them is
    still a finding (counted, suppressible, reported to editors at its own line)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.root:
            groups.setdefault((f.code, f.root), []).append(f)
    return groups


def _more_sites(f: Finding, others: Sequence[Finding]) -> str:
    sites = ", ".join(f"{o.path}:{o.line}" for o in others[:_SITES_SHOWN]) + (", ..." if len(others) > _SITES_SHOWN else "")
    return f"    ... and {len(others)} more call site{'s' if len(others) != 1 else ''} of {f.root}: {sites}"


def grouped_lines(findings: Sequence[Finding], style: Style = plain) -> list[str]:
    """One line per finding, root-cause groups folded (see ``_groups``)."""
    groups = _groups(findings)
    out = []
    for f in findings:
        group = groups.get((f.code, f.root)) if f.root else None
        if group is None or len(group) == 1:
            out.append(line_of(f, style))
            continue
        if group[0] is not f:
            continue
        out.append(line_of(f, style))
        out.append(_more_sites(f, group[1:]))
    return out


def render_concise(findings: Sequence[Finding], *, style: Style = plain, **_: object) -> str:
    return "".join(line_of(f, style) + "\n" for f in findings)


def render_text(
    findings: Sequence[Finding],
    *,
    errors: Sequence[FileError] = (),
    files_checked: int = 0,
    quiet: bool = False,
    fixed: int = 0,
    hidden: int = 0,
    baseline: str = "",
    snippets: bool = False,
    style: Style = plain,
    show_fixes: bool = False,
    texts: dict[str, str] | None = None,
    **_: object,
) -> str:
    out: list[str] = []
    # --quiet keeps one line per finding, for scripts that read them.
    source = SourceLines(texts) if snippets and not quiet else None
    groups = _groups(findings)
    for f in findings:
        group = groups.get((f.code, f.root)) if f.root else None
        if group is not None and len(group) > 1 and group[0] is not f:
            continue
        out.append(line_of(f, style))
        if group is not None and len(group) > 1:
            out.append(_more_sites(f, group[1:]))
        if source is not None:
            block = snippet(f, source, style, show_fixes)
            if block:
                out.extend(block)
                out.append("")
    if quiet:
        return "".join(x + "\n" for x in out)
    n = len(findings)
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if n:
        parts.append(f"Found {n} finding{'s' if n != 1 else ''} in {files_checked} file{'s' if files_checked != 1 else ''} checked.")
        if safe:
            parts.append(f"{safe} fixable with `--fix`.")
        if unsafe:
            parts.append(f"{unsafe} more with `--unsafe-fixes`.")
    elif errors:
        # Never "All checks passed" when something was not checked (a missing path, say).
        parts.append(f"No findings in {files_checked} file{'s' if files_checked != 1 else ''} checked.")
    elif not fixed:
        parts.append(f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked).")
    if hidden:
        parts.append(f"{hidden} finding{'s' if hidden != 1 else ''} hidden by the baseline ({baseline}; `--no-baseline` shows {'them' if hidden != 1 else 'it'}).")
    if errors:
        parts.append(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be analysed.")
    if out and out[-1] != "":
        out.append("")
    out.append(style(" ".join(parts), "summary"))
    return "\n".join(out) + "\n"


def statistics_rows(findings: Sequence[Finding]) -> list[tuple[str, str, int, bool]]:
    """(code, name, count, fixable) per rule, most frequent first."""
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    return [(code, name, n, bool(fixable.get(code))) for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _roots(findings: Sequence[Finding]) -> dict[str, Counter]:
    """Code -> how many call sites each root cause has (ASL110's blocking helpers)."""
    roots: dict[str, Counter] = {}
    for f in findings:
        if f.root:
            roots.setdefault(f.code, Counter())[f.root] += 1
    return roots


def _by_count(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def render_statistics_json(findings: Sequence[Finding]) -> str:
    import json

    roots = _roots(findings)
    rows = []
    for c, name, n, fx in statistics_rows(findings):
        row: dict = {"code": c, "name": name, "count": n, "fixable": fx}
        if c in roots:
            row["roots"] = [{"root": r, "count": k} for r, k in _by_count(roots[c])]
        rows.append(row)
    return json.dumps(rows, indent=2) + "\n"


def render_statistics(findings: Sequence[Finding], style: Style = plain) -> str:
    roots = _roots(findings)
    lines = []
    for code, name, n, fx in statistics_rows(findings):
        mark = style("[*]", "fix") if fx else "   "
        lines.append(f"{n:>5}  {style(code, 'code')}  {mark} {name}")
        by_root = roots.get(code)
        if by_root and len(by_root) < n:
            top = ", ".join(f"{r} {k}" for r, k in _by_count(by_root)[:3])
            lines.append(f"{'':>5}  {'':<{len(code)}}      from {len(by_root)} root cause{'s' if len(by_root) != 1 else ''}; most call sites: {top}")
    if lines:
        lines.append(f"{len(findings):>5}  total")
    return "".join(x + "\n" for x in lines)


def render_fixed(per_file: Sequence[tuple[str, Counter]], names: dict[str, str], style: Style = plain) -> str:
    """``--show-fixes``: what ``--fix`` changed, per file and rule (as ruff lists it)."""
    total = sum(sum(c.values()) for _, c in per_file)
    if not total:
        return ""
    out = [f"Fixed {total} finding{'s' if total != 1 else ''}:"]
    for path, counts in per_file:
        if not counts:
            continue
        out.append(f"- {style(path, 'path')}:")
        for code, n in sorted(counts.items()):
            out.append(f"    {n} × {style(code, 'code')} ({names.get(code, '')})")
    return "\n".join(out) + "\n"

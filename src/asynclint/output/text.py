from __future__ import annotations

from collections import Counter
from typing import Sequence

from asynclint.finding import FileError, Finding


def line_of(f: Finding) -> str:
    mark = ""
    if f.fix is not None:
        mark = " [*]" if f.fix.applicability == "safe" else " [*unsafe]"
    origin = " (runtime)" if f.origin == "runtime" else ""
    count = f.extra.get("count", 1) if f.extra else 1
    times = f" (x{count})" if count and count > 1 else ""
    return f"{f.path}:{f.line}:{f.column}: {f.code}{mark} {f.message}{origin}{times}"


def render_concise(findings: Sequence[Finding], **_: object) -> str:
    return "".join(line_of(f) + "\n" for f in findings)


def render_text(findings: Sequence[Finding], *, errors: Sequence[FileError] = (), files_checked: int = 0, quiet: bool = False, fixed: int = 0, hidden: int = 0, baseline: str = "", **_: object) -> str:
    out = [line_of(f) for f in findings]
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
    if out:
        out.append("")
    out.append(" ".join(parts))
    return "\n".join(out) + "\n"


def statistics_rows(findings: Sequence[Finding]) -> list[tuple[str, str, int, bool]]:
    """(code, name, count, fixable) per rule, most frequent first."""
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    return [(code, name, n, bool(fixable.get(code))) for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def render_statistics_json(findings: Sequence[Finding]) -> str:
    import json

    rows = [{"code": c, "name": name, "count": n, "fixable": fx} for c, name, n, fx in statistics_rows(findings)]
    return json.dumps(rows, indent=2) + "\n"


def render_statistics(findings: Sequence[Finding]) -> str:
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    lines = []
    for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "[*]" if fixable.get(code) else "   "
        lines.append(f"{n:>5}  {code}  {mark} {name}")
    if lines:
        lines.append(f"{sum(counts.values()):>5}  total")
    return "".join(x + "\n" for x in lines)

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


# Sites listed on the "... and N more call sites" line before it says "..." instead.
_SITES_SHOWN = 8


def grouped_lines(findings: Sequence[Finding]) -> list[str]:
    """One line per finding, except that findings sharing a root cause (``Finding.root``:
    every call site of one blocking helper, ASL110) are shown once, at the first site, with
    one more line for the others: ``... and 19 more call sites of `load()` (app/config.py:8):
    app/a.py:12, app/b.py:40, ...``. Each of them is still a finding (counted, suppressible,
    reported to editors at its own line)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.root:
            groups.setdefault((f.code, f.root), []).append(f)
    out = []
    for f in findings:
        group = groups.get((f.code, f.root)) if f.root else None
        if group is None or len(group) == 1:
            out.append(line_of(f))
            continue
        if group[0] is not f:
            continue
        out.append(line_of(f))
        others = group[1:]
        sites = ", ".join(f"{o.path}:{o.line}" for o in others[:_SITES_SHOWN]) + (", ..." if len(others) > _SITES_SHOWN else "")
        out.append(f"    ... and {len(others)} more call site{'s' if len(others) != 1 else ''} of {f.root}: {sites}")
    return out


def render_text(findings: Sequence[Finding], *, errors: Sequence[FileError] = (), files_checked: int = 0, quiet: bool = False, fixed: int = 0, **_: object) -> str:
    out = grouped_lines(findings)
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
    elif not fixed:
        parts.append(f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked).")
    if errors:
        parts.append(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be analysed.")
    if out:
        out.append("")
    out.append(" ".join(parts))
    return "\n".join(out) + "\n"


def render_statistics(findings: Sequence[Finding]) -> str:
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    roots: dict[str, Counter] = {}
    for f in findings:
        if f.root:
            roots.setdefault(f.code, Counter())[f.root] += 1
    lines = []
    for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "[*]" if fixable.get(code) else "   "
        lines.append(f"{n:>5}  {code}  {mark} {name}")
        by_root = roots.get(code)
        if by_root and len(by_root) < n:
            top = ", ".join(f"{r} {k}" for r, k in sorted(by_root.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
            lines.append(f"{'':>5}  {'':<{len(code)}}      from {len(by_root)} root cause{'s' if len(by_root) != 1 else ''}; most call sites: {top}")
    if lines:
        lines.append(f"{sum(counts.values()):>5}  total")
    return "".join(x + "\n" for x in lines)

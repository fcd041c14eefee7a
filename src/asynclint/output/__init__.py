"""Report formats. Each takes the findings (static or runtime) and returns the text to print."""

from __future__ import annotations

from typing import Callable, Sequence

from asynclint.finding import FileError, Finding


def render(fmt: str, findings: Sequence[Finding], errors: Sequence[FileError] = (), *, files_checked: int = 0, quiet: bool = False, statistics: bool = False, fixed: int = 0, hidden: int = 0, baseline: str = "", snippets: bool = False, color: bool = False, show_fixes: bool = False, texts: dict[str, str] | None = None) -> str:
    """``snippets``: the text format shows each flagged line with carets (the CLI's default;
    off where findings go to a log, as the runtime's); ``texts``: the text of files that are
    not read from disk (stdin, by its name); ``color``: ANSI colours in text, concise and
    statistics."""
    from asynclint.output.text import ansi, plain

    style = ansi if color else plain
    if statistics:
        from asynclint.output.text import render_statistics, render_statistics_json

        return render_statistics_json(findings) if fmt == "json" else render_statistics(findings, style)
    renderer: Callable[..., str]
    if fmt == "json":
        from asynclint.output.json_format import render_json as renderer
    elif fmt == "sarif":
        from asynclint.output.sarif import render_sarif as renderer
    elif fmt == "github":
        from asynclint.output.github import render_github as renderer
    elif fmt == "concise":
        from asynclint.output.text import render_concise as renderer
    else:
        from asynclint.output.text import render_text as renderer
    return renderer(findings, errors=errors, files_checked=files_checked, quiet=quiet, fixed=fixed, hidden=hidden, baseline=baseline, snippets=snippets, style=style, show_fixes=show_fixes, texts=texts)

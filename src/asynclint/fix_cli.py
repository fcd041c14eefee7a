"""``asynclint --fix / --diff / --fix-only``: fix the linted files, write or show the result,
report what is left and choose the exit status."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from asynclint.finding import FileError, Finding


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fixed_listing(run, color: bool) -> str:
    """``--show-fixes``: per file and code, how many findings the fixes removed."""
    from collections import Counter

    from asynclint.output.text import ansi, plain, render_fixed

    per_file = []
    names: dict[str, str] = {}
    for ff in run.files:
        if not ff.fixed:
            continue
        before = Counter(f.code for f in ff.before_findings)
        after = Counter(f.code for f in (ff.result.findings if ff.result is not None else []))  # type: ignore[attr-defined]
        names.update({f.code: f.name for f in ff.before_findings})
        per_file.append((ff.display, before - after))
    return render_fixed(per_file, names, ansi if color else plain)


def fix_and_report(results, items, errors: list[FileError], workspace, opts: dict, stdin: bytes | None, stdin_name: str) -> int:
    """``results``: the lint run; ``items``: (path, display) pairs linted from disk;
    ``errors``: the problems found before linting (missing paths); ``workspace``: the
    run's :class:`asynclint.workspace.Workspace`. Returns the exit status."""
    from asynclint.cli_common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error
    from asynclint.fix import unified_diff
    from asynclint.output import render

    config = workspace.config
    diff, fix_only = bool(opts.get("diff")), bool(opts.get("fix_only"))
    run = workspace.fix_run(
        results,
        {display: path for path, display in items},
        unsafe=config.unsafe_fixes,
        write=not diff,
        stdin=stdin,
        stdin_name=stdin_name if stdin is not None else None,
    )
    errors = list(errors) + [e for r in results for e in r.errors] + run.errors
    findings = sorted((f for r in results for f in r.findings), key=Finding.sort_key)
    from asynclint.cli_common import apply_baseline

    findings, hidden, baseline_shown = apply_baseline(findings, config, workspace.root, opts)
    if baseline_shown is None:
        return EXIT_ERROR
    for e in errors:
        click.echo(str(e), err=True)

    if diff:
        out = sys.stdout
        for ff in run.files:
            out.write(unified_diff(ff.display, ff.before, ff.after))
        out.flush()
        if not config.quiet:
            n = run.fixed
            click.echo(f"Would fix {_plural(n, 'finding')}." if n else "No fixes available.", err=True)
        if errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if any(ff.changed for ff in run.files) else EXIT_CLEAN

    stdin_fix = next((ff for ff in run.files if ff.path is None), None)
    if stdin is not None:
        # Like ruff: the fixed source goes to stdout, so the report must not.
        sys.stdout.buffer.write(stdin_fix.new_bytes() if stdin_fix is not None else stdin)
        sys.stdout.buffer.flush()

    from asynclint.cli_common import use_color

    color = use_color(opts.get("color"), bool(config.output_file) or stdin is not None)
    listing = ""
    if opts.get("show_fixes") and config.format in ("text", "concise") and not config.quiet:
        listing = fixed_listing(run, color)
    if fix_only and config.format in ("text", "concise") and not config.statistics:
        n = run.fixed
        text = "" if config.quiet else (listing or (f"Fixed {_plural(n, 'finding')}.\n" if n else "No fixes applied.\n"))
    else:
        text = render(
            config.format,
            [] if fix_only else findings,
            errors,
            files_checked=len(results),
            quiet=config.quiet,
            statistics=config.statistics,
            fixed=run.fixed,
            hidden=0 if fix_only else hidden,
            baseline=baseline_shown,
            snippets=True,
            color=color,
            texts={stdin_name: stdin_fix.after if stdin_fix is not None else stdin.decode("utf-8", errors="replace")} if stdin is not None else None,
        )
        text = listing + ("\n" if listing and text.strip() else "") + text
    if config.output_file:
        try:
            Path(config.output_file).write_text(text, encoding="utf-8", errors="surrogateescape")  # file names as their bytes, as on stdout
        except OSError as e:
            error(f"{config.output_file}: cannot write: {e.strerror or e}")
            return EXIT_ERROR
    elif stdin is not None:
        sys.stderr.write(text)
        sys.stderr.flush()
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if errors:
        return EXIT_ERROR
    if fix_only:
        return EXIT_CLEAN
    return EXIT_FINDINGS if findings else EXIT_CLEAN

"""What the CLI's commands share (``check``, ``--fix``, ``--add-noqa``): exit codes, the one-line
error, the colour choice and the baseline filter. Below ``cli``, ``fix_cli`` and ``add_noqa``,
which all import it; it imports none of them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def use_color(choice: str | None, to_file: bool) -> bool:
    """--color, then NO_COLOR / FORCE_COLOR (https://no-color.org, https://force-color.org),
    then whether standard output is a terminal."""
    if choice == "always":
        return True
    if choice == "never" or to_file:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def error(message: str) -> None:
    click.echo(f"asynclint: error: {message}", err=True)


def _shown_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def apply_baseline(findings, config, project_root, opts) -> tuple[list, int, str | None]:
    """(findings the baseline does not hide, how many it hid, the baseline's path as shown).
    The path is None after an error (already printed); "" when no baseline applies."""
    from asynclint.baseline import BaselineError, baseline_path, filter_findings, load

    if opts.get("no_baseline"):
        return list(findings), 0, ""
    path = baseline_path(config, project_root)
    try:
        baseline = load(path, project_root)
    except BaselineError as e:
        error(str(e))
        return list(findings), 0, None
    if baseline is None:
        if opts.get("baseline_file") or config.baseline:
            error(f"{_shown_path(path)}: baseline file not found; create it with `asynclint check --write-baseline`")
            return list(findings), 0, None
        return list(findings), 0, ""
    shown, hidden = filter_findings(findings, baseline)
    return shown, hidden, _shown_path(path)

"""Command line: ``asynclint PATHS`` (= ``asynclint check PATHS``), ``rules``, ``rule``."""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path

import click

from asynclint import __version__
from asynclint.cli_common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    _shown_path,
    apply_baseline,
    error,
    use_color,
)
from asynclint.config import FORMATS, ConfigError


class DefaultGroup(click.Group):
    """A group whose default command is ``check``: ``asynclint src/`` works like ruff's."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            first = args[0]
            if _looks_like_command(first):
                near = difflib.get_close_matches(first, sorted(self.commands), n=1)
                hint = f"; did you mean `asynclint {near[0]}`?" if near else f"; commands: {', '.join(sorted(self.commands))}"
                error(f"'{first}': no such command or file{hint}")
                ctx.exit(EXIT_ERROR)
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="asynclint")
def main() -> None:
    """Find asyncio pitfalls: blocking calls in coroutines, coroutines never awaited, tasks
    lost, swallowed cancellation and deprecated event-loop APIs.

    \b
    asynclint src/                  lint files and directories (same as `asynclint check`)
    asynclint rules                 list every rule
    asynclint rule ASL101           explain one rule, with examples
    asynclint clean                 remove the cache

    Exit status: 0 no findings (or --exit-zero), 1 findings, 2 usage/config error or a file
    that could not be analysed, 130 interrupted (Ctrl-C).
    """


def _looks_like_command(word: str) -> bool:
    """A bare word (no path separator, no suffix) that names no file: a mistyped command such as
    `asynclint rulez`, not a path to check."""
    return (
        bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", word))
        and not os.path.lexists(word)
    )


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(x for x in v.replace(",", " ").split() if x)
    return out


def _selector_option(name: str, help_text: str):
    return click.option(name, multiple=True, metavar="CODES", help=help_text)


@main.command("check")
# readable=False: an unreadable file is reported on one line by the run, which goes on with
# the others, instead of click stopping everything with a usage error.
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False, path_type=str))
@click.option("--config", "config_file", metavar="FILE", help="Read settings from FILE (pyproject.toml or asynclint.toml) instead of the nearest one.")
@_selector_option("--select", "Only these rules: codes, prefixes (ASL1) or names, comma separated. Replaces the default selection.")
@_selector_option("--extend-select", "Add rules to the selection (turns on opt-in rules it names, e.g. ASL9).")
@_selector_option("--ignore", "Turn these rules off.")
@_selector_option("--extend-ignore", "Turn these rules off, in addition to --ignore.")
@click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES", help="Ignore rules in files matching GLOB, e.g. 'tests/*:ASL101,ASL104'.")
@click.option("--exclude", multiple=True, metavar="PATTERN", help="Exclude files/directories (replaces the default list).")
@click.option("--extend-exclude", multiple=True, metavar="PATTERN", help="Exclude these too.")
@click.option("--force-exclude/--no-force-exclude", default=None, help="Apply exclusions to files named on the command line.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None, help="Skip files ignored by .gitignore (default: on).")
@click.option("--include-pyi", is_flag=True, default=None, help="Lint *.pyi stubs too.")
@click.option("--target-version", metavar="VERSION", help="Python version the code runs on: 3.10 .. 3.15 (default: requires-python, else 3.10).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), help="Output format (default: text).")
@click.option("--output-file", "-o", metavar="FILE", help="Write the report to FILE.")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Colour the text output: auto = when writing to a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).")
@click.option("--show-fixes", is_flag=True, help="With --fix: list what was fixed, per file and rule. Without: show each fix's description under its finding (text format).")
@click.option("--statistics", is_flag=True, default=None, help="Show counts per rule instead of each finding.")
@click.option("--quiet", "-q", is_flag=True, default=None, help="Print findings only.")
@click.option("--jobs", "-j", type=int, metavar="N", help="Worker processes (default: one per core; at most two per core).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--cache-dir", metavar="DIR", help="Cache directory (default: .asynclint_cache at the project root).")
@click.option("--python", "python", metavar="PATH", help="The project's interpreter or virtual environment, whose libraries are summarised from their installed source (default: .venv in the project root, else the active venv).")
@click.option("--no-noqa", is_flag=True, help="Ignore all # noqa comments (for audits).")
@click.option("--fix/--no-fix", default=None, help="Apply safe fixes to the files, then report what is left (exit 1 if findings remain).")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Let --fix, --diff and --fix-only apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and change no file (exit 1 if there would be changes).")
@click.option("--fix-only", is_flag=True, help="Apply fixes and do not report what is left (exit 0 unless there were errors).")
@click.option("--write-baseline", is_flag=True, help="Record every current finding in the baseline file (.asynclint-baseline.json at the project root, or `baseline`); later runs hide them.")
@click.option("--no-baseline", is_flag=True, help="Show the findings the baseline would hide.")
@click.option("--baseline", "baseline_file", metavar="FILE", help="Use FILE as the baseline instead of `baseline` / .asynclint-baseline.json.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a finding (merged into an existing noqa comment), then exit.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (still 2 when a file could not be analysed).")
@click.option("--stdin-filename", metavar="PATH", help="The name of the file read from '-' (stdin), for messages and per-file settings.")
def check(paths, config_file, output_format, **opts) -> None:
    """Lint PATHS (files or directories, recursively; '-' for stdin)."""
    try:
        status = run_check(list(paths), config_file, output_format, opts)
    except KeyboardInterrupt:
        # Not click's "Aborted!" with exit 1, which a script would take for "findings".
        error("interrupted")
        status = EXIT_INTERRUPTED
    if opts.get("exit_zero") and status == EXIT_FINDINGS:
        status = EXIT_CLEAN
    sys.exit(status)


def cli_overrides(opts: dict, output_format: str | None) -> dict:
    o: dict = {}
    for key in ("select", "extend_select", "ignore", "extend_ignore"):
        if opts.get(key):
            o[key.replace("_", "-")] = _split(opts[key])
    if opts.get("per_file_ignores"):
        table: dict[str, list[str]] = {}
        for item in opts["per_file_ignores"]:
            if ":" not in item:
                raise ConfigError(f"--per-file-ignores: expected GLOB:CODES, got {item!r}")
            glob, codes = item.rsplit(":", 1)
            table.setdefault(glob, []).extend(_split((codes,)))
        o["per-file-ignores"] = table
    if opts.get("exclude"):
        o["exclude"] = list(opts["exclude"])
    if opts.get("extend_exclude"):
        o["extend-exclude"] = list(opts["extend_exclude"])
    for key in ("force_exclude", "respect_gitignore", "include_pyi", "statistics", "quiet", "fix", "unsafe_fixes"):
        if opts.get(key) is not None:
            o[key.replace("_", "-")] = opts[key]
    if opts.get("target_version"):
        o["target-version"] = opts["target_version"]
    if output_format:
        o["format"] = output_format
    if opts.get("output_file"):
        o["output-file"] = opts["output_file"]
    if opts.get("jobs") is not None:
        o["jobs"] = opts["jobs"]
    if opts.get("no_cache"):
        o["cache"] = False
    if opts.get("cache_dir"):
        o["cache-dir"] = os.path.abspath(opts["cache_dir"])  # relative to where it was typed
    if opts.get("python"):
        o["python"] = os.path.abspath(opts["python"])  # relative to where it was typed
    if opts.get("no_noqa"):
        o["noqa"] = False
    if opts.get("baseline_file"):
        o["baseline"] = os.path.abspath(opts["baseline_file"])
    return o


def run_check(paths: list[str], config_file: str | None, output_format: str | None, opts: dict) -> int:
    from asynclint.engine import FileResult
    from asynclint.files import discover
    from asynclint.finding import FileError
    from asynclint.gc_policy import for_analysis
    from asynclint.output import render
    from asynclint.workspace import Workspace

    for_analysis()
    if not paths:
        paths = ["."]
    try:
        workspace = Workspace.load(paths, config_file=config_file, overrides=cli_overrides(opts, output_format))
    except ConfigError as e:
        error(str(e))
        return EXIT_ERROR
    config = workspace.config
    project_root = workspace.root
    stdin_name = opts.get("stdin_filename")
    errors: list[FileError] = []
    results: list[FileResult] = []
    file_paths = [p for p in paths if p != "-"]
    disc = discover(file_paths, config)
    for m in disc.missing:
        errors.append(FileError(m, "cannot analyse: no such file or directory"))
    for p, reason in disc.unreadable:
        errors.append(FileError(p, f"cannot analyse: {reason}"))
    from asynclint.progress import ProgressBar, wanted

    bar = ProgressBar() if wanted(config.quiet) else None
    try:
        fixing = bool(config.fix or opts.get("fix_only") or opts.get("diff"))
        run = workspace.lint_files(disc.files, progress=bar, findings_only=not fixing, scope=file_paths)
    finally:
        if bar is not None:
            bar.close()
    results = run.files
    stdin_text = None
    if "-" in paths:
        data = sys.stdin.buffer.read()
        stdin_text = data.decode("utf-8", errors="replace")
        name = stdin_name or "-"
        res = workspace.lint_text(data, name, name)
        run.findings.extend(sorted(res.findings, key=lambda f: f.sort_key()))
        run.errors.extend(res.errors)
        results.append(res)
    if opts.get("add_noqa") and (config.fix or opts.get("fix_only") or opts.get("diff") or opts.get("write_baseline")):
        error("--add-noqa cannot be combined with --fix, --fix-only, --diff or --write-baseline")
        return EXIT_ERROR
    if config.fix or opts.get("fix_only") or opts.get("diff"):
        from asynclint.fix_cli import fix_and_report

        return fix_and_report(results, disc.files, errors, workspace, opts, data if "-" in paths else None, stdin_name or "-")
    errors.extend(run.errors)
    findings = run.findings
    warn_malformed_noqa(findings, config)
    if opts.get("add_noqa"):
        from asynclint.add_noqa import add_noqa_and_report

        return add_noqa_and_report(findings, errors, config)
    if opts.get("write_baseline"):
        return write_baseline(findings, errors, config, project_root, [p for p, _ in disc.files])
    findings, hidden, baseline_shown = apply_baseline(findings, config, project_root, opts)
    if baseline_shown is None:
        return EXIT_ERROR
    analysed = sum(1 for r in results if not any(e.message.startswith("cannot analyse") for e in r.errors))
    text = render(
        config.format,
        findings,
        errors,
        files_checked=analysed,
        quiet=config.quiet,
        statistics=config.statistics,
        hidden=hidden,
        baseline=baseline_shown,
        snippets=True,
        color=use_color(opts.get("color"), bool(config.output_file)),
        show_fixes=bool(opts.get("show_fixes")),
        texts={stdin_name or "-": stdin_text} if stdin_text is not None else None,
    )
    for e in errors:
        click.echo(str(e), err=True)
    if hidden and not config.quiet and (config.format != "text" or config.statistics):
        click.echo(f"asynclint: {hidden} finding{'s' if hidden != 1 else ''} hidden by the baseline ({baseline_shown})", err=True)
    if config.output_file:
        try:
            Path(config.output_file).write_text(text, encoding="utf-8", errors="surrogateescape")  # file names as their bytes, as on stdout
        except OSError as e:
            error(f"{config.output_file}: cannot write: {e.strerror or e}")
            return EXIT_ERROR
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def warn_malformed_noqa(findings, config) -> None:
    """One warning line per `# noqa` that does not say what it seems to (an invalid code list,
    an unknown ASL code), in the files with findings: there, a finding may be shown that the
    author meant to silence. (ASL100 finds the unknown codes everywhere.)"""
    if not config.noqa or config.quiet:
        return
    from asynclint.suppression import directive_warnings

    for path in sorted({f.path for f in findings if f.origin == "static" and f.path != "-"}):
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue
        if "noqa" not in text.lower():
            continue
        for line, message in directive_warnings(text):
            click.echo(f"{path}:{line}: warning: {message}", err=True)


def write_baseline(findings, errors, config, project_root, checked: list[str]) -> int:
    from asynclint.baseline import BaselineError, baseline_path, write

    path = baseline_path(config, project_root)
    for e in errors:
        click.echo(str(e), err=True)
    try:
        n = write(path, findings, checked, project_root)
    except BaselineError as e:
        error(str(e))
        return EXIT_ERROR
    if not config.quiet:
        shown = _shown_path(path)
        click.echo(f"Wrote {n} finding{'' if n == 1 else 's'} to {shown}; later runs hide them (`--no-baseline` shows them).")
    return EXIT_ERROR if errors else EXIT_CLEAN


@main.command("run", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text", help="Report format (default: text).")
@click.option("--output-file", "-o", metavar="FILE", help="Write the report to FILE instead of stderr.")
@click.option("--slow-threshold", "slow_threshold_ms", type=float, default=100.0, metavar="MS", help="Report loop steps longer than MS milliseconds (ASL501; default 100).")
@click.option("--include-libraries", is_flag=True, help="Also report locations in installed packages, not only under the project root.")
@click.option("--strict", is_flag=True, help="Raise at blocking calls on the loop instead of only recording them.")
@click.option("--fail-on-findings", is_flag=True, help="Exit 1 when there are findings (and the program itself exited 0).")
@click.option("--no-noqa", is_flag=True, help="Ignore all # noqa comments.")
@click.option("--config", "config_path", metavar="FILE", help="Read select, ignore and per-file-ignores from FILE (default: the [tool.asynclint] of the nearest pyproject.toml or asynclint.toml).")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def run_cmd(command, **opts) -> None:
    """Run COMMAND (after --) with the runtime hooks: `asynclint run -- python app.py`,
    `-- python -m pkg`, `-- pytest tests/`. The program's output and exit status are its own;
    the report goes to stderr when it ends. `select`, `ignore` and `per-file-ignores` of the
    configuration apply to runtime findings as they do to static ones."""
    from asynclint.runtime.cli_run import run_command

    sys.exit(run_command(list(command), **opts))


@main.command("clean")
@click.option("--config", "config_file", metavar="FILE", help="Read cache-dir from FILE instead of the nearest configuration.")
@click.option("--cache-dir", metavar="DIR", help="The cache directory to remove (default: the one `check` uses).")
def clean_cmd(config_file: str | None, cache_dir: str | None) -> None:
    """Remove the cache (`.asynclint_cache` at the project root, or `cache-dir`)."""
    from asynclint.cache import remove_cache_dir, resolve_cache_dir
    from asynclint.config import load_config
    from asynclint.files import find_project_root

    try:
        config = load_config(config_file, overrides={"cache-dir": os.path.abspath(cache_dir)} if cache_dir else None)
    except ConfigError as e:
        error(str(e))
        sys.exit(EXIT_ERROR)
    directory = resolve_cache_dir(config, find_project_root(["."]))
    try:
        removed = remove_cache_dir(directory)
    except ValueError as e:
        error(str(e))
        sys.exit(EXIT_ERROR)
    except OSError as e:
        error(f"{directory}: cannot remove: {e.strerror or e}")
        sys.exit(EXIT_ERROR)
    click.echo(f"Removed {directory}" if removed else f"No cache at {directory}")


@main.command("server")
def server_cmd() -> None:
    """Run the language server for editors (LSP over stdin/stdout): diagnostics as you type,
    quick fixes, `# noqa` actions, fix-all and hover. Editors start it themselves; see the
    "Editors" page of the documentation for each editor's setup."""
    from asynclint.gc_policy import for_analysis
    from asynclint.lsp.server import serve

    for_analysis()
    serve()


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="Output format.")
def rules_cmd(output_format: str) -> None:
    """List every rule: code, name, default on/off, fixable, found by static analysis or at run
    time (`asynclint run`), summary."""
    import json

    from asynclint.registry import all_rules

    rows = all_rules()
    if output_format == "json":
        click.echo(
            json.dumps(
                [{"code": r.code, "name": r.name, "default": not r.opt_in, "fix": r.fix, "found_by": "runtime" if r.runtime_only else "static", "summary": r.summary} for r in rows],
                indent=2,
            )
        )
        return
    width = max(len(r.name) for r in rows)
    click.echo(f"{'code':<7} {'name':<{width}} {'default':<7} {'fix':<6} {'found':<7} summary")
    for r in rows:
        found = "runtime" if r.runtime_only else "static"
        click.echo(f"{r.code:<7} {r.name:<{width}} {'off' if r.opt_in else 'on':<7} {(r.fix or '-'):<6} {found:<7} {r.summary}")


@main.command("rule")
@click.argument("key")
def rule_cmd(key: str) -> None:
    """Explain one rule (by code or name), with its examples."""
    from asynclint.docgen import rule_markdown
    from asynclint.registry import find_rule

    rule = find_rule(key)
    if rule is None:
        error(f"unknown rule '{key}'; see `asynclint rules`")
        sys.exit(EXIT_ERROR)
    click.echo(rule_markdown(rule, highlight=False))
    click.echo(f"Documentation: {rule.doc_url()}")


if __name__ == "__main__":  # pragma: no cover
    main()
